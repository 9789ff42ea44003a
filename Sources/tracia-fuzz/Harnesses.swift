@testable import TraciaCore

/// Fuzz harnesses over the parsers of untrusted bytes. Each must return without trapping for
/// any input; errors are expected outcomes.
enum Harness: String, CaseIterable {
    case sse
    case openaiStream = "openai-stream"
    case openaiResponse = "openai-response"
    case openaiTextDelta = "openai-text-delta"
    case responsesStream = "responses-stream"
    case responsesBody = "responses-body"
    case anthropicStream = "anthropic-stream"
    case geminiStream = "gemini-stream"
    case bedrockStream = "bedrock-stream"
    case eventStream = "event-stream"
    case numericExtremes = "numeric-extremes"
    case request
    case options
    case awsSharedFile = "aws-shared-file"
    case awsCredentials = "aws-credentials"
    case googleCredentials = "google-credentials"
    case embeddingReply = "embedding-reply"
    case apiReply = "api-reply"

    func run(_ data: UnsafeRawBufferPointer) {
        switch self {
        case .sse:
            var framer = SSEFramer()
            var events = 0
            // Split the input in two so that state carried between reads is exercised.
            let middle = data.count / 2
            for part in [UnsafeRawBufferPointer(rebasing: data[..<middle]), UnsafeRawBufferPointer(rebasing: data[middle...])] {
                _ = framer.feed(part) { _, payload in
                    events += payload.count >= 0 ? 1 : 0
                    return nil
                }
            }
        case .openaiStream:
            decode(SSEDecoder<OpenAIEvents>(), data)
        case .openaiResponse:
            decode(JSONBodyDecoder<OpenAIBody>(limit: 1 << 20), data)
        case .openaiTextDelta:
            Self.sameAsTheFullPath(data)
        case .responsesStream:
            decode(SSEDecoder<OpenAIResponsesEvents>(), data)
        case .responsesBody:
            decode(JSONBodyDecoder<OpenAIResponsesBody>(limit: 1 << 20), data)
        case .anthropicStream:
            decode(SSEDecoder<AnthropicEvents>(), data)
        case .geminiStream:
            decode(SSEDecoder<GeminiEvents>(), data)
        case .bedrockStream:
            decode(BedrockStreamDecoder(), data)
        case .eventStream:
            var framer = EventStreamFramer()
            let middle = data.count / 2
            for part in [UnsafeRawBufferPointer(rebasing: data[..<middle]), UnsafeRawBufferPointer(rebasing: data[middle...])] {
                guard (try? framer.feed(part)) != nil else { return }
            }
        case .numericExtremes:
            NumericExtremes.run(data)
        case .request:
            _ = try? RunRequest.parse(json: String(decoding: data, as: UTF8.self))
        case .options:
            _ = try? ClientOptions.resolve(json: String(decoding: data, as: UTF8.self), environment: { _ in nil })
        case .awsSharedFile:
            // A profile file, and each of its lines as a credential_process command line.
            let text = String(decoding: data, as: UTF8.self)
            _ = try? AWSINIFile.parse(text, path: "fuzz")
            for line in text.split(separator: "\n") { _ = try? ShellWords.split(String(line)) }
        case .awsCredentials:
            // What credential_process, the container endpoint and IMDS answer; and their times.
            let body = Array(data)
            _ = AWSCredentialDocument.parse(
                body, source: "fuzz", tokenKey: "SessionToken", requiresVersion: true, requiresExpiration: false)
            _ = AWSCredentialDocument.parse(body, source: "fuzz", tokenKey: "Token", requiresVersion: false, requiresExpiration: true)
            _ = Timestamp.epochMS(iso8601: String(decoding: data, as: UTF8.self))
        case .googleCredentials:
            // A credentials file, and a token endpoint's answer.
            let body = Array(data)
            _ = try? GoogleCredentialsFile.parse(body, path: "fuzz")
            _ = GoogleTokenExchange.token(status: 200, body: body, path: "fuzz")
            _ = GoogleTokenExchange.token(status: 400, body: body, path: "fuzz")
        case .embeddingReply:
            // Every provider's reader over the same reply, and the same reply twice (Titan's
            // replies add up).
            guard let doc = JSONDocument.parse(bytes: data) else { return }
            for reader in 0..<4 {
                var embedded = Embedded()
                for _ in 0..<2 {
                    do throws(TraciaError) {
                        switch reader {
                        case 0: try EmbeddingPlan.readOpenAI(doc.root, &embedded)
                        case 1: try EmbeddingPlan.readGemini(doc.root, &embedded)
                        case 2: try EmbeddingPlan.readTitan(doc.root, &embedded)
                        default: try EmbeddingPlan.readCohere(doc.root, &embedded)
                        }
                    } catch {
                        break
                    }
                }
            }
        case .apiReply:
            // The first byte picks the status, the rest is the body.
            guard let first = data.first else { return }
            let statuses = [200, 201, 204, 400, 401, 404, 409, 418, 500, 502]
            let status = statuses[Int(first) % statuses.count]
            _ = TraciaAPIReply.read(ExchangeReply(status: status, body: Array(data.dropFirst())))
        }
    }

