import Testing

@testable import TraciaCore

// The readers of tracia_api_request's and tracia_run_embedding's JSON, the Tracia API's
// replies and the providers' embedding replies: well-formed and hostile input.

private func failure<T>(_ body: () throws(TraciaError) -> T) -> TraciaError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

private func root(_ text: String) -> JSONDocument? { try? JSONDocument.parse(text) }

// MARK: APICallRequest

@Test func apiCallRequestReadsMethodPathQueryBodyAndTimeout() throws {
    let r = try APICallRequest.parse(
        json: #"{"method":"GET","path":"/api/v1/spans","query":{"tags":"a,b c","limit":5,"x":true,"n":null,"s":"é&="},"timeout_ms":250}"#)
    #expect(r.method == "GET")
    #expect(r.path == "/api/v1/spans")
    #expect(r.timeoutMS == 250)
    #expect(r.body == nil)
    let query = Dictionary(uniqueKeysWithValues: r.query.map { ($0.0, $0.1) })
    #expect(query == ["tags": "a,b c", "limit": "5", "x": "true", "s": "é&="])
    #expect(r.target.hasPrefix("/api/v1/spans?"))
    #expect(r.target.contains("tags=a%2Cb%20c"))
    #expect(r.target.contains("s=%C3%A9%26%3D"))
    #expect(!r.target.contains("n="))
    let post = try APICallRequest.parse(json: #"{"method":"POST","path":"/api/v1/prompts","body":{"name":"x"}}"#)
    #expect(post.body?.serialized() == #"{"name":"x"}"#)
    #expect(post.target == "/api/v1/prompts")
    #expect(try APICallRequest.parse(json: #"{"method":"DELETE","path":"/p","body":null}"#).body == nil)
}

@Test(arguments: [
    ("{", "invalid JSON"),
    ("[]", "request must be a JSON object"),
    (#""GET""#, "'[' or '{' expected"),
    (#"{"path":"/a"}"#, "'method'"),
    (#"{"method":null,"path":"/a"}"#, "'method'"),
    (#"{"method":1,"path":"/a"}"#, "'method'"),
    (#"{"method":"TRACE","path":"/a"}"#, "not 'TRACE'"),
    (#"{"method":"GET"}"#, "'path'"),
    (#"{"method":"GET","path":["/a"]}"#, "'path'"),
    (#"{"method":"GET","path":""}"#, "'path' in request must not be empty"),
    (#"{"method":"GET","path":"http://evil/a"}"#, "'path' must start with '/'"),
    (#"{"method":"GET","path":"/a#frag"}"#, "'path' must start with '/'"),
    (#"{"method":"GET","path":"/a\u007f"}"#, "'path' must start with '/'"),
    (#"{"method":"GET","path":"/a\tb"}"#, "'path' must start with '/'"),
    (#"{"method":"GET","path":"/a","query":"x=1"}"#, "'query'"),
    (#"{"method":"GET","path":"/a","query":{"k":[1]}}"#, "'query.k' must be a string, a number or a boolean"),
    (#"{"method":"GET","path":"/a","timeout_ms":1.5}"#, "'timeout_ms'"),
    (#"{"method":"GET","path":"/a","timeout_ms":-1}"#, "'timeout_ms'"),
    (#"{"method":"GET","path":"/a","timeout_ms":99999999999999999999}"#, "too big integer"),
    (#"{"method":"GET","path":"/a","timeout_ms":"9"}"#, "'timeout_ms'"),
    (#"{"method":"GET","path":"/a","headers":{}}"#, "'headers'"),
])
func apiCallRequestRefuses(json: String, message: String) {
    let error = failure { () throws(TraciaError) in try APICallRequest.parse(json: json) }
    #expect(error?.code == .invalidRequest, "\(json)")
    #expect(error?.message.contains(message) == true, "\(json): \(error?.message ?? "no error")")
}

@Test func apiCallQueryTakesHugeAndOddNumbersAsText() throws {
    let r = try APICallRequest.parse(json: #"{"method":"GET","path":"/a","query":{"big":1e300,"neg":-0.5,"int":9223372036854775807}}"#)
    let query = Dictionary(uniqueKeysWithValues: r.query.map { ($0.0, $0.1) })
    #expect(query["int"] == "9223372036854775807")
    #expect(query["neg"] == "-0.5")
    #expect(query["big"].map { !$0.isEmpty && !$0.contains(" ") } == true)
}

// MARK: TraciaAPIReply

private func reply(_ status: Int, _ body: String) -> Result<String, TraciaError> {
    TraciaAPIReply.read(ExchangeReply(status: status, body: Array(body.utf8)))
}

@Test(arguments: [
    (200, #"{"a":1}"#, #"{"status":200,"body":{"a":1}}"#),
    (201, #"[1,"x"]"#, #"{"status":201,"body":[1,"x"]}"#),
    (204, "", #"{"status":204,"body":null}"#),
    (200, "", #"{"status":200,"body":null}"#),
    (204, "ignored", #"{"status":204,"body":null}"#),
])
func apiReplySuccess(status: Int, body: String, expected: String) {
    guard case .success(let json) = reply(status, body) else {
        Issue.record("HTTP \(status) \(body) failed")
        return
    }
    #expect(json == expected)
}

@Test(arguments: [
    (404, #"{"error":{"code":"NOT_FOUND","message":"Prompt not found: x"}}"#, ErrorCode.notFound, "Prompt not found: x"),
    (409, #"{"error":{"code":"CONFLICT","message":"taken"}}"#, .conflict, "taken"),
    (400, #"{"error":{"code":"MISSING_VARIABLES","message":"Missing variables: a"}}"#, .missingVariables, "Missing variables: a"),
    (401, #"{"error":{"code":"UNAUTHORIZED","message":"Invalid API key"}}"#, .unauthorized, "Invalid API key"),
    (400, #"{"error":{"code":"INVALID_REQUEST","message":"bad"}}"#, .invalidRequest, "bad"),
    // The API's code decides, not the status.
    (500, #"{"error":{"code":"NOT_FOUND","message":"m"}}"#, .notFound, "m"),
    // Codes no SDK knows, and the library's own MISUSE, are UNKNOWN.
    (418, #"{"error":{"code":"TEAPOT","message":"short and stout"}}"#, .unknown, "short and stout"),
    (400, #"{"error":{"code":"MISUSE","message":"m"}}"#, .unknown, "m"),
    (400, #"{"error":{"code":"not_found","message":"m"}}"#, .unknown, "m"),
    // Wrong types: the SDK's defaults.
    (400, #"{"error":{"code":5,"message":"m"}}"#, .unknown, "m"),
    (400, #"{"error":{"code":"CONFLICT","message":7}}"#, .conflict, "Unknown error"),
    (400, #"{"error":"CONFLICT"}"#, .unknown, "Unknown error"),
    (400, #"{}"#, .unknown, "Unknown error"),
    // Not an object, not JSON, nothing: the text, or the status.
    (400, #"[1,2]"#, .unknown, "[1,2]"),
    (500, "<html>Internal Server Error</html>", .unknown, "<html>Internal Server Error</html>"),
    (502, "", .unknown, "HTTP 502"),
    (200, "not json", .unknown, "not JSON"),
])
func apiReplyFailure(status: Int, body: String, code: ErrorCode, message: String) {
    guard case .failure(let error) = reply(status, body) else {
        Issue.record("HTTP \(status) \(body) succeeded")
        return
    }
    #expect(error.code == code, "\(body)")
    #expect(error.message.contains(message), "\(body): \(error.message)")
    #expect(error.statusCode == status)
}

@Test func apiReplyErrorTextIsBounded() {
    guard case .failure(let error) = reply(500, String(repeating: "x", count: 100_000)) else {
        Issue.record("succeeded")
        return
    }
    #expect(error.message.utf8.count == 500)
    // Invalid UTF-8 in the text does not trap.
    guard case .failure(let odd) = TraciaAPIReply.read(ExchangeReply(status: 500, body: [0xFF, 0xFE, 0x41])) else { return }
    #expect(odd.code == .unknown)
}

// MARK: EmbeddingRequest

@Test func embeddingRequestReadsTheSDKKeywords() throws {
    let one = try EmbeddingRequest.parse(json: #"{"model":"text-embedding-3-small","input":"hello"}"#)
    #expect(one.texts == ["hello"])
    #expect(one.sendTrace)
    let many = try EmbeddingRequest.parse(
        json: #"{"model":"voyage-3","input":["a","b"],"provider":"voyage","provider_api_key":"vk","send_trace":false,"tags":["t"],"#
            + #""user_id":"u","session_id":"s","span_id":"sp_0123456789abcdef","trace_id":"tr_0123456789abcdef","#
            + #""parent_span_id":"sp_00000000000000aa","timeout_ms":5,"base_url":"http://127.0.0.1:9/v1"}"#)
    #expect(many.texts == ["a", "b"])
    #expect(many.provider == "voyage" && many.providerAPIKey == "vk" && !many.sendTrace)
    #expect(many.tags == ["t"] && many.userID == "u" && many.sessionID == "s")
    #expect(many.spanID == "sp_0123456789abcdef" && many.traceID == "tr_0123456789abcdef")
    #expect(many.parentSpanID == "sp_00000000000000aa" && many.timeoutMS == 5)
    #expect(many.baseURL == "http://127.0.0.1:9/v1")
}

@Test(arguments: [
    ("{", "invalid JSON"),
    ("7", "'[' or '{' expected"),
    (#"{"input":"x"}"#, "model is required"),
    (#"{"model":5,"input":"x"}"#, "'model'"),
    (#"{"model":"m\nx","input":"x"}"#, "model"),
    (#"{"model":"m"}"#, "input is required"),
    (#"{"model":"m","input":null}"#, "input is required"),
    (#"{"model":"m","input":5}"#, "'input'"),
    (#"{"model":"m","input":{"text":"x"}}"#, "'input'"),
    (#"{"model":"m","input":[]}"#, "input is required"),
    (#"{"model":"m","input":["a",2]}"#, "'input'"),
    (#"{"model":"m","input":"\n\t "}"#, "input text cannot be empty"),
    (#"{"model":"m","input":"x","dimensions":0}"#, "'dimensions'"),
    (#"{"model":"m","input":"x","dimensions":-3}"#, "'dimensions'"),
    (#"{"model":"m","input":"x","dimensions":2.5}"#, "'dimensions'"),
    (#"{"model":"m","input":"x","dimensions":1e300}"#, "'dimensions'"),
    (#"{"model":"m","input":"x","dimensions":99999999999999999999999}"#, "too big integer"),
    (#"{"model":"m","input":"x","dimensions":"8"}"#, "'dimensions'"),
    (#"{"model":"m","input":"x","send_trace":"yes"}"#, "'send_trace'"),
    (#"{"model":"m","input":"x","tags":"t"}"#, "'tags'"),
    (#"{"model":"m","input":"x","span_id":"sp_short"}"#, "'span_id'"),
    (#"{"model":"m","input":"x","trace_id":"sp_0123456789abcdef"}"#, "'trace_id'"),
    (#"{"model":"m","input":"x","timeout_ms":0}"#, "'timeout_ms'"),
    (#"{"model":"m","input":"x","base_url":""}"#, "'base_url'"),
    (#"{"model":"m","input":"x","provider_api_key":"a\r\nX-Evil: 1"}"#, "'provider_api_key'"),
    (#"{"model":"m","input":"x","encoding_format":"base64"}"#, "'encoding_format'"),
])
func embeddingRequestRefuses(json: String, message: String) {
    let error = failure { () throws(TraciaError) in try EmbeddingRequest.parse(json: json) }
    #expect(error?.code == .invalidRequest, "\(json)")
    #expect(error?.message.contains(message) == true, "\(json): \(error?.message ?? "no error")")
}

// MARK: EmbeddingPlan

private func plan(_ json: String, options: String = "{}") throws -> EmbeddingPlan {
    let request = try EmbeddingRequest.parse(json: json)
    return try EmbeddingPlan.make(request, options: ClientOptions.resolve(json: options, environment: { _ in nil }))
}

private func body(_ request: HTTPRequest) -> JSONDocument? { request.body.withUnsafeBytes { JSONDocument.parse(bytes: $0) } }

@Test(arguments: [
    ("text-embedding-3-small", EmbeddingProvider.openai), ("text-embedding-ada-002", .openai), ("text-embedding-004", .google),
    ("gemini-embedding-001", .google), ("embedding-001", .google), ("voyage-3-large", .voyage), ("voyage-code-3", .voyage),
    ("amazon.titan-embed-text-v2:0", .amazonBedrock), ("cohere.embed-english-v3", .amazonBedrock),
])
func embeddingProviderFromTheModel(model: String, provider: EmbeddingProvider) {
    #expect(EmbeddingProvider.of(model: model) == provider)
}

@Test func openAIAndVoyageBodies() throws {
    let openai = try plan(#"{"model":"text-embedding-3-small","input":["a","b"],"dimensions":8,"provider_api_key":"sk-abcdef"}"#)
    #expect(openai.requests.count == 1)
    #expect(openai.requests[0].url == "https://api.openai.com/v1/embeddings")
    #expect(openai.requests[0].headers.contains("Authorization: Bearer sk-abcdef"))
    #expect(openai.secrets.contains("sk-abcdef"))
    let o = try #require(body(openai.requests[0])).root
    #expect(o["model"]?.string == "text-embedding-3-small")
    #expect(o["input"]?.array.compactMap(\.string) == ["a", "b"])
    #expect(o["encoding_format"]?.string == "float")
    #expect(o["dimensions"]?.int == 8)

    let voyage = try plan(#"{"model":"voyage-3","input":"a","provider_api_key":"vk-123456"}"#)
    #expect(voyage.provider == .voyage)
    #expect(voyage.requests[0].url == "https://api.voyageai.com/v1/embeddings")
    let v = try #require(body(voyage.requests[0])).root
    #expect(v["encoding_format"] == nil && v["dimensions"] == nil)
    #expect(v["input"]?.array.compactMap(\.string) == ["a"])
}

@Test func geminiBatchBody() throws {
    let gemini = try plan(
        #"{"model":"text-embedding-004","input":["a","b"],"dimensions":4,"provider_api_key":"g-123456","base_url":"http://h:1"}"#)
    #expect(gemini.requests.count == 1)
    #expect(gemini.requests[0].url == "http://h:1/v1beta/models/text-embedding-004:batchEmbedContents")
    #expect(gemini.requests[0].headers.contains("x-goog-api-key: g-123456"))
    let requests = try #require(body(gemini.requests[0])).root["requests"]?.array ?? []
    #expect(requests.count == 2)
    #expect(requests.last?["model"]?.string == "models/text-embedding-004")
    #expect(requests.last?["content"]?["parts"]?.array.first?["text"]?.string == "b")
    #expect(requests.first?["outputDimensionality"]?.int == 4)
}

@Test func bedrockTitanAndCohereBodies() throws {
    let options = #"{"aws_region":"us-west-2"}"#
    let titan = try plan(
        #"{"model":"amazon.titan-embed-text-v2:0","input":["a","b"],"dimensions":256,"provider_api_key":"bk-123456"}"#, options: options)
    #expect(titan.requests.count == 2)
    #expect(titan.requests[1].url == "https://bedrock-runtime.us-west-2.amazonaws.com/model/us.amazon.titan-embed-text-v2%3A0/invoke")
    #expect(titan.requests[1].headers.contains("Authorization: Bearer bk-123456"))
    let t = try #require(body(titan.requests[1])).root
    #expect(t["inputText"]?.string == "b" && t["dimensions"]?.int == 256)
    let cohere = try plan(#"{"model":"eu.cohere.embed-english-v3","input":["a","b"],"provider_api_key":"bk-123456"}"#, options: options)
    #expect(cohere.requests.count == 1)
    #expect(cohere.requests[0].url.hasSuffix("/model/eu.cohere.embed-english-v3/invoke"))
    let c = try #require(body(cohere.requests[0])).root
    #expect(c["texts"]?.array.compactMap(\.string) == ["a", "b"] && c["input_type"]?.string == "search_document")
}

@Test(arguments: [
    (#"{"model":"claude-sonnet-4-5","input":"x"}"#, ErrorCode.unsupportedModel, "Anthropic does not offer embedding models"),
    (#"{"model":"text-embedding-3-small","input":"x","provider":"anthropic"}"#, .unsupportedModel, "Anthropic"),
    (#"{"model":"mystery","input":"x"}"#, .unsupportedModel, "cannot tell the embedding provider of model 'mystery'"),
    (#"{"model":"x","input":"x","provider":"cohere"}"#, .invalidRequest, "unknown provider 'cohere'"),
    (#"{"model":"voyage-3","input":"x","dimensions":4,"provider_api_key":"k"}"#, .unsupportedModel, "Voyage AI does not support"),
    (#"{"model":"text-embedding-3-small","input":"x"}"#, .missingProviderAPIKey, "OPENAI_API_KEY"),
    (#"{"model":"text-embedding-004","input":"x"}"#, .missingProviderAPIKey, "no API key for google"),
])
func embeddingPlanRefuses(json: String, code: ErrorCode, message: String) {
    let error = failure { () throws(TraciaError) in
        try EmbeddingPlan.make(EmbeddingRequest.parse(json: json), options: ClientOptions.resolve(json: "{}", environment: { _ in nil }))
    }
    #expect(error?.code == code, "\(json)")
    #expect(error?.message.contains(message) == true, "\(json): \(error?.message ?? "no error")")
}

// MARK: embedding replies

private typealias Reader = (JSONRef, inout Embedded) throws(TraciaError) -> Void

private func read(_ reader: Reader, _ replies: [String]) -> Result<Embedded, TraciaError> {
    var embedded = Embedded()
    for text in replies {
        guard let doc = root(text) else { return .failure(TraciaError(.unknown, "test input is not JSON")) }
        do throws(TraciaError) {
            try reader(doc.root, &embedded)
        } catch {
            return .failure(error)
        }
    }
    return .success(embedded)
}

@Test func openAIReplyIsOrderedByIndexAndCountsTokens() throws {
    let r = try read(
        EmbeddingPlan.readOpenAI,
        [#"{"data":[{"index":1,"embedding":[2,2.5]},{"index":0,"embedding":[1,-1e-300]}],"usage":{"total_tokens":7}}"#]
    ).get()
    #expect(r.vectors == [[1, -1e-300], [2, 2.5]])
    #expect(r.totalTokens == 7)
    // Without an index (or with one of the wrong type) the position counts.
    let positional = try read(EmbeddingPlan.readOpenAI, [#"{"data":[{"embedding":[1]},{"index":"0","embedding":[2]}]}"#]).get()
    #expect(positional.vectors == [[1], [2]])
    #expect(positional.totalTokens == 0)
}

@Test func tokenCountsSaturateAndNeverGoNegative() throws {
    let huge = #"{"embedding":[1],"inputTextTokenCount":9223372036854775807}"#
    let r = try read(EmbeddingPlan.readTitan, [huge, huge, huge]).get()
    #expect(r.totalTokens == Int.max)
    let negative = try read(EmbeddingPlan.readTitan, [#"{"embedding":[1],"inputTextTokenCount":-5}"#]).get()
    #expect(negative.totalTokens == 0)
    let odd = try read(EmbeddingPlan.readOpenAI, [#"{"data":[],"usage":{"total_tokens":1e308}}"#, #"{"data":[],"usage":7}"#]).get()
    #expect(odd.totalTokens == 0)
}

@Test(arguments: [
    ("openai", #"{}"#, "no 'data'"),
    ("openai", #"{"data":{"embedding":[1]}}"#, "no 'data'"),
    ("openai", #"{"data":[{"embedding":"AAAA"}]}"#, "no 'data[0].embedding'"),
    ("openai", #"{"data":[{"embedding":[1]},{"index":1}]}"#, "no 'data[1].embedding'"),
    ("openai", #"{"data":[{"embedding":[1,"2"]}]}"#, "'data[0].embedding' holds a non-number"),
    ("openai", #"{"data":[{"embedding":[null]}]}"#, "holds a non-number"),
    ("openai", #"[1,2]"#, "no 'data'"),
    ("gemini", #"{"embedding":{"values":[1]}}"#, "no 'embeddings'"),
    ("gemini", #"{"embeddings":[{"value":[1]}]}"#, "no 'embeddings[0].values'"),
    ("gemini", #"{"embeddings":[{"values":[true]}]}"#, "holds a non-number"),
    ("titan", #"{"embeddings":[[1]]}"#, "no 'embedding'"),
    ("titan", #"{"embedding":{"float":[1]}}"#, "no 'embedding'"),
    ("cohere", #"{"embeddings":{"float":[[1]]}}"#, "no 'embeddings'"),
    ("cohere", #"{"embeddings":[1,2]}"#, "no 'embeddings[0]'"),
    ("cohere", #"{"embeddings":[[1],[{}]]}"#, "'embeddings[1]' holds a non-number"),
])
func embeddingRepliesRefuse(reader: String, reply: String, message: String) {
    let readers: [String: Reader] = [
        "openai": EmbeddingPlan.readOpenAI, "gemini": EmbeddingPlan.readGemini, "titan": EmbeddingPlan.readTitan,
        "cohere": EmbeddingPlan.readCohere,
    ]
    guard let chosen = readers[reader] else { return }
    guard case .failure(let error) = read(chosen, [reply]) else {
        Issue.record("\(reader) took \(reply)")
        return
    }
    #expect(error.code == .providerError)
    #expect(error.message.contains(message), "\(reply): \(error.message)")
}

@Test func geminiTitanAndCohereRepliesRead() throws {
    #expect(try read(EmbeddingPlan.readGemini, [#"{"embeddings":[{"values":[1,2]},{"values":[]}]}"#]).get().vectors == [[1, 2], []])
    let titan = try read(
        EmbeddingPlan.readTitan, [#"{"embedding":[0.5],"inputTextTokenCount":3}"#, #"{"embedding":[1.5],"inputTextTokenCount":4}"#]
    ).get()
    #expect(titan.vectors == [[0.5], [1.5]] && titan.totalTokens == 7)
    let cohere = try read(EmbeddingPlan.readCohere, [#"{"id":"x","response_type":"embeddings_floats","embeddings":[[1e308],[-1]]}"#]).get()
    #expect(cohere.vectors == [[1e308], [-1]])
}
