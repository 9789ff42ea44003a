/// Bedrock's own client settings: where its AWS credentials come from (`AWSCredentialChain`:
/// the `aws_*` options, the environment, a profile of the shared files, `credential_process`,
/// container credentials, IMDS) and the region (the `aws_region` option, AWS_REGION,
/// AWS_DEFAULT_REGION, the profile's `region`, else eu-central-1 as the Tracia SDKs). With
/// credentials, calls need no API key: they are signed.
struct BedrockSettings: ProviderSettings {
    static let optionKeys = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_region", "aws_profile"]
    static let defaults = BedrockSettings()

    var plan = AWSCredentialPlan.none
    var region = "eu-central-1"

    /// Keys known when the client was made; nil when they come from a source (or nowhere).
    var credentials: AWSCredentials? {
        if case .keys(let keys, _) = plan { return keys }
        return nil
    }

    /// The runtime endpoint of the region, used unless a base URL is configured.
    var endpoint: String { "https://bedrock-runtime.\(region).amazonaws.com" }

    static func read(options: ObjectReader?, environment: (String) -> String?) throws(TraciaError) -> BedrockSettings {
        func nonEmpty(_ name: String) -> String? { environment(name).flatMap { $0.isEmpty ? nil : $0 } }
        var explicit = AWSCredentialChain.Explicit()
        var explicitRegion: String?
        if let r = options {
            explicit.accessKeyID = try r.headerValue("aws_access_key_id")
            explicit.secretAccessKey = try r.headerValue("aws_secret_access_key")
            explicit.sessionToken = try r.headerValue("aws_session_token")
            explicit.profile = try r.headerValue("aws_profile")
            explicitRegion = try r.headerValue("aws_region")
        }
        // The shared files are read when they may matter: not when the options give both keys.
        let needsFiles = explicit.accessKeyID == nil || explicit.secretAccessKey == nil
        let files = needsFiles ? try AWSSharedFiles.load(environment: environment) : .none
        let choice = AWSCredentialChain.choose(explicit: explicit, environment: environment, files: files)
        var s = BedrockSettings()
        s.plan = choice.plan
        s.region = explicitRegion ?? nonEmpty("AWS_REGION") ?? nonEmpty("AWS_DEFAULT_REGION") ?? choice.profileRegion ?? s.region
        return s
    }

    /// Values from the environment and files too: a stray newline must not reach a header.
    func validate() throws(TraciaError) {
        if let credentials {
            for (name, value) in [
                ("the AWS access key id", credentials.accessKeyID), ("the AWS secret key", credentials.secretAccessKey),
                ("the AWS session token", credentials.sessionToken),
            ] {
                if let value { try ObjectReader.checkHeaderValue(value, name: name) }
            }
        }
        try ObjectReader.checkHeaderValue(region, name: "the AWS region")
        // The region becomes part of a host name.
        if region.isEmpty || region.utf8.contains(where: { !(97...122 ~= $0 || 48...57 ~= $0 || $0 == 45) }) {
            throw .invalid("the AWS region must be lowercase letters, digits and '-' (as in us-east-1)")
        }
    }

    var secrets: [String] {
        switch plan {
        case .keys(let keys, _): [keys.secretAccessKey, keys.sessionToken].compactMap { $0 }
        case .container(let endpoint): [endpoint.token].compactMap { $0 }
        case .process, .instanceMetadata, .unusable, .none: []
        }
    }

    /// A plan that cannot be used counts too: its call fails with the plan's own error.
    var signsRequests: Bool { plan != .none }

    /// Every place credentials can come from, for the error of a call that found none.
    static let missingKeyHint =
        "AWS_BEARER_TOKEN_BEDROCK or BEDROCK_API_KEY (a Bedrock API key), or AWS credentials: the aws_access_key_id and "
        + "aws_secret_access_key options, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile (aws_profile, AWS_PROFILE) "
        + "with keys or credential_process in ~/.aws/credentials or ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE), "
        + "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI), "
        + "or the EC2 instance metadata service (not when AWS_EC2_METADATA_DISABLED=true),"
}

/// Bedrock model ids: a vendor's model, optionally behind the geography of a cross-Region
/// inference profile (`eu.anthropic.…`).
enum BedrockModelID {
    /// The geographies of AWS's system-defined cross-Region inference profiles.
    static let geographies = ["us", "eu", "apac", "us-gov", "jp", "au", "ca", "global"]
    static let vendors = [
        "anthropic.", "amazon.", "meta.", "mistral.", "cohere.", "ai21.", "deepseek.", "openai.", "qwen.", "writer.", "twelvelabs.",
        "stability.",
    ]

