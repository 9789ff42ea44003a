/// A span read back from the JSONL file, for display.
public struct SpanLine: Sendable {
    public var spanID: String
    public var model: String
    public var status: String
    public var latencyMS: Int
    public var totalTokens: Int
    public var output: String
    public var error: String?
    /// RFC 3339, when the line has it.
    public var startTime: String?
    /// Each call as `name(arguments JSON)`.
    public var toolCalls: [String] = []

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
        startTime = r["startTime"]?.string
        toolCalls = (r["toolCalls"]?.array ?? []).map { "\($0["name"]?.string ?? "?")(\($0["arguments"]?.serialized() ?? "{}"))" }
    }
}
