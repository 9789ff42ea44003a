/// The library's version. include/tracia.h's TRACIA_VERSION_MAJOR, _MINOR and _PATCH are the
/// source the build reads; this copy is tested against them (Tests/integration/test_packaging.py).
public enum TraciaVersion {
    /// Static text, so tracia_version() can hand out its bytes.
    public static let text: StaticString = "0.1.0"

    public static let string = text.description

    /// MAJOR * 10000 + MINOR * 100 + PATCH, as TRACIA_VERSION_NUMBER.
    public static let number = string.split(separator: ".").reduce(0) { number, part in number * 100 + (Int(part) ?? 0) }
}
