/// What the mock provider should do instead of calling a network provider.
public struct MockBehaviour: Sendable, Equatable {
    public var chunks: [String]?
    public var toolCalls: [ToolCall] = []
    public var chunkDelayMS = 0
    public var error: TraciaError?
    public var errorAfterChunks = 0
    /// Reasoning streamed word by word before the text.
    public var reasoning: [String] = []
}

/// A validated `run_local` request: the Tracia SDK's arguments in snake_case.
public struct RunRequest: Sendable {
    public var model: String
    public var messages: [Message]
    public var stream = false
    public var provider: ProviderKind?
    public var temperature: Double?
    public var maxOutputTokens: Int?
    public var topP: Double?
    public var stopSequences: [String]?
    public var timeoutMS: Int?
    /// The client's first_chunk_timeout_ms for this call.
    public var firstChunkTimeoutMS: Int?
    public var variables: [(String, String)]?
    public var providerAPIKey: String?
    public var tags: [String]?
    public var userID: String?
    public var sessionID: String?
    public var sendTrace = true
    public var spanID: String?
    public var traceID: String?
    public var parentSpanID: String?
    public var tools: [ToolDefinition] = []
    public var toolChoice: ToolChoice?
    public var responseFormat: ResponseFormat?
    public var baseURL: String?
    /// Extra provider body fields, set over the body the provider's builder makes.
    public var customOptions: JSONObject?
    /// Off when nil: nothing about reasoning is sent.
    public var reasoning: ReasoningRequest?
    /// The request's own `cache_control`: a breakpoint on the last cacheable block (Anthropic's
    /// automatic caching).
    public var cacheMark: CacheMark?
    /// The OpenAI API the call uses (`api`); nil: chosen by `OpenAIAPI.of`.
    public var api: OpenAIAPI?
    public var mock = MockBehaviour()
    /// Headers added to the provider request, over the client's.
    var headers: [CustomHeader] = []

    public init(model: String, messages: [Message]) {
        self.model = model
        self.messages = messages
    }
}

extension RunRequest {
    static let keys: Set<String> = [
        "model", "messages", "stream", "provider", "temperature", "max_output_tokens", "top_p", "stop_sequences",
        "timeout_ms", "first_chunk_timeout_ms", "variables", "provider_api_key", "tags", "user_id", "session_id", "send_trace", "span_id",
        "trace_id", "parent_span_id", "tools", "tool_choice", "response_format", "base_url", "custom_options",
        "mock_response", "mock_tool_calls", "mock_chunk_delay_ms", "mock_error", "mock_reasoning", "reasoning",
        CacheMark.key, CustomHeader.key, "api",
    ]
    // The keys of the request's nested objects; include/tracia.h documents each set. A part
    // kind that can be cached lists CacheMark.key among its keys.
    static let messageKeys: Set<String> = [
        "role", "content", "tool_call_id", "toolCallId", "tool_name", "toolName", "name", CacheMark.key,
    ]
    /// The keys every content part takes; each type adds its own (`partKeys`).
    static let commonPartKeys: Set<String> = ["type"]
    static let partKeys: [String: Set<String>] = [
        "text": ["text", CacheMark.key], "tool_call": ["id", "name", "arguments", CacheMark.key],
        "reasoning": ["provider", "text", "signature", "redacted_data", "redactedData", "id"], "server_tool": ["provider", "block"],
        "image": MediaPartReader.imageKeys.union([CacheMark.key]), "document": MediaPartReader.documentKeys.union([CacheMark.key]),
        "image_url": MediaPartReader.imageURLPartKeys.union([CacheMark.key]), "file": MediaPartReader.filePartKeys.union([CacheMark.key]),
    ]
    static var contentPartKeys: Set<String> { partKeys.values.reduce(commonPartKeys) { $0.union($1) } }
    static let reasoningKeys: Set<String> = ["effort", "budget_tokens"]
    static let toolKeys: Set<String> = ["name", "description", "parameters", CacheMark.key]
    static let toolChoiceKeys: Set<String> = ["tool"]
    static let responseFormatKeys: Set<String> = ["type", "schema", "name", "description", "strict"]
    static let mockToolCallKeys: Set<String> = ["id", "name", "arguments"]
    static let mockErrorKeys: Set<String> = ["code", "message", "after_chunks", "status_code"]

