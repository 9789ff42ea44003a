/// A span read back from the JSONL file, for display.
public struct SpanLine: Sendable {
    public var spanID: String
    public var model: String
    public var status: String
    public var latencyMS: Int
    public var totalTokens: Int
    public var output: String
    public var error: String?

    public init?(json bytes: [UInt8]) {
        guard let doc = bytes.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }), doc.root.isObject else { return nil }
        let r = doc.root
        spanID = r["spanId"]?.string ?? "?"
        model = r["model"]?.string ?? "?"
        status = r["status"]?.string ?? "?"
        latencyMS = r["latencyMs"]?.int ?? 0
        totalTokens = r["totalTokens"]?.int ?? 0
        output = r["output"]?.string ?? ""
        error = r["error"]?.string
    }
}
