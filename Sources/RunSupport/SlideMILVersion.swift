/// The SlideMIL release this build belongs to.
public enum SlideMILVersion {
    public static let current = "0.1.0"
}
