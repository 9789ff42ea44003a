import Testing

@testable import TraciaCore

private func accumulated(_ fragments: [String]) throws(TraciaError) -> [ToolCall] {
    var a = Accumulator()
    a.startToolCall(index: 0, id: "c1", name: "f")
    for fragment in fragments { Array(fragment.utf8).withUnsafeBufferPointer { a.appendArguments(index: 0, $0) } }
    return try a.toolCalls()
}

@Test func argumentFragmentsAreParsedOnceIntoAnObject() throws {
    #expect(
        try accumulated([#"{"city":"#, #" "Par"#, #"is","n":[1,2.5]}"#]) == [
            ToolCall(id: "c1", name: "f", arguments: ["city": "Paris", "n": [1, 2.5]])
        ])
    #expect(try accumulated([]) == [ToolCall(id: "c1", name: "f")])
    #expect(try accumulated([" \n\t"]) == [ToolCall(id: "c1", name: "f", arguments: [:])])
}

@Test(arguments: [#"{"city":"#, "[1]", #""text""#, "null", #"{"a":1,"a":2}"#, #"{"a":1} {}"#, #"{"a":"\u0000"}"#])
func argumentsThatAreNotOneObjectAreTheProvidersError(text: String) {
    #expect(throws: TraciaError.self) { try accumulated([text]) }
    do {
        _ = try accumulated([text])
    } catch {
        #expect(error.code == .providerError)
        #expect(error.message.contains("tool call 'f' has arguments that are not a JSON object"))
    }
}

@Test(arguments: [
    (#""custom_options":"{}""#, "'custom_options' in request must be an object"),
    (#""custom_options":[1]"#, "'custom_options' in request must be an object"),
    (#""tools":[{"name":"w","parameters":"{\"type\":\"object\"}"}]"#, "'parameters' in tools[0] must be an object"),
    (#""response_format":{"type":"json","schema":true}"#, "'schema' in response_format must be an object"),
    (#""mock_tool_calls":[{"name":"f","arguments":"{}"}]"#, "'arguments' in mock_tool_calls[0] must be an object"),
])
func subDocumentsThatAreNotObjectsAreRejected(fragment: String, message: String) {
    let json = #"{"model":"m","messages":[{"role":"user","content":"x"}],\#(fragment)}"#
    #expect(throws: TraciaError.self) { try RunRequest.parse(json: json) }
    do {
        _ = try RunRequest.parse(json: json)
    } catch {
        #expect(error.code == .invalidRequest)
        #expect(error.message.contains(message), "\(error.message)")
    }
}

private func assistantCall(arguments: String) -> String {
    #"{"model":"m","messages":[{"role":"assistant","content":[{"type":"tool_call","id":"c","name":"f","arguments":\#(arguments)}]}]}"#
}

@Test func requestArgumentsAreAnObjectOrTheTextOfOne() throws {
    let fromObject = try RunRequest.parse(json: assistantCall(arguments: #"{"b":1,"a":[true]}"#))
    let fromText = try RunRequest.parse(json: assistantCall(arguments: #""{\"b\": 1, \"a\": [true]}""#))
    let expected = ToolCall(id: "c", name: "f", arguments: ["b": 1, "a": [true]])
    #expect(fromObject.messages[0].toolCalls == [expected] && fromText.messages[0].toolCalls == [expected])
    #expect(try RunRequest.parse(json: assistantCall(arguments: "null")).messages[0].toolCalls == [ToolCall(id: "c", name: "f")])
    for bad in [#""{\"a\":""#, #""[1]""#, #""{\"a\":1,\"a\":2}""#, "[]", "7"] {
        #expect(throws: TraciaError.self, "\(bad)") { try RunRequest.parse(json: assistantCall(arguments: bad)) }
    }
}

/// Arguments read from a provider's stream reach the result, the span and every provider's
/// follow-up request as the same object.
@Test func argumentsTravelAsAValue() throws {
    let stream =
        [
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_A","function":{"name":"w","arguments":"{\"city\": \"Par"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"is\", \"days\": 2}"}}]},"finish_reason":"tool_calls"}]}"#,
        ].map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n"
    var decoder = SSEDecoder<OpenAIEvents>()
    let sink = TestSink()
    try feed(&decoder, stream, pieceSize: 5, sink: sink)
    try decoder.finish(into: sink)
    let calls = try sink.accumulator.toolCalls()
    #expect(calls == [ToolCall(id: "call_A", name: "w", arguments: ["city": "Paris", "days": 2])])

    let result = CallResult(
        text: "", spanID: "sp_0123456789abcdef", traceID: "tr_0123456789abcdef", latencyMS: 1, usage: Usage(), provider: .openai,
        model: "m", toolCalls: calls, finishReason: .toolCalls, aborted: false, error: nil,
        message: sink.accumulator.message(toolCalls: calls, provider: .openai))
    #expect(result.json()["tool_calls"] == [["id": "call_A", "name": "w", "arguments": ["city": "Paris", "days": 2]]])
    #expect(result.json()["message"]?["content"]?[0]?["arguments"] == ["city": "Paris", "days": 2])

    var followUp = RunRequest(model: "m", messages: [Message(role: .user, text: "weather?"), result.message])
    followUp.messages.append(Message(role: .tool, parts: [.text("21C")], toolCallID: "call_A"))
    let args = #"{"city":"Paris","days":2}"#
    #expect(
        try OpenAIAdapter.body(for: followUp, officialHost: true).serialized().contains(#""arguments":"{\"city\":\"Paris\",\"days\":2}""#))
    #expect(try AnthropicAdapter.body(for: followUp, samplingAllowed: true).serialized().contains(#""input":\#(args)"#))
    #expect(try GeminiAdapter.body(for: followUp).serialized().contains(#""args":\#(args)"#))
    #expect(try BedrockAdapter.body(for: followUp).serialized().contains(#""input":\#(args)"#))
}
