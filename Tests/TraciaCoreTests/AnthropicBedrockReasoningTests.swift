import Testing

@testable import TraciaCore

// Anthropic thinking and Bedrock reasoningContent: decoded apart from the answer, kept byte for
// byte, in the order of the turn; and the request's reasoning in each one's form.

private let thought = "Weighing é — 思考 🙂"
private let signature = "EvMCCkYICxgC+/sig=="
private let redacted = "EqkECkYIBxgC+/redacted=="
private let weatherCall = ToolCall(id: "toolu_A", name: "get_weather", arguments: ["city": "Paris"])

/// The turn both providers' streams below carry, as the result's message.
private func expectedTurn(_ provider: ProviderKind, call: ToolCall = weatherCall) -> [ContentPart] {
    [
        .reasoning(ReasoningPart(provider: provider, text: thought + " done", signature: signature)),
        .reasoning(ReasoningPart(provider: provider, redactedData: redacted)), .text("Let me check."), .toolCall(call),
    ]
}

private let anthropicThinking = sseEvents([
    (
        "message_start",
        #"{"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"usage":{"input_tokens":10,"output_tokens":1}}  }"#
    ),
    ("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"#),
    ("ping", #"{"type": "ping"}"#),
    ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"\#(thought)"}}"#),
    ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":" done"}}"#),
    ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":""}}"#),
    // One signature_delta in every recorded stream; pieces are appended all the same.
    ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EvMCCkYICxgC+/"}}"#),
    ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig=="}}"#),
    ("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
    (
        "content_block_start",
        #"{"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"\#(redacted)"}}"#
    ),
    ("content_block_stop", #"{"type":"content_block_stop","index":1}"#),
    ("content_block_start", #"{"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}}"#),
    ("content_block_delta", #"{"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"Let me check."}}"#),
    ("content_block_stop", #"{"type":"content_block_stop","index":2}"#),
    (
        "content_block_start",
        #"{"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_A","name":"get_weather","input":{}}}"#
    ),
    (
        "content_block_delta",
        #"{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{\"city\":\"Paris\"}"}}"#
    ),
    ("content_block_stop", #"{"type":"content_block_stop","index":3}"#),
    (
        "message_delta",
        #"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":300,"output_tokens_details":{"thinking_tokens":261}}}"#
    ),
    ("message_stop", #"{"type":"message_stop"}"#),
])

/// Decodes `bytes` split at every piece size from 1 to the whole and checks each result; the
/// first size that fails ends the test (`#require`).
private func atEveryPieceSize<D: ResponseDecoder>(
    _ bytes: [UInt8], _ fresh: D, check: (TestSink, Int) throws -> Void
) throws {
    for size in 1...bytes.count {
        var decoder = fresh
        let sink = TestSink()
        try feed(&decoder, bytes, pieceSize: size, sink: sink)
        try decoder.finish(into: sink)
        try check(sink, size)
    }
}

@Test func anthropicThinkingStreamsApartFromTheTextAtEveryPieceSize() throws {
    try atEveryPieceSize(Array(anthropicThinking.utf8), SSEDecoder<AnthropicEvents>()) { sink, size in
        try #require(sink.texts.joined() == "Let me check.", "piece size \(size)")
        let turn = sink.accumulator.message(toolCalls: try sink.accumulator.toolCalls(), provider: .anthropic)
        try #require(turn.parts == expectedTurn(.anthropic), "piece size \(size)")
        try #require(sink.accumulator.reasoningText == thought + " done")
        try #require(sink.accumulator.usage == Usage(inputTokens: 10, outputTokens: 300, totalTokens: 310, reasoningTokens: 261))
    }
}

@Test func anthropicThinkingTokensLastUntilAnotherCountComes() throws {
    let stream = sseEvents([
        ("message_start", #"{"type":"message_start","message":{"usage":{"input_tokens":4,"output_tokens":1}}}"#),
        (
            "message_delta",
            #"{"type":"message_delta","delta":{},"usage":{"output_tokens":50,"output_tokens_details":{"thinking_tokens":20}}}"#
        ),
        ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":60}}"#),
        ("message_stop", #"{"type":"message_stop"}"#),
    ])
    var decoder = SSEDecoder<AnthropicEvents>()
    let sink = TestSink()
    try feed(&decoder, stream, pieceSize: 1000, sink: sink)
    #expect(sink.usages.map(\.reasoningTokens) == [nil, 20, 20])
    #expect(sink.accumulator.usage == Usage(inputTokens: 4, outputTokens: 60, totalTokens: 64, reasoningTokens: 20))
}

@Test func anthropicThinkingInAWholeBody() throws {
    let body = #"""
        {"id":"msg_1","type":"message","role":"assistant","content":[
          {"type":"thinking","thinking":"\#(thought) done","signature":"\#(signature)"},
          {"type":"redacted_thinking","data":"\#(redacted)"},
          {"type":"text","text":"Let me check."},
          {"type":"tool_use","id":"toolu_A","name":"get_weather","input":{"city":"Paris"}}],
         "stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":300,"output_tokens_details":{"thinking_tokens":261}}}
        """#
    try atEveryPieceSize(Array(body.utf8), JSONBodyDecoder<AnthropicBody>(limit: 1 << 20)) { sink, size in
        try #require(sink.texts == ["Let me check."], "piece size \(size)")
        let turn = sink.accumulator.message(toolCalls: try sink.accumulator.toolCalls(), provider: .anthropic)
        try #require(turn.parts == expectedTurn(.anthropic), "piece size \(size)")
        try #require(sink.accumulator.usage.reasoningTokens == 261 && sink.accumulator.usage.outputTokens == 300)
    }
}

private let bedrockReasoning: [UInt8] = [
    ("messageStart", #"{"role":"assistant"}"#),
    ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"Weighing é — 思"}}}"#),
    ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"考 🙂 done"}}}"#),
    ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":""}}}"#),
    ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"\#(signature)"}}}"#),
    ("contentBlockStop", #"{"contentBlockIndex":0}"#),
    ("contentBlockDelta", #"{"contentBlockIndex":1,"delta":{"reasoningContent":{"redactedContent":"\#(redacted)"}}}"#),
    ("contentBlockStop", #"{"contentBlockIndex":1}"#),
    ("contentBlockDelta", #"{"contentBlockIndex":2,"delta":{"text":"Let me check."}}"#),
    ("contentBlockStop", #"{"contentBlockIndex":2}"#),
    ("contentBlockStart", #"{"contentBlockIndex":3,"start":{"toolUse":{"toolUseId":"toolu_A","name":"get_weather"}}}"#),
    ("contentBlockDelta", #"{"contentBlockIndex":3,"delta":{"toolUse":{"input":"{\"city\":\"Paris\"}"}}}"#),
    ("contentBlockStop", #"{"contentBlockIndex":3}"#),
    ("messageStop", #"{"stopReason":"tool_use"}"#),
    ("metadata", #"{"usage":{"inputTokens":51,"outputTokens":94,"totalTokens":145},"metrics":{"latencyMs":2281}}"#),
].flatMap { EventStreamFrame.event($0.0, payload: $0.1) }

@Test func bedrockReasoningStreamsApartFromTheTextAtEveryPieceSize() throws {
    try atEveryPieceSize(bedrockReasoning, BedrockStreamDecoder()) { sink, size in
        try #require(sink.texts == ["Let me check."], "piece size \(size)")
        let turn = sink.accumulator.message(toolCalls: try sink.accumulator.toolCalls(), provider: .amazonBedrock)
        try #require(turn.parts == expectedTurn(.amazonBedrock), "piece size \(size)")
        // Converse has no count of reasoning tokens.
        try #require(sink.accumulator.usage == Usage(inputTokens: 51, outputTokens: 94, totalTokens: 145, reasoningTokens: nil))
    }
}

@Test func bedrockReasoningInAWholeBody() throws {
    let body = #"""
        {"output":{"message":{"role":"assistant","content":[
          {"reasoningContent":{"reasoningText":{"text":"\#(thought) done","signature":"\#(signature)"}}},
          {"reasoningContent":{"redactedContent":"\#(redacted)"}},
          {"text":"Let me check."},
          {"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris"}}}]}},
         "stopReason":"tool_use","usage":{"inputTokens":397,"outputTokens":130,"totalTokens":527}}
        """#
    let call = ToolCall(id: "tooluse_1", name: "get_weather", arguments: ["city": "Paris"])
    try atEveryPieceSize(Array(body.utf8), JSONBodyDecoder<BedrockBody>(limit: 1 << 20)) { sink, size in
        try #require(sink.texts == ["Let me check."], "piece size \(size)")
        let turn = sink.accumulator.message(toolCalls: try sink.accumulator.toolCalls(), provider: .amazonBedrock)
        try #require(turn.parts == expectedTurn(.amazonBedrock, call: call), "piece size \(size)")
        try #require(sink.accumulator.usage.reasoningTokens == nil)
    }
}

// The request's reasoning.

private func asking(
    _ reasoning: ReasoningRequest, model: String = "claude-sonnet-4-5", _ change: (inout RunRequest) -> Void = { _ in }
) -> RunRequest {
    var r = RunRequest(model: model, messages: [Message(role: .user, text: "weather?")])
    r.reasoning = reasoning
    change(&r)
    return r
}

private func anthropicBody(_ r: RunRequest) throws(TraciaError) -> JSONObject { try AnthropicAdapter.body(for: r, samplingAllowed: true) }

private func refusal(_ build: () throws(TraciaError) -> JSONObject) -> TraciaError? {
    do {
        _ = try build()
        return nil
    } catch {
        return error
    }
}

@Test(arguments: [
    (ReasoningRequest(effort: .low), 1024), (ReasoningRequest(effort: .medium), 2048), (ReasoningRequest(effort: .high), 4096),
    (ReasoningRequest(budgetTokens: 1024), 1024), (ReasoningRequest(effort: .low, budgetTokens: 20_000), 20_000),
])
func anthropicThinksWithABudgetAndRoomForTheAnswer(reasoning: ReasoningRequest, budget: Int) throws {
    // The model's maximum output holds the budget and the answer.
    let body = try anthropicBody(asking(reasoning))
    #expect(body["thinking"] == ["type": "enabled", "budget_tokens": JSON(budget)])
    #expect(body["max_tokens"] == 64000)
    // A model the table does not know: the budget and 4096 tokens for the answer.
    let unknown = try anthropicBody(asking(reasoning, model: "claude-nova-experimental"))
    #expect(unknown["thinking"] == body["thinking"] && unknown["max_tokens"] == JSON(budget + 4096))
}

@Test func anthropicKeepsTheCallersLimitsAndTheSettingsThinkingAllows() throws {
    let body = try anthropicBody(
        asking(ReasoningRequest(budgetTokens: 2000)) {
            $0.maxOutputTokens = 2001
            $0.temperature = 1
            $0.topP = 0.95
            $0.tools = [ToolDefinition(name: "get_weather")]
            $0.toolChoice = .auto
        })
    #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 2000])
    #expect(body["max_tokens"] == 2001 && body["temperature"] == 1.0 && body["top_p"] == 0.95 && body["tool_choice"] == ["type": "auto"])
    // Without reasoning nothing about it is sent.
    let plain = try anthropicBody(RunRequest(model: "claude-sonnet-4-5", messages: [Message(role: .user, text: "hi")]))
    #expect(plain["thinking"] == nil && plain["max_tokens"] == 64000)
    // custom_options still has the last word.
    let custom = try anthropicBody(
        asking(ReasoningRequest(effort: .high)) { $0.customOptions = ["thinking": ["type": "adaptive"], "max_tokens": 64000] })
    #expect(custom["thinking"] == ["type": "adaptive"] && custom["max_tokens"] == 64000)
}

/// Requests each API refuses while its model reasons, and a word of the message that says why.
private let refusedWhileThinking: [(String, ReasoningRequest, @Sendable (inout RunRequest) -> Void)] = [
    ("at least 1024, got 1023", ReasoningRequest(budgetTokens: 1023), { _ in }),
    ("at least 1024, got 0", ReasoningRequest(budgetTokens: 0), { _ in }),
    ("max_output_tokens is 2048, budget_tokens 2048", ReasoningRequest(budgetTokens: 2048), { $0.maxOutputTokens = 2048 }),
    ("max_output_tokens is 1000, budget_tokens 1024", ReasoningRequest(effort: .low), { $0.maxOutputTokens = 1000 }),
    ("temperature 1 only while it reasons, got 0.5", ReasoningRequest(effort: .low), { $0.temperature = 0.5 }),
    ("temperature 1 only while it reasons, got 0.0", ReasoningRequest(effort: .low), { $0.temperature = 0 }),
    ("top_p from 0.95 to 1 while it reasons, got 0.9", ReasoningRequest(effort: .low), { $0.topP = 0.9 }),
    ("tool_choice forces a tool", ReasoningRequest(effort: .low), { $0.toolChoice = .required }),
    ("tool_choice forces a tool", ReasoningRequest(effort: .low), { $0.toolChoice = .tool("get_weather") }),
    // Sonnet 4.5 writes at most 64000 tokens, its reasoning included.
    ("at most 64000 output tokens from ", ReasoningRequest(budgetTokens: 64000), { _ in }),
]

@Test func anthropicRefusesWhatTheAPIWouldRefuseWhileThinking() {
    for (words, reasoning, change) in refusedWhileThinking {
        let error = refusal { () throws(TraciaError) in try anthropicBody(asking(reasoning, change)) }
        #expect(error?.code == .invalidRequest, "\(words)")
        #expect(
            error?.message.hasPrefix("reasoning: anthropic ") == true && error?.message.contains(words) == true, "\(error?.message ?? "")")
    }
}

/// Claude models on Bedrock and their maximum output.
private let claudeOnBedrock = [
    ("anthropic.claude-sonnet-4-5-20250929-v1:0", 64000), ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", 64000),
    ("global.anthropic.claude-opus-4-6-v1", 128_000), ("us-gov.anthropic.claude-3-7-sonnet-20250219-v1:0", 64000),
    ("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0", 64000),
    ("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0", 64000),
]

@Test(arguments: claudeOnBedrock)
func claudeOnBedrockThinksAsOnAnthropic(model: String, maximum: Int) throws {
    let body = try BedrockAdapter.body(for: asking(ReasoningRequest(effort: .medium), model: model))
    #expect(body["additionalModelRequestFields"] == ["thinking": ["type": "enabled", "budget_tokens": 2048]])
    #expect(body["inferenceConfig"] == ["maxTokens": JSON(maximum)])
    // Without reasoning Converse takes the model's maximum by itself.
    var plain = asking(ReasoningRequest(effort: .medium), model: model)
    plain.reasoning = nil
    #expect(try BedrockAdapter.body(for: plain)["inferenceConfig"] == nil)
    let limited = try BedrockAdapter.body(for: asking(ReasoningRequest(budgetTokens: 3000), model: model) { $0.maxOutputTokens = 8000 })
    #expect(
        limited["additionalModelRequestFields"]?["thinking"]?["budget_tokens"] == 3000 && limited["inferenceConfig"] == ["maxTokens": 8000])
}

@Test func claudeOnBedrockRefusesWhatTheAPIWouldRefuseWhileThinking() {
    for (words, reasoning, change) in refusedWhileThinking {
        let error = refusal { () throws(TraciaError) in
            try BedrockAdapter.body(for: asking(reasoning, model: "eu.anthropic.claude-sonnet-4-5-20250929-v1:0", change))
        }
        #expect(error?.code == .invalidRequest, "\(words)")
        #expect(
            error?.message.hasPrefix("reasoning: Claude on amazon_bedrock ") == true && error?.message.contains(words) == true,
            "\(error?.message ?? "")")
    }
}

private let effortOnlyModels: [(String, ReasoningRequest.Effort, JSON)] = [
    ("us.amazon.nova-2-lite-v1:0", .low, ["reasoningConfig": ["type": "enabled", "maxReasoningEffort": "low"]]),
    ("amazon.nova-2-lite-v1:0", .high, ["reasoningConfig": ["type": "enabled", "maxReasoningEffort": "high"]]),
    ("openai.gpt-oss-120b-1:0", .medium, ["reasoning_effort": "medium"]),
    ("openai.gpt-oss-20b-1:0", .high, ["reasoning_effort": "high"]),
]

@Test(arguments: effortOnlyModels)
func novaAndGPTOSSOnBedrockTakeTheEffort(model: String, effort: ReasoningRequest.Effort, fields: JSON) throws {
    // A budget next to the effort has no place in their form.
    let body = try BedrockAdapter.body(for: asking(ReasoningRequest(effort: effort, budgetTokens: 5000), model: model))
    #expect(body["additionalModelRequestFields"] == fields)
    #expect(body["inferenceConfig"] == nil)
    let error = refusal { () throws(TraciaError) in try BedrockAdapter.body(for: asking(ReasoningRequest(budgetTokens: 5000), model: model))
    }
    #expect(error?.code == .invalidRequest && error?.message.contains("takes an effort, not a budget") == true)
}

@Test(arguments: [
    "meta.llama3-70b-instruct-v1:0", "us.deepseek.r1-v1:0", "amazon.titan-text-express-v1", "mistral.mistral-large-2402-v1:0",
])
func otherBedrockModelsRefuseTheReasoningOption(model: String) throws {
    let error = refusal { () throws(TraciaError) in try BedrockAdapter.body(for: asking(ReasoningRequest(effort: .high), model: model)) }
    #expect(error?.code == .invalidRequest)
    #expect(error?.message.contains("Claude, Nova and gpt-oss models, not '\(model)'") == true)
    // Their own fields go in custom_options, which is set over the body as it is.
    var custom = asking(ReasoningRequest(effort: .high), model: model)
    custom.reasoning = nil
    custom.customOptions = ["additionalModelRequestFields": ["reasoning_config": "high"]]
    #expect(try BedrockAdapter.body(for: custom)["additionalModelRequestFields"] == ["reasoning_config": "high"])
}

@Test func bedrockCustomOptionsAreSetOverTheReasoningFields() throws {
    let body = try BedrockAdapter.body(
        for: asking(ReasoningRequest(effort: .high), model: "us.anthropic.claude-opus-4-6-v1") {
            $0.customOptions = ["additionalModelRequestFields": ["thinking": ["type": "adaptive"], "output_config": ["effort": "high"]]]
        })
    #expect(body["additionalModelRequestFields"] == ["thinking": ["type": "adaptive"], "output_config": ["effort": "high"]])
    #expect(body["inferenceConfig"] == ["maxTokens": 128_000])
}

/// The adapters' request builders are what a call runs before any I/O: a refused request never
/// becomes an HTTP request.
@Test func theRequestBuildersRefuseBeforeAnyIO() throws {
    let c = try TraciaClient(
        options: ClientOptions.resolve(
            json: #"{"spans_file":"/dev/null","anthropic_api_key":"k","bedrock_api_key":"k"}"#, environment: { _ in nil }))
    defer { c.close() }
    let low = asking(ReasoningRequest(budgetTokens: 100))
    #expect(throws: TraciaError.self) { try AnthropicAdapter().httpRequest(for: c.resolve(low)) }
    #expect(throws: TraciaError.self) {
        try BedrockAdapter().httpRequest(for: c.resolve(asking(ReasoningRequest(effort: .low), model: "meta.llama3-70b-instruct-v1:0")))
    }
    let error = refusal { () throws(TraciaError) in
        _ = try c.run(low)
        return [:]
    }
    #expect(error?.code == .invalidRequest && error?.message == "reasoning: anthropic needs a budget_tokens of at least 1024, got 100")
}
