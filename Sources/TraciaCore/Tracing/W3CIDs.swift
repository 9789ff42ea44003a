/// W3C trace-context ids (32 and 16 lowercase hex digits, never all zero) for OTLP, from the
/// Tracia ids of a call. Tracia's own ids keep their digits, so a span is found by either id:
/// `sp_<16 hex>` is the span id, `tr_<16 hex>` the trace id zero-extended to 32. Ids that are
/// already W3C ids are taken as they are. Any other text (a caller may link a call to any trace
/// id, as the official SDK lets it) is hashed: the first bytes of its SHA-256, so the same text
/// always gives the same W3C id and every span of that trace lands in one OTLP trace.
enum W3CIDs {
    static func traceID(_ id: String) -> String {
        if let digits = traciaDigits(id, prefixes: ["tr_"]) { return String(repeating: "0", count: 16) + digits }
        return hexID(id, count: 32) ?? hashed(id, bytes: 16)
    }

    static func spanID(_ id: String) -> String {
        traciaDigits(id, prefixes: ["sp_", "tr_"]) ?? hexID(id, count: 16) ?? hashed(id, bytes: 8)
    }

    /// The 16 hex digits of a Tracia id, lowercased; nil if the id is not one or is all zeros.
    private static func traciaDigits(_ id: String, prefixes: [String]) -> String? {
        guard prefixes.contains(where: id.hasPrefix) else { return nil }
        return hexID(String(id.dropFirst(3)), count: 16)
    }

    private static func hexID(_ text: String, count: Int) -> String? {
        let utf8 = text.utf8
        let isHex = { (c: UInt8) in (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) }
        guard utf8.count == count, utf8.allSatisfy(isHex), utf8.contains(where: { $0 != 48 }) else { return nil }
        return text.lowercased()
    }

    private static func hashed(_ text: String, bytes: Int) -> String {
        SigV4.hex(Array(SigV4.sha256(Array(text.utf8)).prefix(bytes)))
    }
}
