/// The 64-bit FNV-1a hash behind every settings fingerprint SlideMIL stores (patch and feature
/// files' `config_hash`, the MNIST feature cache key), so resume checks compare like with like.
public enum SettingsFingerprint {
    /// FNV-1a over the UTF-8 bytes of `text`.
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
