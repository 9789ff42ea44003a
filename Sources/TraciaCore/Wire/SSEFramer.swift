/// Incremental Server-Sent Events framing over raw bytes (the WHATWG algorithm):
/// one leading byte order mark ignored, CRLF, LF and lone CR line ends, comments, one-space
/// stripping, multi-line data.
struct SSEFramer {
    /// Receives (event name, data) of each complete event, borrowed for the call; an
    /// error stops the framing.
    typealias Handler = (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> TraciaError?

    private var line: [UInt8] = []
    private var event: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var skipLF = false
    /// Bytes of a leading UTF-8 byte order mark seen so far; nil once past the stream's start.
    private var bomMatched: Int? = 0
    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    mutating func feed(_ bytes: UnsafeRawBufferPointer, onEvent: Handler) -> TraciaError? {
        var start = 0
        let count = bytes.count
        var i = 0
        while let matched = bomMatched, i < count {
            if bytes[i] == Self.bom[matched] {
                i += 1
                bomMatched = matched + 1 == Self.bom.count ? nil : matched + 1
            } else {
                // Not a mark after all: the bytes taken for one belong to the first line.
                line.append(contentsOf: Self.bom[..<matched])
                bomMatched = nil
            }
        }
        start = i
        while i < count {
            let b = bytes[i]
            guard b == 10 || b == 13 else {
                skipLF = false
                i += 1
                continue
            }
            if b == 10 && skipLF && i == start && line.isEmpty {
                skipLF = false
                i += 1
                start = i
                continue
            }
            skipLF = (b == 13)
            let failure: TraciaError?
            if line.isEmpty {
                failure = processLine(UnsafeRawBufferPointer(rebasing: bytes[start..<i]), onEvent: onEvent)
            } else {
                line.append(contentsOf: bytes[start..<i])
                let whole = line
                line.removeAll(keepingCapacity: true)
                failure = whole.withUnsafeBytes { processLine($0, onEvent: onEvent) }
            }
            if let failure { return failure }
            i += 1
            start = i
        }
        if start < count { line.append(contentsOf: bytes[start..<count]) }
        return nil
    }

    private mutating func processLine(_ l: UnsafeRawBufferPointer, onEvent: Handler) -> TraciaError? {
        if l.isEmpty {
            guard hasData || !event.isEmpty else { return nil }
            defer {
                event.removeAll(keepingCapacity: true)
                data.removeAll(keepingCapacity: true)
                hasData = false
            }
            return event.withUnsafeBytes { name in data.withUnsafeBytes { payload in onEvent(name, payload) } }
        }
        if l[0] == 58 { return nil }  // ':' starts a comment
        var colon = l.count
        for j in 0..<l.count where l[j] == 58 {
            colon = j
            break
        }
        var valueStart = min(colon + 1, l.count)
        if valueStart < l.count && l[valueStart] == 32 { valueStart += 1 }
        let field = UnsafeRawBufferPointer(rebasing: l[0..<colon])
        let value = UnsafeRawBufferPointer(rebasing: l[valueStart..<l.count])
        if field.elementsEqual("data".utf8) {
            if hasData { data.append(10) }
            data.append(contentsOf: value)
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            event.removeAll(keepingCapacity: true)
            event.append(contentsOf: value)
        }
        // id and retry do not matter to a client that never reconnects; unknown fields are ignored.
        return nil
    }
}
