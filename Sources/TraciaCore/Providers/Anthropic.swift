/// Anthropic Messages.
struct AnthropicAdapter: ProviderAdapter {
    static let defaultBaseURL = "https://api.anthropic.com"
    static let defaultVersion = "2023-06-01"
    /// Sent when the caller gives no max_output_tokens: the API requires one.
    static let defaultMaxTokens = 4096

    func httpRequest(for call: ResolvedCall) throws(TraciaError) -> HTTPRequest {
        let base = call.baseURL ?? Self.defaultBaseURL
        let version = call.anthropicVersion ?? Self.defaultVersion
        var headers = ["Content-Type: application/json", "anthropic-version: \(version)"]
        headers.append("Accept: " + (call.request.stream ? "text/event-stream" : "application/json"))
        if let key = call.apiKey { headers.append("x-api-key: \(key)") }
        let body = Self.body(for: call.request, samplingAllowed: version < "2026-10-21")
        return HTTPRequest(url: base + "/v1/messages", headers: headers, body: body.serializedBytes())
    }

    func decoder(for call: ResolvedCall) -> any ResponseDecoder {
        call.request.stream ? SSEDecoder<AnthropicEvents>() : JSONBodyDecoder<AnthropicBody>(limit: call.maxResponseBytes)
    }

    func error(status: Int, body: [UInt8]) -> TraciaError {
        guard let doc = body.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }), let error = doc.root["error"] else {
            return httpError(status: status, message: bodyText(body))
        }
        let kind = error["type"]?.string ?? "error"
        return httpError(status: status, message: "\(kind): \(error["message"]?.string ?? "")")
    }

    static func body(for r: RunRequest, samplingAllowed: Bool) -> JSONValue {
        let conversation = Conversation(r.messages)
        let body = JSONValue.object()
        body.set("model", r.model)
        body.set("max_tokens", r.maxOutputTokens ?? defaultMaxTokens)
        if r.stream { body.set("stream", true) }
        if let system = conversation.system { body.set("system", system) }
        let messages = JSONValue.array()
        for turn in conversation.turns {
            let message = JSONValue.object()
            message.set("role", turn.fromAssistant ? "assistant" : "user")
            let blocks = JSONValue.array()
            for part in turn.parts { blocks.append(block(part)) }
            message.set("content", blocks)
            messages.append(message)
        }
        body.set("messages", messages)
        if samplingAllowed {
            if let t = r.temperature { body.set("temperature", t) }
            if let p = r.topP { body.set("top_p", p) }
        }
        if let stop = r.stopSequences, !stop.isEmpty {
            let list = JSONValue.array()
            for s in stop { list.append(s) }
            body.set("stop_sequences", list)
        }
        if !r.tools.isEmpty {
            let tools = JSONValue.array()
            for t in r.tools {
                let tool = JSONValue.object()
                tool.set("name", t.name)
                if let d = t.description { tool.set("description", d) }
                tool.set("input_schema", t.parametersJSON.flatMap(JSONValue.parsed) ?? emptySchema())
                tools.append(tool)
            }
            body.set("tools", tools)
        }
        if let choice = r.toolChoice {
            let c = JSONValue.object()
            switch choice {
            case .auto: c.set("type", "auto")
            case .none: c.set("type", "none")
            case .required: c.set("type", "any")
            case .tool(let name):
                c.set("type", "tool")
                c.set("name", name)
            }
            body.set("tool_choice", c)
        }
        if let format = r.responseFormat {
            let f = JSONValue.object()
            f.set("type", "json_schema")
            f.set("schema", format.schemaJSON.flatMap(JSONValue.parsed) ?? emptySchema())
            let config = JSONValue.object()
            config.set("format", f)
            body.set("output_config", config)
        }
        if let custom = r.customOptionsJSON, let extra = JSONValue.parsed(custom) {
            for (key, value) in extra.ref.entries { body.set(key, value) }
        }
        return body
    }

    private static func block(_ part: Conversation.Part) -> JSONValue {
        let b = JSONValue.object()
        switch part {
        case .text(let text):
            b.set("type", "text")
            b.set("text", text)
        case .toolCall(let call):
            b.set("type", "tool_use")
            b.set("id", call.id)
            b.set("name", call.name)
            b.set("input", JSONValue.parsed(call.argumentsJSON) ?? JSONValue.object())
        case .toolResult(let id, _, let content):
            b.set("type", "tool_result")
            b.set("tool_use_id", id)
            b.set("content", content)
        }
        return b
    }

    static func emptySchema() -> JSONValue {
        let schema = JSONValue.object()
        schema.set("type", "object")
        return schema
    }

    /// Input counts every kind of input token (fresh, cache writes, cache reads), which are disjoint.
    static func usage(_ u: JSONRef, previous: Usage) -> Usage {
        var input = previous.inputTokens
        if u["input_tokens"] != nil || u["cache_creation_input_tokens"] != nil || u["cache_read_input_tokens"] != nil {
            input = (u["input_tokens"]?.int ?? 0) + (u["cache_creation_input_tokens"]?.int ?? 0) + (u["cache_read_input_tokens"]?.int ?? 0)
        }
        let output = u["output_tokens"]?.int ?? previous.outputTokens
        return Usage(inputTokens: input, outputTokens: output, totalTokens: input + output)
    }
}

