import Testing

@testable import TraciaCore

// The prompt-cache counts of each provider's usage, streamed and whole. input_tokens keeps its
// meaning (every input token); the cache counts are parts of it. The counts are those of the
// recorded responses named, in each provider's own shape.

private func decode<D: ResponseDecoder>(_ decoder: D, _ bytes: [UInt8]) throws -> Usage {
    var decoder = decoder
    let sink = TestSink()
    try feed(&decoder, bytes, pieceSize: 7, sink: sink)
    try decoder.finish(into: sink)
    return sink.accumulator.usage
}

private func sse(_ events: [String]) -> [UInt8] { Array(events.map { "data: \($0)\n\n" }.joined().utf8) }

// MARK: Anthropic

/// message_start as in pai-anthropic-compaction-cache, then the delta that ends the message.
private func anthropicStream(delta usage: String) -> [UInt8] {
    Array(
        sseEvents([
            (
                "message_start",
                #"{"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"usage":{"input_tokens":100,"cache_creation_input_tokens":0,"cache_read_input_tokens":55096,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":7}}}"#
            ),
            ("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
            ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Done."}}"#),
            ("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
            ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":\#(usage)}"#),
            ("message_stop", #"{"type":"message_stop"}"#),
        ]).utf8)
}

@Test func anthropicStreamReadsTheCacheCountsOfMessageStart() throws {
    let usage = try decode(SSEDecoder<AnthropicEvents>(), anthropicStream(delta: #"{"output_tokens":8}"#))
    #expect(usage == Usage(inputTokens: 55_196, outputTokens: 8, totalTokens: 55_204, cacheReadTokens: 55_096, cacheWriteTokens: 0))
}

@Test func anthropicMessageDeltaReplacesOnlyTheCountsItCarries() throws {
    // With server-side compaction the final delta reports the last iteration (the capture's).
    let compacted = try decode(
        SSEDecoder<AnthropicEvents>(),
        anthropicStream(delta: #"{"input_tokens":181,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":8}"#))
    #expect(compacted == Usage(inputTokens: 181, outputTokens: 8, totalTokens: 189, cacheReadTokens: 0, cacheWriteTokens: 0))
    let written = try decode(
        SSEDecoder<AnthropicEvents>(), anthropicStream(delta: #"{"cache_creation_input_tokens":2048,"output_tokens":8}"#))
    #expect(
        written == Usage(inputTokens: 57_244, outputTokens: 8, totalTokens: 57_252, cacheReadTokens: 55_096, cacheWriteTokens: 2048))
}

@Test func anthropicBodyCountsTheThreeKindsOfInput() throws {
    let body =
        #"{"id":"m","type":"message","role":"assistant","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":12,"cache_creation_input_tokens":1500,"cache_read_input_tokens":3000,"cache_creation":{"ephemeral_5m_input_tokens":1500,"ephemeral_1h_input_tokens":0},"output_tokens":5}}"#
    let usage = try decode(JSONBodyDecoder<AnthropicBody>(limit: 1 << 20), Array(body.utf8))
    #expect(usage == Usage(inputTokens: 4512, outputTokens: 5, totalTokens: 4517, cacheReadTokens: 3000, cacheWriteTokens: 1500))
}

@Test func anthropicCompatibleServerWithoutCacheCountsSaysNothing() throws {
    // As Anthropic-compatible endpoints answer (vai-anthropic-compat-*): no cache fields.
    let body =
        #"{"id":"m","type":"message","role":"assistant","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":43,"output_tokens":1}}"#
    let usage = try decode(JSONBodyDecoder<AnthropicBody>(limit: 1 << 20), Array(body.utf8))
    #expect(usage.cacheReadTokens == nil && usage.cacheWriteTokens == nil && usage.inputTokens == 43)
}

// MARK: OpenAI Chat and compatible servers

/// The usage of vai-deepseek-tool: OpenAI's cached_tokens and DeepSeek's own counts.
private let deepSeekUsage =
    #"{"prompt_tokens":339,"completion_tokens":83,"total_tokens":422,"prompt_tokens_details":{"cached_tokens":320},"completion_tokens_details":{"reasoning_tokens":39},"prompt_cache_hit_tokens":320,"prompt_cache_miss_tokens":19}"#

@Test func openAICachedTokensArePartOfThePrompt() throws {
    let stream = sse([
        #"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}],"usage":null}"#,
        #"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}"#,
        #"{"id":"c","object":"chat.completion.chunk","choices":[],"usage":\#(deepSeekUsage)}"#, "[DONE]",
    ])
    let expected = Usage(inputTokens: 339, outputTokens: 83, totalTokens: 422, reasoningTokens: 39, cacheReadTokens: 320)
    #expect(try decode(SSEDecoder<OpenAIEvents>(), stream) == expected)
    let body =
        #"{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":\#(deepSeekUsage)}"#
    #expect(try decode(JSONBodyDecoder<OpenAIBody>(limit: 1 << 20), Array(body.utf8)) == expected)
}

@Test func deepSeekHitTokensStandInWhenThereIsNoCachedTokens() throws {
    let body =
        #"{"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":339,"completion_tokens":83,"total_tokens":422,"prompt_cache_hit_tokens":320,"prompt_cache_miss_tokens":19}}"#
    let usage = try decode(JSONBodyDecoder<OpenAIBody>(limit: 1 << 20), Array(body.utf8))
    #expect(usage.cacheReadTokens == 320 && usage.cacheWriteTokens == nil)
}

@Test func openAICacheWritesAndInconsistentCountsStayWithinThePrompt() throws {
    // prompt_tokens_details.cache_write_tokens (openai 3.57.0); a server's counts larger than the
    // prompt are cut to it, so that no part is ever larger than its whole.
    for (details, read, write) in [
        (#"{"cached_tokens":1920,"cache_write_tokens":64}"#, 1920, 64), (#"{"cached_tokens":5000,"cache_write_tokens":64}"#, 2006, 0),
        (#"{"cached_tokens":1990,"cache_write_tokens":64}"#, 1990, 16),
    ] {
        let body =
            #"{"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":2006,"completion_tokens":7,"total_tokens":2013,"prompt_tokens_details":\#(details)}}"#
        let usage = try decode(JSONBodyDecoder<OpenAIBody>(limit: 1 << 20), Array(body.utf8))
        #expect(usage == Usage(inputTokens: 2006, outputTokens: 7, totalTokens: 2013, cacheReadTokens: read, cacheWriteTokens: write))
    }
}

@Test func openAIUsageWithoutDetailsSaysNothingOfTheCache() throws {
    let body =
        #"{"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10}}"#
    let usage = try decode(JSONBodyDecoder<OpenAIBody>(limit: 1 << 20), Array(body.utf8))
    #expect(usage.cacheReadTokens == nil && usage.cacheWriteTokens == nil)
}

// MARK: Gemini

@Test func geminiCachedContentIsPartOfThePrompt() throws {
    let usageMetadata =
        #"{"promptTokenCount":2100,"candidatesTokenCount":3,"totalTokenCount":2103,"cachedContentTokenCount":2048,"promptTokensDetails":[{"modality":"TEXT","tokenCount":2100}],"cacheTokensDetails":[{"modality":"TEXT","tokenCount":2048}]}"#
    let final =
        #"{"candidates":[{"content":{"parts":[{"text":"hi"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":\#(usageMetadata)}"#
    let expected = Usage(inputTokens: 2100, outputTokens: 3, totalTokens: 2103, cacheReadTokens: 2048)
    #expect(try decode(SSEDecoder<GeminiEvents>(), sse([final])) == expected)
    #expect(try decode(JSONBodyDecoder<GeminiBody>(limit: 1 << 20), Array(final.utf8)) == expected)
    // The recorded responses have no cachedContentTokenCount: nothing is said.
    let uncached =
        #"{"candidates":[{"content":{"parts":[{"text":"hi"}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":10,"totalTokenCount":19}}"#
    #expect(try decode(SSEDecoder<GeminiEvents>(), sse([uncached])).cacheReadTokens == nil)
}

// MARK: Bedrock

@Test func bedrockInputAddsTheCacheReadsAndWrites() throws {
    // The shape of vai-bedrock-nonstream-guardrail (legacy duplicates included), with a cache
    // in use: inputTokens is the uncached rest, totalTokens counts everything.
    let usage =
        #"{"cacheReadInputTokenCount":1024,"cacheReadInputTokens":1024,"cacheWriteInputTokenCount":2048,"cacheWriteInputTokens":2048,"inputTokens":18,"outputTokens":12,"serverToolUsage":{},"totalTokens":3102}"#
    let expected = Usage(inputTokens: 3090, outputTokens: 12, totalTokens: 3102, cacheReadTokens: 1024, cacheWriteTokens: 2048)
    let body = #"{"output":{"message":{"role":"assistant","content":[{"text":"hi"}]}},"stopReason":"end_turn","usage":\#(usage)}"#
    #expect(try decode(JSONBodyDecoder<BedrockBody>(limit: 1 << 20), Array(body.utf8)) == expected)
    let stream =
        [
            ("messageStart", #"{"role":"assistant"}"#), ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"text":"hi"}}"#),
            ("contentBlockStop", #"{"contentBlockIndex":0}"#), ("messageStop", #"{"stopReason":"end_turn"}"#),
            ("metadata", #"{"usage":\#(usage),"metrics":{"latencyMs":402}}"#),
        ].flatMap { EventStreamFrame.event($0.0, payload: $0.1) }
    #expect(try decode(BedrockStreamDecoder(), stream) == expected)
}

@Test func bedrockRecordedZerosAndAbsentCounts() throws {
    // vai-bedrock-nonstream-text says 0 for both; pai-bedrock-nonstream-max-tokens nothing.
    let zeros =
        #"{"output":{"message":{"role":"assistant","content":[{"text":"hi"}]}},"stopReason":"end_turn","usage":{"cacheReadInputTokenCount":0,"cacheReadInputTokens":0,"cacheWriteInputTokenCount":0,"cacheWriteInputTokens":0,"inputTokens":22,"outputTokens":57,"serverToolUsage":{},"totalTokens":79}}"#
    #expect(
        try decode(JSONBodyDecoder<BedrockBody>(limit: 1 << 20), Array(zeros.utf8))
            == Usage(inputTokens: 22, outputTokens: 57, totalTokens: 79, cacheReadTokens: 0, cacheWriteTokens: 0))
    let none =
        #"{"output":{"message":{"role":"assistant","content":[{"text":"hi"}]}},"stopReason":"max_tokens","usage":{"inputTokens":13,"outputTokens":5,"serverToolUsage":{},"totalTokens":18}}"#
    #expect(
        try decode(JSONBodyDecoder<BedrockBody>(limit: 1 << 20), Array(none.utf8))
            == Usage(inputTokens: 13, outputTokens: 5, totalTokens: 18))
}

@Test func resultJSONCarriesTheCacheCountsOrNull() throws {
    let known = SpanPayload.usageJSON(
        Usage(inputTokens: 3090, outputTokens: 12, totalTokens: 3102, cacheReadTokens: 1024, cacheWriteTokens: 2048))
    #expect(known["cache_read_input_tokens"] == 1024 && known["cache_write_input_tokens"] == 2048)
    let unknown = SpanPayload.usageJSON(Usage(inputTokens: 9, outputTokens: 1, totalTokens: 10))
    #expect(unknown["cache_read_input_tokens"] == .null && unknown["cache_write_input_tokens"] == .null)
}
