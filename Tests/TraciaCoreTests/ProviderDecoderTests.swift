import Testing

@testable import TraciaCore

private func named(_ events: [(String, String)]) -> String { events.map { "event: \($0.0)\ndata: \($0.1)\n\n" }.joined() }

private let anthropicTools = named([
    (
        "message_start",
        #"{"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"usage":{"input_tokens":12,"cache_creation_input_tokens":3,"cache_read_input_tokens":5,"output_tokens":1}}}"#
    ),
    ("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
    ("ping", #"{"type": "ping"}"#),
    ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking é."}}"#),
    ("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
    (
        "content_block_start",
        #"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_A","name":"w","input":{}}}"#
    ),
    (
        "content_block_delta",
        #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Par"}}"#
    ),
    ("content_block_delta", #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"is\"}"}}"#),
    ("content_block_stop", #"{"type":"content_block_stop","index":1}"#),
    (
        "content_block_start",
        #"{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_B","name":"w","input":{}}}"#
    ),
    ("content_block_stop", #"{"type":"content_block_stop","index":2}"#),
    ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":71}}"#),
    ("message_stop", #"{"type":"message_stop"}"#),
])

@Test(arguments: [1, 3, 50, 100_000])
func anthropicStreamWithTools(pieceSize: Int) throws {
    var decoder = SSEDecoder<AnthropicEvents>()
    let sink = TestSink()
    try feed(&decoder, anthropicTools, pieceSize: pieceSize, sink: sink)
    try decoder.finish(into: sink)
    #expect(sink.texts == ["Checking é."])
    #expect(
        try sink.accumulator.toolCalls() == [
            ToolCall(id: "toolu_A", name: "w", arguments: ["city": "Paris"]),
            ToolCall(id: "toolu_B", name: "w", arguments: [:]),
        ])
    // Input counts fresh, cache-write and cache-read tokens; output is message_delta's cumulative count.
    #expect(sink.accumulator.usage == Usage(inputTokens: 20, outputTokens: 71, totalTokens: 91, cacheReadTokens: 5, cacheWriteTokens: 3))
    #expect(sink.accumulator.finishReason == .toolCalls)
}

@Test func anthropicErrorEventAndTruncation() throws {
    var decoder = SSEDecoder<AnthropicEvents>()
    let sink = TestSink()
    let error = named([("error", #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#)])
    #expect(throws: TraciaError.self) { try feed(&decoder, error, pieceSize: 10, sink: sink) }
    var cut = SSEDecoder<AnthropicEvents>()
    try feed(&cut, String(anthropicTools.prefix(400)), pieceSize: 10, sink: TestSink())
    #expect(throws: TraciaError.self) { try cut.finish(into: TestSink()) }
}

@Test func anthropicRequestBody() throws {
    let r = try RunRequest.parse(
        json: #"""
            {"model":"claude-sonnet-4-5","stream":true,"temperature":0.2,"messages":[
              {"role":"system","content":"A"},{"role":"developer","content":"B"},{"role":"user","content":"Weather?"},
              {"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"tool_call","id":"t1","name":"w","arguments":{"city":"Paris"}}]},
              {"role":"tool","tool_call_id":"t1","content":"21C"},{"role":"user","content":"thanks"}],
             "tools":[{"name":"w","parameters":{"type":"object"}}],"tool_choice":{"tool":"w"}}
            """#)
    let body = try AnthropicAdapter.body(for: r, samplingAllowed: true).serialized()
    #expect(
        body
            == #"{"model":"claude-sonnet-4-5","max_tokens":64000,"stream":true,"system":"A\n\nB","messages":[{"role":"user","content":[{"type":"text","text":"Weather?"}]},{"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"t1","name":"w","input":{"city":"Paris"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"21C"},{"type":"text","text":"thanks"}]}],"temperature":0.2,"tools":[{"name":"w","input_schema":{"type":"object"}}],"tool_choice":{"type":"tool","name":"w"}}"#
    )
    #expect(try !AnthropicAdapter.body(for: r, samplingAllowed: false).serialized().contains("temperature"))
}

private func sse(_ data: [String]) -> String { data.map { "data: \($0)\r\n\r\n" }.joined() }

@Test(arguments: [1, 7, 100_000])
func geminiStream(pieceSize: Int) throws {
    let stream = sse([
        #"{"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":1,"totalTokenCount":9}}"#,
        #"{"candidates":[{"content":{"parts":[{"text":"thinking","thought":true},{"functionCall":{"name":"w","args":{"city":"Rome"}}},{"functionCall":{"id":"fc9","name":"w","args":{}}}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":3,"thoughtsTokenCount":2,"totalTokenCount":13}}"#,
    ])
    var decoder = SSEDecoder<GeminiEvents>()
    let sink = TestSink()
    try feed(&decoder, stream, pieceSize: pieceSize, sink: sink)
    try decoder.finish(into: sink)
    #expect(sink.texts == ["Hel"])
    #expect(
        try sink.accumulator.toolCalls() == [
            ToolCall(id: "call_gemini_0", name: "w", arguments: ["city": "Rome"]),
            ToolCall(id: "fc9", name: "w", arguments: [:]),
        ])
    #expect(sink.accumulator.finishReason == .toolCalls)
    #expect(sink.accumulator.usage == Usage(inputTokens: 8, outputTokens: 5, totalTokens: 13, reasoningTokens: 2))
}

@Test func geminiSafetyStopAndCutStream() throws {
    var filtered = SSEDecoder<GeminiEvents>()
    let sink = TestSink()
    try feed(&filtered, sse([#"{"candidates":[{"finishReason":"SAFETY","index":0}]}"#]), pieceSize: 100, sink: sink)
    #expect(sink.accumulator.finishReason == .contentFilter)
    var cut = SSEDecoder<GeminiEvents>()
    try feed(&cut, sse([#"{"candidates":[{"content":{"parts":[{"text":"Hel"}]},"index":0}]}"#]), pieceSize: 100, sink: TestSink())
    #expect(throws: TraciaError.self) { try cut.finish(into: TestSink()) }
}

@Test func geminiModelNames() throws {
    #expect(try GeminiAdapter.modelPath("gemini-2.5-flash") == "models/gemini-2.5-flash")
    #expect(try GeminiAdapter.modelPath("tunedModels/mine") == "tunedModels/mine")
    #expect(throws: TraciaError.self) { try GeminiAdapter.modelPath("../secrets") }
    #expect(throws: TraciaError.self) { try GeminiAdapter.modelPath("gemini?key=x") }
}

@Test func bedrockModelIDsAndBody() throws {
    #expect(
        BedrockAdapter.regionalModelID("anthropic.claude-3-haiku-20240307-v1:0", region: "eu-central-1")
            == "eu.anthropic.claude-3-haiku-20240307-v1:0")
    #expect(
        BedrockAdapter.regionalModelID("us.anthropic.claude-3-haiku-20240307-v1:0", region: "eu-central-1")
            == "us.anthropic.claude-3-haiku-20240307-v1:0")
    #expect(
        BedrockAdapter.regionalModelID("global.anthropic.claude-opus-4-6-v1", region: "eu-west-1") == "global.anthropic.claude-opus-4-6-v1")
    #expect("eu.anthropic.claude-3-haiku-20240307-v1:0".percentEncoded(keepSlash: false) == "eu.anthropic.claude-3-haiku-20240307-v1%3A0")
    let r = try RunRequest.parse(
        json: #"""
            {"model":"amazon.nova-lite-v1:0","max_output_tokens":10,"tool_choice":"none","tools":[{"name":"w"}],
             "messages":[{"role":"system","content":"S"},{"role":"user","content":"hi"}]}
            """#)
    // No tool history and tool_choice none: Converse has no "none", so the tools stay out.
    #expect(
        try BedrockAdapter.body(for: r).serialized()
            == #"{"system":[{"text":"S"}],"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"maxTokens":10}}"#)
}
