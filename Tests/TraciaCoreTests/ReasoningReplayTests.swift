import Testing

@testable import TraciaCore

// The assistant's turn is rebuilt in the order it came, with its reasoning, and each provider
// gets back only its own reasoning, in its own shape.

private func bytes(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    var s = s
    s.withUTF8(body)
}

@Test func theTurnKeepsItsOrderAndItsReasoning() throws {
    var a = Accumulator()
    bytes("Weighing options — 思考") { a.appendReasoning(block: 0, $0) }
    bytes(" more") { a.appendReasoning(block: 0, $0) }
    bytes("EuwJCm4+/sig") { a.appendReasoningSignature(block: 0, $0) }
    bytes("Let me check. ") { a.appendText($0) }
    a.startToolCall(index: 1, id: "toolu_1", name: "get_weather")
    bytes("Ek+/redacted") { a.appendRedactedReasoning(block: 2, $0) }
    a.startToolCall(index: 3, id: "toolu_2", name: "get_weather")
    let calls = [ToolCall(id: "toolu_1", name: "get_weather"), ToolCall(id: "toolu_2", name: "get_weather")]
    let message = a.message(toolCalls: calls, provider: .anthropic)
    #expect(
        message.parts == [
            .reasoning(ReasoningPart(provider: .anthropic, text: "Weighing options — 思考 more", signature: "EuwJCm4+/sig")),
            .text("Let me check. "), .toolCall(calls[0]),
            .reasoning(ReasoningPart(provider: .anthropic, redactedData: "Ek+/redacted")), .toolCall(calls[1]),
        ])
    #expect(a.reasoningText == "Weighing options — 思考 more")
    // Without reasoning or tool calls the message stays plain text.
    var plain = Accumulator()
    bytes("hi") { plain.appendText($0) }
    #expect(plain.message(toolCalls: [], provider: .openai) == Message(role: .assistant, text: "hi"))
}

@Test func aReasoningPartRoundTripsThroughTheRequestJSON() throws {
    let message = Message(
        role: .assistant,
        parts: [
            .reasoning(ReasoningPart(provider: .anthropic, text: "t", signature: "s+/")),
            .reasoning(ReasoningPart(provider: .amazonBedrock, redactedData: "d+/")), .text("x"),
        ])
    let json = SpanPayload.messageJSON(message, camelCase: false)
    let request = try RunRequest.parse(
        json: #"{"model":"m","messages":[{"role":"user","content":"q"},\#(json.serialized())]}"#)
    #expect(request.messages[1].parts == message.parts)
    #expect(throws: TraciaError.self) {
        try RunRequest.parse(json: #"{"model":"m","messages":[{"role":"user","content":[{"type":"reasoning","provider":"anthropic"}]}]}"#)
    }
    #expect(throws: TraciaError.self) {
        try RunRequest.parse(json: #"{"model":"m","messages":[{"role":"assistant","content":[{"type":"reasoning","provider":"x"}]}]}"#)
    }
}

private let call = ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Paris"])

private func followUp(_ reasoning: [ReasoningPart]) -> RunRequest {
    let turn = Message(role: .assistant, parts: reasoning.map(ContentPart.reasoning) + [.text("Checking."), .toolCall(call)])
    return RunRequest(
        model: "m",
        messages: [
            Message(role: .user, text: "weather?"), turn, Message(role: .tool, parts: [.text("21C")], toolCallID: "call_1"),
        ])
}

private let everyProvider = [
    ReasoningPart(provider: .anthropic, text: "A", signature: "sigA"),
    ReasoningPart(provider: .anthropic, redactedData: "redA"),
    ReasoningPart(provider: .amazonBedrock, text: "B", signature: "sigB"),
    ReasoningPart(provider: .amazonBedrock, redactedData: "redB"),
    ReasoningPart(provider: .google, signature: "sigG"),
]

@Test func anthropicGetsItsThinkingBlocksFirstAndNothingElse() throws {
    let body = try AnthropicAdapter.body(for: followUp(everyProvider), samplingAllowed: true)
    #expect(
        body["messages"]?[1]?["content"]
            == [
                ["type": "thinking", "thinking": "A", "signature": "sigA"], ["type": "redacted_thinking", "data": "redA"],
                ["type": "text", "text": "Checking."],
                ["type": "tool_use", "id": "call_1", "name": "get_weather", "input": ["city": "Paris"]],
            ])
}

@Test func bedrockGetsItsReasoningContentAndNothingElse() throws {
    let body = try BedrockAdapter.body(for: followUp(everyProvider))
    #expect(
        body["messages"]?[1]?["content"]
            == [
                ["reasoningContent": ["reasoningText": ["text": "B", "signature": "sigB"]]],
                ["reasoningContent": ["redactedContent": "redB"]], ["text": "Checking."],
                ["toolUse": ["toolUseId": "call_1", "name": "get_weather", "input": ["city": "Paris"]]],
            ])
}

@Test func geminiGetsItsSignatureOnThePartAfterIt() throws {
    let signedCall = Message(
        role: .assistant,
        parts: [
            .reasoning(ReasoningPart(provider: .anthropic, text: "A", signature: "sigA")),
            .reasoning(ReasoningPart(provider: .google, text: "summary", signature: "sigG")), .toolCall(call),
        ])
    var request = followUp([])
    request.messages[1] = signedCall
    #expect(
        try GeminiAdapter.body(for: request)["contents"]?[1]?["parts"]
            == [["functionCall": ["name": "get_weather", "args": ["city": "Paris"], "id": "call_1"], "thoughtSignature": "sigG"]])
    // A signature last in the turn rides on an empty text part, as Gemini sends it.
    request.messages[1] = Message(
        role: .assistant, parts: [.text("Done."), .reasoning(ReasoningPart(provider: .google, signature: "sigT"))])
    #expect(
        try GeminiAdapter.body(for: request)["contents"]?[1]?["parts"] == [["text": "Done."], ["text": "", "thoughtSignature": "sigT"]])
}

@Test func reasoningNeverReachesTheTextChunks() throws {
    let c = try TraciaClient(options: ClientOptions.resolve(json: #"{"spans_file":"/dev/null"}"#, environment: { _ in nil }))
    defer { c.close() }
    let stream = try c.run(
        try RunRequest.parse(
            json: #"{"model":"mock/t","stream":true,"mock_reasoning":"think — 思考","messages":[{"role":"user","content":"the answer"}]}"#))
    var chunks: [String] = []
    while let chunk = try stream.nextChunk({ String(decoding: $0, as: UTF8.self) }) { chunks.append(chunk) }
    #expect(chunks == ["the ", "answer"])
    let result = stream.waitForResult()
    #expect(result.reasoning == "think — 思考" && result.text == "the answer")
    #expect(result.usage.reasoningTokens == 3 && result.usage.outputTokens == 5)
    #expect(result.message.parts == [.reasoning(ReasoningPart(provider: .mock, text: "think — 思考")), .text("the answer")])
}
