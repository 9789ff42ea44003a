/// OpenAI's Responses API (`POST {base}/responses`), stateless: `store:false`, and every
/// reasoning item comes with its `encrypted_content`, so that a turn sent back as items (its
/// reasoning, text and function calls, then the function_call_output items) needs nothing
/// kept by the service.
struct OpenAIResponsesAdapter: ProviderAdapter {
    func httpRequest(for call: ResolvedCall) throws(TraciaError) -> HTTPRequest {
        let base = call.baseURL ?? OpenAIAdapter.defaultBaseURL
        var headers = ["Content-Type: application/json", "Accept: " + (call.request.stream ? "text/event-stream" : "application/json")]
        if let key = call.apiKey { headers.append("Authorization: Bearer \(key)") }
        let media: MediaSupport = call.provider == .openaiCompatible ? .openAICompatible : .openAI
        let body = try OpenAIResponses.body(for: call.request, provider: call.provider, media: media)
        return HTTPRequest(url: base + "/responses", headers: headers, body: body.serializedBytes())
    }

    func decoder(for call: ResolvedCall) -> any ResponseDecoder { OpenAIResponses.decoder(for: call) }

    func error(status: Int, body: [UInt8]) -> TraciaError {
        httpError(status: status, message: OpenAIAdapter.errorMessage(body) ?? bodyText(body))
    }
}

enum OpenAIResponses {
    static func decoder(for call: ResolvedCall) -> any ResponseDecoder {
        call.request.stream ? SSEDecoder<OpenAIResponsesEvents>() : JSONBodyDecoder<OpenAIResponsesBody>(limit: call.maxResponseBytes)
    }

    /// The request body. `provider` is the call's: reasoning items are sent back only to the
    /// provider that issued them.
    static func body(for r: RunRequest, provider: ProviderKind, media: MediaSupport) throws(TraciaError) -> JSONObject {
        try media.check(r.messages)
        if RequestPieces.stopList(r) != nil {
            throw TraciaError(
                .invalidRequest,
                "stop_sequences: the Responses API takes no stop sequences; leave them out, or send the call by Chat Completions (api \"chat\")"
            )
        }
        var instructions: [String] = []
        var input: [JSON] = []
        for m in r.messages {
            switch m.role {
            case .system, .developer: instructions.append(m.text)
            case .user:
                input.append(["role": "user", "content": m.media.isEmpty ? .string(m.text) : .array(m.parts.compactMap(userPart))])
            case .tool:
                input.append(["type": "function_call_output", "call_id": .string(m.toolCallID ?? ""), "output": .string(m.text)])
            case .assistant:
                input += assistantItems(m, provider: provider)
            }
        }
        var body: JSONObject = ["model": .string(r.model)]
        body["instructions"] = instructions.isEmpty ? nil : .string(instructions.joined(separator: "\n\n"))
        body["input"] = .array(input)
        if r.stream { body["stream"] = true }
        body["store"] = false
        body["include"] = ["reasoning.encrypted_content"]
        body["temperature"] = r.temperature.map(JSON.double)
        body["top_p"] = r.topP.map(JSON.double)
        body["max_output_tokens"] = r.maxOutputTokens.map(JSON.init)
        if !r.tools.isEmpty {
            // Responses makes function tools strict unless told otherwise; Chat Completions does not.
            body["tools"] = .array(
                r.tools.map { t in
                    var tool = RequestPieces.tool(t, schemaKey: "parameters", defaultSchema: RequestPieces.emptySchema)
                    tool["type"] = "function"
                    tool["strict"] = false
                    return .object(tool)
                })
        }
        body["tool_choice"] = r.toolChoice.map(toolChoice)
        body["text"] = r.responseFormat.map { ["format": textFormat($0)] }
        if let reasoning = r.reasoning {
            guard let effort = reasoning.effort else {
                throw TraciaError(
                    .invalidRequest, "reasoning: the Responses API takes an effort (reasoning.effort), not budget_tokens; give effort")
            }
            body["reasoning"] = ["effort": .string(effort.rawValue), "summary": "auto"]
        }
        return RequestPieces.applyingCustomOptions(of: r, to: body)
    }