    /// The fast path may decline any event, but an event it takes must give exactly what
    /// jansson and the full decoder give: the same text and nothing else.
    private static func sameAsTheFullPath(_ data: UnsafeRawBufferPointer) {
        var fast: [UInt8] = []
        guard OpenAITextDelta.read(data, into: &fast) else { return }
        let sink = RecordingSink()
        guard let doc = JSONDocument.parse(bytes: data), doc.root.isObject else {
            fatalError("the fast path took an event that jansson rejects: \(Array(data))")
        }
        if OpenAIAdapter.errorMessage(in: doc.root) != nil { fatalError("the fast path took an error event") }
        if let choice = doc.root["choices"]?[0] {
            if let delta = choice["delta"] { OpenAIEvents.emitDelta(delta, sink: sink) }
            if choice["finish_reason"]?.string != nil { sink.other += 1 }
        }
        if let usage = doc.root["usage"], usage.isObject { sink.other += 1 }
        if sink.text != fast || sink.other != 0 {
            fatalError("the fast path and the full path differ: \(sink.text) \(fast) \(sink.other)")
        }
    }

    private func decode<D: ResponseDecoder>(_ decoder: D, _ data: UnsafeRawBufferPointer) {
        var decoder = decoder
        let sink = FuzzSink()
        var offset = 0
        // Feed in uneven pieces, as the network does.
        var size = 1
        while offset < data.count {
            let end = min(offset + size, data.count)
            if (try? decoder.consume(UnsafeRawBufferPointer(rebasing: data[offset..<end]), into: sink)) == nil { return }
            offset = end
            size = size * 3 % 97 + 1
        }
        _ = try? decoder.finish(into: sink)
        _ = try? sink.accumulator.toolCalls()
    }
}

final class RecordingSink: EventSink {
    var text: [UInt8] = []
    var other = 0
    func text(_ bytes: UnsafeBufferPointer<UInt8>) { text.append(contentsOf: bytes) }
    func toolCallStart(index: Int, id: String?, name: String?) { other += 1 }
    func toolCallArguments(index: Int, fragment: UnsafeBufferPointer<UInt8>) { other += 1 }
    func reasoning(_ bytes: UnsafeBufferPointer<UInt8>, block: Int) { other += 1 }
    func reasoningSignature(_ bytes: UnsafeBufferPointer<UInt8>, block: Int) { other += 1 }
    func redactedReasoning(_ bytes: UnsafeBufferPointer<UInt8>, block: Int) { other += 1 }
    func usage(_ usage: Usage) { other += 1 }
    func refusal(_ bytes: UnsafeBufferPointer<UInt8>) { other += 1 }
    func finish(_ reason: ProviderFinish) { other += 1 }
}

final class FuzzSink: EventSink {
    var accumulator = Accumulator()
    func text(_ bytes: UnsafeBufferPointer<UInt8>) { accumulator.appendText(bytes) }
    func toolCallStart(index: Int, id: String?, name: String?) { accumulator.startToolCall(index: index, id: id, name: name) }
    func toolCallArguments(index: Int, fragment: UnsafeBufferPointer<UInt8>) { accumulator.appendArguments(index: index, fragment) }
    func reasoning(_ bytes: UnsafeBufferPointer<UInt8>, block: Int) { accumulator.appendReasoning(block: block, bytes) }
    func reasoningSignature(_ bytes: UnsafeBufferPointer<UInt8>, block: Int) {
        accumulator.appendReasoningSignature(block: block, bytes)
    }
    func redactedReasoning(_ bytes: UnsafeBufferPointer<UInt8>, block: Int) { accumulator.appendRedactedReasoning(block: block, bytes) }
    func usage(_ usage: Usage) { accumulator.setUsage(usage) }
    func refusal(_ bytes: UnsafeBufferPointer<UInt8>) { accumulator.appendRefusal(bytes) }
    func serverToolStart(index: Int, block: JSONObject, inputPath: [String], contentPath: [String]) {
        accumulator.startServerTool(index: index, block: block, inputPath: inputPath, contentPath: contentPath)
    }
    func serverToolInput(index: Int, fragment: UnsafeBufferPointer<UInt8>) { accumulator.appendServerToolInput(index: index, fragment) }
    func serverToolContent(index: Int, item: JSON) { accumulator.appendServerToolContent(index: index, item) }
    func finish(_ reason: ProviderFinish) { accumulator.setFinish(reason) }
}