    /// The inference profile geography the id starts with, if any.
    static func geography(of model: String) -> String? {
        guard let dot = model.firstIndex(of: ".") else { return nil }
        let prefix = String(model[..<dot])
        return geographies.contains(prefix) ? prefix : nil
    }

    /// The geography of the system-defined profiles a region's calls go through, by region
    /// prefix (an entry without a trailing '-' is one region), first match winning; AWS CDK's
    /// table (`CrossRegionInferenceProfileRegion`). Asia-Pacific regions get `apac.`, not `jp.` or
    /// `au.`: `apac.` is sourced from every one of them (Tokyo and Sydney included) and offered for
    /// more models, while the in-country profiles exist for fewer; an id written with `jp.` or
    /// `au.` is kept as it is. AWS documents no Canadian (`ca.`) or South American geography, so
    /// those regions, and any region not listed, call the model itself.
    static let profileGeographies: [(region: String, geography: String)] = [
        ("us-gov-", "us-gov"), ("us-", "us"), ("eu-", "eu"), ("ap-", "apac"), ("me-central-1", "apac"),
    ]

    static func profileGeography(region: String) -> String? {
        profileGeographies.first { $0.region.hasSuffix("-") ? region.hasPrefix($0.region) : region == $0.region }?.geography
    }

    static func isModelID(_ model: String) -> Bool {
        let id = geography(of: model).map { model.dropFirst($0.count + 1) } ?? Substring(model)
        return vendors.contains(where: { id.hasPrefix($0) })
    }

    /// The vendor's model (`anthropic.claude-…`) without a profile's geography; for an ARN, what
    /// its resource names (a foundation model or a system-defined profile).
    static func vendorModel(of model: String) -> Substring {
        let id = model.hasPrefix("arn:") ? model.split(separator: "/", omittingEmptySubsequences: false).last ?? "" : Substring(model)
        return geography(of: String(id)).map { id.dropFirst($0.count + 1) } ?? id
    }
}

/// Amazon Bedrock Converse and ConverseStream.
struct BedrockAdapter: ProviderAdapter {
    func httpRequest(for call: ResolvedCall) throws(TraciaError) -> HTTPRequest {
        let settings = call.settings(BedrockSettings.self)
        let endpoint = call.baseURL ?? settings.endpoint
        let tail = Self.modelPath(call.request.model, region: settings.region, action: call.request.stream ? "converse-stream" : "converse")
        let body = try Self.body(for: call.request).serializedBytes()
        let accept = call.request.stream ? ["Accept: application/vnd.amazon.eventstream"] : []
        return try Self.authorized(
            endpoint: endpoint, tail: tail, body: body, headers: ["Content-Type: application/json"] + accept, apiKey: call.apiKey,
            settings: settings, fetched: call.credential)
    }

    /// `/model/{id}/{action}`: the id with the region's geography prefix, as one path segment
    /// (':' and '/' percent-encoded, as the AWS SDKs send it).
    static func modelPath(_ model: String, region: String, action: String) -> String {
        "/model/\(regionalModelID(model, region: region).percentEncoded(keepSlash: false))/\(action)"
    }

    /// A request to the runtime endpoint with its credentials: the API key as a bearer token,
    /// else the AWS keys' SigV4 signature.
    static func authorized(
        endpoint: String, tail: String, body: [UInt8], headers: [String], apiKey: String?, settings: BedrockSettings,
        fetched: Credential?
    ) throws(TraciaError) -> HTTPRequest {
        var headers = headers
        if let key = apiKey {
            headers.append("Authorization: Bearer \(key)")
        } else if let credentials = try Self.signingCredentials(fetched: fetched, settings) {
            guard let (host, basePath) = Self.hostAndPath(endpoint) else {
                throw TraciaError(.invalidRequest, "cannot sign a request to '\(endpoint)'")
            }
            headers += SigV4.headers(
                host: host, path: basePath + tail, body: body, credentials: credentials, region: settings.region, service: "bedrock")
        }
        return HTTPRequest(url: endpoint + tail, headers: headers, body: body)
    }

