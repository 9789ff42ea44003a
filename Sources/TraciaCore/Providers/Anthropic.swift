/// Anthropic's own client setting: the `anthropic-version` header (option `anthropic_version`).
struct AnthropicSettings: ProviderSettings {
    static let optionKeys = ["anthropic_version"]
    static let defaults = AnthropicSettings()

    var version = "2023-06-01"

    static func read(options: ObjectReader?, environment: (String) -> String?) throws(TraciaError) -> AnthropicSettings {
        var s = AnthropicSettings()
        if let v = try options?.headerValue("anthropic_version") { s.version = v }
        return s
    }
}

/// Anthropic Messages.
struct AnthropicAdapter: ProviderAdapter {
    static let defaultBaseURL = "https://api.anthropic.com"

    func httpRequest(for call: ResolvedCall) throws(TraciaError) -> HTTPRequest {
        let base = call.baseURL ?? Self.defaultBaseURL
        let version = call.settings(AnthropicSettings.self).version
        var headers = ["Content-Type: application/json", "anthropic-version: \(version)"]
        headers.append("Accept: " + (call.request.stream ? "text/event-stream" : "application/json"))
        if let key = call.apiKey { headers.append("x-api-key: \(key)") }
        let body = try Self.body(for: call.request, samplingAllowed: version < "2026-10-21")
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

    /// Throws for a reasoning request the API would refuse. `media`: what the platform takes;
    /// `replaying`: the provider whose reasoning and server-tool blocks are sent back.
    static func body(
        for r: RunRequest, samplingAllowed: Bool, media: MediaSupport = .anthropic, replaying own: ProviderKind = .anthropic
    ) throws(TraciaError) -> JSONObject {
        try media.check(r.messages)
        let conversation = Conversation(r.messages)
        var thinking: ClaudeThinking?
        if let reasoning = r.reasoning {
            thinking = try ClaudeThinking(reasoning, of: r, provider: own == .anthropic ? "anthropic" : "Claude on \(own.rawValue)")
        }
        // The API requires one: without the caller's, the model's maximum.
        let maxTokens = thinking?.maxTokens ?? r.maxOutputTokens ?? OutputBudget.claudeDefault(of: r.model)
        var body: JSONObject = ["model": .string(r.model), "max_tokens": JSON(maxTokens)]
        if r.stream { body["stream"] = true }
        body["system"] = system(of: conversation)
        body["messages"] = .array(
            conversation.turns.map { turn in
                let blocks = turn.parts.indices.compactMap { i in block(turn.parts[i], own: own).map { marked($0, turn.mark(at: i)) } }
                return ["role": turn.fromAssistant ? "assistant" : "user", "content": .array(blocks)]
            })
        if samplingAllowed {
            body["temperature"] = r.temperature.map(JSON.double)
            body["top_p"] = r.topP.map(JSON.double)
        }
        body["stop_sequences"] = RequestPieces.stopList(r)
        if !r.tools.isEmpty {
            body["tools"] = .array(
                r.tools.map {
                    marked(
                        .object(RequestPieces.tool($0, schemaKey: "input_schema", defaultSchema: RequestPieces.emptySchema)), $0.cacheMark)
                })
        }
        body["tool_choice"] = r.toolChoice.map(toolChoice)
        body["thinking"] = thinking?.field
        if let format = r.responseFormat {
            body["output_config"] = ["format": ["type": "json_schema", "schema": .object(format.schema ?? RequestPieces.emptySchema)]]
        }
        body["cache_control"] = r.cacheMark?.anthropicJSON
        // A part that can be marked is always sent.
        try CacheMark.check(r.tools.compactMap(\.cacheMark) + conversation.marks + [r.cacheMark].compactMap { $0 }, provider: "Anthropic")
        return RequestPieces.applyingCustomOptions(of: r, to: body)
    }

    /// A string, or text blocks when the caller marked a part of it for caching.
    private static func system(of conversation: Conversation) -> JSON? {
        guard conversation.systemSegments.contains(where: { $0.mark != nil }) else { return conversation.system.map(JSON.string) }
        return .array(conversation.systemSegments.map { marked(["type": "text", "text": .string($0.text)], $0.mark) })
    }

    private static func marked(_ block: JSON, _ mark: CacheMark?) -> JSON {
        guard let mark, case .object(var o) = block else { return block }
        o[CacheMark.key] = mark.anthropicJSON
        return .object(o)
    }

    private static func toolChoice(_ choice: ToolChoice) -> JSON {
        switch choice {
        case .auto: ["type": "auto"]
        case .none: ["type": "none"]
        case .required: ["type": "any"]
        case .tool(let name): ["type": "tool", "name": .string(name)]
        }
    }

    /// Nil for another provider's reasoning or server tool blocks, which Anthropic would refuse.
    private static func block(_ part: Conversation.Part, own: ProviderKind) -> JSON? {
        switch part {
        case .reasoning(let r):
            guard r.provider == own else { return nil }
            if let data = r.redactedData { return .object(["type": "redacted_thinking", "data": .string(data)]) }
            return .object(["type": "thinking", "thinking": .string(r.text), "signature": .string(r.signature ?? "")])
        case .text(let text): return .object(["type": "text", "text": .string(text)])
        case .media(let m): return AnthropicMedia.block(m)
        case .serverTool(let t): return t.provider == own ? .object(t.block) : nil
        case .toolCall(let call):
            return .object(["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": .object(call.arguments)])
        case .toolResult(let id, _, let content):
            return .object(["type": "tool_result", "tool_use_id": .string(id), "content": .string(content)])
        }
    }

}

/// Anthropic's counts as they were reported: a later report (message_delta) replaces the counts
/// it carries and keeps the others, as the SDKs merge them. Input counts every kind of input
/// token (fresh, cache writes, cache reads), which are disjoint.
struct AnthropicUsage {
    private var fresh: Int?
    private var cacheWrite: Int?
    private var cacheRead: Int?
    private var output: Int?
    private var thinking: Int?

