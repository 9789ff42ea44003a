/// The Tracia span of a call (`CreateSpanPayload`, camelCase), serialised once.
enum SpanPayload {
    static func build(_ f: FinishedCall) -> [UInt8] {
        let (call, spanID, traceID, accumulator, toolCalls, outcome, latencyMS) =
            (f.call, f.spanID, f.traceID, f.accumulator, f.toolCalls, f.outcome, f.latencyMS)
        let r = call.request
        let span = JSONValue.object()
        span.set("spanId", spanID)
        span.set("traceId", traceID)
        if let parent = r.parentSpanID { span.set("parentSpanId", parent) }
        span.set("model", r.model)
        span.set("provider", call.provider.spanName)
        let input = JSONValue.object()
        input.set("messages", messagesJSON(r.messages))
        span.set("input", input)
        if let vars = r.variables {
            let v = JSONValue.object()
            for (k, value) in vars { v.set(k, value) }
            span.set("variables", v)
        }
        span.set("output", accumulator.textString)
        switch outcome {
        case .success:
            span.set("status", "SUCCESS")
        case .failure(let e):
            span.set("status", "ERROR")
            span.set("error", Redaction.scrub(e.message, secrets: call.secrets))
        case .aborted:
            span.set("status", "ERROR")
            span.set("error", "Stream aborted")
        }
        span.set("latencyMs", latencyMS)
        let usage = accumulator.usage
        span.set("inputTokens", usage.inputTokens)
        span.set("outputTokens", usage.outputTokens)
        span.set("totalTokens", usage.totalTokens)
        if let tags = r.tags {
            let t = JSONValue.array()
            for tag in tags { t.append(tag) }
            span.set("tags", t)
        }
        if let u = r.userID { span.set("userId", u) }
        if let s = r.sessionID { span.set("sessionId", s) }
        if let t = r.temperature { span.set("temperature", t) }
        if let p = r.topP { span.set("topP", p) }
        if let m = r.maxOutputTokens { span.set("maxOutputTokens", m) }
        if !r.tools.isEmpty {
            let tools = JSONValue.array()
            for t in r.tools {
                let tool = JSONValue.object()
                tool.set("name", t.name)
                if let d = t.description { tool.set("description", d) }
                if let p = t.parametersJSON, let params = JSONValue.parsed(p) { tool.set("parameters", params) }
                tools.append(tool)
            }
            span.set("tools", tools)
        }
        if !toolCalls.isEmpty { span.set("toolCalls", toolCallsJSON(toolCalls)) }
        return span.serializedBytes()
    }

    static func toolCallsJSON(_ calls: [ToolCall]) -> JSONValue {
        let list = JSONValue.array()
        for c in calls {
            let o = JSONValue.object()
            o.set("id", c.id)
            o.set("name", c.name)
            o.set("arguments", JSONValue.parsed(c.argumentsJSON) ?? JSONValue.object())
            list.append(o)
        }
        return list
    }

    /// Messages in the Tracia SDK's shape (camelCase tool fields).
    static func messagesJSON(_ messages: [Message], camelCase: Bool = true) -> JSONValue {
        let list = JSONValue.array()
        for m in messages { list.append(messageJSON(m, camelCase: camelCase)) }
        return list
    }

    static func messageJSON(_ m: Message, camelCase: Bool) -> JSONValue {
        let o = JSONValue.object()
        o.set("role", m.role.rawValue)
        if m.contentIsString {
            o.set("content", m.text)
        } else {
            let parts = JSONValue.array()
            for part in m.parts {
                let p = JSONValue.object()
                switch part {
                case .text(let t):
                    p.set("type", "text")
                    p.set("text", t)
                case .toolCall(let c):
                    p.set("type", "tool_call")
                    p.set("id", c.id)
                    p.set("name", c.name)
                    p.set("arguments", JSONValue.parsed(c.argumentsJSON) ?? JSONValue.object())
                }
                parts.append(p)
            }
            o.set("content", parts)
        }
        if let id = m.toolCallID { o.set(camelCase ? "toolCallId" : "tool_call_id", id) }
        if let name = m.toolName { o.set(camelCase ? "toolName" : "tool_name", name) }
        return o
    }
}