/// The named events of a Messages stream, until `message_stop`.
struct AnthropicEvents: SSEEvents {
    private var usage = Usage()

    mutating func handle(event: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, sink: some EventSink) throws(TraciaError) -> Bool {
        if event.equals("ping") { return false }
        let doc = try Self.json(data)
        let root = doc.root
        switch root["type"]?.string ?? String(decoding: event, as: UTF8.self) {
        case "message_start":
            if let u = root["message"]?["usage"] { report(u, sink) }
        case "content_block_start":
            if let block = root["content_block"], block["type"]?.string == "tool_use" {
                sink.toolCallStart(index: root["index"]?.int ?? 0, id: block["id"]?.string, name: block["name"]?.string)
            }
        case "content_block_delta":
            guard let delta = root["delta"] else { break }
            let index = root["index"]?.int ?? 0
            switch delta["type"]?.string {
            case "text_delta":
                if let text = delta["text"]?.stringBytes, !text.isEmpty { sink.text(text) }
            case "input_json_delta":
                if let json = delta["partial_json"]?.stringBytes, !json.isEmpty { sink.toolCallArguments(index: index, fragment: json) }
            default: break
            }
        case "message_delta":
            if let reason = root["delta"]?["stop_reason"]?.string { sink.finish(FinishReasons.anthropic.finish(reason)) }
            if let u = root["usage"] { report(u, sink) }
        case "message_stop":
            return true
        case "error":
            let error = root["error"]
            throw TraciaError(
                .providerError, "error event in stream: \(error?["type"]?.string ?? "error"): \(error?["message"]?.string ?? "")")
        default:
            break  // new event types may appear within a version
        }
        return false
    }

    private mutating func report(_ u: JSONRef, _ sink: some EventSink) {
        usage = AnthropicAdapter.usage(u, previous: usage)
        sink.usage(usage)
    }
}

/// A non-streaming Messages response.
enum AnthropicBody: BodyParser {
    static func parse(_ root: JSONRef, sink: some EventSink) throws(TraciaError) {
        if root["type"]?.string == "error" {
            throw TraciaError(.providerError, root["error"]?["message"]?.string ?? "error response")
        }
        for (index, block) in (root["content"]?.array ?? []).enumerated() {
            switch block["type"]?.string {
            case "text":
                if let text = block["text"]?.stringBytes, !text.isEmpty { sink.text(text) }
            case "tool_use":
                sink.toolCallStart(index: index, id: block["id"]?.string, name: block["name"]?.string)
                let input = block["input"].map { $0.serialized() } ?? "{}"
                Array(input.utf8).withUnsafeBufferPointer { sink.toolCallArguments(index: index, fragment: $0) }
            default: break
            }
        }
        if let reason = root["stop_reason"]?.string { sink.finish(FinishReasons.anthropic.finish(reason)) }
        if let u = root["usage"] { sink.usage(AnthropicAdapter.usage(u, previous: Usage())) }
    }
}
