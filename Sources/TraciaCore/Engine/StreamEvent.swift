/// The kinds of a stream's typed events. Raw values are the C ABI's `TRACIA_EVENT_*`:
/// append-only, never renumbered; include/tracia.h (values and meanings) is tested against it.
public enum StreamEventKind: Int32, Sendable, CaseIterable {
    case end = 0
    case text = 1
    case reasoning = 2
    case toolCallStart = 3
    case toolCallDelta = 4
    case toolCallEnd = 5

    public var entry: CodeEntry {
        switch self {
        case .end: CodeEntry("END", "The end of the stream: completed, aborted or failed, as the return code tells.")
        case .text: CodeEntry("TEXT", "A piece of the answer's text in data, the chunk tracia_stream_next() would give.")
        case .reasoning: CodeEntry("REASONING", "A piece of the model's reasoning text in data; never part of the answer's text.")
        case .toolCallStart:
            CodeEntry("TOOL_CALL_START", "A tool call begins: its index, id and name; before any other event of that index.")
        case .toolCallDelta: CodeEntry("TOOL_CALL_DELTA", "A fragment of the arguments (JSON text) of the tool call at index, in data.")
        case .toolCallEnd: CodeEntry("TOOL_CALL_END", "The tool call at index is complete: its arguments are all in.")
        }
    }
}

/// One typed event of a stream, beside its text: what `CallStream.events` yields.
public enum StreamEvent: Sendable, Equatable {
    case text(String)
    case reasoning(String)
    /// `index` is the call's position in the result's `toolCalls`.
    case toolCallStart(index: Int, id: String, name: String)
    case toolCallDelta(index: Int, arguments: String)
    case toolCallEnd(index: Int)

    init(_ view: EventView) {
        let payload = view.string(view.data, view.count)
        switch view.kind {
        case .text, .end: self = .text(payload)
        case .reasoning: self = .reasoning(payload)
        case .toolCallStart:
            self = .toolCallStart(index: view.index, id: payload, name: view.name.map { view.string($0, view.nameCount) } ?? "")
        case .toolCallDelta: self = .toolCallDelta(index: view.index, arguments: payload)
        case .toolCallEnd: self = .toolCallEnd(index: view.index)
        }
    }
}

/// An event lent to the C boundary: the pointers stay valid until the reader's next step.
package struct EventView {
    package let kind: StreamEventKind
    package let index: Int
    /// The text or the fragment; a tool call's start: its id. NUL-terminated.
    package let data: UnsafePointer<CChar>
    package let count: Int
    /// A tool call's start: the tool's name, NUL-terminated; nil for other kinds.
    package let name: UnsafePointer<CChar>?
    package let nameCount: Int

    init(_ chunk: Chunk, name: Chunk?) {
        kind =
            switch chunk.kind {
            case .text: .text
            case .reasoning: .reasoning
            case .toolCallStart, .toolCallName: .toolCallStart
            case .toolCallDelta: .toolCallDelta
            case .toolCallEnd: .toolCallEnd
            }
        index = chunk.index
        data = UnsafePointer(chunk.bytes)
        count = chunk.count
        self.name = name.map { UnsafePointer($0.bytes) }
        nameCount = name?.count ?? 0
    }

    fileprivate func string(_ bytes: UnsafePointer<CChar>, _ count: Int) -> String {
        bytes.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }
}