    mutating func update(_ u: JSONRef) {
        fresh = u["input_tokens"]?.tokenCount ?? fresh
        cacheWrite = u["cache_creation_input_tokens"]?.tokenCount ?? cacheWrite
        cacheRead = u["cache_read_input_tokens"]?.tokenCount ?? cacheRead
        output = u["output_tokens"]?.tokenCount ?? output
        thinking = u["output_tokens_details"]?["thinking_tokens"]?.tokenCount ?? thinking
    }

    var usage: Usage {
        var usage = Usage.reported(input: TokenCounts.sum(fresh, cacheWrite, cacheRead), output: output ?? 0, total: nil)
            .withCacheParts(read: cacheRead, write: cacheWrite)
        usage.reasoningTokens = thinking
        return usage
    }

    static func of(_ u: JSONRef) -> Usage {
        var counts = AnthropicUsage()
        counts.update(u)
        return counts.usage
    }
}

/// The named events of a Messages stream, until `message_stop`.
struct AnthropicEvents: SSEEvents {
    private var usage = AnthropicUsage()
    /// The blocks of server tools, whose input_json_delta is theirs and not a tool call's.
    private var serverToolBlocks: Set<Int> = []

    mutating func handle(event: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, sink: some EventSink) throws(TraciaError) -> Bool {
        if event.equals("ping") { return false }
        let doc = try Self.json(data)
        let root = doc.root
        switch root["type"]?.string ?? String(decoding: event, as: UTF8.self) {
        case "message_start":
            if let u = root["message"]?["usage"] { report(u, sink, final: false) }
        case "content_block_start":
            if let block = root["content_block"] {
                let index = root["index"]?.int ?? 0
                switch block["type"]?.string {
                case "tool_use": sink.toolCallStart(index: index, id: block["id"]?.string, name: block["name"]?.string)
                case "thinking", "redacted_thinking": AnthropicBody.reasoning(block, index: index, sink: sink)
                default:
                    if AnthropicBody.serverTool(block, index: index, sink: sink) { serverToolBlocks.insert(index) }
                }
            }
        case "content_block_delta":
            guard let delta = root["delta"] else { break }
            let index = root["index"]?.int ?? 0
            switch delta["type"]?.string {
            case "text_delta":
                if let text = delta["text"]?.stringBytes, !text.isEmpty { sink.text(text) }
            case "input_json_delta":
                guard let json = delta["partial_json"]?.stringBytes, !json.isEmpty else { break }
                if serverToolBlocks.contains(index) {
                    sink.serverToolInput(index: index, fragment: json)
                } else {
                    sink.toolCallArguments(index: index, fragment: json)
                }
            case "thinking_delta":
                if let text = delta["thinking"]?.stringBytes, !text.isEmpty { sink.reasoning(text, block: index) }
            case "signature_delta":
                if let signature = delta["signature"]?.stringBytes, !signature.isEmpty { sink.reasoningSignature(signature, block: index) }
            default: break
            }
        case "message_delta":
            if let delta = root["delta"] { AnthropicBody.stop(delta, sink: sink) }
            if let u = root["usage"] { report(u, sink, final: true) }
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

    /// message_start's count is followed by message_delta's, the final one.
    private mutating func report(_ u: JSONRef, _ sink: some EventSink, final: Bool) {
        usage.update(u)
        if final { sink.usage(usage.usage) } else { sink.provisionalUsage(usage.usage) }
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
            case "thinking", "redacted_thinking":
                reasoning(block, index: index, sink: sink)
            default:
                serverTool(block, index: index, sink: sink)
            }
        }
        stop(root, sink: sink)
        if let u = root["usage"] { sink.usage(AnthropicUsage.of(u)) }
    }

    /// A block of a tool Anthropic ran itself (`server_tool_use`, `mcp_tool_use`, and each
    /// `*_tool_result` but the caller's `tool_result`), kept whole; whether it is one. A
    /// streamed call's input follows as input_json_delta.
    @discardableResult
    static func serverTool(_ block: JSONRef, index: Int, sink: some EventSink) -> Bool {
        guard let type = block["type"]?.string, isServerTool(type), let object = JSONObject(block) else { return false }
        sink.serverToolStart(index: index, block: object, inputPath: ["input"], contentPath: ["content"])
        return true
    }

    static func isServerTool(_ type: String) -> Bool {
        type == "server_tool_use" || type == "mcp_tool_use" || (type.hasSuffix("_tool_result") && type != "tool_result")
    }

    /// `stop_reason`, and the explanation of a refusal (`stop_details`), of a response or of
    /// a stream's message_delta.
    static func stop(_ message: JSONRef, sink: some EventSink) {
        guard let reason = message["stop_reason"]?.string else { return }
        if let explanation = message["stop_details"]?["explanation"]?.stringBytes, !explanation.isEmpty { sink.refusal(explanation) }
        sink.finish(FinishReasons.anthropic.finish(reason))
    }

    /// A whole `thinking` or `redacted_thinking` block: a response's, or the start of a
    /// streamed one (empty there, its text and signature follow as deltas).
    static func reasoning(_ block: JSONRef, index: Int, sink: some EventSink) {
        if let data = block["data"]?.stringBytes, block["type"]?.string == "redacted_thinking" {
            sink.redactedReasoning(data, block: index)
            return
        }
        if let text = block["thinking"]?.stringBytes, !text.isEmpty { sink.reasoning(text, block: index) }
        if let signature = block["signature"]?.stringBytes, !signature.isEmpty { sink.reasoningSignature(signature, block: index) }
    }
}
