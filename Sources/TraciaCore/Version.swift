public enum TraciaVersion {
    public static let string = "0.1.0"
}