    func decoder(for call: ResolvedCall) -> any ResponseDecoder {
        call.request.stream ? BedrockStreamDecoder() : JSONBodyDecoder<BedrockBody>(limit: call.maxResponseBytes)
    }

    func error(status: Int, body: [UInt8]) -> TraciaError {
        guard let doc = body.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }) else {
            return httpError(status: status, message: bodyText(body))
        }
        let message = doc.root["message"]?.string ?? doc.root["Message"]?.string ?? bodyText(body)
        let type = doc.root["__type"]?.string.map { String($0.split(separator: "#").last ?? "") + ": " } ?? ""
        return httpError(status: status, message: type + message)
    }

    /// AWS refuses expired or revoked temporary keys with a 403 (ExpiredTokenException,
    /// UnrecognizedClientException) rather than a 401; those messages are how it tells.
    func refusesCredential(status: Int, body: [UInt8]) -> Bool {
        guard status == 401 || status == 403 else { return false }
        let text = String(decoding: body.prefix(2000), as: UTF8.self)
        return ["security token included in the request is expired", "security token included in the request is invalid"]
            .contains(where: text.contains)
    }

    /// The keys a call is signed with: the client's own, or those its source fetched; nil for
    /// a call sent unsigned (no credentials anywhere, to a base URL of the caller's choosing).
    static func signingCredentials(fetched: Credential?, _ settings: BedrockSettings) throws(TraciaError) -> AWSCredentials? {
        switch settings.plan {
        case .keys(let keys, _): return keys
        case .unusable(let error): throw error
        case .none: return nil
        case .process, .container, .instanceMetadata:
            guard case .aws(let keys)? = fetched?.value else {
                throw TraciaError(.unknown, "AWS credentials were not fetched before the request was built")
            }
            return keys
        }
    }

    /// The source of a call signed with credentials that take I/O; none for a call with an API key.
    func credentialSource(for call: ResolvedCall) -> (any CredentialSource)? {
        Self.credentialSource(call.settings(BedrockSettings.self), apiKey: call.apiKey)
    }

    /// Where the keys of a request without an API key come from, when getting them takes I/O.
    static func credentialSource(_ settings: BedrockSettings, apiKey: String?) -> (any CredentialSource)? {
        guard apiKey == nil else { return nil }
        switch settings.plan {
        case .process(let argv, let profile): return AWSProcessSource(argv: argv, profile: profile)
        case .container(let endpoint): return AWSContainerSource(endpoint: endpoint)
        case .instanceMetadata(let endpoint): return AWSInstanceMetadataSource(endpoint: endpoint)
        case .keys, .unusable, .none: return nil
        }
    }

    /// The model id with the geography of the region's cross-Region inference profiles as its
    /// prefix (eu-central-1 → eu.), from `BedrockModelID.profileGeography`. Ids that already name
    /// a geography keep it; ARNs and regions of no known geography are left alone.
    static func regionalModelID(_ model: String, region: String) -> String {
        guard !model.hasPrefix("arn:"), BedrockModelID.geography(of: model) == nil,
            let geography = BedrockModelID.profileGeography(region: region)
        else { return model }
        return "\(geography).\(model)"
    }

    static func hostAndPath(_ url: String) -> (String, String)? {
        let scheme = url.hasPrefix("https://") ? 8 : (url.hasPrefix("http://") ? 7 : 0)
        guard scheme > 0 else { return nil }
        let rest = url.dropFirst(scheme)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let host = String(rest[..<slash])
        return host.isEmpty ? nil : (host, String(rest[slash...]))
    }

    /// Throws for a reasoning request the model would refuse or that has no form for it.
    static func body(for r: RunRequest) throws(TraciaError) -> JSONObject {
        try MediaSupport.bedrock.check(r.messages)
        let conversation = Conversation(r.messages)
        try checkDocumentsHavePrompts(conversation)
        var reasoning: BedrockReasoning?
        if let asked = r.reasoning { reasoning = try BedrockReasoning(asked, of: r) }
        var body = JSONObject()
        /// The block, then a cache point when the caller marked it.
        func blocks(_ block: JSON, _ mark: CacheMark?) -> [JSON] { mark.map { [block, $0.bedrockCachePoint] } ?? [block] }
        if conversation.system != nil {
            body["system"] = .array(conversation.systemSegments.flatMap { blocks(["text": .string($0.text)], $0.mark) })
        }
        var usesTools = false
        var documentNames = BedrockMedia.DocumentNames()
        body["messages"] = .array(
            conversation.turns.map { turn in
                let content = turn.parts.indices.flatMap { i -> [JSON] in
                    switch turn.parts[i] {
                    case .toolCall, .toolResult: usesTools = true
                    case .text, .reasoning, .media, .serverTool: break
                    }
                    return block(turn.parts[i], names: &documentNames).map { blocks($0, turn.mark(at: i)) } ?? []
                }
                return ["role": turn.fromAssistant ? "assistant" : "user", "content": .array(content)]
            })
        var inference = JSONObject()
        inference["maxTokens"] = (reasoning?.maxTokens ?? r.maxOutputTokens).map(JSON.init)
        inference["temperature"] = r.temperature.map(JSON.double)
        inference["topP"] = r.topP.map(JSON.double)
        inference["stopSequences"] = RequestPieces.stopList(r)
        if !inference.isEmpty { body["inferenceConfig"] = .object(inference) }
        // Converse has no "none": without tool history the tools are left out; with it they stay, on auto.
        let sendsTools = !r.tools.isEmpty && (r.toolChoice != ToolChoice.none || usesTools)
        if sendsTools {
            var config: JSONObject = ["tools": .array(r.tools.flatMap { blocks(toolSpec($0), $0.cacheMark) })]
            config["toolChoice"] = r.toolChoice.map(toolChoice)
            body["toolConfig"] = .object(config)
        }
        if let format = r.responseFormat, let schema = format.schema {
            // Converse takes the schema as JSON text.
            var jsonSchema: JSONObject = ["schema": .string(schema.serialized())]
            jsonSchema["name"] = format.name.map(JSON.string)
            body["outputConfig"] = ["textFormat": ["type": "json_schema", "structure": ["jsonSchema": .object(jsonSchema)]]]
        }
        body["additionalModelRequestFields"] = reasoning.map { .object($0.fields) }
        if let mark = r.cacheMark { body = markingLastBlock(body, mark) }
        let toolMarks = sendsTools ? r.tools.compactMap(\.cacheMark) : []
        try CacheMark.check(toolMarks + conversation.marks + [r.cacheMark].compactMap { $0 }, provider: "Bedrock")
        return RequestPieces.applyingCustomOptions(of: r, to: body)
    }

    /// Converse requires a text block beside a document in its message: the prompt about it.
    private static func checkDocumentsHavePrompts(_ conversation: Conversation) throws(TraciaError) {
        for turn in conversation.turns where !turn.fromAssistant {
            let hasDocument = turn.parts.contains { if case .media(let m) = $0 { m.kind == .document } else { false } }
            let hasText = turn.parts.contains { if case .text = $0 { true } else { false } }
            if hasDocument && !hasText {
                throw .invalid("Bedrock Converse needs a text part beside a document in its user message (the prompt about it)")
            }
        }
    }

    /// Converse has no automatic caching: the request's own mark becomes a cache point after the
    /// last block of the prompt (the last message's content, else the system text, else the tools),
    /// where Anthropic's automatic caching puts its breakpoint. Bedrock takes no cache point right
    /// after a reasoning block: an assistant turn that ends with one is passed over.
    private static func markingLastBlock(_ body: JSONObject, _ mark: CacheMark) -> JSONObject {
        var body = body
        if case .array(var messages)? = body["messages"], case .object(var last)? = messages.last,
            case .array(let content)? = last["content"], let final = content.last, final["reasoningContent"] == nil
        {
            last["content"] = .array(content + [mark.bedrockCachePoint])
            messages[messages.count - 1] = .object(last)
            body["messages"] = .array(messages)
        } else if case .array(let system)? = body["system"] {
            body["system"] = .array(system + [mark.bedrockCachePoint])
        } else if case .object(var config)? = body["toolConfig"], case .array(let tools)? = config["tools"] {
            config["tools"] = .array(tools + [mark.bedrockCachePoint])
            body["toolConfig"] = .object(config)
        }
        return body
    }

    /// Nil for another provider's reasoning, which the model would refuse.
    private static func block(_ part: Conversation.Part, names: inout BedrockMedia.DocumentNames) -> JSON? {
        switch part {
        case .reasoning(let r):
            guard r.provider == .amazonBedrock else { return nil }
            if let data = r.redactedData { return ["reasoningContent": ["redactedContent": .string(data)]] }
            var text: JSONObject = ["text": .string(r.text)]
            text["signature"] = r.signature.map(JSON.string)
            return ["reasoningContent": ["reasoningText": .object(text)]]
        case .text(let text):
            return ["text": .string(text)]
        case .media(let m):
            return BedrockMedia.block(m, names: &names)
        case .serverTool(let t):
            return t.provider == .amazonBedrock ? .object(t.block) : nil
        case .toolCall(let call):
            return ["toolUse": ["toolUseId": .string(call.id), "name": .string(call.name), "input": .object(call.arguments)]]
        case .toolResult(let id, _, let text):
            // A result that is a JSON object goes as one; any other text as text.
            let content: JSON =
                if let object = JSON.lenientlyParsed(text)?.object { ["json": .object(object)] } else { ["text": .string(text)] }
            return ["toolResult": ["toolUseId": .string(id), "content": [content], "status": "success"]]
        }
    }

    private static func toolSpec(_ t: ToolDefinition) -> JSON {
        let schema = JSON.object(t.parameters ?? RequestPieces.emptySchema)
        var spec = RequestPieces.tool(t, schemaKey: "inputSchema")
        spec["inputSchema"] = ["json": schema]
        return ["toolSpec": .object(spec)]
    }

    private static func toolChoice(_ choice: ToolChoice) -> JSON {
        switch choice {
        case .required: ["any": [:]]
        case .tool(let name): ["tool": ["name": .string(name)]]
        case .auto, .none: ["auto": [:]]
        }
    }

    /// inputTokens leaves out the tokens read from and written to the cache (AWS's prompt caching
    /// guide: total input = inputTokens + cacheReadInputTokens + cacheWriteInputTokens; totalTokens
    /// counts them), so input is the sum, as for Anthropic. The `…Count` spellings are older
    /// duplicates some responses still carry.
    static func usage(_ u: JSONRef) -> Usage {
        let read = u["cacheReadInputTokens"]?.tokenCount ?? u["cacheReadInputTokenCount"]?.tokenCount
        let write = u["cacheWriteInputTokens"]?.tokenCount ?? u["cacheWriteInputTokenCount"]?.tokenCount
        return Usage.reported(
            input: TokenCounts.sum(u["inputTokens"]?.tokenCount, read, write), output: u["outputTokens"]?.tokenCount ?? 0,
            total: u["totalTokens"]?.tokenCount
        ).withCacheParts(read: read, write: write)
    }
}

