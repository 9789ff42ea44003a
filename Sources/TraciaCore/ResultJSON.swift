extension CallResult {
    /// The result as `StreamResult` JSON (snake_case).
    public func jsonText() -> String { json().serialized() }

    public func json() -> JSON {
        var o: JSONObject = [
            "text": .string(text), "span_id": .string(spanID), "trace_id": .string(traceID), "latency_ms": JSON(latencyMS),
            "usage": SpanPayload.usageJSON(usage),
            "cost": .null, "provider": .string(provider.rawValue), "model": .string(model),
            "tool_calls": SpanPayload.toolCallsJSON(toolCalls, camelCase: false),
            "finish_reason": finishReason.map { .string($0.rawValue) } ?? .null,
            "stop_reason": stopReason.map(JSON.string) ?? .null, "refusal": refusal.map(JSON.string) ?? .null,
            "time_to_first_token_ms": timeToFirstTokenMS.map(JSON.init) ?? .null, "usage_complete": JSON(usageComplete),
            "message": SpanPayload.messageJSON(message, camelCase: false), "aborted": JSON(aborted),
        ]
        if !reasoning.isEmpty { o["reasoning"] = .string(reasoning) }
        o["error"] = error?.json()
        return .object(o)
    }

    /// Serialised for the C boundary: malloc'd, NUL-terminated.
    package func jsonCString() -> UnsafeMutablePointer<CChar>? { json().serializedCString() }
}

extension TraciaError {
    public func json() -> JSON {
        var e: JSONObject = ["code": .string(code.name), "message": .string(message)]
        e["status_code"] = statusCode.map(JSON.init)
        return .object(e)
    }

    public func jsonText() -> String { json().serialized() }
}
