/// OpenAI Chat Completions (and servers that speak it).
struct OpenAIAdapter: ProviderAdapter {
    static let defaultBaseURL = "https://api.openai.com/v1"

    func httpRequest(for call: ResolvedCall) throws(TraciaError) -> HTTPRequest {
        let base = call.baseURL ?? Self.defaultBaseURL
        var headers = ["Content-Type: application/json", "Accept: " + (call.request.stream ? "text/event-stream" : "application/json")]
        if let key = call.apiKey { headers.append("Authorization: Bearer \(key)") }
        let officialHost = base.contains("api.openai.com") || base.contains(".openai.azure.com")
        let media: MediaSupport = call.provider == .openai ? .openAI : .openAICompatible
        let body = try Self.body(for: call.request, officialHost: officialHost, sendsReasoningBack: !officialHost, media: media)
        return HTTPRequest(url: base + "/chat/completions", headers: headers, body: body.serializedBytes())
    }

    func decoder(for call: ResolvedCall) -> any ResponseDecoder {
        call.request.stream ? SSEDecoder<OpenAIEvents>() : JSONBodyDecoder<OpenAIBody>(limit: call.maxResponseBytes)
    }

    func error(status: Int, body: [UInt8]) -> TraciaError {
        httpError(status: status, message: Self.errorMessage(body) ?? bodyText(body))
    }

    /// `{"error":{"message"}}`, `{"error":"text"}` or `{"object":"error","message"}`.
    static func errorMessage(_ body: [UInt8]) -> String? {
        guard let doc = body.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }) else { return nil }
        return errorMessage(in: doc.root)
    }

    static func errorMessage(in root: JSONRef) -> String? {
        if let error = root["error"] {
            if let s = error.string { return s }
            if let m = error["message"]?.string { return m }
            return error.serialized()
        }
        if root["object"]?.string == "error" { return root["message"]?.string ?? "unknown error" }
        return nil
    }

    /// `sendsReasoningBack`: assistant messages carry their reasoning as `reasoning_content`,
    /// which DeepSeek's thinking mode requires on a tool-calling turn; OpenAI's own hosts take
    /// no such field (and never send reasoning to take back).
    static func body(
        for r: RunRequest, officialHost: Bool, sendsReasoningBack: Bool = false, media: MediaSupport = .openAI
    ) throws(TraciaError) -> JSONObject {
        try media.check(r.messages)
        var body: JSONObject = [
            "model": .string(r.model),
            "messages": .array(r.messages.map { message($0, officialHost: officialHost, sendsReasoningBack: sendsReasoningBack) }),
        ]
        if r.stream {
            body["stream"] = true
            body["stream_options"] = ["include_usage": true]
        }
        body["temperature"] = r.temperature.map(JSON.double)
        body["top_p"] = r.topP.map(JSON.double)
        body[officialHost ? "max_completion_tokens" : "max_tokens"] = r.maxOutputTokens.map(JSON.init)
        body["stop"] = RequestPieces.stopList(r)
        if !r.tools.isEmpty {
            body["tools"] = .array(
                r.tools.map { ["type": "function", "function": .object(RequestPieces.tool($0, schemaKey: "parameters"))] })
        }
        body["tool_choice"] = r.toolChoice.map(toolChoice)
        body["response_format"] = r.responseFormat.map(responseFormat)
        if let reasoning = r.reasoning {
            guard let effort = reasoning.effort else {
                throw TraciaError(
                    .invalidRequest, "reasoning: Chat Completions takes an effort (reasoning_effort), not budget_tokens; give effort")
            }
            body["reasoning_effort"] = .string(effort.rawValue)
        }
        return RequestPieces.applyingCustomOptions(of: r, to: body)
    }

    /// The text of the turn's Chat Completions reasoning parts, joined ("" when they had none);
    /// nil when it has none of them.
    private static func reasoningContent(of m: Message) -> String? {
        let parts = m.reasoning.filter { $0.provider == .openaiCompatible || $0.provider == .openai }
        return parts.isEmpty ? nil : parts.map(\.text).joined()
    }

    /// A user message's part in the array form that images and documents need.
    private static func contentPart(_ part: ContentPart) -> JSON? {
        switch part {
        case .text(let t): t.isEmpty ? nil : ["type": "text", "text": .string(t)]
        case .media(let m): OpenAIMedia.part(m)
        case .toolCall, .reasoning, .serverTool: nil
        }
    }

    private static func toolChoice(_ choice: ToolChoice) -> JSON {
        switch choice {
        case .auto: "auto"
        case .none: "none"
        case .required: "required"
        case .tool(let name): ["type": "function", "function": ["name": .string(name)]]
        }
    }

    private static func responseFormat(_ format: ResponseFormat) -> JSON {
        guard let schema = format.schema else { return ["type": "json_object"] }
        var jsonSchema: JSONObject = ["name": .string(format.name ?? "response")]
        jsonSchema["description"] = format.description.map(JSON.string)
        jsonSchema["schema"] = .object(schema)
        jsonSchema["strict"] = format.strict.map(JSON.bool)
        return ["type": "json_schema", "json_schema": .object(jsonSchema)]
    }

    private static func message(_ m: Message, officialHost: Bool, sendsReasoningBack: Bool) -> JSON {
        var out: JSONObject = ["role": .string(m.role == .developer && !officialHost ? "system" : m.role.rawValue)]
        switch m.role {
        case .assistant:
            let calls = m.toolCalls
            let text = m.text
            out["content"] = calls.isEmpty || !text.isEmpty ? .string(text) : .null
            if !calls.isEmpty {
                out["tool_calls"] = .array(
                    calls.map { c in
                        [
                            "id": .string(c.id), "type": "function",
                            // Chat Completions sends arguments as JSON text.
                            "function": ["name": .string(c.name), "arguments": .string(c.arguments.serialized())],
                        ]
                    })
            }
            if sendsReasoningBack, let reasoning = reasoningContent(of: m) { out["reasoning_content"] = .string(reasoning) }
        case .tool:
            out["tool_call_id"] = .string(m.toolCallID ?? "")
            out["content"] = .string(m.text)
        default:
            out["content"] = m.media.isEmpty ? .string(m.text) : .array(m.parts.compactMap(contentPart))
        }
        return .object(out)
    }
}

