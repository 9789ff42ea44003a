import Glibc

/// The memory of a stream's chunks, in three parts by owner: the engine stages the chunks of
/// one network read (`ChunkStager`), seals them into one allocation that the queue holds under
/// the stream's lock (`ChunkQueue`), and the reader takes everything queued in one step and
/// hands it out without the lock (`ChunkReader`). An allocation is freed once the reader has
/// moved past its last chunk, or, for chunks dropped by an abort, on the reader's next call.
///
/// A chunk is text or another event of the turn (reasoning, a tool call's start, arguments or
/// end), queued in the order the provider sent them; only a reader of events is handed those.
struct Chunk {
    let bytes: UnsafeMutablePointer<CChar>
    let count: Int
    /// Set on the last chunk of a read: the allocation all of that read's chunks live in.
    var block: UnsafeMutableRawPointer?
    /// The kind, and for tool-call events the call's position, in one word: a chunk stays 32
    /// bytes, and the text path's cost per chunk depends on it.
    private let tag: Int

    init(bytes: UnsafeMutablePointer<CChar>, count: Int, block: UnsafeMutableRawPointer?, kind: ChunkKind, index: Int) {
        self.bytes = bytes
        self.count = count
        self.block = block
        tag = index << 8 | Int(kind.rawValue)
    }

    var kind: ChunkKind { ChunkKind(rawValue: UInt8(truncatingIfNeeded: tag))! }
    var index: Int { tag >> 8 }
    var isText: Bool { tag & 0xff == ChunkKind.text.rawValue }

    var buffer: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: UnsafeRawPointer(bytes).assumingMemoryBound(to: UInt8.self), count: count)
    }
}

/// What a chunk holds. A tool call's start is two chunks, its id then its name.
enum ChunkKind: UInt8 {
    case text = 0
    case reasoning, toolCallStart, toolCallName, toolCallDelta, toolCallEnd
}

/// Chunks of one network read, NUL-terminated, in one allocation.
struct ChunkBatch {
    private(set) var chunks: [Chunk]
    private(set) var byteCount: Int
    /// Chunks that are not text.
    private(set) var eventCount: Int

    func free() { Glibc.free(chunks.last?.block) }

    /// Keeps the text only (for a stream read as text); see `Array.removeEvents`.
    mutating func removeEvents() {
        byteCount -= chunks.removeEvents()
        eventCount = 0
    }
}

extension [Chunk] {
    /// Removes every chunk that is not text and returns their payload bytes. The allocation an
    /// event chunk ends moves to the text chunk before it in the same allocation, or is freed
    /// when none of its chunks stays. Only for chunks no reader holds.
    mutating func removeEvents() -> Int {
        var kept: [Chunk] = []
        kept.reserveCapacity(count)
        var removedBytes = 0
        for chunk in self {
            if chunk.isText {
                kept.append(chunk)
                continue
            }
            removedBytes += chunk.count
            guard let block = chunk.block else { continue }
            // A kept chunk without an allocation belongs to the one this chunk ends.
            if let last = kept.indices.last, kept[last].block == nil {
                kept[last].block = block
            } else {
                Glibc.free(block)
            }
        }
        self = kept
        return removedBytes
    }
}

/// Collects the chunks of one network read. Engine thread only.
struct ChunkStager {
    /// What a staged chunk that is not text is; text needs no more than its span.
    private struct Event {
        /// Its place among the staged chunks.
        let position: Int
        let kind: ChunkKind
        let index: Int
    }

    private var bytes: [UInt8] = []
    private var spans: [(offset: Int, count: Int)] = []
    private var events: [Event] = []

    mutating func append(_ text: UnsafeBufferPointer<UInt8>) {
        guard !text.isEmpty else { return }
        spans.append((bytes.count, text.count))
        bytes.append(contentsOf: text)
        bytes.append(0)
    }

    /// A chunk other than text; its payload may be empty (a tool call's end).
    mutating func append(_ kind: ChunkKind, index: Int, _ payload: UnsafeBufferPointer<UInt8>) {
        events.append(Event(position: spans.count, kind: kind, index: index))
        spans.append((bytes.count, payload.count))
        bytes.append(contentsOf: payload)
        bytes.append(0)
    }

    /// A tool call's start: its id, then its name, in the same allocation.
    mutating func appendToolCallStart(index: Int, id: String, name: String) {
        var id = id
        var name = name
        id.withUTF8 { append(.toolCallStart, index: index, $0) }
        name.withUTF8 { append(.toolCallName, index: index, $0) }
    }