    /// Parses and validates request JSON text.
    public static func parse(json: String) throws(TraciaError) -> RunRequest {
        let doc = try JSONDocument.parse(json)
        return try parse(doc.root)
    }

    /// A model name goes into a URL or a body as it is: control characters and surrounding
    /// whitespace are refused here rather than failing later as a network error or a 404.
    static func validated(model: String) throws(TraciaError) -> String {
        if model.utf8.contains(where: { $0 < 32 || $0 == 127 }) { throw .invalid("'model' must not contain control characters") }
        if model.unicodeScalars.allSatisfy(\.properties.isWhitespace) { throw .invalid("'model' must not be empty or blank") }
        if model.unicodeScalars.first!.properties.isWhitespace || model.unicodeScalars.last!.properties.isWhitespace {
            throw .invalid("'model' must not begin or end with whitespace")
        }
        return model
    }

    static func parse(_ root: JSONRef) throws(TraciaError) -> RunRequest {
        let r = try ObjectReader(root, context: "request")
        try r.rejectUnknown(allowed: keys)
        let model = try validated(model: try r.requiredString("model"))
        guard let messagesValue = r.value("messages") else { throw .invalid("'messages' is required in request") }
        guard messagesValue.isArray, messagesValue.count > 0 else { throw .invalid("'messages' must be a non-empty array") }
        var messages: [Message] = []
        for (i, m) in messagesValue.array.enumerated() { messages.append(try parseMessage(m, index: i)) }

        var req = RunRequest(model: model, messages: messages)
        req.stream = try r.bool("stream") ?? false
        if let p = try r.string("provider") {
            guard let kind = ProviderKind(rawValue: p) else {
                throw .invalid("unknown provider '\(p)' (expected \(ProviderRegistry.nameList))")
            }
            req.provider = kind
        }
        req.temperature = try r.number("temperature", in: 0...2)
        req.maxOutputTokens = try r.int("max_output_tokens", in: 1...10_000_000)
        req.topP = try r.number("top_p", in: 0...1)
        req.stopSequences = try r.stringArray("stop_sequences")
        req.timeoutMS = try r.int("timeout_ms", in: 1...86_400_000)
        req.firstChunkTimeoutMS = try r.int("first_chunk_timeout_ms", in: 1...86_400_000)
        req.variables = try r.stringMap("variables")
        req.providerAPIKey = try r.headerValue("provider_api_key")
        req.tags = try r.stringArray("tags")
        req.userID = try r.string("user_id")
        req.sessionID = try r.string("session_id")
        req.sendTrace = try r.bool("send_trace") ?? true
        if let s = try r.string("span_id") { req.spanID = try validated(id: s, key: "span_id", prefixes: ["sp_", "tr_"]) }
        if let s = try r.string("trace_id") { req.traceID = try validated(linkID: s, key: "trace_id") }
        if let s = try r.string("parent_span_id") { req.parentSpanID = try validated(linkID: s, key: "parent_span_id") }
        if let tools = r.value("tools") {
            guard tools.isArray else { throw .invalid("'tools' must be an array") }
            for (i, t) in tools.array.enumerated() { req.tools.append(try parseTool(t, index: i)) }
        }
        if let choice = r.value("tool_choice") { req.toolChoice = try parseToolChoice(choice) }
        if let format = r.value("response_format") { req.responseFormat = try parseResponseFormat(format) }
        if let url = try r.string("base_url", nonEmpty: true) { req.baseURL = try validated(url: url, from: "'base_url' in request") }
        req.customOptions = try r.object("custom_options").flatMap(JSONObject.init)
        if let reasoning = r.value("reasoning") { req.reasoning = try parseReasoning(reasoning) }
        req.cacheMark = try CacheMark.parse(r.value(CacheMark.key), context: "request")
        if let name = try r.string("api") {
            guard let api = OpenAIAPI(rawValue: name) else { throw .invalid("unknown api '\(name)' (expected chat or responses)") }
            req.api = api
        }
        req.headers = try CustomHeader.parse(r) ?? []
        try parseMock(r, into: &req.mock)
        return req
    }

