import Testing

@testable import TraciaCore

// Every numeric field each decoder reads (and a few it ignores), streaming and not, gets each
// extreme number. A trap would end the test process; beyond that, each outcome is predicted:
// numbers jansson cannot hold fail the response as malformed, the rest decode with counts
// clamped at 0 and sums saturated at Int.max.

/// How jansson takes a number's text, which decides what the decoder can see.
enum NumberKind: Sendable {
    /// An integer within Int64.
    case integer(Int)
    /// Valid JSON that is no integer (a fraction, a string, null): the field reads as absent.
    case notInteger
    /// Text jansson refuses (out of Int64, overflowing reals, not JSON at all).
    case rejected
}

let extremeNumbers: [(String, NumberKind)] = [
    ("0", .integer(0)), ("1", .integer(1)), ("-1", .integer(-1)), ("-0", .integer(0)),
    ("9223372036854775807", .integer(.max)), ("-9223372036854775808", .integer(.min)),
    ("9223372036854775806", .integer(.max - 1)),
    ("9223372036854775808", .rejected), ("-9223372036854775809", .rejected),
    ("18446744073709551615", .rejected), ("18446744073709551616", .rejected),
    (String(repeating: "9", count: 400), .rejected), ("-" + String(repeating: "9", count: 400), .rejected),
    ("1e400", .rejected), ("-1e400", .rejected), ("1E+400", .rejected),
    ("1e-400", .notInteger), ("1.5", .notInteger), ("-0.0", .notInteger), ("1e3", .notInteger),
    ("9223372036854775807.0", .notInteger), ("1" + String(repeating: "0", count: 300) + ".5", .notInteger),
    (#""12""#, .notInteger), ("null", .notInteger), ("true", .notInteger), ("[]", .notInteger), ("{}", .notInteger),
    ("NaN", .rejected), ("nan", .rejected), ("Infinity", .rejected), ("-Infinity", .rejected), ("0x10", .rejected),
    ("+1", .rejected), ("", .rejected),
]

/// A decoder over a whole response text.
struct DecoderUnderTest: Sendable {
    let name: String
    let run: @Sendable ([UInt8]) -> Result<TestSink, TraciaError>

    static func sse<E: SSEEvents & SendableMetatype>(_: E.Type, _ name: String) -> DecoderUnderTest {
        DecoderUnderTest(name: name) { bytes in drive(SSEDecoder<E>(), bytes) }
    }

    static func body<P: BodyParser & SendableMetatype>(_: P.Type, _ name: String) -> DecoderUnderTest {
        DecoderUnderTest(name: name) { bytes in drive(JSONBodyDecoder<P>(limit: 1 << 20), bytes) }
    }

    static let bedrockStream = DecoderUnderTest(name: "bedrock stream") { bytes in drive(BedrockStreamDecoder(), bytes) }

    /// Feeds in 13-byte pieces, so that numbers are split across reads too.
    private static func drive<D: ResponseDecoder>(_ decoder: D, _ bytes: [UInt8]) -> Result<TestSink, TraciaError> {
        var decoder = decoder
        let sink = TestSink()
        do throws(TraciaError) {
            var start = 0
            while start < bytes.count {
                let piece = Array(bytes[start..<min(start + 13, bytes.count)])
                var failure: TraciaError?
                piece.withUnsafeBytes { buf in
                    do throws(TraciaError) { try decoder.consume(buf, into: sink) } catch { failure = error }
                }
                if let failure { throw failure }
                start += 13
            }
            try decoder.finish(into: sink)
            return .success(sink)
        } catch {
            return .failure(error)
        }
    }
}

/// One numeric field: a response with `@` where the number goes, and what decoding it must give.
struct NumericField: Sendable, CustomStringConvertible {
    enum Expectation: Sendable {
        /// The final usage, given the count as the decoder should read it (nil: absent).
        case usage(@Sendable (Int?) -> Usage)
        /// Exactly this one tool call, whatever the index.
        case oneToolCall(id: String)
        /// The number is ignored: the response decodes as it would without it.
        case ignored
        /// The number is a choice's index: its text is choice 0's when the index is 0, or is no
        /// integer (read as absent), and is not reported otherwise.
        case choiceIndex
    }

    let field: String
    let decoder: DecoderUnderTest
    let response: @Sendable (String) -> [UInt8]
    let expectation: Expectation

    var description: String { "\(decoder.name): \(field)" }
}

private func sse(_ events: [String]) -> @Sendable (String) -> [UInt8] {
    { n in Array(events.map { "data: \($0.replacing("@", with: n))\n\n" }.joined().utf8) }
}

private func named(_ events: [(String, String)]) -> @Sendable (String) -> [UInt8] {
    { n in Array(events.map { "event: \($0.0)\ndata: \($0.1.replacing("@", with: n))\n\n" }.joined().utf8) }
}

private func body(_ text: String) -> @Sendable (String) -> [UInt8] { { n in Array(text.replacing("@", with: n).utf8) } }

private func frames(_ events: [(String, String)]) -> @Sendable (String) -> [UInt8] {
    { n in events.flatMap { EventStreamFrame.event($0.0, payload: $0.1.replacing("@", with: n)) } }
}

/// `a + b` as the decoders must count it.
private func plus(_ a: Int, _ b: Int) -> Int { a.saturatingAdding(b) }

/// The cache counts are parts of the input: reads first, each at most what is left of it.
private func usage(_ input: Int, _ output: Int, total: Int? = nil, reasoning: Int? = nil, read: Int? = nil, write: Int? = nil) -> Usage {
    let cacheRead = read.map { min($0, input) }
    return Usage(
        inputTokens: input, outputTokens: output, totalTokens: total ?? plus(input, output), reasoningTokens: reasoning,
        cacheReadTokens: cacheRead, cacheWriteTokens: write.map { min($0, input - (cacheRead ?? 0)) })
}

// MARK: OpenAI

private let openAIStream = DecoderUnderTest.sse(OpenAIEvents.self, "openai stream")
private let openAIBody = DecoderUnderTest.body(OpenAIBody.self, "openai body")

private func openAIStreamWithUsage(_ usage: String) -> @Sendable (String) -> [UInt8] {
    sse([
        #"{"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}"#,
        #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#, #"{"choices":[],"usage":\#(usage)}"#, "[DONE]",
    ])
}

private func openAIBodyWithUsage(_ usage: String) -> @Sendable (String) -> [UInt8] {
    body(
        #"{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":\#(usage)}"#
    )
}

private let openAIUsageFields: [(String, String, @Sendable (Int?) -> Usage)] = [
    ("prompt_tokens", #"{"prompt_tokens":@,"completion_tokens":5}"#, { usage($0 ?? 0, 5) }),
    ("completion_tokens", #"{"prompt_tokens":7,"completion_tokens":@}"#, { usage(7, $0 ?? 0) }),
    ("total_tokens", #"{"prompt_tokens":7,"completion_tokens":5,"total_tokens":@}"#, { usage(7, 5, total: $0 ?? 12) }),
    (
        "prompt_tokens_details.cached_tokens", #"{"prompt_tokens":7,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":@}}"#,
        { usage(7, 5, read: $0) }
    ),
    (
        "prompt_tokens_details.cache_write_tokens",
        #"{"prompt_tokens":7,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":2,"cache_write_tokens":@}}"#,
        { usage(7, 5, read: 2, write: $0) }
    ),
    ("prompt_cache_hit_tokens", #"{"prompt_tokens":7,"completion_tokens":5,"prompt_cache_hit_tokens":@}"#, { usage(7, 5, read: $0) }),
    (
        "completion_tokens_details.reasoning_tokens",
        #"{"prompt_tokens":7,"completion_tokens":5,"completion_tokens_details":{"reasoning_tokens":@}}"#,
        { usage(7, 5, reasoning: $0) }
    ),
]

private let openAIFields: [NumericField] =
    openAIUsageFields.flatMap { name, usage, expected in
        [
            NumericField(field: name, decoder: openAIStream, response: openAIStreamWithUsage(usage), expectation: .usage(expected)),
            NumericField(field: name, decoder: openAIBody, response: openAIBodyWithUsage(usage), expectation: .usage(expected)),
        ]
    } + [
        NumericField(
            field: "tool_calls[].index", decoder: openAIStream,
            response: sse([
                #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":@,"id":"call_A","type":"function","function":{"name":"w","arguments":""}}]}}]}"#,
                #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":@,"function":{"arguments":"{\"a\":1}"}}]}}]}"#,
                #"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#, "[DONE]",
            ]), expectation: .oneToolCall(id: "call_A")),
        NumericField(
            field: "tool_calls[].index", decoder: openAIBody,
            response: body(
                #"{"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"index":@,"id":"call_A","type":"function","function":{"name":"w","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}]}"#
            ), expectation: .oneToolCall(id: "call_A")),
        NumericField(
            field: "choices[].index", decoder: openAIStream,
            response: sse([#"{"choices":[{"index":@,"delta":{"content":"hi"},"finish_reason":"stop"}]}"#, "[DONE]"]),
            expectation: .choiceIndex),
        NumericField(
            field: "created", decoder: openAIStream,
            response: sse([#"{"created":@,"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}"#, "[DONE]"]),
            expectation: .ignored),
    ]

// MARK: Anthropic

private let anthropicStream = DecoderUnderTest.sse(AnthropicEvents.self, "anthropic stream")
private let anthropicBody = DecoderUnderTest.body(AnthropicBody.self, "anthropic body")

private func anthropicStreamWith(start: String, delta: String) -> @Sendable (String) -> [UInt8] {
    named([
        ("message_start", #"{"type":"message_start","message":{"id":"m","role":"assistant","content":[],"usage":\#(start)}}"#),
        ("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
        ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}"#),
        ("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
        ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":\#(delta)}"#),
        ("message_stop", #"{"type":"message_stop"}"#),
    ])
}

private let anthropicStart = #"{"input_tokens":12,"cache_creation_input_tokens":3,"cache_read_input_tokens":5,"output_tokens":1}"#

private let anthropicFields: [NumericField] =
    [
        ("input_tokens", #"{"input_tokens":@,"cache_creation_input_tokens":3,"cache_read_input_tokens":5,"output_tokens":1}"#),
        (
            "cache_creation_input_tokens",
            #"{"input_tokens":12,"cache_creation_input_tokens":@,"cache_read_input_tokens":5,"output_tokens":1}"#
        ),
        ("cache_read_input_tokens", #"{"input_tokens":12,"cache_creation_input_tokens":3,"cache_read_input_tokens":@,"output_tokens":1}"#),
    ].flatMap { name, start -> [NumericField] in
        // Input is the sum of the three kinds of input tokens; the other two make 8 or 15 or 17.
        let others = ["input_tokens": 8, "cache_creation_input_tokens": 17, "cache_read_input_tokens": 15][name] ?? 0
        let expected: @Sendable (Int?) -> Usage = { n in
            usage(
                plus(n ?? 0, others), 71, read: name == "cache_read_input_tokens" ? n : 5,
                write: name == "cache_creation_input_tokens" ? n : 3)
        }
        return [
            NumericField(
                field: "message_start " + name, decoder: anthropicStream,
                response: anthropicStreamWith(start: start, delta: #"{"output_tokens":71}"#), expectation: .usage(expected)),
            NumericField(
                field: name, decoder: anthropicBody,
                response: body(
                    #"{"type":"message","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":\#(start.replacing(#""output_tokens":1"#, with: #""output_tokens":71"#))}"#
                ), expectation: .usage(expected)),
        ]
    } + [
        NumericField(
            field: "message_start output_tokens", decoder: anthropicStream,
            response: anthropicStreamWith(start: #"{"input_tokens":20,"output_tokens":@}"#, delta: #"{"output_tokens":71}"#),
            expectation: .usage { _ in usage(20, 71) }),
        NumericField(
            field: "message_delta output_tokens", decoder: anthropicStream,
            response: anthropicStreamWith(start: anthropicStart, delta: #"{"output_tokens":@}"#),
            // Absent in message_delta, the count from message_start stands.
            expectation: .usage { usage(20, $0 ?? 1, read: 5, write: 3) }),
        NumericField(
            field: "message_delta input_tokens", decoder: anthropicStream,
            response: anthropicStreamWith(start: anthropicStart, delta: #"{"input_tokens":@,"output_tokens":71}"#),
            // It replaces the fresh count only: the cache counts of message_start stand.
            expectation: .usage { usage(plus($0 ?? 12, 8), 71, read: 5, write: 3) }),
        NumericField(
            field: "message_delta cache_read_input_tokens", decoder: anthropicStream,
            response: anthropicStreamWith(start: anthropicStart, delta: #"{"cache_read_input_tokens":@,"output_tokens":71}"#),
            expectation: .usage { usage(plus($0 ?? 5, 15), 71, read: $0 ?? 5, write: 3) }),
        NumericField(
            field: "output_tokens", decoder: anthropicBody,
            response: body(
                #"{"type":"message","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":20,"output_tokens":@}}"#
            ),
            expectation: .usage { usage(20, $0 ?? 0) }),
        NumericField(
            field: "content block index", decoder: anthropicStream,
            response: named([
                (
                    "message_start",
                    #"{"type":"message_start","message":{"id":"m","role":"assistant","content":[],"usage":{"input_tokens":1}}}"#
                ),
                (
                    "content_block_start",
                    #"{"type":"content_block_start","index":@,"content_block":{"type":"tool_use","id":"toolu_A","name":"w","input":{}}}"#
                ),
                (
                    "content_block_delta",
                    #"{"type":"content_block_delta","index":@,"delta":{"type":"input_json_delta","partial_json":"{\"a\":1}"}}"#
                ),
                ("content_block_stop", #"{"type":"content_block_stop","index":@}"#),
                ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":3}}"#),
                ("message_stop", #"{"type":"message_stop"}"#),
            ]), expectation: .oneToolCall(id: "toolu_A")),
        NumericField(
            field: "text block index", decoder: anthropicStream,
            response: named([
                ("content_block_start", #"{"type":"content_block_start","index":@,"content_block":{"type":"text","text":""}}"#),
                ("content_block_delta", #"{"type":"content_block_delta","index":@,"delta":{"type":"text_delta","text":"hi"}}"#),
                ("message_stop", #"{"type":"message_stop"}"#),
            ]), expectation: .ignored),
    ]

// MARK: Gemini

private let geminiStream = DecoderUnderTest.sse(GeminiEvents.self, "gemini stream")
private let geminiBody = DecoderUnderTest.body(GeminiBody.self, "gemini body")

private let geminiCounts = [
    "promptTokenCount": 7, "toolUsePromptTokenCount": 2, "candidatesTokenCount": 5, "thoughtsTokenCount": 3, "cachedContentTokenCount": 4,
]

private func geminiUsage(replacing field: String) -> String {
    var counts = geminiCounts.sorted(by: { $0.key < $1.key }).map { #""\#($0.key)":\#($0.value)"# }
    if let i = counts.firstIndex(where: { $0.hasPrefix(#""\#(field)""#) }) {
        counts[i] = #""\#(field)":@"#
    } else {
        counts.append(#""\#(field)":@"#)
    }
    return "{" + counts.joined(separator: ",") + "}"
}

/// Input is prompt + tool-use prompt, output candidates + thoughts, the thoughts the reasoning;
/// cached tokens are part of the prompt.
private func geminiExpected(_ field: String) -> @Sendable (Int?) -> Usage {
    { value in
        var c = geminiCounts
        if c[field] != nil { c[field] = value ?? 0 }
        let input = plus(c["promptTokenCount"] ?? 0, c["toolUsePromptTokenCount"] ?? 0)
        let output = plus(c["candidatesTokenCount"] ?? 0, c["thoughtsTokenCount"] ?? 0)
        let thoughts = field == "thoughtsTokenCount" ? value : c["thoughtsTokenCount"]
        let cached = field == "cachedContentTokenCount" ? value : c["cachedContentTokenCount"]
        return usage(input, output, total: field == "totalTokenCount" ? (value ?? 17) : nil, reasoning: thoughts, read: cached)
    }
}

private let geminiFields: [NumericField] =
    (geminiCounts.keys.sorted() + ["totalTokenCount"]).flatMap { field -> [NumericField] in
        let final =
            #"{"candidates":[{"index":0,"content":{"parts":[{"text":"!"}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":\#(geminiUsage(replacing: field))}"#
        return [
            NumericField(
                field: field, decoder: geminiStream,
                response: sse([#"{"candidates":[{"content":{"parts":[{"text":"hi"}],"role":"model"}}]}"#, final]),
                expectation: .usage(geminiExpected(field))),
            NumericField(field: field, decoder: geminiBody, response: body(final), expectation: .usage(geminiExpected(field))),
        ]
    } + [
        NumericField(
            field: "candidates[].index", decoder: geminiStream,
            response: sse([#"{"candidates":[{"index":@,"content":{"parts":[{"text":"hi"}],"role":"model"},"finishReason":"STOP"}]}"#]),
            expectation: .ignored)
    ]

// MARK: Bedrock

private let bedrockBody = DecoderUnderTest.body(BedrockBody.self, "bedrock body")

private let bedrockUsageFields: [(String, String, @Sendable (Int?) -> Usage)] = [
    ("inputTokens", #"{"inputTokens":@,"outputTokens":5}"#, { usage($0 ?? 0, 5) }),
    ("outputTokens", #"{"inputTokens":7,"outputTokens":@}"#, { usage(7, $0 ?? 0) }),
    ("totalTokens", #"{"inputTokens":7,"outputTokens":5,"totalTokens":@}"#, { usage(7, 5, total: $0 ?? 12) }),
    // inputTokens leaves the cache reads and writes out: input is their sum.
    ("cacheReadInputTokens", #"{"inputTokens":7,"outputTokens":5,"cacheReadInputTokens":@}"#, { usage(plus(7, $0 ?? 0), 5, read: $0) }),
    (
        "cacheWriteInputTokens", #"{"inputTokens":7,"outputTokens":5,"cacheReadInputTokens":2,"cacheWriteInputTokens":@}"#,
        { usage(plus(9, $0 ?? 0), 5, read: 2, write: $0) }
    ),
    (
        "cacheReadInputTokenCount", #"{"inputTokens":7,"outputTokens":5,"cacheReadInputTokenCount":@}"#,
        { usage(plus(7, $0 ?? 0), 5, read: $0) }
    ),
    ("metrics.latencyMs", #"{"inputTokens":7,"outputTokens":5},"metrics":{"latencyMs":@}"#, { _ in usage(7, 5) }),
]

private let bedrockFields: [NumericField] =
    bedrockUsageFields.flatMap { name, usage, expected in
        [
            NumericField(
                field: name, decoder: .bedrockStream,
                response: frames([
                    ("messageStart", #"{"role":"assistant"}"#), ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"text":"hi"}}"#),
                    ("contentBlockStop", #"{"contentBlockIndex":0}"#), ("messageStop", #"{"stopReason":"end_turn"}"#),
                    ("metadata", #"{"usage":\#(usage)}"#),
                ]), expectation: .usage(expected)),
            NumericField(
                field: name, decoder: bedrockBody,
                response: body(
                    #"{"output":{"message":{"role":"assistant","content":[{"text":"hi"}]}},"stopReason":"end_turn","usage":\#(usage)}"#),
                expectation: .usage(expected)),
        ]
    } + [
        NumericField(
            field: "contentBlockIndex", decoder: .bedrockStream,
            response: frames([
                ("messageStart", #"{"role":"assistant"}"#),
                ("contentBlockStart", #"{"contentBlockIndex":@,"start":{"toolUse":{"toolUseId":"tooluse_A","name":"w"}}}"#),
                ("contentBlockDelta", #"{"contentBlockIndex":@,"delta":{"toolUse":{"input":"{\"a\":1}"}}}"#),
                ("contentBlockStop", #"{"contentBlockIndex":@}"#), ("messageStop", #"{"stopReason":"tool_use"}"#),
            ]), expectation: .oneToolCall(id: "tooluse_A"))
    ]

let numericFields = openAIFields + anthropicFields + geminiFields + bedrockFields

// MARK: the property

@Test(arguments: numericFields)
func extremeNumbersNeverTrapAndDecodeAsPredicted(field: NumericField) throws {
    for (text, kind) in extremeNumbers {
        let outcome = field.decoder.run(field.response(text))
        let context = Comment(rawValue: "\(field) = \(text.prefix(40))")
        switch (kind, outcome) {
        case (.rejected, .failure(let error)):
            #expect(error.code == .providerError && error.message.contains("malformed"), context)
        case (.rejected, .success):
            Issue.record("a number jansson cannot hold was decoded: \(context)")
        case (_, .failure(let error)):
            Issue.record("failed: \(error.message): \(context)")
        case (.integer(let value), .success(let sink)):
            if case .choiceIndex = field.expectation {
                #expect(sink.texts.joined() == (value == 0 ? "hi" : ""), context)
            }
            try check(sink, field.expectation, max(0, value), context)
        case (.notInteger, .success(let sink)):
            try check(sink, field.expectation, nil, context)
        }
    }
}

/// `count` is what the decoder must read: the integer clamped at 0, nil when absent.
private func check(_ sink: TestSink, _ expectation: NumericField.Expectation, _ count: Int?, _ context: Comment) throws {
    switch expectation {
    case .usage(let expected):
        #expect(sink.accumulator.usage == expected(count), context)
    case .oneToolCall(let id):
        #expect(try sink.accumulator.toolCalls() == [ToolCall(id: id, name: "w", arguments: ["a": 1])], context)
        #expect(sink.accumulator.finishReason == .toolCalls, context)
    case .ignored:
        #expect(sink.texts.joined() == "hi", context)
    case .choiceIndex:
        if count == nil { #expect(sink.texts.joined() == "hi", context) }
    }
    let u = sink.accumulator.usage
    #expect(u.inputTokens >= 0 && u.outputTokens >= 0 && u.totalTokens >= 0, context)
    // The cache counts are parts of the input, never more than it.
    #expect((u.cacheReadTokens ?? 0) >= 0 && (u.cacheWriteTokens ?? 0) >= 0, context)
    #expect((u.cacheReadTokens ?? 0).saturatingAdding(u.cacheWriteTokens ?? 0) <= u.inputTokens, context)
}

@Test func aTotalOfTwoCountsNearInt64MaxSaturates() throws {
    let max = "9223372036854775807"
    let usage = #"{"prompt_tokens":\#(max),"completion_tokens":\#(max)}"#
    for (decoder, response) in [(openAIStream, openAIStreamWithUsage(usage)), (openAIBody, openAIBodyWithUsage(usage))] {
        let sink = try decoder.run(response("")).get()
        #expect(sink.accumulator.usage == Usage(inputTokens: .max, outputTokens: .max, totalTokens: .max))
    }
    let anthropic =
        #"{"input_tokens":\#(max),"cache_creation_input_tokens":\#(max),"cache_read_input_tokens":\#(max),"output_tokens":\#(max)}"#
    let sink = try anthropicStream.run(anthropicStreamWith(start: anthropic, delta: "{}")("")).get()
    // The reads take the whole saturated input, leaving the writes nothing.
    #expect(
        sink.accumulator.usage
            == Usage(inputTokens: .max, outputTokens: .max, totalTokens: .max, cacheReadTokens: .max, cacheWriteTokens: 0))
}

@Test func saturatingArithmetic() {
    #expect(Int.max.saturatingAdding(1) == .max)
    #expect(Int.min.saturatingAdding(-1) == .min)
    #expect(Int64.max.saturatingAdding(.max) == .max)
    #expect(Int64(5).saturatingAdding(-7) == -2)
    #expect(Int64.min.saturatingSubtracting(1) == .min)
    #expect(Int64.max.saturatingSubtracting(-1) == .max)
    #expect(Int64(0).saturatingSubtracting(.min) == .max)
    #expect(TokenCounts.sum(.max, 1, nil, 2) == .max)
}

@Test func callerIntegersOutsideIntAreOutOfRangeNotATrap() throws {
    // 2^63 as a double: converting it to Int would trap; it is out of any Int range.
    let doc = try JSONDocument.parse(#"{"n":9223372036854775807.0,"m":-1e300,"k":1e300}"#)
    let reader = try ObjectReader(doc.root, context: "options")
    for key in ["n", "m", "k"] {
        #expect(throws: TraciaError.self) { _ = try reader.int(key, in: 0...Int.max) }
    }
    let exact = try JSONDocument.parse(#"{"n":9223372036854775807,"d":4096.0}"#)
    let exactReader = try ObjectReader(exact.root, context: "options")
    #expect(try exactReader.int("n", in: 0...Int.max) == .max)
    #expect(try exactReader.int("d", in: 0...Int.max) == 4096)
}
