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
            ToolCall(id: "call_A", name: "get_weather", arguments: ["city": "Paris"]),
            ToolCall(id: "call_B", name: "get_weather", arguments: ["city": "Rome"]),
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
    let calls = try sink.accumulator.toolCalls()
    #expect(calls.count == 1 && calls[0].incomplete && calls[0].rawArguments == #"{"a":"#)
}

@Test func openAINonStreamingBody() throws {
    var decoder = JSONBodyDecoder<OpenAIBody>(limit: 1 << 20)
    let sink = TestSink()
    let body =
        #"{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"x\":1}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}"#
    try feed(&decoder, body, pieceSize: 7, sink: sink)
    try decoder.finish(into: sink)
    #expect(try sink.accumulator.toolCalls() == [ToolCall(id: "call_1", name: "f", arguments: ["x": 1])])
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

private func fastText(_ event: String) -> String? {
    var text: [UInt8] = []
    let taken = Array(event.utf8).withUnsafeBytes { OpenAITextDelta.read($0, into: &text) }
    return taken ? String(decoding: text, as: UTF8.self) : nil
}

@Test func openAITextDeltaFastPathTakesPlainTextDeltas() {
    let plain = #"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"tok "},"finish_reason":null}]}"#
    #expect(fastText(plain) == "tok ")
    #expect(fastText(#" { "choices" : [ { "delta" : { "role" : "assistant" , "content" : "" } } ] , "usage" : null } "#) == "")
    let escaped = #"{"choices":[{"delta":{"content":"h\u00e9 \"q\" \\ \/ \n\t \ud83c\udf89 日本"}},{"delta":{"tool_calls":[1]}}]}"#
    #expect(fastText(escaped) == "hé \"q\" \\ / \n\t 🎉 日本")
    let nulls = #"{"choices":[{"delta":{"content":null,"refusal":null},"logprobs":{"content":[{"x":-0.5}]}}],"created":1731000000}"#
    #expect(fastText(nulls) == "")
    #expect(fastText(#"{"choices":[{"delta":{"c\u006fntent":"escaped key"}}]}"#) == "escaped key")
}

@Test(arguments: [
    #"{"choices":[{"delta":{"content":"a"},"finish_reason":"stop"}]}"#,  // a finish reason
    #"{"choices":[{"delta":{"tool_calls":[{"index":0}]}}]}"#,  // tool calls
    #"{"choices":[],"usage":{"prompt_tokens":1}}"#,  // usage
    #"{"choices":[{"delta":{"content":"a"}}],"usage":{"prompt_tokens":9,"prompt_tokens_details":{"cached_tokens":8}}}"#,  // cache counts
    #"{"error":{"message":"boom"}}"#, #"{"error":null}"#, #"{"object":"error","message":"boom"}"#,  // errors
    #"{"choices":[{"delta":{"content":"a","content":"b"}}]}"#,  // duplicate keys of interest
    #"{"choices":[{"delta":{"content":null,"refusal":"I'm"}}]}"#, #"{"choices":[{"delta":{"refusal":""}}]}"#,  // refusals
    #"{"choices":[{"index":1,"delta":{"content":"b"}}]}"#, #"{"choices":[{"index":0,"index":0,"delta":{"content":"a"}}]}"#,  // n > 1
    #"{"choices":[{"delta":{"content":"a"}}]} x"#, #"{"choices":[{"delta":{"content":"a"}}]"#,  // trailing, truncated
    #"{"created":1e3,"choices":[]}"#, #"{"created":12345678901234567,"choices":[]}"#, #"{"n":01}"#,  // numbers
    #"{"choices":[{"delta":{"content":"a\u0000b"}}]}"#, #"{"choices":[{"delta":{"content":"\ud800"}}]}"#,  // NUL, lone surrogate
    "{\"choices\":[{\"delta\":{\"content\":\"\u{1}\"}}]}", "{\"x\":\"\\x\"}", "[1]", "", "null",
])
func openAITextDeltaFastPathDeclines(_ event: String) {
    #expect(fastText(event) == nil)
}

@Test func openAITextDeltaFastPathDeclinesInvalidUTF8() {
    for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF]] {
        let event = Array(#"{"choices":[{"delta":{"content":""#.utf8) + bad + Array(#""}}]}"#.utf8)
        var text: [UInt8] = []
        #expect(!event.withUnsafeBytes { OpenAITextDelta.read($0, into: &text) })
        #expect(text.isEmpty)
    }
}

