@testable import TraciaCore

/// The `numeric-extremes` harness: the input is spliced, as it is, wherever a number goes in a
/// response of each provider (every usage count, every index), streaming and not, and the
/// response is decoded. Any input may fail the response; one that decodes must give counts
/// that are never negative, cache counts that are parts of the input (their sum no more than
/// it), and a total that is input + output, saturated, when the provider sent none (unless the
/// input brings a total key of its own).
enum NumericExtremes {
    struct Template {
        let name: String
        /// The events (or the one body); `@` marks where the input goes.
        let parts: [(event: String, data: String)]
        let format: Format
        /// Whether the last usage carries a total of its own.
        let sendsTotal: Bool
    }

    enum Format { case openAIStream, openAIBody, anthropicStream, anthropicBody, geminiStream, geminiBody, bedrockStream, bedrockBody }

    static func run(_ number: UnsafeRawBufferPointer) {
        for template in templates {
            let sink = FuzzSink()
            guard decode(template, splicing: Array(number), into: sink) else { continue }
            let u = sink.accumulator.usage
            if u.inputTokens < 0 || u.outputTokens < 0 || u.totalTokens < 0 {
                fatalError("\(template.name): a negative count \(u) from \(Array(number))")
            }
            let read = u.cacheReadTokens ?? 0
            let write = u.cacheWriteTokens ?? 0
            if read < 0 || write < 0 || read.saturatingAdding(write) > u.inputTokens {
                fatalError("\(template.name): cache counts that are not parts of the input \(u) from \(Array(number))")
            }
            // With a quote the input can add keys of its own, a total among them.
            if !template.sendsTotal && !number.contains(UInt8(ascii: "\""))
                && u.totalTokens != u.inputTokens.saturatingAdding(u.outputTokens)
            {
                fatalError("\(template.name): total \(u.totalTokens) is not input + output \(u) from \(Array(number))")
            }
            _ = try? sink.accumulator.toolCalls()
        }
    }

    private static func splice(_ text: String, _ number: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for byte in text.utf8 {
            if byte == UInt8(ascii: "@") { out += number } else { out.append(byte) }
        }
        return out
    }

    /// True when the response decoded without an error.
    private static func decode(_ template: Template, splicing number: [UInt8], into sink: FuzzSink) -> Bool {
        var bytes: [UInt8] = []
        switch template.format {
        case .openAIStream, .geminiStream:
            for part in template.parts { bytes += Array("data: ".utf8) + splice(part.data, number) + Array("\n\n".utf8) }
        case .anthropicStream:
            for part in template.parts {
                bytes += Array("event: \(part.event)\ndata: ".utf8) + splice(part.data, number) + Array("\n\n".utf8)
            }
        case .bedrockStream:
            for part in template.parts {
                bytes += EventStreamFrame.frame(
                    headers: [(":event-type", part.event), (":content-type", "application/json"), (":message-type", "event")],
                    payload: splice(part.data, number))
            }
        case .openAIBody, .anthropicBody, .geminiBody, .bedrockBody:
            bytes = splice(template.parts[0].data, number)
        }
        switch template.format {
        case .openAIStream: return feed(SSEDecoder<OpenAIEvents>(), bytes, sink)
        case .openAIBody: return feed(JSONBodyDecoder<OpenAIBody>(limit: 1 << 24), bytes, sink)
        case .anthropicStream: return feed(SSEDecoder<AnthropicEvents>(), bytes, sink)
        case .anthropicBody: return feed(JSONBodyDecoder<AnthropicBody>(limit: 1 << 24), bytes, sink)
        case .geminiStream: return feed(SSEDecoder<GeminiEvents>(), bytes, sink)
        case .geminiBody: return feed(JSONBodyDecoder<GeminiBody>(limit: 1 << 24), bytes, sink)
        case .bedrockStream: return feed(BedrockStreamDecoder(), bytes, sink)
        case .bedrockBody: return feed(JSONBodyDecoder<BedrockBody>(limit: 1 << 24), bytes, sink)
        }
    }

    private static func feed<D: ResponseDecoder>(_ decoder: D, _ bytes: [UInt8], _ sink: FuzzSink) -> Bool {
        var decoder = decoder
        let consumed = bytes.withUnsafeBytes { (try? decoder.consume($0, into: sink)) != nil }
        return consumed && (try? decoder.finish(into: sink)) != nil
    }

