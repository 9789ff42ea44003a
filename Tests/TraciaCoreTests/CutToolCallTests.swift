import Testing

@testable import TraciaCore

private func cutStream(stop: String) -> String {
    sseEvents([
        ("message_start", #"{"type":"message_start","message":{"usage":{"input_tokens":10,"output_tokens":1}}}"#),
        ("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
        ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me look."}}"#),
        (
            "content_block_start",
            #"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"search","input":{}}}"#
        ),
        (
            "content_block_delta",
            #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"query\": \"wea"}}"#
        ),
        ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"\#(stop)"},"usage":{"output_tokens":20}}"#),
        ("message_stop", #"{"type":"message_stop"}"#),
    ])
}

@Test func aToolCallCutByTheOutputBudgetIsKeptIncomplete() throws {
    var decoder = SSEDecoder<AnthropicEvents>()
    let sink = TestSink()
    try feed(&decoder, cutStream(stop: "max_tokens"), pieceSize: 13, sink: sink)
    let calls = try sink.accumulator.toolCalls()
    #expect(calls.count == 1 && calls[0].incomplete && calls[0].arguments.isEmpty)
    #expect(calls[0].rawArguments == #"{"query": "wea"#)
    #expect(sink.accumulator.finishReason == .maxTokens && sink.accumulator.textString == "Let me look.")
    // It cannot be answered, so the message for the follow-up leaves it out.
    let message = sink.accumulator.message(toolCalls: calls, provider: .anthropic)
    #expect(message.toolCalls.isEmpty && message.text == "Let me look.")
    let json = SpanPayload.toolCallsJSON(calls, camelCase: false)
    #expect(json[0]?["incomplete"] == true && json[0]?["raw_arguments"] == .string(#"{"query": "wea"#))
    #expect(SpanPayload.toolCallsJSON(calls)[0]?["rawArguments"] != nil)
}

@Test func argumentsThatDoNotParseWithoutALengthStopAreTheProvidersError() throws {
    var decoder = SSEDecoder<AnthropicEvents>()
    let sink = TestSink()
    try feed(&decoder, cutStream(stop: "tool_use"), pieceSize: 13, sink: sink)
    #expect(throws: TraciaError.self) { try sink.accumulator.toolCalls() }
}

@Test func completeCallsBesideACutOneStayComplete() throws {
    var a = Accumulator()
    a.startToolCall(index: 0, id: "a", name: "f")
    Array(#"{"x":1}"#.utf8).withUnsafeBufferPointer { a.appendArguments(index: 0, $0) }
    a.startToolCall(index: 1, id: "b", name: "g")
    Array(#"{"y":"#.utf8).withUnsafeBufferPointer { a.appendArguments(index: 1, $0) }
    a.setFinish(FinishReasons.openAI.finish("length"))
    let calls = try a.toolCalls()
    #expect(calls.map(\.incomplete) == [false, true] && calls[0].arguments == ["x": 1])
    #expect(a.message(toolCalls: calls, provider: .openai).toolCalls.map(\.id) == ["a"])
}
