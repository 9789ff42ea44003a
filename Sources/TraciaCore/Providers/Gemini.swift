/// Google Gemini (generativelanguage API).
struct GeminiAdapter: ProviderAdapter {
    static let defaultBaseURL = "https://generativelanguage.googleapis.com"
    static let apiVersion = "v1beta"
    /// Gemini usually sends no call ids; ours carry this prefix so they are never echoed back.
    static let syntheticIDPrefix = "call_gemini_"

    func httpRequest(for call: ResolvedCall) throws(TraciaError) -> HTTPRequest {
        let base = call.baseURL ?? Self.defaultBaseURL
        let model = try Self.modelPath(call.request.model)
        let method = call.request.stream ? "streamGenerateContent?alt=sse" : "generateContent"
        var headers = ["Content-Type: application/json"]
        if let key = call.apiKey { headers.append("x-goog-api-key: \(key)") }
        return HTTPRequest(
            url: "\(base)/\(Self.apiVersion)/\(model):\(method)", headers: headers, body: try Self.body(for: call.request).serializedBytes()
        )
    }

    func decoder(for call: ResolvedCall) -> any ResponseDecoder {
        call.request.stream ? SSEDecoder<GeminiEvents>() : JSONBodyDecoder<GeminiBody>(limit: call.maxResponseBytes)
    }