/// ConverseStream: event-stream frames whose `:event-type` names the event, until messageStop
/// (metadata with usage follows it).
struct BedrockStreamDecoder: ResponseDecoder {
    private var framer = EventStreamFramer()
    private var stopped = false
    /// The blocks of server tools, whose deltas are theirs and not a tool call's.
    private var serverToolBlocks: Set<Int> = []

    mutating func consume(_ bytes: UnsafeRawBufferPointer, into sink: some EventSink) throws(TraciaError) {
        var state = self
        try framer.feed(bytes) { (message) throws(TraciaError) in try state.handle(message, sink: sink) }
        stopped = state.stopped
        serverToolBlocks = state.serverToolBlocks
    }

    mutating func finish(into sink: some EventSink) throws(TraciaError) {
        if !stopped || framer.pendingBytes > 0 {
            throw TraciaError(.networkError, "the stream ended before its final event (connection closed early)")
        }
    }

    private mutating func handle(_ message: EventStreamFramer.Message, sink: some EventSink) throws(TraciaError) {
        switch message.headers[":message-type"] {
        case "exception":
            let text = message.payload.withUnsafeBytes { JSONDocument.parse(bytes: $0)?.root["message"]?.string } ?? ""
            throw TraciaError(.providerError, "error in stream: \(message.headers[":exception-type"] ?? "exception"): \(text)")
        case "error":
            throw TraciaError(
                .providerError, "error in stream: \(message.headers[":error-code"] ?? "error"): \(message.headers[":error-message"] ?? "")")
        default:
            break
        }
        guard let doc = message.payload.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }), doc.root.isObject else {
            throw TraciaError(.providerError, "malformed stream event: \(String(decoding: message.payload.prefix(200), as: UTF8.self))")
        }
        let root = doc.root
        let index = root["contentBlockIndex"]?.int ?? 0
        switch message.headers[":event-type"] {
        case "contentBlockStart":
            guard let start = root["start"] else { break }
            if BedrockBody.serverTool(start, index: index, sink: sink) {
                serverToolBlocks.insert(index)
            } else if let use = start["toolUse"] {
                sink.toolCallStart(index: index, id: use["toolUseId"]?.string, name: use["name"]?.string)
            }
        case "contentBlockDelta" where serverToolBlocks.contains(index):
            if let input = root["delta"]?["toolUse"]?["input"]?.stringBytes, !input.isEmpty {
                sink.serverToolInput(index: index, fragment: input)
            }
            for item in root["delta"]?["toolResult"]?.array ?? [] { sink.serverToolContent(index: index, item: JSON(item)) }
        case "contentBlockDelta":
            if let text = root["delta"]?["text"]?.stringBytes, !text.isEmpty {
                sink.text(text)
            } else if let input = root["delta"]?["toolUse"]?["input"]?.stringBytes, !input.isEmpty {
                sink.toolCallArguments(index: index, fragment: input)
            } else if let reasoning = root["delta"]?["reasoningContent"] {
                // Each delta holds one of text, signature and redactedContent.
                if let text = reasoning["text"]?.stringBytes, !text.isEmpty { sink.reasoning(text, block: index) }
                if let signature = reasoning["signature"]?.stringBytes, !signature.isEmpty {
                    sink.reasoningSignature(signature, block: index)
                }
                if let data = reasoning["redactedContent"]?.stringBytes { sink.redactedReasoning(data, block: index) }
            }
        case "messageStop":
            stopped = true
            if let reason = root["stopReason"]?.string { sink.finish(FinishReasons.bedrock.finish(reason)) }
        case "metadata":
            if let u = root["usage"] { sink.usage(BedrockAdapter.usage(u)) }
        default:
            break  // messageStart, contentBlockStop and event types added later
        }
    }
}

