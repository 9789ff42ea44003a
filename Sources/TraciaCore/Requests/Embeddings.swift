/// The providers that embed text, with the names spans and results give them.
enum EmbeddingProvider: String, CaseIterable {
    case openai
    case google
    case amazonBedrock = "amazon_bedrock"
    case voyage

    static let voyageBaseURL = "https://api.voyageai.com/v1"

    /// The official SDK's table of embedding models, then its prefixes.
    static func of(model: String) -> EmbeddingProvider? {
        if model.hasPrefix("text-embedding-3") || model.hasPrefix("text-embedding-ada") { return .openai }
        if model.hasPrefix("text-embedding-00") || model.hasPrefix("gemini-embedding") || model.hasPrefix("embedding-") {
            return .google
        }
        if model.hasPrefix("voyage-") { return .voyage }
        if model.hasPrefix("amazon.titan-embed") || model.hasPrefix("cohere.embed") { return .amazonBedrock }
        switch ProviderRegistry.descriptor(forModel: model)?.kind {
        case .openai?: return .openai
        case .google?: return .google
        case .amazonBedrock?: return .amazonBedrock
        default: return nil
        }
    }
}

/// `tracia_run_embedding`'s request: the official SDK's `run_embedding` keywords in snake_case.
struct EmbeddingRequest {
    static let keys: Set<String> = [
        "input", "model", "provider", "provider_api_key", "dimensions", "send_trace", "span_id", "tags", "user_id", "session_id",
        "trace_id", "parent_span_id", "timeout_ms", "base_url", CustomHeader.key,
    ]

    var texts: [String]
    var model: String
    var provider: String?
    var providerAPIKey: String?
    var dimensions: Int?
    var sendTrace = true
    var spanID: String?
    var traceID: String?
    var parentSpanID: String?
    var tags: [String]?
    var userID: String?
    var sessionID: String?
    var timeoutMS: Int?
    var baseURL: String?
    /// Added to the provider requests, over the client's.
    var headers: [CustomHeader] = []

    static func parse(json: String) throws(TraciaError) -> EmbeddingRequest {
        let r = try ObjectReader.parse(json: json, context: "request", allowed: keys)
        guard let modelText = try r.string("model"), !modelText.isEmpty else { throw .invalid("model is required and cannot be empty") }
        let model = try RunRequest.validated(model: modelText)
        let texts: [String]
        if let one = r.value("input"), one.isString {
            guard let text = one.string, text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
                throw .invalid("input text cannot be empty")
            }
            texts = [text]
        } else {
            guard let many = try r.stringArray("input"), !many.isEmpty else {
                throw .invalid("input is required and cannot be empty")
            }
            texts = many
        }
        var request = EmbeddingRequest(texts: texts, model: model)
        request.provider = try r.string("provider")
        request.providerAPIKey = try r.headerValue("provider_api_key")
        request.dimensions = try r.int("dimensions", in: 1...100_000)
        request.sendTrace = try r.bool("send_trace") ?? true
        if let s = try r.string("span_id") { request.spanID = try RunRequest.validated(id: s, key: "span_id", prefixes: ["sp_", "tr_"]) }
        if let s = try r.string("trace_id") { request.traceID = try RunRequest.validated(id: s, key: "trace_id", prefixes: ["tr_"]) }
        if let s = try r.string("parent_span_id") {
            request.parentSpanID = try RunRequest.validated(id: s, key: "parent_span_id", prefixes: ["sp_", "tr_"])
        }
        request.tags = try r.stringArray("tags")
        request.userID = try r.string("user_id")
        request.sessionID = try r.string("session_id")
        request.timeoutMS = try r.int("timeout_ms", in: 1...86_400_000)
        if let url = try r.string("base_url", nonEmpty: true) {
            request.baseURL = try RunRequest.validated(url: url, from: "'base_url' in request")
        }
        request.headers = try CustomHeader.parse(r) ?? []
        return request
    }
}

/// What the provider answered: one vector per text, in order, and the tokens it counted.
struct Embedded {
    var vectors: [[Double]] = []
    var totalTokens = 0

    /// Adds a reply's count; a negative one counts nothing, a sum past Int saturates.
    mutating func count(tokens: Int?) { totalTokens = totalTokens.saturatingAdding(max(0, tokens ?? 0)) }
}