/// The events of a Chat Completions stream: `data:` chunks until `[DONE]`.
struct OpenAIEvents: SSEEvents {
    private var text: [UInt8] = []

    mutating func handle(event: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, sink: some EventSink) throws(TraciaError) -> Bool {
        if data.starts(with: "[DONE]".utf8) { return true }
        text.removeAll(keepingCapacity: true)
        if OpenAITextDelta.read(data, into: &text) {
            if !text.isEmpty { text.withUnsafeBufferPointer { sink.text($0) } }
            return false
        }
        let doc = try Self.json(data)
        let root = doc.root
        if let message = OpenAIAdapter.errorMessage(in: root) {
            throw TraciaError(.providerError, "error event in stream: \(message)")
        }
        if let choice = Self.firstChoice(of: root) {
            if let delta = choice["delta"] { Self.emitDelta(delta, sink: sink) }
            if let reason = choice["finish_reason"]?.string { sink.finish(FinishReasons.openAI.finish(reason)) }
        }
        if let usage = root["usage"], usage.isObject { sink.usage(Self.usageOf(usage)) }
        return false
    }

    /// Choice 0, the only one reported: with `n` > 1 a stream interleaves the choices by
    /// `index`. A choice without an index (some compatible servers) is choice 0.
    static func firstChoice(of root: JSONRef) -> JSONRef? {
        root["choices"]?.array.first { ($0["index"]?.int ?? 0) == 0 }
    }

    static func emitDelta(_ delta: JSONRef, sink: some EventSink) {
        if let reasoning = reasoning(in: delta) { sink.reasoning(reasoning, block: 0) }
        if let text = delta["content"]?.stringBytes, !text.isEmpty { sink.text(text) }
        if let refusal = delta["refusal"]?.stringBytes, !refusal.isEmpty { sink.refusal(refusal) }
        guard let calls = delta["tool_calls"], calls.isArray else { return }
        for (position, call) in calls.array.enumerated() {
            let index = call["index"]?.int ?? position
            let fn = call["function"]
            let id = call["id"]?.string
            let name = fn?["name"]?.string
            if id != nil || name != nil { sink.toolCallStart(index: index, id: id, name: name) }
            if let args = fn?["arguments"]?.stringBytes, !args.isEmpty {
                sink.toolCallArguments(index: index, fragment: args)
            } else if let args = fn?["arguments"], args.isObject {
                Array(args.serialized().utf8).withUnsafeBufferPointer { sink.toolCallArguments(index: index, fragment: $0) }
            }
        }
    }

    /// Compatible servers spell it `reasoning_content` (DeepSeek, xAI, older vLLM) or
    /// `reasoning` (vLLM, Ollama, Groq, OpenRouter). vLLM, renaming one to the other, has sent
    /// both with the same text: only the first is taken.
    private static func reasoning(in delta: JSONRef) -> UnsafeBufferPointer<UInt8>? {
        for key in ["reasoning_content", "reasoning"] {
            if let text = delta[key]?.stringBytes, !text.isEmpty { return text }
        }
        return nil
    }

    /// completion_tokens counts the reasoning tokens too; prompt_tokens the cached ones, which
    /// DeepSeek reports as prompt_cache_hit_tokens.
    static func usageOf(_ u: JSONRef) -> Usage {
        var usage = Usage.reported(
            input: u["prompt_tokens"]?.tokenCount ?? 0, output: u["completion_tokens"]?.tokenCount ?? 0,
            total: u["total_tokens"]?.tokenCount)
        let details = u["prompt_tokens_details"]
        usage = usage.withCacheParts(
            read: details?["cached_tokens"]?.tokenCount ?? u["prompt_cache_hit_tokens"]?.tokenCount,
            write: details?["cache_write_tokens"]?.tokenCount)
        usage.reasoningTokens = u["completion_tokens_details"]?["reasoning_tokens"]?.tokenCount
        return usage
    }
}

/// A non-streaming `chat.completion` body.
enum OpenAIBody: BodyParser {
    static func parse(_ root: JSONRef, sink: some EventSink) throws(TraciaError) {
        if let message = OpenAIAdapter.errorMessage(in: root) { throw TraciaError(.providerError, message) }
        guard let choice = OpenAIEvents.firstChoice(of: root), let message = choice["message"] else {
            throw TraciaError(.providerError, "response has no choices")
        }
        OpenAIEvents.emitDelta(message, sink: sink)
        if let reason = choice["finish_reason"]?.string { sink.finish(FinishReasons.openAI.finish(reason)) }
        if let usage = root["usage"], usage.isObject { sink.usage(OpenAIEvents.usageOf(usage)) }
    }
}
