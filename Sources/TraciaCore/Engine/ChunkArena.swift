import Glibc

/// The memory of a stream's chunks, in three parts by owner: the engine stages the chunks of
/// one network read (`ChunkStager`), seals them into one allocation that the queue holds under
/// the stream's lock (`ChunkQueue`), and the reader takes everything queued in one step and
/// hands it out without the lock (`ChunkReader`). An allocation is freed once the reader has
/// moved past its last chunk, or, for chunks dropped by an abort, on the reader's next call.
struct Chunk {
    let bytes: UnsafeMutablePointer<CChar>
    let count: Int
    /// Set on the last chunk of a read: the allocation all of that read's chunks live in.
    let block: UnsafeMutableRawPointer?

    var buffer: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: UnsafeRawPointer(bytes).assumingMemoryBound(to: UInt8.self), count: count)
    }
}

/// Chunks of one network read, NUL-terminated, in one allocation.
struct ChunkBatch {
    let chunks: [Chunk]
    let byteCount: Int

    func free() { Glibc.free(chunks.last?.block) }
}

/// Collects the text deltas of one network read. Engine thread only.
struct ChunkStager {
    private var bytes: [UInt8] = []
    private var spans: [(offset: Int, count: Int)] = []

    mutating func append(_ text: UnsafeBufferPointer<UInt8>) {
        guard !text.isEmpty else { return }
        spans.append((bytes.count, text.count))
        bytes.append(contentsOf: text)
        bytes.append(0)
    }

    /// The staged chunks in one allocation, or nil when nothing was staged (or memory ran out).
    mutating func seal() -> ChunkBatch? {
        guard !spans.isEmpty else { return nil }
        defer {
            spans.removeAll(keepingCapacity: true)
            bytes.removeAll(keepingCapacity: bytes.count <= 1 << 16)
        }
        guard let block = malloc(bytes.count) else { return nil }
        bytes.withUnsafeBytes { _ = memcpy(block, $0.baseAddress!, $0.count) }
        let base = block.assumingMemoryBound(to: CChar.self)
        let last = spans.count - 1
        var total = 0
        let chunks = spans.enumerated().map { i, span in
            total += span.count
            return Chunk(bytes: base + span.offset, count: span.count, block: i == last ? block : nil)
        }
        return ChunkBatch(chunks: chunks, byteCount: total)
    }
}

/// Chunks published and not yet taken by the reader. Lives under the stream's lock.
struct ChunkQueue {
    private(set) var chunks: [Chunk] = []
    /// Text bytes published and not yet taken.
    private(set) var unreadBytes = 0
    /// Allocations of chunks dropped while the reader may still use one of them.
    private var retired: [UnsafeMutableRawPointer] = []

    var count: Int { chunks.count }
    var isEmpty: Bool { chunks.isEmpty }

    mutating func append(_ batch: ChunkBatch) {
        chunks.append(contentsOf: batch.chunks)
        unreadBytes += batch.byteCount
    }

    /// Everything queued, for the reader; the queue keeps the array's storage for reuse.
    mutating func takeAll(into reader: inout [Chunk]) {
        swap(&chunks, &reader)
        chunks.removeAll(keepingCapacity: true)
        unreadBytes = 0
    }

    /// Drops the queued chunks; their memory waits for the reader's next call.
    mutating func dropAll() {
        for chunk in chunks { if let block = chunk.block { retired.append(block) } }
        chunks.removeAll()
        unreadBytes = 0
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
