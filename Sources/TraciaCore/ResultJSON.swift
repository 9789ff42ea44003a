extension CallResult {
    /// The assistant message, valid as input to a follow-up call: plain text, or parts when
    /// there are tool calls.
    public var message: Message {
        if toolCalls.isEmpty { return Message(role: .assistant, text: text) }
        var parts: [ContentPart] = text.isEmpty ? [] : [.text(text)]
        parts += toolCalls.map(ContentPart.toolCall)
        return Message(role: .assistant, parts: parts)
    }

    /// The result as `StreamResult` JSON (snake_case).
    public func jsonText() -> String { json().serialized() }

    func json() -> JSONValue {
        let o = JSONValue.object()
        o.set("text", text)
        o.set("span_id", spanID)
        o.set("trace_id", traceID)
        o.set("latency_ms", latencyMS)
        let u = JSONValue.object()
        u.set("input_tokens", usage.inputTokens)
        u.set("output_tokens", usage.outputTokens)
        u.set("total_tokens", usage.totalTokens)
        o.set("usage", u)
        o.setNull("cost")
        o.set("provider", provider.rawValue)
        o.set("model", model)
        o.set("tool_calls", SpanPayload.toolCallsJSON(toolCalls))
        o.set("finish_reason", finishReason.rawValue)
        o.set("message", SpanPayload.messageJSON(message, camelCase: false))
        o.set("aborted", aborted)
        if let error { o.set("error", error.json()) }
        return o
    }

    /// Serialised for the C boundary: malloc'd, NUL-terminated.
    package func jsonCString() -> UnsafeMutablePointer<CChar>? { json().serializedCString() }
}

extension TraciaError {
    func json() -> JSONValue {
        let e = JSONValue.object()
        e.set("code", code.name)
        e.set("message", message)
        if let statusCode { e.set("status_code", statusCode) }
        return e
    }

    public func jsonText() -> String { json().serialized() }
}
