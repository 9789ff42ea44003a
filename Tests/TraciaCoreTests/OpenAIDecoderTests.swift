import Testing

@testable import TraciaCore

private func sse(_ events: [String]) -> String { events.map { "data: \($0)\n\n" }.joined() }

private let textStream = sse([
    #"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"finish_reason":null}],"usage":null}"#,
    #"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hé"},"finish_reason":null}],"usage":null}"#,
    #"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"llo 🎉"},"finish_reason":null}],"usage":null}"#,
    #"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}"#,
    #"{"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}"#,
    "[DONE]",
])

private let toolStream = sse([
    #"{"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_A","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}"#,
    #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]},"finish_reason":null}]}"#,
    #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ty\": \"Paris\"}"}}]},"finish_reason":null}]}"#,
    #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_B","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}"#,
    #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"city\": \"Rome\"}"}}]},"finish_reason":null}]}"#,
    #"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
    #"{"choices":[],"usage":{"prompt_tokens":61,"completion_tokens":38,"total_tokens":99}}"#,
    "[DONE]",
])

@Test(arguments: [1, 5, 64, 100_000])
func openAITextStream(pieceSize: Int) throws {
    var decoder = SSEDecoder<OpenAIEvents>()
    let sink = TestSink()
    try feed(&decoder, textStream, pieceSize: pieceSize, sink: sink)
    try decoder.finish(into: sink)
    #expect(sink.texts == ["Hé", "llo 🎉"])
    #expect(sink.accumulator.usage == Usage(inputTokens: 9, outputTokens: 3, totalTokens: 12))
    #expect(sink.accumulator.finishReason == .stop)
}

@Test func openAIParallelToolCalls() throws {
    var decoder = SSEDecoder<OpenAIEvents>()
    let sink = TestSink()
    try feed(&decoder, toolStream, pieceSize: 3, sink: sink)
    try decoder.finish(into: sink)
    let calls = try sink.accumulator.toolCalls()
    #expect(
        calls == [
            ToolCall(id: "call_A", name: "get_weather", argumentsJSON: #"{"city":"Paris"}"#),
            ToolCall(id: "call_B", name: "get_weather", argumentsJSON: #"{"city":"Rome"}"#),
        ])
    #expect(sink.accumulator.finishReason == .toolCalls)
    #expect(sink.accumulator.usage.totalTokens == 99)
}

@Test func openAIStreamWithoutDoneIsTruncated() throws {
    var decoder = SSEDecoder<OpenAIEvents>()
    let sink = TestSink()
    try feed(&decoder, sse([#"{"choices":[{"index":0,"delta":{"content":"Hi"}}]}"#]), pieceSize: 10, sink: sink)
    #expect(throws: TraciaError.self) { try decoder.finish(into: sink) }
    #expect(sink.texts == ["Hi"])
}

@Test func openAIMalformedEvent() throws {
    var decoder = SSEDecoder<OpenAIEvents>()
    let sink = TestSink()
    let stream = sse([#"{"choices":[{"index":0,"delta":{"content":"Hi"}}]}"#, #"{"choices":[{"#])
    #expect(throws: TraciaError(.providerError, #"malformed stream event: {"choices":[{"#)) {
        try feed(&decoder, stream, pieceSize: 1000, sink: sink)
    }
    #expect(sink.texts == ["Hi"])
}

@Test func openAIMidStreamError() throws {
    var decoder = SSEDecoder<OpenAIEvents>()
    let sink = TestSink()
    let stream = sse([#"{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}"#])
    do {
        try feed(&decoder, stream, pieceSize: 1000, sink: sink)
        Issue.record("expected an error")
    } catch {
        #expect(error.code == .providerError)
        #expect(error.message.contains("The server had an error"))
    }
}

@Test func openAILengthStopWithPartialToolCall() throws {
    let sink = TestSink()
    var decoder = SSEDecoder<OpenAIEvents>()
    try feed(
        &decoder,
        sse([
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":"{\"a\":"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}"#, "[DONE]",
        ]), pieceSize: 1000, sink: sink)
    #expect(sink.accumulator.finishReason == .maxTokens)
    #expect(throws: TraciaError.self) { try sink.accumulator.toolCalls() }
}

@Test func openAINonStreamingBody() throws {
    var decoder = JSONBodyDecoder<OpenAIBody>(limit: 1 << 20)
    let sink = TestSink()
    let body =
        #"{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"x\":1}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}"#
    try feed(&decoder, body, pieceSize: 7, sink: sink)
    try decoder.finish(into: sink)
    #expect(try sink.accumulator.toolCalls() == [ToolCall(id: "call_1", name: "f", argumentsJSON: #"{"x":1}"#)])
    #expect(sink.accumulator.usage.totalTokens == 12)
}

@Test func openAIRequestBody() throws {
    var request = try RunRequest.parse(
        json: #"""
            {"model":"gpt-4.1-mini","stream":true,"temperature":0.5,"max_output_tokens":100,"stop_sequences":["END"],
             "messages":[{"role":"developer","content":"Be terse."},{"role":"user","content":"Weather in {{city}}?"},
               {"role":"assistant","content":[{"type":"tool_call","id":"call_1","name":"w","arguments":{"city":"Paris"}}]},
               {"role":"tool","tool_call_id":"call_1","tool_name":"w","content":"21C"}],
             "tools":[{"name":"w","description":"weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}],
             "tool_choice":{"tool":"w"},"response_format":{"type":"json"},"variables":{"city":"Paris"}}
            """#)
    request.messages = Interpolation.apply(request.variables ?? [], to: request.messages)
    let body = try OpenAIAdapter.body(for: request, officialHost: true).serialized()
    #expect(
        body
            == #"{"model":"gpt-4.1-mini","messages":[{"role":"developer","content":"Be terse."},{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"w","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"21C"}],"stream":true,"stream_options":{"include_usage":true},"temperature":0.5,"max_completion_tokens":100,"stop":["END"],"tools":[{"type":"function","function":{"name":"w","description":"weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],"tool_choice":{"type":"function","function":{"name":"w"}},"response_format":{"type":"json_object"}}"#
    )
    let compat = try OpenAIAdapter.body(for: request, officialHost: false).serialized()
    #expect(compat.contains(#""max_tokens":100"#))
    #expect(compat.contains(#"{"role":"system","content":"Be terse."}"#))
}