    private static func parseMessage(_ value: JSONRef, index: Int) throws(TraciaError) -> Message {
        let context = "messages[\(index)]"
        let r = try ObjectReader(value, context: context)
        try r.rejectUnknown(allowed: messageKeys)
        let roleName = try r.requiredString("role")
        guard let role = Role(rawValue: roleName) else {
            throw .invalid("\(context): unknown role '\(roleName)' (expected system, developer, user, assistant or tool)")
        }
        var message: Message
        guard let content = value["content"] else { throw .invalid("\(context): 'content' is required") }
        if let text = content.string {
            message = Message(role: role, text: text)
        } else if content.isNull, role == .assistant {
            message = Message(role: role, parts: [])
        } else if content.isArray {
            var parts: [ContentPart] = []
            var marks: [Int: CacheMark] = [:]
            for (j, p) in content.array.enumerated() {
                let partContext = "\(context).content[\(j)]"
                parts.append(try parsePart(p, context: partContext, role: role))
                // The part's kind has already refused the key if it cannot take it.
                marks[j] = try CacheMark.parse(p[CacheMark.key], context: partContext)
            }
            message = Message(role: role, parts: parts)
            message.cacheMarks = marks
        } else {
            throw .invalid("\(context): 'content' must be a string or an array of parts")
        }
        try markLastPart(of: &message, with: CacheMark.parse(r.value(CacheMark.key), context: context), context: context)
        message.toolCallID = try r.firstString(["tool_call_id", "toolCallId"])
        message.toolName = try r.firstString(["tool_name", "toolName", "name"])
        if role == .tool, message.toolCallID == nil {
            throw .invalid("\(context): a tool message needs 'tool_call_id'")
        }
        return message
    }

    private static func parsePart(_ value: JSONRef, context: String, role: Role) throws(TraciaError) -> ContentPart {
        let r = try ObjectReader(value, context: context)
        let type = try r.requiredString("type")
        guard let keys = partKeys[type] else {
            throw .invalid(
                "\(context): unknown part type '\(type)' (expected text, tool_call, reasoning, server_tool, image, document, image_url or file)"
            )
        }
        if type == "reasoning", r.value(CacheMark.key) != nil {
            throw .invalid("\(context): a reasoning part cannot carry cache_control (providers cache no thinking block)")
        }
        try r.rejectUnknown(allowed: commonPartKeys.union(keys))
        switch type {
        case "text":
            guard let text = try r.string("text") else { throw .invalid("\(context): 'text' is required") }
            return .text(text)
        case "tool_call":
            guard role == .assistant else { throw .invalid("\(context): tool_call parts belong to assistant messages") }
            let id = try r.requiredString("id")
            let name = try r.requiredString("name")
            return .toolCall(ToolCall(id: id, name: name, arguments: try toolCallArguments(r.value("arguments"), context: context)))
        case "reasoning":
            guard role == .assistant else { throw .invalid("\(context): reasoning parts belong to assistant messages") }
            let name = try r.requiredString("provider")
            guard let provider = ProviderKind(rawValue: name) else { throw .invalid("\(context): unknown provider '\(name)'") }
            let part = ReasoningPart(
                provider: provider, text: try r.string("text") ?? "", signature: try r.string("signature"),
                redactedData: try r.firstString(["redacted_data", "redactedData"]), id: try r.string("id", nonEmpty: true))
            return .reasoning(part)
        case "server_tool":
            guard role == .assistant else { throw .invalid("\(context): server_tool parts belong to assistant messages") }
            let name = try r.requiredString("provider")
            guard let provider = ProviderKind(rawValue: name) else { throw .invalid("\(context): unknown provider '\(name)'") }
            guard let block = try r.object("block").flatMap(JSONObject.init) else { throw .invalid("\(context): 'block' is required") }
            return .serverTool(ServerToolPart(provider: provider, block: block))
        default:
            guard role == .user else { throw .invalid("\(context): \(type) parts belong to user messages") }
            switch type {
            case "image": return .media(try MediaPartReader.neutral(.image, r))
            case "document": return .media(try MediaPartReader.neutral(.document, r))
            case "image_url": return .media(try MediaPartReader.imageURL(r))
            default: return .media(try MediaPartReader.file(r))
            }
        }
    }