    private static func userPart(_ part: ContentPart) -> JSON? {
        switch part {
        case .text(let t): return t.isEmpty ? nil : ["type": "input_text", "text": .string(t)]
        case .media(let m): return mediaPart(m)
        case .toolCall, .reasoning, .serverTool: return nil
        }
    }

    private static func mediaPart(_ m: MediaPart) -> JSON {
        var o: JSONObject
        if m.kind == .image {
            o = ["type": "input_image"]
            if case .fileID(let id) = m.source { o["file_id"] = .string(id) } else { o["image_url"] = .string(m.dataURL ?? m.url ?? "") }
            o["detail"] = m.detail.map { .string($0.rawValue) }
            return .object(o)
        }
        o = ["type": "input_file"]
        switch m.source {
        case .fileID(let id): o["file_id"] = .string(id)
        case .url(let url): o["file_url"] = .string(url)
        case .base64:
            o["filename"] = .string(m.filename ?? (m.mediaType == "application/pdf" ? "document.pdf" : "document"))
            o["file_data"] = .string(m.dataURL ?? "")
        }
        return .object(o)
    }

    /// An assistant turn as output items, in its order: text runs as messages, reasoning parts
    /// of one id as one reasoning item (a summary paragraph each), tool calls as function_call.
    private static func assistantItems(_ m: Message, provider: ProviderKind) -> [JSON] {
        var items: [JSON] = []
        var text = ""
        var reasoning: (id: String, summary: [JSON], encrypted: String?)?
        func flushText() {
            guard !text.isEmpty else { return }
            items.append(
                ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": .string(text), "annotations": []]]])
            text = ""
        }
        func flushReasoning() {
            guard let r = reasoning else { return }
            var item: JSONObject = ["type": "reasoning", "id": .string(r.id), "summary": .array(r.summary)]
            item["encrypted_content"] = r.encrypted.map(JSON.string)
            items.append(.object(item))
            reasoning = nil
        }
        for part in m.parts {
            switch part {
            case .text(let t):
                flushReasoning()
                text += t
            case .reasoning(let p):
                guard p.provider == provider, let id = p.id else { continue }
                flushText()
                if reasoning?.id != id {
                    flushReasoning()
                    reasoning = (id, [], nil)
                }
                if !p.text.isEmpty { reasoning?.summary.append(["type": "summary_text", "text": .string(p.text)]) }
                if let signature = p.signature { reasoning?.encrypted = signature }
            case .toolCall(let c):
                flushText()
                flushReasoning()
                items.append([
                    "type": "function_call", "call_id": .string(c.id), "name": .string(c.name),
                    "arguments": .string(c.arguments.serialized()),
                ])
            case .media, .serverTool:
                continue
            }
        }
        flushText()
        flushReasoning()
        return items
    }

    private static func toolChoice(_ choice: ToolChoice) -> JSON {
        switch choice {
        case .auto: "auto"
        case .none: "none"
        case .required: "required"
        case .tool(let name): ["type": "function", "name": .string(name)]
        }
    }

    private static func textFormat(_ format: ResponseFormat) -> JSON {
        guard let schema = format.schema else { return ["type": "json_object"] }
        var o: JSONObject = ["type": "json_schema", "name": .string(format.name ?? "response")]
        o["description"] = format.description.map(JSON.string)
        o["schema"] = .object(schema)
        return .object(o)
    }

    /// Usage: cached tokens are part of the input, reasoning tokens of the output.
    static func usage(_ u: JSONRef) -> Usage {
        let input = u["input_tokens"]?.tokenCount ?? 0
        var usage = Usage.reported(input: input, output: u["output_tokens"]?.tokenCount ?? 0, total: u["total_tokens"]?.tokenCount)
        let details = u["input_tokens_details"]
        usage = usage.withCacheParts(read: details?["cached_tokens"]?.tokenCount, write: details?["cache_write_tokens"]?.tokenCount)
        usage.reasoningTokens = u["output_tokens_details"]?["reasoning_tokens"]?.tokenCount
        return usage
    }

    /// The error of a failed response (`response.error`) or of an `error` event, whose fields
    /// are at its top level (the SDK's shape) or in an `error` object (as the service sends it).
    static func failure(_ error: JSONRef?, what: String) -> TraciaError {
        let e = error?["error"].flatMap { $0.isObject ? $0 : nil } ?? error
        let code = e?["code"]?.string ?? e?["type"]?.string
        let message = e?["message"]?.string ?? "no message"
        return TraciaError(.providerError, "\(what): " + (code.map { "\($0): " } ?? "") + message)
    }

    /// `status` and `incomplete_details` of a finished response; throws for a failed one.
    static func finish(_ response: JSONRef, sink: some EventSink) throws(TraciaError) {
        if let u = response["usage"], u.isObject { sink.usage(usage(u)) }
        switch response["status"]?.string {
        case "failed": throw failure(response["error"], what: "response failed")
        case "incomplete": sink.finish(FinishReasons.responses.finish(response["incomplete_details"]?["reason"]?.string ?? "incomplete"))
        case let status?: sink.finish(FinishReasons.responses.finish(status))
        case nil: break
        }
    }
}

/// What a response's output items have reported so far, so that an item's final form
/// (`output_item.done`, or a whole response) adds only what its deltas did not bring.
struct ResponsesItems {
    /// Each reasoning paragraph's block, by output index and summary index.
    private var blocks: [[Int]: Int] = [:]
    /// The last block of each reasoning item, by output index: its encrypted_content goes there.
    private var lastBlock: [Int: Int] = [:]
    private var startedCalls: Set<Int> = []
    private var callsWithArguments: Set<Int> = []
    private var itemsWithText: Set<Int> = []