    static let templates: [Template] = [
        Template(
            name: "openai stream",
            parts: sse(openAIChunks + [#"{"choices":[],"usage":{"prompt_tokens":@,"completion_tokens":@}}"#, "[DONE]"]),
            format: .openAIStream, sendsTotal: false),
        Template(
            name: "openai stream with cache counts",
            parts: sse(
                openAIChunks + [
                    #"{"choices":[],"usage":{"prompt_tokens":@,"completion_tokens":@,"prompt_tokens_details":{"cached_tokens":@,"cache_write_tokens":@},"prompt_cache_hit_tokens":@,"prompt_cache_miss_tokens":@}}"#,
                    "[DONE]",
                ]), format: .openAIStream, sendsTotal: false),
        Template(
            name: "openai stream with total",
            parts: sse(openAIChunks + [#"{"choices":[],"usage":{"prompt_tokens":@,"completion_tokens":@,"total_tokens":@}}"#, "[DONE]"]),
            format: .openAIStream, sendsTotal: true),
        Template(
            name: "openai body",
            parts: body(
                #"{"created":@,"choices":[{"index":@,"message":{"role":"assistant","content":"hi","tool_calls":[{"index":@,"id":"a","type":"function","function":{"name":"w","arguments":"{\"n\":@}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":@,"completion_tokens":@,"prompt_tokens_details":{"cached_tokens":@},"completion_tokens_details":{"reasoning_tokens":@}}}"#
            ), format: .openAIBody, sendsTotal: false),
        Template(
            name: "anthropic stream",
            parts: [
                (
                    "message_start",
                    #"{"type":"message_start","message":{"usage":{"input_tokens":@,"cache_creation_input_tokens":@,"cache_read_input_tokens":@,"output_tokens":@}}}"#
                ),
                ("content_block_start", #"{"type":"content_block_start","index":@,"content_block":{"type":"text","text":""}}"#),
                ("content_block_delta", #"{"type":"content_block_delta","index":@,"delta":{"type":"text_delta","text":"hi"}}"#),
                (
                    "content_block_start",
                    #"{"type":"content_block_start","index":@,"content_block":{"type":"tool_use","id":"t","name":"w","input":{}}}"#
                ),
                (
                    "content_block_delta",
                    #"{"type":"content_block_delta","index":@,"delta":{"type":"input_json_delta","partial_json":"{\"n\":@}"}}"#
                ),
                ("content_block_stop", #"{"type":"content_block_stop","index":@}"#),
                (
                    "message_delta",
                    #"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"input_tokens":@,"cache_read_input_tokens":@,"output_tokens":@}}"#
                ),
                ("message_stop", #"{"type":"message_stop"}"#),
            ], format: .anthropicStream, sendsTotal: false),
        Template(
            name: "anthropic body",
            parts: body(
                #"{"type":"message","content":[{"type":"text","text":"hi"},{"type":"tool_use","id":"t","name":"w","input":{"n":@}}],"stop_reason":"end_turn","usage":{"input_tokens":@,"cache_creation_input_tokens":@,"cache_read_input_tokens":@,"output_tokens":@}}"#
            ), format: .anthropicBody, sendsTotal: false),
        Template(name: "gemini stream", parts: sse([geminiChunk, geminiFinal(total: false)]), format: .geminiStream, sendsTotal: false),
        Template(name: "gemini stream with total", parts: sse([geminiFinal(total: true)]), format: .geminiStream, sendsTotal: true),
        Template(name: "gemini body", parts: body(geminiFinal(total: false)), format: .geminiBody, sendsTotal: false),
        Template(
            name: "bedrock stream",
            parts: [
                ("messageStart", #"{"role":"assistant"}"#), ("contentBlockDelta", #"{"contentBlockIndex":@,"delta":{"text":"hi"}}"#),
                ("contentBlockStart", #"{"contentBlockIndex":@,"start":{"toolUse":{"toolUseId":"t","name":"w"}}}"#),
                ("contentBlockDelta", #"{"contentBlockIndex":@,"delta":{"toolUse":{"input":"{\"n\":@}"}}}"#),
                ("contentBlockStop", #"{"contentBlockIndex":@}"#), ("messageStop", #"{"stopReason":"tool_use"}"#),
                (
                    "metadata",
                    #"{"usage":{"inputTokens":@,"outputTokens":@,"cacheReadInputTokens":@,"cacheWriteInputTokens":@},"metrics":{"latencyMs":@}}"#
                ),
            ], format: .bedrockStream, sendsTotal: false),
        Template(
            name: "bedrock body",
            parts: body(
                #"{"output":{"message":{"role":"assistant","content":[{"text":"hi"},{"toolUse":{"toolUseId":"t","name":"w","input":{"n":@}}}]}},"stopReason":"tool_use","usage":{"inputTokens":@,"outputTokens":@,"totalTokens":@,"cacheReadInputTokens":@,"cacheWriteInputTokens":@,"cacheReadInputTokenCount":@},"metrics":{"latencyMs":@}}"#
            ), format: .bedrockBody, sendsTotal: true),
    ]

    private static let openAIChunks = [
        #"{"created":@,"choices":[{"index":@,"delta":{"content":"hi"},"finish_reason":null}]}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":@,"id":"a","type":"function","function":{"name":"w","arguments":""}}]}}]}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":@,"function":{"arguments":"{\"n\":@}"}}]}}]}"#,
        #"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
    ]

    private static let geminiChunk = #"{"candidates":[{"index":@,"content":{"parts":[{"text":"hi"}],"role":"model"}}]}"#

    private static func geminiFinal(total: Bool) -> String {
        let counts =
            #""promptTokenCount":@,"toolUsePromptTokenCount":@,"candidatesTokenCount":@,"thoughtsTokenCount":@,"cachedContentTokenCount":@"#
        return
            #"{"candidates":[{"content":{"parts":[{"functionCall":{"name":"w","args":{"n":@}}}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{\#(counts)\#(total ? #","totalTokenCount":@"# : "")}}"#
    }

    private static func sse(_ data: [String]) -> [(event: String, data: String)] { data.map { ("", $0) } }
    private static func body(_ text: String) -> [(event: String, data: String)] { [("", text)] }
}