    func error(status: Int, body: [UInt8]) -> TraciaError {
        guard let doc = body.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }), let error = Self.errorObject(doc.root) else {
            return httpError(status: status, message: bodyText(body))
        }
        return httpError(status: status, message: "\(error["status"]?.string ?? "ERROR"): \(error["message"]?.string ?? "")")
    }

    /// RetryInfo's retryDelay ("37s") in a 429 body.
    func retryAfterMS(status: Int, body: [UInt8]) -> Int64? {
        guard let doc = body.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }), let error = Self.errorObject(doc.root) else { return nil }
        for detail in error["details"]?.array ?? [] {
            if let delay = detail["retryDelay"]?.string, let ms = RetryHints.milliseconds(fromDuration: delay) { return ms }
        }
        return nil
    }

    /// `{"error":…}`, or the same inside a one-element array (streaming endpoints).
    static func errorObject(_ root: JSONRef) -> JSONRef? {
        if let error = root["error"] { return error }
        if root.isArray, root.count == 1 { return root[0]?["error"] }
        return nil
    }

    static func modelPath(_ model: String) throws(TraciaError) -> String {
        let name = model.hasPrefix("models/") || model.hasPrefix("tunedModels/") ? model : "models/" + model
        let forbidden: [Character] = ["?", "&", "#", "%", " "]
        guard !name.contains(".."), !name.contains(where: forbidden.contains), name.split(separator: "/").count == 2 else {
            throw TraciaError(.invalidRequest, "'\(model)' is not a valid Gemini model name")
        }
        return name
    }

    /// `replaying`: the provider whose reasoning parts are sent back (Gemini API or Vertex AI,
    /// whose signatures are their own).
    static func body(for r: RunRequest, replaying own: ProviderKind = .google) throws(TraciaError) -> JSONObject {
        try MediaSupport.gemini.check(r.messages)
        let conversation = Conversation(r.messages)
        var body = JSONObject()
        if let system = conversation.system { body["systemInstruction"] = ["parts": [textPart(system)]] }
        body["contents"] = .array(
            conversation.turns.map { turn in
                ["role": turn.fromAssistant ? "model" : "user", "parts": .array(parts(of: turn, in: conversation, own: own))]
            })
        if !r.tools.isEmpty {
            let declarations = r.tools.map { JSON.object(RequestPieces.tool($0, schemaKey: "parametersJsonSchema")) }
            body["tools"] = [["functionDeclarations": .array(declarations)]]
        }
        if let choice = r.toolChoice { body["toolConfig"] = ["functionCallingConfig": functionCallingConfig(choice)] }
        var generation = JSONObject()
        generation["temperature"] = r.temperature.map(JSON.double)
        generation["topP"] = r.topP.map(JSON.double)
        generation["maxOutputTokens"] = r.maxOutputTokens.map(JSON.init)
        generation["stopSequences"] = RequestPieces.stopList(r)
        if let format = r.responseFormat {
            generation["responseMimeType"] = "application/json"
            generation["responseJsonSchema"] = format.schema.map(JSON.object)
        }
        if let reasoning = r.reasoning { generation["thinkingConfig"] = .object(try thinkingConfig(reasoning, model: r.model)) }
        if !generation.isEmpty { body["generationConfig"] = .object(generation) }
        return RequestPieces.applyingCustomOptions(of: r, to: body)
    }

    /// Thought summaries on. Gemini 3 takes a thinking level (a budget only when asked for
    /// alone; both at once is the API's 400), earlier models a budget.
    static func thinkingConfig(_ reasoning: ReasoningRequest, model: String) throws(TraciaError) -> JSONObject {
        var config: JSONObject = ["includeThoughts": true]
        if isGemini3(model), let effort = reasoning.effort {
            guard reasoning.budgetTokens == nil else {
                throw TraciaError(
                    .invalidRequest,
                    "reasoning: give effort or budget_tokens for \(model), not both (Gemini 3 takes thinkingLevel or thinkingBudget, not both)"
                )
            }
            config["thinkingLevel"] = .string(effort.rawValue.uppercased())
        } else if let budget = reasoning.budgetTokens ?? reasoning.effort.map(thinkingBudget) {
            config["thinkingBudget"] = JSON(budget)
        }
        return config
    }

    private static func thinkingBudget(_ effort: ReasoningRequest.Effort) -> Int {
        switch effort {
        case .low: 1024
        case .medium: 8192
        case .high: 24576
        }
    }

    /// `gemini-3`, `gemini-3-pro-preview`, `models/gemini-3.1-flash`; not `gemini-2.5-pro`.
    static func isGemini3(_ model: String) -> Bool {
        let name = model.split(separator: "/").last.map(String.init) ?? model
        guard name.hasPrefix("gemini-3") else { return false }
        let rest = name.dropFirst("gemini-3".count)
        return rest.isEmpty || rest.first == "-" || rest.first == "."
    }

    private static func functionCallingConfig(_ choice: ToolChoice) -> JSON {
        switch choice {
        case .auto: ["mode": "AUTO"]
        case .none: ["mode": "NONE"]
        case .required: ["mode": "ANY"]
        case .tool(let name): ["mode": "ANY", "allowedFunctionNames": [.string(name)]]
        }
    }

    /// A Gemini reasoning part stands for the `thoughtSignature` of the part after it (its
    /// thought summary is not sent back); a signature with no part of its own to ride on (last
    /// in the turn, or followed by another signature) goes on an empty text part, as Gemini
    /// sends it. Other providers' reasoning is left out.
    private static func parts(of turn: Conversation.Turn, in conversation: Conversation, own: ProviderKind) -> [JSON] {
        var parts: [JSON] = []
        var signature: String?
        for p in turn.parts {
            if case .serverTool = p { continue }  // another provider's
            if case .reasoning(let r) = p {
                if r.provider == own, let s = r.signature {
                    if let pending = signature { parts.append(["text": "", "thoughtSignature": .string(pending)]) }
                    signature = s
                }
                continue
            }
            var json = part(for: p, in: conversation)
            if let s = signature, case .object(var o) = json {
                o["thoughtSignature"] = .string(s)
                json = .object(o)
                signature = nil
            }
            parts.append(json)
        }
        if let signature { parts.append(["text": "", "thoughtSignature": .string(signature)]) }
        return parts
    }

    private static func part(for part: Conversation.Part, in conversation: Conversation) -> JSON {
        switch part {
        case .reasoning, .serverTool:
            return [:]
        case .text(let text):
            return textPart(text)
        case .media(let m):
            return GeminiMedia.part(m)
        case .toolCall(let call):
            var fn: JSONObject = ["name": .string(call.name), "args": .object(call.arguments)]
            if !call.id.hasPrefix(syntheticIDPrefix) { fn["id"] = .string(call.id) }
            return ["functionCall": .object(fn)]
        case .toolResult(let id, let name, let content):
            // The response must be an object; the model reads its `output` key. The result is
            // text that may or may not be JSON.
            var fn: JSONObject = [
                "name": .string(name ?? conversation.toolName(for: id) ?? ""),
                "response": ["output": JSON.lenientlyParsed(content) ?? .string(content)],
            ]
            if !id.hasPrefix(syntheticIDPrefix) { fn["id"] = .string(id) }
            return ["functionResponse": .object(fn)]
        }
    }

    private static func textPart(_ text: String) -> JSON { ["text": .string(text)] }
}