    mutating func reasoning(_ text: UnsafeBufferPointer<UInt8>, item: Int, paragraph: Int, id: String?, sink: some EventSink) {
        let block = self.block(item: item, paragraph: paragraph, id: id, sink: sink)
        if !text.isEmpty { sink.reasoning(text, block: block) }
    }

    private mutating func block(item: Int, paragraph: Int, id: String?, sink: some EventSink) -> Int {
        if let known = blocks[[item, paragraph]] { return known }
        let block = blocks.count
        blocks[[item, paragraph]] = block
        lastBlock[item] = block
        if let id { sink.reasoningID(id, block: block) }
        return block
    }

    mutating func callStarted(_ item: JSONRef, index: Int, sink: some EventSink) {
        startedCalls.insert(index)
        sink.toolCallStart(index: index, id: item["call_id"]?.string ?? item["id"]?.string, name: item["name"]?.string)
    }

    mutating func arguments(_ fragment: UnsafeBufferPointer<UInt8>, index: Int, sink: some EventSink) {
        callsWithArguments.insert(index)
        if !fragment.isEmpty { sink.toolCallArguments(index: index, fragment: fragment) }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, item: Int, sink: some EventSink) {
        itemsWithText.insert(item)
        if !bytes.isEmpty { sink.text(bytes) }
    }

