/// Span and trace ids in the Tracia format: a prefix and 16 lowercase hex digits.
enum Ids {
    static func span() -> String { make(prefix: "sp_") }
    static func trace() -> String { make(prefix: "tr_") }

    private static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return prefix + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
