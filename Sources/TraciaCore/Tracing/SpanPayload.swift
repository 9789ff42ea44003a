import Glibc

/// The Tracia span of a call (`CreateSpanPayload`, camelCase), serialised once.
enum SpanPayload {
    /// `withTimes` adds what the span API does not take but a reader of the local file wants:
    /// `startTime` and `endTime` (RFC 3339, UTC, milliseconds), `timeToFirstTokenMs`, and the
    /// cache counts the provider reported (`cacheReadInputTokens`, `cacheWriteInputTokens`).
    static func build(_ f: FinishedCall, withTimes: Bool = false) -> [UInt8] {
        let r = f.call.request
        var span: JSONObject = ["spanId": .string(f.spanID), "traceId": .string(f.traceID)]
        span["parentSpanId"] = r.parentSpanID.map(JSON.string)
        span["model"] = .string(r.model)
        span["provider"] = .string(f.call.provider.spanName)
        span["input"] = ["messages": messagesJSON(r.messages)]
        if let vars = r.variables {
            var variables = JSONObject()
            for (k, value) in vars { variables[k] = .string(value) }
            span["variables"] = .object(variables)
        }
        span["output"] = .string(f.accumulator.textString)
        switch f.outcome {
        case .success:
            span["status"] = "SUCCESS"
        case .failure(let e):
            span["status"] = "ERROR"
            span["error"] = .string(Redaction.scrub(e.message, secrets: f.call.secrets))
        case .aborted:
            span["status"] = "ERROR"
            span["error"] = "Stream aborted"
        }
        span["latencyMs"] = JSON(f.latencyMS)
        let usage = f.usage
        span["inputTokens"] = JSON(usage.inputTokens)
        span["outputTokens"] = JSON(usage.outputTokens)
        span["totalTokens"] = JSON(usage.totalTokens)
        span["tags"] = r.tags.map(JSON.init)
        span["userId"] = r.userID.map(JSON.string)
        span["sessionId"] = r.sessionID.map(JSON.string)
        span["temperature"] = r.temperature.map(JSON.double)
        span["topP"] = r.topP.map(JSON.double)
        span["maxOutputTokens"] = r.maxOutputTokens.map(JSON.init)
        if !r.tools.isEmpty { span["tools"] = .array(r.tools.map { .object(RequestPieces.tool($0, schemaKey: "parameters")) }) }
        if !f.toolCalls.isEmpty { span["toolCalls"] = toolCallsJSON(f.toolCalls) }
        if withTimes {
            span["startTime"] = .string(rfc3339(unixNS: f.startUnixNS))
            span["endTime"] = .string(rfc3339(unixNS: f.endUnixNS))
            span["timeToFirstTokenMs"] = f.timeToFirstTokenMS.map(JSON.init)
            span["cacheReadInputTokens"] = usage.cacheReadTokens.map(JSON.init)
            span["cacheWriteInputTokens"] = usage.cacheWriteTokens.map(JSON.init)
        }
        return span.serializedBytes()
    }

    static func rfc3339(unixNS: Int64) -> String {
        var seconds = time_t(unixNS / 1_000_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = Int(unixNS / 1_000_000 % 1000)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let ms = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(ms)Z"
    }

    /// A cut-off call carries `incomplete` and its raw arguments (`rawArguments` in camelCase).
    static func toolCallsJSON(_ calls: [ToolCall], camelCase: Bool = true) -> JSON {
        .array(
            calls.map { c in
                var o: JSONObject = ["id": .string(c.id), "name": .string(c.name), "arguments": .object(c.arguments)]
                if c.incomplete {
                    o["incomplete"] = true
                    o[camelCase ? "rawArguments" : "raw_arguments"] = .string(c.rawArguments ?? "")
                }
                return .object(o)
            })
    }

    /// The result's usage (snake_case): the counts, and the details a provider may not report as null.
    static func usageJSON(_ u: Usage) -> JSON {
        [
            "input_tokens": JSON(u.inputTokens), "output_tokens": JSON(u.outputTokens), "total_tokens": JSON(u.totalTokens),
            "reasoning_tokens": u.reasoningTokens.map(JSON.init) ?? .null,
            "cache_read_input_tokens": u.cacheReadTokens.map(JSON.init) ?? .null,
            "cache_write_input_tokens": u.cacheWriteTokens.map(JSON.init) ?? .null,
        ]
    }

    /// Messages in the Tracia SDK's shape (camelCase tool fields).
    static func messagesJSON(_ messages: [Message], camelCase: Bool = true) -> JSON {
        .array(messages.map { messageJSON($0, camelCase: camelCase) })
    }

    static func messageJSON(_ m: Message, camelCase: Bool) -> JSON {
        var o: JSONObject = ["role": .string(m.role.rawValue)]
        o["content"] = m.contentIsString ? .string(m.text) : .array(m.parts.map { partJSON($0, camelCase: camelCase) })
        o[camelCase ? "toolCallId" : "tool_call_id"] = m.toolCallID.map(JSON.string)
        o[camelCase ? "toolName" : "tool_name"] = m.toolName.map(JSON.string)
        return .object(o)
    }

    private static func partJSON(_ part: ContentPart, camelCase: Bool) -> JSON {
        switch part {
        case .text(let t): return ["type": "text", "text": .string(t)]
        case .toolCall(let c):
            return ["type": "tool_call", "id": .string(c.id), "name": .string(c.name), "arguments": .object(c.arguments)]
        case .reasoning(let r):
            var o: JSONObject = ["type": "reasoning", "provider": .string(r.provider.rawValue), "text": .string(r.text)]
            o["signature"] = r.signature.map(JSON.string)
            o[camelCase ? "redactedData" : "redacted_data"] = r.redactedData.map(JSON.string)
            o["id"] = r.id.map(JSON.string)
            return .object(o)
        case .media(let m):
            return MediaRecord.json(m, camelCase: camelCase)
        case .serverTool(let t):
            return ["type": "server_tool", "provider": .string(t.provider.rawValue), "block": .object(t.block)]
        }
    }
}
