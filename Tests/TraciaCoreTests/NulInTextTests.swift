import Testing

@testable import TraciaCore

/// `\u0000` is a valid JSON escape: in a provider's text it is text, delivered with the rest
/// (chunks carry their length), never a malformed event.
@Test func aNulEscapeInProviderTextIsDelivered() throws {
    let openAI =
        #"data: {"choices":[{"index":0,"delta":{"content":"a\u0000b"},"finish_reason":null}]}"# + "\n\n"
        + #"data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\ndata: [DONE]\n\n"
    var o = SSEDecoder<OpenAIEvents>()
    let sinkO = TestSink()
    try feed(&o, openAI, pieceSize: 7, sink: sinkO)
    try o.finish(into: sinkO)
    #expect(sinkO.texts == ["a\u{0}b"])

    let anthropic = [
        #"event: message_start"# + "\n" + #"data: {"type":"message_start","message":{"usage":{"input_tokens":1,"output_tokens":0}}}"#,
        #"event: content_block_start"# + "\n"
            + #"data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
        #"event: content_block_delta"# + "\n"
            + #"data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x\u0000y"}}"#,
        #"event: message_stop"# + "\n" + #"data: {"type":"message_stop"}"#,
    ].map { $0 + "\n\n" }.joined()
    var a = SSEDecoder<AnthropicEvents>()
    let sinkA = TestSink()
    try feed(&a, anthropic, pieceSize: 5, sink: sinkA)
    try a.finish(into: sinkA)
    #expect(sinkA.texts == ["x\u{0}y"])

    let gemini =
        #"data: {"candidates":[{"content":{"parts":[{"text":"p\u0000q"}],"role":"model"},"finishReason":"STOP"}]}"# + "\n\n"
    var g = SSEDecoder<GeminiEvents>()
    let sinkG = TestSink()
    try feed(&g, gemini, pieceSize: 3, sink: sinkG)
    try g.finish(into: sinkG)
    #expect(sinkG.texts == ["p\u{0}q"])
}

@Test func aSpanLineWithANulInItsOutputIsReadable() {
    let line = Array(#"{"spanId":"sp_1","model":"m","status":"SUCCESS","output":"a\u0000b"}"#.utf8)
    #expect(SpanLine(json: line)?.output == "a\u{0}b")
}