/// One provider's embedding wire format: the requests (Titan takes one text per request) and
/// how each reply reads.
struct EmbeddingPlan {
    var provider: EmbeddingProvider
    var requests: [HTTPRequest]
    /// Where the requests' credential comes from when getting it takes I/O (AWS keys from a
    /// helper program, a container or instance metadata); `requests` are then made by `sign`
    /// once it has come.
    var credentialSource: (any CredentialSource)?
    var sign: ((Credential) throws(TraciaError) -> [HTTPRequest])?
    var read: (JSONRef, inout Embedded) throws(TraciaError) -> Void
    var error: (Int, [UInt8]) -> TraciaError
    var secrets: [String]

    static func make(_ r: EmbeddingRequest, options: ClientOptions) throws(TraciaError) -> EmbeddingPlan {
        let provider: EmbeddingProvider
        if let name = r.provider {
            if name == ProviderKind.anthropic.rawValue { throw anthropicRefused }
            guard let named = EmbeddingProvider(rawValue: name) else {
                throw .invalid("unknown provider '\(name)' for embeddings (expected openai, google, amazon_bedrock or voyage)")
            }
            provider = named
        } else if ProviderRegistry.descriptor(forModel: r.model)?.kind == .anthropic {
            throw anthropicRefused
        } else {
            guard let found = EmbeddingProvider.of(model: r.model) else {
                throw TraciaError(
                    .unsupportedModel,
                    "cannot tell the embedding provider of model '\(r.model)'; pass 'provider' (openai, google, amazon_bedrock, voyage)")
            }
            provider = found
        }
        if provider == .voyage && r.dimensions != nil {
            throw TraciaError(.unsupportedModel, "Voyage AI does not support custom embedding dimensions.")
        }
        let kind = ProviderKind(rawValue: provider.rawValue)
        let key = r.providerAPIKey ?? kind.flatMap { options.providerKeys[$0] } ?? (provider == .voyage ? voyageKey() : nil)
        let chosenURL = r.baseURL ?? kind.flatMap { options.providerBaseURLs[$0] }
        let bedrock = options.providerSettings[.amazonBedrock] as? BedrockSettings ?? .defaults
        // The rule of calls: a base URL does not stand in for a key.
        if key == nil && !(provider == .amazonBedrock && bedrock.signsRequests) {
            throw .missingKey(for: provider.rawValue, hint: provider == .voyage ? "VOYAGE_API_KEY" : kind?.descriptor.missingKeyHint ?? "")
        }
        var secrets = options.secrets
        if let key, key.count >= 4 { secrets.append(key) }
        let json = ["Content-Type: application/json"]
        var plan: EmbeddingPlan
        switch provider {
        case .openai, .voyage:
            let base = chosenURL ?? (provider == .voyage ? EmbeddingProvider.voyageBaseURL : OpenAIAdapter.defaultBaseURL)
            var body: JSONObject = ["model": .string(r.model), "input": JSON(r.texts)]
            if provider == .openai { body["encoding_format"] = "float" }
            body["dimensions"] = r.dimensions.map(JSON.init)
            let auth = key.map { ["Authorization: Bearer \($0)"] } ?? []
            plan = EmbeddingPlan(
                provider: provider, requests: [HTTPRequest(url: base + "/embeddings", headers: json + auth, body: body.serializedBytes())],
                read: readOpenAI, error: OpenAIAdapter().error, secrets: secrets)
        case .google:
            let base = chosenURL ?? GeminiAdapter.defaultBaseURL
            let model = try GeminiAdapter.modelPath(r.model)
            let requests: [JSON] = r.texts.map { text in
                var one: JSONObject = ["model": .string(model), "content": ["parts": [["text": .string(text)]]]]
                one["outputDimensionality"] = r.dimensions.map(JSON.init)
                return .object(one)
            }
            let auth = key.map { ["x-goog-api-key: \($0)"] } ?? []
            let body = JSON.object(["requests": .array(requests)]).serializedBytes()
            plan = EmbeddingPlan(
                provider: provider,
                requests: [
                    HTTPRequest(url: "\(base)/\(GeminiAdapter.apiVersion)/\(model):batchEmbedContents", headers: json + auth, body: body)
                ],
                read: readGemini, error: GeminiAdapter().error, secrets: secrets)
        case .amazonBedrock:
            let endpoint = chosenURL ?? bedrock.endpoint
            // The official SDK gives embedding models the region's geography prefix as it does chat models.
            let tail = BedrockAdapter.modelPath(r.model, region: bedrock.region, action: "invoke")
            let headers = json + ["Accept: application/json"]
            let bodies: [[UInt8]]
            let read: (JSONRef, inout Embedded) throws(TraciaError) -> Void
            if r.model.hasPrefix("cohere.") || r.model.contains(".cohere.") {
                bodies = [JSON.object(["texts": JSON(r.texts), "input_type": "search_document"]).serializedBytes()]
                read = readCohere
            } else {
                bodies = r.texts.map { text in
                    var one: JSONObject = ["inputText": .string(text)]
                    one["dimensions"] = r.dimensions.map(JSON.init)
                    return one.serializedBytes()
                }
                read = readTitan
            }
            func requests(_ fetched: Credential?) throws(TraciaError) -> [HTTPRequest] {
                var requests: [HTTPRequest] = []
                for body in bodies {
                    requests.append(
                        try BedrockAdapter.authorized(
                            endpoint: endpoint, tail: tail, body: body, headers: headers, apiKey: key, settings: bedrock,
                            fetched: fetched))
                }
                return requests
            }
            let source = BedrockAdapter.credentialSource(bedrock, apiKey: key)
            plan = EmbeddingPlan(
                provider: provider, requests: source == nil ? try requests(nil) : [], read: read, error: BedrockAdapter().error,
                secrets: secrets)
            if let source {
                plan.credentialSource = source
                plan.sign = { (credential) throws(TraciaError) in try requests(credential) }
            }
        }
        return plan
    }

