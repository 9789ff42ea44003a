import Testing

@testable import TraciaCore

// Responses with tens of thousands of tool calls or content blocks, as a hostile server may
// send: each fragment finds its call in constant time, so these decode in well under a
// second (a scan per fragment took seconds). Calls keep the order their indexes were first seen.

private func run<D: ResponseDecoder>(_ decoder: D, _ bytes: [UInt8]) throws -> TestSink {
    var decoder = decoder
    let sink = TestSink()
    var failure: TraciaError?
    var start = 0
    while start < bytes.count, failure == nil {
        // 16 KiB reads, as curl delivers them.
        let piece = Array(bytes[start..<min(start + 16384, bytes.count)])
        piece.withUnsafeBytes { buf in
            do throws(TraciaError) { try decoder.consume(buf, into: sink) } catch { failure = error }
        }
        start += 16384
    }
    if let failure { throw failure }
    try decoder.finish(into: sink)
    return sink
}

/// Index i's expected call; indexes are sent in a shuffled order, so first-seen order is not index order.
private func order(_ count: Int) -> [Int] { (0..<count).map { $0 * 7919 % count } }

@Test func fortyThousandOpenAIToolCallIndexes() throws {
    let count = 40_000
    var text = ""
    for i in order(count) {
        text +=
            #"data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":\#(i),"id":"c\#(i)","type":"function","function":{"name":"f","arguments":""}}]}}]}"#
        text += "\n\n"
    }
    // The arguments arrive afterwards, in two fragments per call, interleaved across all calls.
    for i in order(count) {
        text += #"data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":\#(i),"function":{"arguments":"{\"n\":"}}]}}]}"# + "\n\n"
    }
    for i in order(count) {
        text += #"data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":\#(i),"function":{"arguments":"\#(i)}"}}]}}]}"# + "\n\n"
    }
    text += #"data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"# + "\n\ndata: [DONE]\n\n"
    let sink = try run(SSEDecoder<OpenAIEvents>(), Array(text.utf8))
    let calls = try sink.accumulator.toolCalls()
    #expect(calls.count == count)
    #expect(calls.map(\.id) == order(count).map { "c\($0)" })
    #expect(calls.allSatisfy { $0.arguments == ["n": .int(Int64($0.id.dropFirst()) ?? -1)] })
    #expect(sink.accumulator.finishReason == .toolCalls)
}

@Test func twentyThousandAnthropicContentBlocks() throws {
    let count = 20_000
    var text = #"event: message_start\#ndata: {"type":"message_start","message":{"usage":{"input_tokens":1}}}\#n\#n"#
    for i in 0..<count {
        if i % 2 == 0 {
            text +=
                #"event: content_block_start\#ndata: {"type":"content_block_start","index":\#(i),"content_block":{"type":"text","text":""}}\#n\#n"#
            text +=
                #"event: content_block_delta\#ndata: {"type":"content_block_delta","index":\#(i),"delta":{"type":"text_delta","text":"."}}\#n\#n"#
        } else {
            text +=
                #"event: content_block_start\#ndata: {"type":"content_block_start","index":\#(i),"content_block":{"type":"tool_use","id":"t\#(i)","name":"f","input":{}}}\#n\#n"#
            text +=
                #"event: content_block_delta\#ndata: {"type":"content_block_delta","index":\#(i),"delta":{"type":"input_json_delta","partial_json":"{\"n\":\#(i)}"}}\#n\#n"#
        }
        text += #"event: content_block_stop\#ndata: {"type":"content_block_stop","index":\#(i)}\#n\#n"#
    }
    text += #"event: message_delta\#ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}\#n\#n"#
    text += #"event: message_stop\#ndata: {"type":"message_stop"}\#n\#n"#
    let sink = try run(SSEDecoder<AnthropicEvents>(), Array(text.utf8))
    let calls = try sink.accumulator.toolCalls()
    #expect(calls.count == count / 2)
    #expect(calls.map(\.id) == stride(from: 1, to: count, by: 2).map { "t\($0)" })
    #expect(calls.allSatisfy { $0.arguments == ["n": .int(Int64($0.id.dropFirst()) ?? -1)] })
    #expect(sink.accumulator.textString == String(repeating: ".", count: count / 2))
}

@Test func twentyThousandBedrockContentBlocks() throws {
    let count = 20_000
    var bytes = EventStreamFrame.event("messageStart", payload: #"{"role":"assistant"}"#)
    for i in order(count) {
        bytes += EventStreamFrame.event(
            "contentBlockStart", payload: #"{"contentBlockIndex":\#(i),"start":{"toolUse":{"toolUseId":"t\#(i)","name":"f"}}}"#)
        bytes += EventStreamFrame.event(
            "contentBlockDelta", payload: #"{"contentBlockIndex":\#(i),"delta":{"toolUse":{"input":"{\"n\":\#(i)}"}}}"#)
    }
    bytes += EventStreamFrame.event("messageStop", payload: #"{"stopReason":"tool_use"}"#)
    let sink = try run(BedrockStreamDecoder(), bytes)
    let calls = try sink.accumulator.toolCalls()
    #expect(calls.map(\.id) == order(count).map { "t\($0)" })
    #expect(calls.allSatisfy { $0.arguments == ["n": .int(Int64($0.id.dropFirst()) ?? -1)] })
}

@Test func twentyThousandGeminiFunctionCallParts() throws {
    let count = 20_000
    let parts = (0..<count).map { #"{"functionCall":{"name":"f","args":{"n":\#($0)}}}"# }.joined(separator: ",")
    let text = #"data: {"candidates":[{"content":{"parts":[\#(parts)],"role":"model"},"finishReason":"STOP"}]}"# + "\n\n"
    let sink = try run(SSEDecoder<GeminiEvents>(), Array(text.utf8))
    let calls = try sink.accumulator.toolCalls()
    #expect(calls.count == count)
    #expect(calls.enumerated().allSatisfy { $1.arguments == ["n": .int(Int64($0))] && $1.id == "call_gemini_\($0)" })
}

@Test func accumulatorKeepsFirstSeenOrderAndMergesRepeats() throws {
    var a = Accumulator()
    let fragment: (String) -> [UInt8] = { Array($0.utf8) }
    fragment(#"{"x":"#).withUnsafeBufferPointer { a.appendArguments(index: 9, $0) }
    a.startToolCall(index: -3, id: "first", name: "f")
    a.startToolCall(index: 9, id: "nine", name: "g")
    a.startToolCall(index: 9, id: "ignored", name: "ignored")
    fragment("1}").withUnsafeBufferPointer { a.appendArguments(index: 9, $0) }
    a.startToolCall(index: .max, id: nil, name: "h")
    #expect(
        try a.toolCalls() == [
            ToolCall(id: "nine", name: "g", arguments: ["x": 1]), ToolCall(id: "first", name: "f", arguments: [:]),
            ToolCall(id: "call_\(Int.max)", name: "h", arguments: [:]),
        ])
}
