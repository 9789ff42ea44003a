/// A prompt-cache breakpoint the caller sets with `cache_control`: the provider may cache the
/// prompt up to and including the marked content (tools, then system, then messages).
/// Anthropic takes it as `cache_control`, Bedrock as a `cachePoint` block after the content;
/// OpenAI and Gemini cache on their own and get nothing (include/tracia.h).
public struct CacheMark: Sendable, Equatable {
    public enum TTL: String, Sendable, CaseIterable {
        case fiveMinutes = "5m"
        case oneHour = "1h"
    }

    /// Nil: the provider's default (5 minutes).
    public var ttl: TTL?

    public init(ttl: TTL? = nil) { self.ttl = ttl }

    /// The request key, on the request, a message, a content part or a tool.
    static let key = "cache_control"
    static let keys: Set<String> = ["type", "ttl"]
    /// What Anthropic and Bedrock take in one request.
    static let maxBreakpoints = 4

    /// `{"type":"ephemeral","ttl"?:"5m"|"1h"}`; nil when absent or null.
    static func parse(_ value: JSONRef?, context: String) throws(TraciaError) -> CacheMark? {
        guard let value, !value.isNull else { return nil }
        let r = try ObjectReader(value, context: "\(context).\(key)")
        try r.rejectUnknown(allowed: keys)
        let type = try r.requiredString("type")
        guard type == "ephemeral" else {
            throw .invalid("\(context): unknown cache_control type '\(type)' (expected ephemeral)")
        }
        guard let name = try r.string("ttl") else { return CacheMark() }
        guard let ttl = TTL(rawValue: name) else { throw .invalid("\(context): unknown cache_control ttl '\(name)' (expected 5m or 1h)") }
        return CacheMark(ttl: ttl)
    }

    /// The marks a body carries, in the order the provider reads the prompt (tools, system,
    /// messages, then the request's own), refused before anything is sent where the provider
    /// would refuse them: more than it takes, or a longer ttl after a shorter one.
    static func check(_ marks: [CacheMark], provider: String) throws(TraciaError) {
        if marks.count > maxBreakpoints {
            throw .invalid(
                "cache_control: \(marks.count) cache breakpoints, \(provider) takes at most \(maxBreakpoints) (the request's own cache_control counts as one)"
            )
        }
        if let short = marks.firstIndex(where: { $0.ttl != .oneHour }), marks[short...].contains(where: { $0.ttl == .oneHour }) {
            throw .invalid(
                "cache_control: a ttl 1h breakpoint after a 5m one; \(provider) reads tools, then system, then messages, and wants the longer ttls first"
            )
        }
    }

    /// Anthropic's `cache_control`.
    var anthropicJSON: JSON {
        var o: JSONObject = ["type": "ephemeral"]
        o["ttl"] = ttl.map { .string($0.rawValue) }
        return .object(o)
    }

    /// Bedrock's block `{"cachePoint":{"type":"default","ttl"?}}`.
    var bedrockCachePoint: JSON {
        var o: JSONObject = ["type": "default"]
        o["ttl"] = ttl.map { .string($0.rawValue) }
        return ["cachePoint": .object(o)]
    }
}
