import Backbones

/// The encoders `slidemil extract --backbone` accepts, as text for `slidemil encoders` and the
/// extract help.
public enum EncoderTable {
    /// One line per backbone: name, output width, input size and architecture (in full when
    /// `detailed`, else its family only, to fit a help screen).
    public static func summaryLines(detailed: Bool = false) -> [String] {
        ExtractBackbone.allCases.map { backbone in
            let name = backbone.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)
            if let resnet = backbone.configuration() {
                return "\(name)\(pad(resnet.outputWidth)) features, 224 px, ResNet"
            }
            if let preset = backbone.preset {
                let architecture = architectureName(preset.architecture)
                let shown = detailed ? architecture : String(architecture.prefix { $0 != "," })
                return "\(name)\(pad(preset.outputWidth)) features, \(preset.inputSize) px, \(shown)"
            }
            return "\(name)    timm ViT described by config.json beside the weights"
        }
    }

    /// The full table: the summary, then per preset its normalisation, TRIDENT folder, weights
    /// page and the source of its configuration.
    public static var text: String {
        var lines = ["backbone        output         input   architecture"] + summaryLines(detailed: true) + [""]
        for preset in EncoderPreset.all {
            lines.append("\(preset.name):")
            lines.append("  normalisation  mean \(triple(preset.mean)), std \(triple(preset.std))")
            lines.append("  output folder  features_\(preset.tridentName)/ (TRIDENT's name)")
            lines.append("  weights        \(preset.weightsPage) (\(preset.weightNames.summary) names)")
            lines.append("  configuration  \(preset.source)")
        }
        return lines.joined(separator: "\n")
    }

    /// e.g. "ViT-L/16, 24 blocks, LayerScale, cls" or with "4 registers, SwiGLU".
    public static func architectureName(_ c: VisionTransformerConfiguration) -> String {
        let size: String
        switch (c.width, c.depth) {
        case (384, _): size = "S"
        case (768, _): size = "B"
        case (1024, _): size = "L"
        case (1280, _), (1536, 24): size = "H"  // UNI2-h calls its 1536-wide, 24-block ViT "ViT-H"
        case (1536, _): size = "g"
        default: size = "\(c.width)"
        }
        var parts = ["ViT-\(size)/\(c.patchSize)", "\(c.depth) blocks"]
        if c.registerTokens > 0 { parts.append("\(c.registerTokens) registers") }
        parts.append(c.mlpKind == .packedGLU ? "SwiGLU" : "GELU MLP")
        if c.layerScale { parts.append("LayerScale") }
        switch c.pooling {
        case .classToken: parts.append("class token")
        case .meanPatchTokens: parts.append("mean of patch tokens")
        case .classTokenAndMeanPatchTokens: parts.append("class token + mean of patch tokens")
        case .attentionalPooler:
            let pooler = c.attentionalPooler.map { "attentional pooler (\($0.heads) heads, \($0.width))" }
            parts.append(pooler ?? "attentional pooler")
        }
        return parts.joined(separator: ", ")
    }

    private static func pad(_ width: Int) -> String {
        String(width).leftPadded(to: 5)
    }

    private static func triple(_ values: [Float]) -> String {
        "(" + values.map { "\($0)" }.joined(separator: ", ") + ")"
    }
}

private extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: " ", count: length - count) + self
    }
}