    /// A message's own `cache_control` marks its last part (a string content's one text). An
    /// empty text cannot be cached: providers drop it or refuse a mark on it.
    private static func markLastPart(of message: inout Message, with mark: CacheMark?, context: String) throws(TraciaError) {
        if let mark {
            guard let last = message.parts.indices.last else { throw .invalid("\(context): cache_control on a message without content") }
            if case .reasoning = message.parts[last] {
                throw .invalid("\(context): cache_control marks the last part, a reasoning part, which providers cannot cache")
            }
            guard message.cacheMarks[last] == nil else {
                throw .invalid("\(context): cache_control is given both on the message and on its last part")
            }
            message.cacheMarks[last] = mark
        }
        for index in message.cacheMarks.keys where message.role != .tool {
            if case .text(let t) = message.parts[index], t.isEmpty {
                throw .invalid("\(context): cache_control on an empty text, which providers cannot cache")
            }
        }
    }

    private static func parseReasoning(_ value: JSONRef) throws(TraciaError) -> ReasoningRequest {
        let r = try ObjectReader(value, context: "reasoning")
        try r.rejectUnknown(allowed: reasoningKeys)
        var reasoning = ReasoningRequest()
        if let name = try r.string("effort") {
            guard let effort = ReasoningRequest.Effort(rawValue: name) else {
                throw .invalid("reasoning: unknown effort '\(name)' (expected low, medium or high)")
            }
            reasoning.effort = effort
        }
        reasoning.budgetTokens = try r.int("budget_tokens", in: 0...10_000_000)
        guard reasoning.effort != nil || reasoning.budgetTokens != nil else {
            throw .invalid("reasoning: give 'effort', 'budget_tokens' or both")
        }
        return reasoning
    }

    /// An object, or JSON text of one as providers send it; absent means no arguments.
    private static func toolCallArguments(_ value: JSONRef?, context: String) throws(TraciaError) -> JSONObject {
        guard let value else { return [:] }
        if let object = JSONObject(value) { return object }
        let notAnObject = TraciaError.invalid("\(context): 'arguments' must be an object")
        guard let text = value.string, let object = (try? JSON(parsing: text))?.object else { throw notAnObject }
        return object
    }

    static func parseTool(_ value: JSONRef, index: Int) throws(TraciaError) -> ToolDefinition {
        let context = "tools[\(index)]"
        let r = try ObjectReader(value, context: context)
        try r.rejectUnknown(allowed: toolKeys)
        let name = try r.requiredString("name")
        let parameters = try r.object("parameters").flatMap(JSONObject.init)
        var tool = ToolDefinition(name: name, description: try r.string("description"), parameters: parameters)
        tool.cacheMark = try CacheMark.parse(r.value(CacheMark.key), context: context)
        return tool
    }

    private static func parseToolChoice(_ value: JSONRef) throws(TraciaError) -> ToolChoice {
        if let s = value.string {
            switch s {
            case "auto": return .auto
            case "none": return .none
            case "required": return .required
            default: throw .invalid("'tool_choice' must be auto, none, required or {\"tool\": name}")
            }
        }
        let r = try ObjectReader(value, context: "tool_choice")
        try r.rejectUnknown(allowed: toolChoiceKeys)
        return .tool(try r.requiredString("tool"))
    }

    private static func parseResponseFormat(_ value: JSONRef) throws(TraciaError) -> ResponseFormat {
        let r = try ObjectReader(value, context: "response_format")
        try r.rejectUnknown(allowed: responseFormatKeys)
        let type = try r.requiredString("type")
        guard type == "json" else { throw .invalid("'response_format.type' must be 'json'") }
        return ResponseFormat(
            schema: try r.object("schema").flatMap(JSONObject.init), name: try r.string("name"), description: try r.string("description"),
            strict: try r.bool("strict"))
    }