/// One GenerateContentResponse (a stream chunk or the whole body) into events.
///
/// Thought summaries (`"thought": true`) are reasoning, never text; consecutive ones make one
/// reasoning block. A `thoughtSignature`, on whatever part it comes, opens a block of its own,
/// reported before the part's content: the replay puts a Gemini reasoning part's signature on
/// the part after it, which is where it came.
struct GeminiResponse {
    private var calls = 0
    private var blocks = 0
    /// The block that thought summaries go on, until another part comes between them.
    private var thoughtBlock: Int?

    /// Returns true when the candidate finished.
    mutating func emit(_ root: JSONRef, sink: some EventSink) throws(TraciaError) -> Bool {
        if let error = GeminiAdapter.errorObject(root) {
            throw TraciaError(.providerError, "error in stream: \(error["status"]?.string ?? "ERROR"): \(error["message"]?.string ?? "")")
        }
        if let blocked = root["promptFeedback"]?["blockReason"]?.string {
            throw TraciaError(.providerError, "the prompt was blocked (\(blocked))")
        }
        let candidate = root["candidates"]?[0]
        if let u = root["usageMetadata"] {
            // Each chunk counts what came so far; the one with the finish reason is final.
            if candidate?["finishReason"] != nil { sink.usage(Self.usage(u)) } else { sink.provisionalUsage(Self.usage(u)) }
        }
        guard let candidate else { return false }
        for part in candidate["content"]?["parts"]?.array ?? [] { emit(part: part, sink: sink) }
        guard let reason = candidate["finishReason"]?.string else { return false }
        sink.finish(FinishReasons.gemini.finish(reason))
        return true
    }

    private mutating func emit(part: JSONRef, sink: some EventSink) {
        let isThought = part["thought"]?.bool == true
        if let signature = part["thoughtSignature"]?.stringBytes, !signature.isEmpty {
            let block = newBlock()
            sink.reasoningSignature(signature, block: block)
            thoughtBlock = isThought ? block : nil
        }
        if let text = part["text"]?.stringBytes, !text.isEmpty {
            if isThought {
                let block = thoughtBlock ?? newBlock()
                thoughtBlock = block
                sink.reasoning(text, block: block)
            } else {
                thoughtBlock = nil
                sink.text(text)
            }
        } else if let call = part["functionCall"] {
            thoughtBlock = nil
            let index = calls
            calls += 1
            sink.toolCallStart(
                index: index, id: call["id"]?.string ?? "\(GeminiAdapter.syntheticIDPrefix)\(index)", name: call["name"]?.string)
            Array((call["args"]?.serialized() ?? "{}").utf8).withUnsafeBufferPointer {
                sink.toolCallArguments(index: index, fragment: $0)
            }
        }
    }

    private mutating func newBlock() -> Int {
        defer { blocks += 1 }
        return blocks
    }

    /// Thoughts are billed as output: outputTokens counts them with the candidates' tokens. The
    /// prompt count includes the tokens read from the cache.
    private static func usage(_ u: JSONRef) -> Usage {
        let input = TokenCounts.sum(u["promptTokenCount"]?.tokenCount, u["toolUsePromptTokenCount"]?.tokenCount)
        let thoughts = u["thoughtsTokenCount"]?.tokenCount
        var usage = Usage.reported(
            input: input, output: TokenCounts.sum(u["candidatesTokenCount"]?.tokenCount, thoughts), total: u["totalTokenCount"]?.tokenCount
        ).withCacheParts(read: u["cachedContentTokenCount"]?.tokenCount, write: nil)
        usage.reasoningTokens = thoughts
        return usage
    }
}

/// A Gemini stream: `data:` chunks until one carries a finish reason. The service sends no
/// terminal marker, so a stream that ends without a finish reason was cut short.
struct GeminiEvents: SSEEvents {
    private var response = GeminiResponse()

    mutating func handle(event: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, sink: some EventSink) throws(TraciaError) -> Bool {
        let doc = try Self.json(data)
        return try response.emit(doc.root, sink: sink)
    }
}

/// A non-streaming Gemini response.
enum GeminiBody: BodyParser {
    static func parse(_ root: JSONRef, sink: some EventSink) throws(TraciaError) {
        var response = GeminiResponse()
        _ = try response.emit(root, sink: sink)
    }
}
