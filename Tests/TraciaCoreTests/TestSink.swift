@testable import TraciaCore

/// Records decoder events for assertions.
final class TestSink: EventSink {
    var texts: [String] = []
    var accumulator = Accumulator()
    var usages: [Usage] = []
    var finishes: [ProviderFinish] = []

    func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        texts.append(String(decoding: bytes, as: UTF8.self))
        accumulator.appendText(bytes)
    }
    func toolCallStart(index: Int, id: String?, name: String?) { accumulator.startToolCall(index: index, id: id, name: name) }
    func toolCallArguments(index: Int, fragment: UnsafeBufferPointer<UInt8>) { accumulator.appendArguments(index: index, fragment) }
    func reasoning(_ bytes: UnsafeBufferPointer<UInt8>, block: Int) { accumulator.appendReasoning(block: block, bytes) }
    func reasoningID(_ id: String, block: Int) { accumulator.setReasoningID(id, block: block) }
    func reasoningSignature(_ bytes: UnsafeBufferPointer<UInt8>, block: Int) {
        accumulator.appendReasoningSignature(block: block, bytes)
    }
    func redactedReasoning(_ bytes: UnsafeBufferPointer<UInt8>, block: Int) { accumulator.appendRedactedReasoning(block: block, bytes) }
    func usage(_ usage: Usage) {
        usages.append(usage)
        accumulator.setUsage(usage)
    }
    func provisionalUsage(_ usage: Usage) {
        usages.append(usage)
        accumulator.setUsage(usage, final: false)
    }
    func refusal(_ bytes: UnsafeBufferPointer<UInt8>) { accumulator.appendRefusal(bytes) }
    func serverToolStart(index: Int, block: JSONObject, inputPath: [String], contentPath: [String]) {
        accumulator.startServerTool(index: index, block: block, inputPath: inputPath, contentPath: contentPath)
    }
    func serverToolInput(index: Int, fragment: UnsafeBufferPointer<UInt8>) { accumulator.appendServerToolInput(index: index, fragment) }
    func serverToolContent(index: Int, item: JSON) { accumulator.appendServerToolContent(index: index, item) }
    func finish(_ reason: ProviderFinish) {
        finishes.append(reason)
        accumulator.setFinish(reason)
    }
}

/// Feeds `bytes` to a decoder in pieces of `size` bytes, as curl might deliver them.
func feed<D: ResponseDecoder>(_ decoder: inout D, _ text: String, pieceSize: Int, sink: TestSink) throws(TraciaError) {
    try feed(&decoder, Array(text.utf8), pieceSize: pieceSize, sink: sink)
}

func feed<D: ResponseDecoder>(_ decoder: inout D, _ bytes: [UInt8], pieceSize: Int, sink: TestSink) throws(TraciaError) {
    var start = 0
    while start < bytes.count {
        let end = min(start + pieceSize, bytes.count)
        let piece = Array(bytes[start..<end])
        var failure: TraciaError?
        piece.withUnsafeBytes { buf in
            do throws(TraciaError) { try decoder.consume(buf, into: sink) } catch { failure = error }
        }
        if let failure { throw failure }
        start = end
    }
}

/// An SSE stream of named events, as Anthropic sends them.
func sseEvents(_ events: [(String, String)]) -> String { events.map { "event: \($0.0)\ndata: \($0.1)\n\n" }.joined() }
