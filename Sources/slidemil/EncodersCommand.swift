import ArgumentParser
import ExtractStage

struct EncodersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encoders",
        abstract: "List the feature encoders 'slidemil extract --backbone' runs, with output width and input.",
        discussion: """
        For each Vision Transformer preset: its normalisation, the TRIDENT-style output folder, \
        where to download the weights (nothing is bundled: most models are gated) and where its \
        configuration comes from. docs/encoders.md walks from a downloaded model to features and a \
        trained MIL model.
        """
    )

    func run() {
        print(EncoderTable.text)
    }
}