    private static func parseMock(_ r: ObjectReader, into mock: inout MockBehaviour) throws(TraciaError) {
        if let reasoning = try r.string("mock_reasoning") { mock.reasoning = MockBehaviour.words(of: reasoning) }
        if let response = r.value("mock_response") {
            if let s = response.string {
                mock.chunks = MockBehaviour.words(of: s)
            } else if response.isArray {
                mock.chunks = try r.stringArray("mock_response")
            } else {
                throw .invalid("'mock_response' must be a string or an array of strings")
            }
        }
        if let calls = r.value("mock_tool_calls") {
            guard calls.isArray else { throw .invalid("'mock_tool_calls' must be an array") }
            for (i, c) in calls.array.enumerated() {
                let cr = try ObjectReader(c, context: "mock_tool_calls[\(i)]")
                try cr.rejectUnknown(allowed: mockToolCallKeys)
                let arguments = try cr.object("arguments").flatMap(JSONObject.init) ?? [:]
                mock.toolCalls.append(
                    ToolCall(
                        id: try cr.string("id", nonEmpty: true) ?? "call_mock_\(i)", name: try cr.requiredString("name"),
                        arguments: arguments))
            }
        }
        mock.chunkDelayMS = try r.int("mock_chunk_delay_ms", in: 0...600_000) ?? 0
        if let e = r.value("mock_error") {
            let er = try ObjectReader(e, context: "mock_error")
            try er.rejectUnknown(allowed: mockErrorKeys)
            let codeName = try er.string("code") ?? "PROVIDER_ERROR"
            guard let code = ErrorCode.allCases.first(where: { $0.name == codeName }) else {
                throw .invalid("unknown error code '\(codeName)' in mock_error")
            }
            mock.error = TraciaError(code, try er.string("message") ?? "mock error", statusCode: try er.int("status_code", in: 100...599))
            mock.errorAfterChunks = try er.int("after_chunks", in: 0...1_000_000) ?? 0
        }
    }

    static func validated(id: String, key: String, prefixes: [String]) throws(TraciaError) -> String {
        let utf8 = Array(id.utf8)
        let isHex = { (c: UInt8) in (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) }
        guard utf8.count == 19, prefixes.contains(where: id.hasPrefix), utf8[3...].allSatisfy(isHex) else {
            throw .invalid("'\(key)' must look like \(prefixes[0])<16 hex digits>, got '\(id.prefix(64))'")
        }
        return id
    }

    /// A trace or parent span id names a span made elsewhere (another SDK, an OpenTelemetry
    /// tracer, the caller's own scheme), so any text is taken, as the official SDK takes it;
    /// only what would break a header or a log line is refused. OTLP derives W3C ids from it
    /// (`W3CIDs`).
    static func validated(linkID id: String, key: String) throws(TraciaError) -> String {
        if id.isEmpty { throw .invalid("'\(key)' must not be empty") }
        if id.utf8.contains(where: { $0 < 32 || $0 == 127 }) { throw .invalid("'\(key)' must not contain control characters") }
        return id
    }

    /// `source` says where the URL came from (an option, a variable), for the error.
    public static func validated(url: String, from source: String) throws(TraciaError) -> String {
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), !url.utf8.contains(where: { $0 <= 32 }) else {
            let shown = String(decoding: url.utf8.prefix(200).map { $0 < 32 || $0 == 127 ? UInt8(ascii: "?") : $0 }, as: UTF8.self)
            throw .invalid("\(source) must be an http:// or https:// URL without spaces; it is '\(shown)'")
        }
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}

extension MockBehaviour {
    /// Splits text after each space, as a model streams words.
    static func words(of text: String) -> [String] {
        var chunks: [String] = []
        var current = ""
        for ch in text {
            current.append(ch)
            if ch == " " {
                chunks.append(current)
                current = ""
            }
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }
}

extension ToolDefinition {
    /// A tool definition `{"name","description","parameters"}` from JSON text.
    public static func parse(json: String) throws(TraciaError) -> ToolDefinition {
        let doc = try JSONDocument.parse(json)
        return try RunRequest.parseTool(doc.root, index: 0)
    }
}