    /// An item in its final form: what no delta brought.
    mutating func done(_ item: JSONRef, index: Int, sink: some EventSink) {
        switch item["type"]?.string {
        case "reasoning":
            let id = item["id"]?.string
            for (paragraph, part) in (item["summary"]?.array ?? []).enumerated() where blocks[[index, paragraph]] == nil {
                if let text = part["text"]?.stringBytes { reasoning(text, item: index, paragraph: paragraph, id: id, sink: sink) }
            }
            if let encrypted = item["encrypted_content"]?.stringBytes, !encrypted.isEmpty {
                let block = lastBlock[index] ?? self.block(item: index, paragraph: -1, id: id, sink: sink)
                sink.reasoningSignature(encrypted, block: block)
            } else if lastBlock[index] == nil, let id {
                _ = self.block(item: index, paragraph: -1, id: id, sink: sink)
            }
        case "function_call":
            if !startedCalls.contains(index) { callStarted(item, index: index, sink: sink) }
            if !callsWithArguments.contains(index), let args = item["arguments"]?.stringBytes { arguments(args, index: index, sink: sink) }
            sink.toolCallEnd(index: index)
        case "message":
            guard !itemsWithText.contains(index) else { return }
            for part in item["content"]?.array ?? [] {
                switch part["type"]?.string {
                case "output_text": if let t = part["text"]?.stringBytes { text(t, item: index, sink: sink) }
                case "refusal": if let t = part["refusal"]?.stringBytes, !t.isEmpty { sink.refusal(t) }
                default: break
                }
            }
        default:
            break  // server-side tools (web search, file search, …) are not supported
        }
    }
}

/// The named events of a Responses stream, until `response.completed` or `.incomplete` (there
/// is no `[DONE]`).
struct OpenAIResponsesEvents: SSEEvents {
    private var items = ResponsesItems()

    mutating func handle(event: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, sink: some EventSink) throws(TraciaError) -> Bool {
        let doc = try Self.json(data)
        let root = doc.root
        let index = root["output_index"]?.int ?? 0
        switch root["type"]?.string ?? String(decoding: event, as: UTF8.self) {
        case "response.output_text.delta":
            if let delta = root["delta"]?.stringBytes { items.text(delta, item: index, sink: sink) }
        case "response.refusal.delta":
            if let delta = root["delta"]?.stringBytes, !delta.isEmpty { sink.refusal(delta) }
        case "response.output_item.added":
            if let item = root["item"], item["type"]?.string == "function_call" { items.callStarted(item, index: index, sink: sink) }
        case "response.function_call_arguments.delta":
            if let delta = root["delta"]?.stringBytes { items.arguments(delta, index: index, sink: sink) }
        case "response.reasoning_summary_text.delta":
            if let delta = root["delta"]?.stringBytes {
                let paragraph = root["summary_index"]?.int ?? 0
                items.reasoning(delta, item: index, paragraph: paragraph, id: root["item_id"]?.string, sink: sink)
            }
        case "response.reasoning_text.delta":
            // Raw reasoning (open-weight models), kept apart from the summary's paragraphs.
            if let delta = root["delta"]?.stringBytes {
                let paragraph = -2 - (root["content_index"]?.int ?? 0)
                items.reasoning(delta, item: index, paragraph: paragraph, id: root["item_id"]?.string, sink: sink)
            }
        case "response.output_item.done":
            if let item = root["item"] { items.done(item, index: index, sink: sink) }
        case "response.completed", "response.incomplete", "response.failed":
            if let response = root["response"] { try OpenAIResponses.finish(response, sink: sink) }
            return true
        case "error":
            throw OpenAIResponses.failure(root, what: "error event in stream")
        default:
            break  // lifecycle events, `*.done` repeats of the deltas, annotations, server tools
        }
        return false
    }
}

/// A non-streaming response object.
enum OpenAIResponsesBody: BodyParser {
    static func parse(_ root: JSONRef, sink: some EventSink) throws(TraciaError) {
        if root["status"]?.string == "failed" { throw OpenAIResponses.failure(root["error"], what: "response failed") }
        if let error = root["error"], error.isObject { throw OpenAIResponses.failure(error, what: "error response") }
        guard let output = root["output"], output.isArray else { throw TraciaError(.providerError, "response has no output") }
        var items = ResponsesItems()
        for (index, item) in output.array.enumerated() { items.done(item, index: index, sink: sink) }
        try OpenAIResponses.finish(root, sink: sink)
    }
}