    /// The staged chunks in one allocation, or nil when nothing was staged (or memory ran out).
    mutating func seal() -> ChunkBatch? {
        guard !spans.isEmpty else { return nil }
        defer {
            spans.removeAll(keepingCapacity: true)
            events.removeAll(keepingCapacity: true)
            bytes.removeAll(keepingCapacity: bytes.count <= 1 << 16)
        }
        guard let block = malloc(bytes.count) else { return nil }
        bytes.withUnsafeBytes { _ = memcpy(block, $0.baseAddress!, $0.count) }
        let base = block.assumingMemoryBound(to: CChar.self)
        let last = spans.count - 1
        var chunks = spans.enumerated().map { i, span in
            Chunk(bytes: base + span.offset, count: span.count, block: i == last ? block : nil, kind: .text, index: 0)
        }
        for event in events {
            let chunk = chunks[event.position]
            chunks[event.position] = Chunk(bytes: chunk.bytes, count: chunk.count, block: chunk.block, kind: event.kind, index: event.index)
        }
        // Every chunk's bytes end with a NUL that is not its payload.
        return ChunkBatch(chunks: chunks, byteCount: bytes.count - spans.count, eventCount: events.count)
    }
}

/// Chunks published and not yet taken by the reader. Lives under the stream's lock.
struct ChunkQueue {
    private(set) var chunks: [Chunk] = []
    /// Payload bytes published and not yet taken.
    private(set) var unreadBytes = 0
    /// Queued chunks that are not text.
    private(set) var eventCount = 0
    /// Allocations of chunks dropped while the reader may still use one of them.
    private var retired: [UnsafeMutableRawPointer] = []

    var count: Int { chunks.count }
    var isEmpty: Bool { chunks.isEmpty }

    mutating func append(_ batch: ChunkBatch) {
        chunks.append(contentsOf: batch.chunks)
        unreadBytes += batch.byteCount
        eventCount += batch.eventCount
    }

    /// Keeps the text only: the stream turned out to be read as text.
    mutating func removeEvents() {
        guard eventCount > 0 else { return }
        unreadBytes -= chunks.removeEvents()
        eventCount = 0
    }

    /// Everything queued, for the reader; the queue keeps the array's storage for reuse.
    mutating func takeAll(into reader: inout [Chunk]) {
        swap(&chunks, &reader)
        chunks.removeAll(keepingCapacity: true)
        unreadBytes = 0
        eventCount = 0
    }

    /// Drops the queued chunks; their memory waits for the reader's next call.
    mutating func dropAll() {
        for chunk in chunks { if let block = chunk.block { retired.append(block) } }
        chunks.removeAll()
        unreadBytes = 0
        eventCount = 0
    }

    /// Frees what `dropAll` retired: the reader has moved past any chunk it held.
    mutating func freeRetired() {
        for block in retired { free(block) }
        retired.removeAll()
    }

    mutating func freeAll() {
        freeRetired()
        for chunk in chunks { free(chunk.block) }
        chunks.removeAll()
    }
}

/// The reader's side: chunks taken in one step and handed out one by one. Reader thread only.
struct ChunkReader {
    var taken: [Chunk] = []
    private var head = 0
    /// The allocation of the chunk last handed out, freed when the reader comes back.
    private var held: UnsafeMutableRawPointer?

    var hasTaken: Bool { head < taken.count }
    var isLastTaken: Bool { head == taken.count }

    /// The reader came back: the chunk it held is no longer in use.
    mutating func releaseHeld() {
        free(held)
        held = nil
    }

    /// Prepares for a new `takeAll`, which swaps arrays with the queue.
    mutating func reset() {
        taken.removeAll(keepingCapacity: true)
        head = 0
    }

    /// The next taken chunk; the one handed out before it is no longer in use.
    mutating func next() -> Chunk? {
        guard head < taken.count else { return nil }
        releaseHeld()
        let chunk = taken[head]
        head += 1
        held = chunk.block
        return chunk
    }

    /// Frees the chunks not yet handed out (after an abort).
    mutating func dropTaken() {
        for chunk in taken[head...] { free(chunk.block) }
        taken.removeAll()
        head = 0
    }

    mutating func freeAll() {
        releaseHeld()
        dropTaken()
    }
}