    private static let anthropicRefused = TraciaError(
        .unsupportedModel, "Anthropic does not offer embedding models. Use OpenAI, Google, or Amazon Bedrock instead.")

    private static func voyageKey() -> String? {
        Environment.get("VOYAGE_API_KEY").flatMap { $0.isEmpty ? nil : $0 }
    }

    static func vector(_ value: JSONRef?, _ what: String) throws(TraciaError) -> [Double] {
        guard let value, value.isArray else { throw TraciaError(.providerError, "the embedding response has no \(what)") }
        var out: [Double] = []
        out.reserveCapacity(value.count)
        for item in value.array {
            guard let d = item.number else { throw TraciaError(.providerError, "the embedding response's \(what) holds a non-number") }
            out.append(d)
        }
        return out
    }

    /// OpenAI and Voyage: `data[].embedding` with `index`, `usage.total_tokens`.
    static func readOpenAI(_ root: JSONRef, _ into: inout Embedded) throws(TraciaError) {
        guard let data = root["data"], data.isArray else { throw TraciaError(.providerError, "the embedding response has no 'data'") }
        var indexed: [(Int, [Double])] = []
        for (i, item) in data.array.enumerated() {
            indexed.append((item["index"]?.int ?? i, try vector(item["embedding"], "'data[\(i)].embedding'")))
        }
        into.vectors += indexed.sorted { $0.0 < $1.0 }.map(\.1)
        into.count(tokens: root["usage"]?["total_tokens"]?.int)
    }

    /// Gemini's batchEmbedContents: `embeddings[].values`; it counts no tokens.
    static func readGemini(_ root: JSONRef, _ into: inout Embedded) throws(TraciaError) {
        guard let list = root["embeddings"], list.isArray else {
            throw TraciaError(.providerError, "the embedding response has no 'embeddings'")
        }
        for (i, item) in list.array.enumerated() { into.vectors.append(try vector(item["values"], "'embeddings[\(i)].values'")) }
    }

    /// Titan: `embedding` and `inputTextTokenCount`, one text per request.
    static func readTitan(_ root: JSONRef, _ into: inout Embedded) throws(TraciaError) {
        into.vectors.append(try vector(root["embedding"], "'embedding'"))
        into.count(tokens: root["inputTextTokenCount"]?.int)
    }

    /// Cohere on Bedrock: `embeddings` as a list of float lists.
    static func readCohere(_ root: JSONRef, _ into: inout Embedded) throws(TraciaError) {
        guard let list = root["embeddings"], list.isArray else {
            throw TraciaError(.providerError, "the embedding response has no 'embeddings'")
        }
        for (i, item) in list.array.enumerated() { into.vectors.append(try vector(item, "'embeddings[\(i)]'")) }
    }
}