/// Random events near the fast path's edge (escapes, Unicode, bad bytes, extra keys, numbers,
/// whitespace): whatever it takes must match jansson and the full decoder exactly.
@Test func openAITextDeltaFastPathAgreesWithTheFullPath() {
    var rng = SplitMix(seed: 0x7EAC1A)
    let pieces: [[UInt8]] = [
        Array("tok".utf8), Array(" ".utf8), Array("é".utf8), Array("日本".utf8), Array("🎉".utf8), Array(#"\""#.utf8),
        Array(#"\\"#.utf8), Array(#"\/"#.utf8), Array(#"\n"#.utf8), Array(#"\u00e9"#.utf8), Array(#"\ud83c\udf89"#.utf8),
        Array(#"\u0000"#.utf8), Array(#"\ud800"#.utf8), Array(#"\udc00x"#.utf8), Array(#"\x"#.utf8), [0x01], [0x7F],
        [0xC3], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x8E], Array(#"\u12G4"#.utf8),
    ]
    let extras = [
        #""id":"chatcmpl-1""#, #""created":1731000000"#, #""created":1.5"#, #""created":-0"#, #""created":1e5"#,
        #""object":"chat.completion.chunk""#, #""object":"error""#, #""usage":null"#, #""usage":{"prompt_tokens":1}"#,
        #""system_fingerprint":null"#, #""x":[1,{"y":[true,false,null]}]"#, #""error":null"#, #""n":0123"#,
        // Cache counts: in a usage object (declined, the full path reads them) or stray (taken, ignored).
        #""usage":{"prompt_tokens":9,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":8,"cache_write_tokens":0}}"#,
        #""usage":{"prompt_tokens":339,"prompt_cache_hit_tokens":320,"prompt_cache_miss_tokens":19}"#,
        #""prompt_cache_hit_tokens":320"#, #""prompt_tokens_details":{"cached_tokens":3}"#,
    ]
    var taken = 0
    for _ in 0..<5000 {
        var content: [UInt8] = []
        for _ in 0..<rng.next(4) { content += pieces[rng.next(pieces.count)] }
        var delta = [#""content":""# + String(decoding: content, as: UTF8.self) + "\""]
        if rng.next(4) == 0 { delta.append(#""role":"assistant""#) }
        if rng.next(8) == 0 { delta.append(#""tool_calls":null"#) }
        if rng.next(6) == 0 { delta.append(rng.next(2) == 0 ? #""refusal":null"# : #""refusal":"I can't""#) }
        var choice = [#""delta":{"# + delta.joined(separator: rng.next(2) == 0 ? "," : " , ") + "}"]
        if rng.next(3) == 0 { choice.append(rng.next(4) == 0 ? #""finish_reason":"stop""# : #""finish_reason":null"#) }
        if rng.next(3) == 0 { choice.insert([#""index":0"#, #""index":1"#, #""index":2"#][rng.next(3)], at: rng.next(choice.count + 1)) }
        var top = [#""choices":[{"# + choice.joined(separator: ",") + "}]"]
        for _ in 0..<rng.next(3) { top.insert(extras[rng.next(extras.count)], at: rng.next(top.count + 1)) }
        var event = Array(("{" + top.joined(separator: ",") + "}").utf8)
        // The content may hold raw bytes that are not UTF-8: put them back after the String round trip.
        if let at = event.firstIndex(of: 0xEF), rng.next(2) == 0 { event[at] = 0xFF }
        var fast: [UInt8] = []
        guard event.withUnsafeBytes({ OpenAITextDelta.read($0, into: &fast) }) else { continue }
        taken += 1
        let sink = BytesSink()
        let doc = event.withUnsafeBytes { JSONDocument.parse(bytes: $0) }
        #expect(doc != nil, "taken but not JSON: \(String(decoding: event, as: UTF8.self))")
        guard let root = doc?.root else { continue }
        #expect(OpenAIAdapter.errorMessage(in: root) == nil)
        if let choice = OpenAIEvents.firstChoice(of: root), let d = choice["delta"] { OpenAIEvents.emitDelta(d, sink: sink) }
        #expect(OpenAIEvents.firstChoice(of: root)?["finish_reason"]?.string == nil)
        #expect(root["usage"].map { !$0.isObject } ?? true)
        #expect(sink.bytes == fast && sink.other == 0, "\(String(decoding: event, as: UTF8.self))")
    }
    #expect(taken > 1000)
}

final class BytesSink: EventSink {
    var bytes: [UInt8] = []
    var other = 0
    func text(_ text: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: text) }
    func toolCallStart(index: Int, id: String?, name: String?) { other += 1 }
    func toolCallArguments(index: Int, fragment: UnsafeBufferPointer<UInt8>) { other += 1 }
    func reasoning(_ bytes: UnsafeBufferPointer<UInt8>, block: Int) { other += 1 }
    func reasoningSignature(_ bytes: UnsafeBufferPointer<UInt8>, block: Int) { other += 1 }
    func redactedReasoning(_ bytes: UnsafeBufferPointer<UInt8>, block: Int) { other += 1 }
    func usage(_ usage: Usage) { other += 1 }
    func refusal(_ bytes: UnsafeBufferPointer<UInt8>) { other += 1 }
    func finish(_ reason: ProviderFinish) { other += 1 }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}

/// With n > 1 the choices interleave by index: only choice 0 is reported, on both paths and in
/// a whole body.
@Test func onlyChoiceZeroOfSeveralIsReported() throws {
    let events = [
        #"{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
        #"{"object":"chat.completion.chunk","choices":[{"index":1,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
        #"{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}"#,
        #"{"object":"chat.completion.chunk","choices":[{"index":1,"delta":{"content":"Bonjour"},"finish_reason":null}]}"#,
        #"{"object":"chat.completion.chunk","choices":[{"index":1,"delta":{"tool_calls":[{"index":0,"id":"call_X","function":{"name":"f","arguments":"{}"}}]},"finish_reason":null}]}"#,
        #"{"object":"chat.completion.chunk","choices":[{"delta":{"content":" world"},"index":0,"finish_reason":null}]}"#,
        #"{"object":"chat.completion.chunk","choices":[{"index":1,"delta":{},"finish_reason":"tool_calls"}]}"#,
        #"{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
    ]
    var decoder = SSEDecoder<OpenAIEvents>()
    let sink = TestSink()
    try feed(&decoder, events.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n", pieceSize: 17, sink: sink)
    #expect(sink.accumulator.textString == "Hello world" && sink.accumulator.partialCalls.isEmpty)
    #expect(sink.accumulator.finishReason == .stop && sink.accumulator.providerFinish?.raw == "stop")
    var body = JSONBodyDecoder<OpenAIBody>(limit: 1 << 20)
    let whole = TestSink()
    try feed(
        &body,
        #"{"choices":[{"index":1,"message":{"role":"assistant","content":"Bonjour"},"finish_reason":"length"},{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}]}"#,
        pieceSize: 9, sink: whole)
    try body.finish(into: whole)
    #expect(whole.accumulator.textString == "Hello" && whole.accumulator.finishReason == .stop)
}
