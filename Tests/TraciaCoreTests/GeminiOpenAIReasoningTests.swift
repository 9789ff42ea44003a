import Testing

@testable import TraciaCore

// Reasoning from Gemini and from Chat Completions servers: never in the text, kept on the turn
// in arrival order with Gemini's signatures byte for byte, sent back in each one's own shape,
// and the request option in the form each takes.

/// Reasoning in every UTF-8 width.
private let thoughts = ["Réflexion", " — 思考", " 🤔 step"]
/// Standard base64, as Gemini sends it: `+`, `/` and padding must come back unchanged.
private let callSignature = "EpwICpk+IAXLI2nx/l0w=="
private let textSignature = "Eo0HCooHAb4+9vut/XdtK=="

private func geminiSSE(_ chunks: [String]) -> String { chunks.map { "data: \($0)\r\n\r\n" }.joined() }

private func geminiChunk(_ parts: String, finish: String? = nil, usage: String? = nil) -> String {
    let reason = finish.map { #","finishReason":"\#($0)""# } ?? ""
    let metadata = usage.map { #","usageMetadata":\#($0)"# } ?? ""
    return #"{"candidates":[{"content":{"parts":[\#(parts)],"role":"model"}\#(reason),"index":0}]\#(metadata)}"#
}

private func thoughtPart(_ text: String) -> String { #"{"text":"\#(text)","thought":true}"# }

/// Gemini 3 calling tools: thought summaries, then two parallel calls of which only the first
/// is signed, then an empty text part with STOP.
private let geminiToolStream = geminiSSE(
    thoughts.map { geminiChunk(thoughtPart($0), usage: #"{"promptTokenCount":8,"totalTokenCount":51,"thoughtsTokenCount":43}"#) } + [
        geminiChunk(#"{"text":"Checking both."}"#),
        geminiChunk(
            #"{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"\#(callSignature)"},{"functionCall":{"name":"get_weather","args":{"city":"Rome"}}}"#
        ),
        geminiChunk(
            #"{"text":""}"#, finish: "STOP",
            usage: #"{"promptTokenCount":8,"candidatesTokenCount":22,"totalTokenCount":73,"thoughtsTokenCount":43}"#),
    ])

/// Gemini 3 answering: the signature last, on an empty text part.
private let geminiTextStream = geminiSSE(
    [geminiChunk(thoughtPart(thoughts[0])), geminiChunk(#"{"text":"Il fait 21 °C"}"#), geminiChunk(#"{"text":" à Paris."}"#)] + [
        geminiChunk(
            #"{"text":"","thoughtSignature":"\#(textSignature)"}"#, finish: "STOP",
            usage: #"{"promptTokenCount":5,"candidatesTokenCount":9,"totalTokenCount":30,"thoughtsTokenCount":16}"#)
    ])

private func decodedGemini(_ stream: String, pieceSize: Int) throws -> TestSink {
    var decoder = SSEDecoder<GeminiEvents>()
    let sink = TestSink()
    try feed(&decoder, stream, pieceSize: pieceSize, sink: sink)
    try decoder.finish(into: sink)
    return sink
}

private func turnSentBack(_ result: Message, after question: String = "weather?") throws -> [JSON]? {
    var messages = [Message(role: .user, text: question), result]
    for call in result.toolCalls { messages.append(Message(role: .tool, parts: [.text("21C")], toolCallID: call.id)) }
    return try GeminiAdapter.body(for: RunRequest(model: "gemini-3-pro-preview", messages: messages))["contents"]?[1]?["parts"]?.array
}

@Test func geminiThoughtsAreReasoningAndTheCallSignatureComesBackOnTheFirstCall() throws {
    for size in 1...geminiToolStream.utf8.count {
        let sink = try decodedGemini(geminiToolStream, pieceSize: size)
        let a = sink.accumulator
        #expect(sink.texts.joined() == "Checking both.")
        #expect(a.reasoningText == thoughts.joined())
        let calls = try a.toolCalls()
        #expect(calls.map(\.arguments) == [["city": "Paris"], ["city": "Rome"]])
        #expect(
            a.message(toolCalls: calls, provider: .google).parts == [
                .reasoning(ReasoningPart(provider: .google, text: thoughts.joined())), .text("Checking both."),
                .reasoning(ReasoningPart(provider: .google, signature: callSignature)), .toolCall(calls[0]), .toolCall(calls[1]),
            ])
        #expect(a.usage == Usage(inputTokens: 8, outputTokens: 65, totalTokens: 73, reasoningTokens: 43))
    }
    // Sent back: the thought summary is not, the signature rides on the first call only.
    let a = try decodedGemini(geminiToolStream, pieceSize: 1).accumulator
    #expect(
        try turnSentBack(a.message(toolCalls: try a.toolCalls(), provider: .google)) == [
            ["text": "Checking both."],
            ["functionCall": ["name": "get_weather", "args": ["city": "Paris"]], "thoughtSignature": .string(callSignature)],
            ["functionCall": ["name": "get_weather", "args": ["city": "Rome"]]],
        ])
}

@Test func geminiSignatureOnAnEmptyTextPartIsKeptAndSentBackOnOne() throws {
    for size in 1...geminiTextStream.utf8.count {
        let sink = try decodedGemini(geminiTextStream, pieceSize: size)
        #expect(sink.texts.joined() == "Il fait 21 °C à Paris.")
        #expect(sink.accumulator.reasoningText == thoughts[0])
        let message = sink.accumulator.message(toolCalls: [], provider: .google)
        #expect(message.parts.last == .reasoning(ReasoningPart(provider: .google, signature: textSignature)))
        #expect(sink.accumulator.usage == Usage(inputTokens: 5, outputTokens: 25, totalTokens: 30, reasoningTokens: 16))
    }
    let message = try decodedGemini(geminiTextStream, pieceSize: 1).accumulator.message(toolCalls: [], provider: .google)
    #expect(try turnSentBack(message) == [["text": "Il fait 21 °C à Paris."], ["text": "", "thoughtSignature": .string(textSignature)]])
}

@Test func geminiSignatureOnATextPartComesBeforeItsText() throws {
    // Gemini 2.5 with thoughts: the first answer part carries the signature.
    let stream = geminiSSE([
        geminiChunk(thoughtPart("Plan")), geminiChunk(#"{"text":"Cross at","thoughtSignature":"\#(textSignature)"}"#),
        geminiChunk(#"{"text":" the light."}"#, finish: "STOP"),
    ])
    let sink = try decodedGemini(stream, pieceSize: 1000)
    let message = sink.accumulator.message(toolCalls: [], provider: .google)
    #expect(
        message.parts == [
            .reasoning(ReasoningPart(provider: .google, text: "Plan")),
            .reasoning(ReasoningPart(provider: .google, signature: textSignature)),
            .text("Cross at the light."),
        ])
    #expect(try turnSentBack(message) == [["text": "Cross at the light.", "thoughtSignature": .string(textSignature)]])
}

@Test func geminiThoughtsAfterOtherPartsAreANewBlockAndASignedThoughtKeepsItsText() throws {
    let stream = geminiSSE([
        geminiChunk(thoughtPart("first")), geminiChunk(#"{"text":"Answer."}"#), geminiChunk(thoughtPart("again")),
        geminiChunk(#"{"functionCall":{"name":"f","args":{}}}"#), geminiChunk(thoughtPart("later")),
        geminiChunk(#"{"text":"second","thought":true,"thoughtSignature":"\#(textSignature)"}"#), geminiChunk(thoughtPart(" more")),
        geminiChunk(#"{"text":""}"#, finish: "STOP"),
    ])
    let sink = try decodedGemini(stream, pieceSize: 1000)
    #expect(sink.texts == ["Answer."])
    let calls = try sink.accumulator.toolCalls()
    #expect(
        sink.accumulator.message(toolCalls: calls, provider: .google).parts == [
            .reasoning(ReasoningPart(provider: .google, text: "first")), .text("Answer."),
            .reasoning(ReasoningPart(provider: .google, text: "again")), .toolCall(calls[0]),
            .reasoning(ReasoningPart(provider: .google, text: "later")),
            .reasoning(ReasoningPart(provider: .google, text: "second more", signature: textSignature)),
        ])
}

@Test func geminiWholeBodyHasTheSameReasoning() throws {
    let body = geminiChunk(
        #"{"text":"Réflexion — 思考","thought":true},{"functionCall":{"name":"f","args":{}},"thoughtSignature":"\#(callSignature)"},{"functionCall":{"name":"f","args":{"n":2}}}"#,
        finish: "STOP", usage: #"{"promptTokenCount":3,"totalTokenCount":12,"thoughtsTokenCount":9}"#)
    var decoder = JSONBodyDecoder<GeminiBody>(limit: 1 << 20)
    let sink = TestSink()
    try feed(&decoder, body, pieceSize: 7, sink: sink)
    try decoder.finish(into: sink)
    let calls = try sink.accumulator.toolCalls()
    #expect(sink.texts.isEmpty)
    #expect(
        sink.accumulator.message(toolCalls: calls, provider: .google).parts == [
            .reasoning(ReasoningPart(provider: .google, text: "Réflexion — 思考")),
            .reasoning(ReasoningPart(provider: .google, signature: callSignature)), .toolCall(calls[0]), .toolCall(calls[1]),
        ])
    // No candidatesTokenCount: the output is the thoughts alone.
    #expect(sink.accumulator.usage == Usage(inputTokens: 3, outputTokens: 9, totalTokens: 12, reasoningTokens: 9))
}

@Test func geminiWithoutThoughtsCountsNoReasoningTokens() throws {
    let sink = try decodedGemini(
        geminiSSE([
            geminiChunk(#"{"text":"hi"}"#, finish: "STOP", usage: #"{"promptTokenCount":2,"candidatesTokenCount":1,"totalTokenCount":3}"#)
        ]),
        pieceSize: 1000)
    #expect(sink.accumulator.usage == Usage(inputTokens: 2, outputTokens: 1, totalTokens: 3, reasoningTokens: nil))
}

@Test func geminiSignaturesOneAfterAnotherEachGetAPart() throws {
    let turn = Message(
        role: .assistant,
        parts: [
            .reasoning(ReasoningPart(provider: .google, signature: "s1")), .reasoning(ReasoningPart(provider: .google, signature: "s2")),
            .text("x"),
        ])
    #expect(try turnSentBack(turn, after: "q") == [["text": "", "thoughtSignature": "s1"], ["text": "x", "thoughtSignature": "s2"]])
}

// MARK: Chat Completions

private func openAISSE(_ events: [String]) -> String { events.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n" }

private func delta(_ fields: String) -> String {
    #"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{\#(fields)},"finish_reason":null}],"usage":null}"#
}

/// DeepSeek's shape: the reasoning field "" first, its pieces, then null once the content starts.
private func reasoningStream(field: String) -> String {
    openAISSE(
        [delta(#""role":"assistant","content":null,"\#(field)":"""#)] + thoughts.map { delta(#""content":null,"\#(field)":"\#($0)""#) } + [
            delta(#""content":"Bon","\#(field)":null"#), delta(#""content":"jour ☀️","\#(field)":null"#),
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
            #"{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":44,"total_tokens":53,"completion_tokens_details":{"reasoning_tokens":41}}}"#,
        ])
}

@Test(arguments: ["reasoning_content", "reasoning"])
func openAIReasoningFieldIsReasoningNotText(field: String) throws {
    let stream = reasoningStream(field: field)
    for size in 1...stream.utf8.count {
        var decoder = SSEDecoder<OpenAIEvents>()
        let sink = TestSink()
        try feed(&decoder, stream, pieceSize: size, sink: sink)
        try decoder.finish(into: sink)
        #expect(sink.texts.joined() == "Bonjour ☀️")
        #expect(
            sink.accumulator.message(toolCalls: [], provider: .openaiCompatible).parts == [
                .reasoning(ReasoningPart(provider: .openaiCompatible, text: thoughts.joined())), .text("Bonjour ☀️"),
            ])
        #expect(sink.accumulator.usage == Usage(inputTokens: 9, outputTokens: 44, totalTokens: 53, reasoningTokens: 41))
    }
}

@Test func openAIReasoningInBothFieldsIsTakenOnce() throws {
    var decoder = SSEDecoder<OpenAIEvents>()
    let sink = TestSink()
    try feed(&decoder, openAISSE([delta(#""reasoning":"hmm","reasoning_content":"hmm""#)]), pieceSize: 1000, sink: sink)
    #expect(sink.accumulator.reasoningText == "hmm")
}

@Test(arguments: ["reasoning_content", "reasoning"])
func openAIWholeBodyReasoning(field: String) throws {
    let body =
        #"{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"4","\#(field)":"2+2 — 思考"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":30,"total_tokens":35,"completion_tokens_details":{"reasoning_tokens":29}}}"#
    var decoder = JSONBodyDecoder<OpenAIBody>(limit: 1 << 20)
    let sink = TestSink()
    try feed(&decoder, body, pieceSize: 3, sink: sink)
    try decoder.finish(into: sink)
    #expect(sink.texts == ["4"])
    #expect(sink.accumulator.reasoningText == "2+2 — 思考")
    #expect(sink.accumulator.usage.reasoningTokens == 29)
}

@Test func theTextFastPathDeclinesReasoningAndTakesNullOnes() {
    func taken(_ fields: String) -> Bool {
        var text: [UInt8] = []
        return Array(delta(fields).utf8).withUnsafeBytes { OpenAITextDelta.read($0, into: &text) }
    }
    #expect(!taken(#""content":null,"reasoning_content":"x""#))
    #expect(!taken(#""content":null,"reasoning":"x""#))
    #expect(!taken(#""content":"a","reasoning_content":"""#))
    #expect(!taken(#""content":"a","reasoning":null,"reasoning":{"x":1}"#))
    #expect(taken(#""content":"a","reasoning_content":null"#))
    #expect(taken(#""content":"a","reasoning":null"#))
}

// MARK: requests

private func resolved(_ request: RunRequest, provider: ProviderKind, baseURL: String?) -> ResolvedCall {
    ResolvedCall(
        request: request, provider: provider, apiKey: "k", baseURL: baseURL, timeoutMS: 1000, idleTimeoutMS: 1000, firstChunkTimeoutMS: nil,
        connectTimeoutMS: 1000,
        caFile: nil, maxRetries: 0, maxResponseBytes: 1 << 20, providerSettings: nil, secrets: [])
}

private func requestBody(_ adapter: some ProviderAdapter, _ call: ResolvedCall) throws -> JSON {
    try adapter.httpRequest(for: call).body.withUnsafeBytes { try JSON(parsing: $0) }
}

private func request(model: String, _ extra: String = "", messages: String = #"[{"role":"user","content":"q"}]"#) throws -> RunRequest {
    try RunRequest.parse(json: #"{"model":"\#(model)","messages":\#(messages)\#(extra)}"#)
}

private func thinkingConfig(_ model: String, _ reasoning: String, custom: String = "") throws -> JSON? {
    let call = resolved(try request(model: model, #","reasoning":\#(reasoning)\#(custom)"#), provider: .google, baseURL: nil)
    return try requestBody(GeminiAdapter(), call)["generationConfig"]?["thinkingConfig"]
}

@Test func geminiThinkingConfigFromTheReasoningOption() throws {
    for (effort, budget) in [("low", 1024), ("medium", 8192), ("high", 24576)] {
        #expect(
            try thinkingConfig("gemini-2.5-flash", #"{"effort":"\#(effort)"}"#) == [
                "includeThoughts": true, "thinkingBudget": JSON(budget),
            ])
        #expect(
            try thinkingConfig("gemini-3-pro-preview", #"{"effort":"\#(effort)"}"#)
                == ["includeThoughts": true, "thinkingLevel": .string(effort.uppercased())])
    }
    #expect(try thinkingConfig("gemini-2.5-pro", #"{"budget_tokens":2048}"#) == ["includeThoughts": true, "thinkingBudget": 2048])
    #expect(try thinkingConfig("gemini-2.5-pro", #"{"effort":"low","budget_tokens":0}"#) == ["includeThoughts": true, "thinkingBudget": 0])
    #expect(try thinkingConfig("models/gemini-3.1-flash", #"{"budget_tokens":512}"#) == ["includeThoughts": true, "thinkingBudget": 512])
    #expect(try thinkingConfig("gemini-2.5-flash", #"{"effort":"high"}"#, custom: #","custom_options":{"generationConfig":{}}"#) == nil)
    let none = resolved(try request(model: "gemini-3-pro-preview"), provider: .google, baseURL: nil)
    #expect(try requestBody(GeminiAdapter(), none)["generationConfig"] == nil)
}

@Test func geminiThreeRefusesBothEffortAndBudgetBeforeAnyIO() throws {
    let call = resolved(
        try request(model: "gemini-3-flash-preview", #","reasoning":{"effort":"low","budget_tokens":1024}"#), provider: .google,
        baseURL: nil)
    let refusal = TraciaError(
        .invalidRequest,
        "reasoning: give effort or budget_tokens for gemini-3-flash-preview, not both (Gemini 3 takes thinkingLevel or thinkingBudget, not both)"
    )
    #expect(throws: refusal) { try GeminiAdapter().httpRequest(for: call) }
}

@Test func geminiThreeNames() {
    for name in ["gemini-3", "gemini-3-pro-preview", "gemini-3.1-flash", "models/gemini-3-flash-preview"] {
        #expect(GeminiAdapter.isGemini3(name))
    }
    for name in ["gemini-2.5-pro", "gemini-30", "gemma-3-27b", "models/gemini-2.0-flash"] { #expect(!GeminiAdapter.isGemini3(name)) }
}

private let budgetRefusal = TraciaError(
    .invalidRequest, "reasoning: Chat Completions takes an effort (reasoning_effort), not budget_tokens; give effort")

@Test func openAIReasoningEffortFromTheReasoningOption() throws {
    for provider in [ProviderKind.openai, .openaiCompatible] {
        for effort in ReasoningRequest.Effort.allCases {
            let call = resolved(
                try request(model: "o4-mini", #","reasoning":{"effort":"\#(effort.rawValue)","budget_tokens":5000}"#), provider: provider,
                baseURL: "http://127.0.0.1:9/v1")
            let body = try requestBody(OpenAIAdapter(), call)
            #expect(body["reasoning_effort"] == .string(effort.rawValue))
            #expect(body.object?.keys.contains { $0.contains("budget") } == false)
        }
        let custom = resolved(
            try request(model: "o4-mini", #","reasoning":{"effort":"low"},"custom_options":{"reasoning_effort":"minimal"}"#),
            provider: provider,
            baseURL: nil)
        #expect(try requestBody(OpenAIAdapter(), custom)["reasoning_effort"] == "minimal")
        let budgetOnly = resolved(try request(model: "o4-mini", #","reasoning":{"budget_tokens":5000}"#), provider: provider, baseURL: nil)
        #expect(throws: budgetRefusal) { try OpenAIAdapter().httpRequest(for: budgetOnly) }
    }
}

@Test func aBudgetAloneForChatCompletionsFailsTheRunBeforeAnyIO() throws {
    let client = try TraciaClient(options: ClientOptions.resolve(json: #"{"spans_file":"/dev/null"}"#, environment: { _ in nil }))
    defer { client.close() }
    // Nothing listens on the discard port: a request that reached the network would fail otherwise.
    let r = try request(
        model: "deepseek-reasoner", #","provider":"openai_compatible","base_url":"http://127.0.0.1:9","reasoning":{"budget_tokens":10}"#)
    #expect(throws: budgetRefusal) { try client.run(r) }
}

private let reasoningTurn = #"""
    [{"role":"user","content":"weather?"},
     {"role":"assistant","content":[{"type":"reasoning","provider":"openai_compatible","text":"Réflexion"},
       {"type":"reasoning","provider":"openai_compatible","text":" — 思考"},{"type":"reasoning","provider":"anthropic","text":"not this","signature":"s"},
       {"type":"tool_call","id":"call_A","name":"get_weather","arguments":{"city":"Paris"}}]},
     {"role":"tool","tool_call_id":"call_A","content":"21C"}]
    """#

private func assistantSent(_ messages: String, provider: ProviderKind, baseURL: String?) throws -> JSON? {
    let call = resolved(try request(model: "deepseek-chat", messages: messages), provider: provider, baseURL: baseURL)
    return try requestBody(OpenAIAdapter(), call)["messages"]?[1]
}

@Test func compatibleServersGetTheReasoningBackAsReasoningContent() throws {
    // Any host but OpenAI's own, whichever provider name reached it.
    for provider in [ProviderKind.openaiCompatible, .openai] {
        let sent = try assistantSent(reasoningTurn, provider: provider, baseURL: "http://127.0.0.1:9/v1")
        #expect(sent?["reasoning_content"] == "Réflexion — 思考")
        #expect(sent?["tool_calls"]?[0]?["id"] == "call_A")
    }
    // Reasoning parts without text still say the turn reasoned: "", which DeepSeek requires.
    let empty =
        #"[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"reasoning","provider":"openai"},{"type":"tool_call","id":"c","name":"f"}]}]"#
    #expect(try assistantSent(empty, provider: .openaiCompatible, baseURL: "http://127.0.0.1:9/v1")?["reasoning_content"] == "")
}

@Test func openAIHostsAndTurnsWithoutChatReasoningGetNoReasoningContent() throws {
    for (provider, base) in [
        (ProviderKind.openai, OpenAIAdapter.defaultBaseURL), (.openaiCompatible, "https://api.openai.com/v1"),
        (.openai, "https://example.openai.azure.com/openai/v1"),
    ] {
        #expect(try assistantSent(reasoningTurn, provider: provider, baseURL: base)?["reasoning_content"] == nil)
    }
    let otherProvider =
        #"[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"reasoning","provider":"google","signature":"s"},{"type":"text","text":"a"}]}]"#
    #expect(try assistantSent(otherProvider, provider: .openaiCompatible, baseURL: "http://127.0.0.1:9/v1")?["reasoning_content"] == nil)
}