/// A non-streaming Converse response.
enum BedrockBody: BodyParser {
    /// A block of a tool Bedrock ran itself (a `toolUse` typed `server_tool_use`, a `toolResult`
    /// in the assistant's turn), kept whole as `{"toolUse": …}` or `{"toolResult": …}`; whether
    /// it is one. Streamed, the call's input and the result's content follow as deltas.
    @discardableResult
    static func serverTool(_ block: JSONRef, index: Int, sink: some EventSink) -> Bool {
        if let use = block["toolUse"], use["type"]?.string == "server_tool_use", let object = JSONObject(use) {
            sink.serverToolStart(index: index, block: ["toolUse": .object(object)], inputPath: ["toolUse", "input"], contentPath: [])
            return true
        }
        if let result = block["toolResult"], let object = JSONObject(result) {
            sink.serverToolStart(
                index: index, block: ["toolResult": .object(object)], inputPath: [], contentPath: ["toolResult", "content"])
            return true
        }
        return false
    }

    static func parse(_ root: JSONRef, sink: some EventSink) throws(TraciaError) {
        guard let content = root["output"]?["message"]?["content"] else {
            throw TraciaError(.providerError, root["message"]?.string ?? "response has no output message")
        }
        for (index, block) in content.array.enumerated() {
            if let text = block["text"]?.stringBytes, !text.isEmpty {
                sink.text(text)
            } else if serverTool(block, index: index, sink: sink) {
                continue
            } else if let use = block["toolUse"] {
                sink.toolCallStart(index: index, id: use["toolUseId"]?.string, name: use["name"]?.string)
                Array((use["input"]?.serialized() ?? "{}").utf8).withUnsafeBufferPointer {
                    sink.toolCallArguments(index: index, fragment: $0)
                }
            } else if let reasoning = block["reasoningContent"] {
                if let data = reasoning["redactedContent"]?.stringBytes {
                    sink.redactedReasoning(data, block: index)
                } else if let signed = reasoning["reasoningText"] {
                    if let text = signed["text"]?.stringBytes, !text.isEmpty { sink.reasoning(text, block: index) }
                    if let signature = signed["signature"]?.stringBytes, !signature.isEmpty {
                        sink.reasoningSignature(signature, block: index)
                    }
                }
            }
        }
        if let reason = root["stopReason"]?.string { sink.finish(FinishReasons.bedrock.finish(reason)) }
        if let u = root["usage"] { sink.usage(BedrockAdapter.usage(u)) }
    }
}
