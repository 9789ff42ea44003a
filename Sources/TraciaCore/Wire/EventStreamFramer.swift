internal import CCrypto

/// Incremental `application/vnd.amazon.eventstream` framing: big-endian prelude (total length,
/// headers length, prelude CRC), typed headers, payload, message CRC. Both CRCs are checked;
/// a corrupt frame is an error, never a shorter answer.
struct EventStreamFramer {
    struct Message {
        var headers: [String: String] = [:]
        var payload: ArraySlice<UInt8> = []
    }

    private var buffer: [UInt8] = []
    private var start = 0

    static let maxHeaders = 128 * 1024
    static let maxPayload = 24 * 1024 * 1024

    /// Bytes received but not yet a whole frame.
    var pendingBytes: Int { buffer.count - start }

    /// Adds bytes and returns the frames they complete. A corrupt frame fails only after the
    /// frames before it were handed out.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(TraciaError) -> [Message] {
        var messages: [Message] = []
        try feed(bytes) { messages.append($0) }
        return messages
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer, onMessage: (Message) throws(TraciaError) -> Void) throws(TraciaError) {
        buffer.append(contentsOf: bytes)
        defer { compact() }
        while buffer.count - start >= 12 {
            let total = Int(readUInt32(start))
            let headersLength = Int(readUInt32(start + 4))
            let preludeCRC = readUInt32(start + 8)
            let computed = buffer.withUnsafeBytes { tracia_crc32(0, $0.baseAddress! + start, 8) }
            guard computed == preludeCRC else { throw Self.corrupt("prelude CRC mismatch") }
            guard headersLength <= Self.maxHeaders, total >= 16 + headersLength, total - 16 - headersLength <= Self.maxPayload else {
                throw Self.corrupt("impossible lengths (total \(total), headers \(headersLength))")
            }
            guard buffer.count - start >= total else { break }
            let messageCRC = readUInt32(start + total - 4)
            let crc = buffer.withUnsafeBytes { tracia_crc32(0, $0.baseAddress! + start, total - 4) }
            guard crc == messageCRC else { throw Self.corrupt("message CRC mismatch") }
            var message = Message()
            message.headers = try parseHeaders(from: start + 12, to: start + 12 + headersLength)
            message.payload = buffer[(start + 12 + headersLength)..<(start + total - 4)]
            start += total
            try onMessage(message)
        }
    }

    private mutating func compact() {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 65536 {
            buffer.removeFirst(start)
            start = 0
        }
    }

    private func readUInt32(_ at: Int) -> UInt32 {
        UInt32(buffer[at]) << 24 | UInt32(buffer[at + 1]) << 16 | UInt32(buffer[at + 2]) << 8 | UInt32(buffer[at + 3])
    }

    private func parseHeaders(from: Int, to end: Int) throws(TraciaError) -> [String: String] {
        var headers: [String: String] = [:]
        var i = from
        func need(_ n: Int) throws(TraciaError) { if i + n > end { throw Self.corrupt("header runs past its frame") } }
        while i < end {
            try need(1)
            let nameLength = Int(buffer[i])
            i += 1
            try need(nameLength + 1)
            let name = String(decoding: buffer[i..<(i + nameLength)], as: UTF8.self)
            i += nameLength
            let type = buffer[i]
            i += 1
            switch type {
            case 0, 1: headers[name] = type == 0 ? "true" : "false"
            case 2:
                try need(1)
                i += 1
            case 3:
                try need(2)
                i += 2
            case 4:
                try need(4)
                i += 4
            case 5, 8:
                try need(8)
                i += 8
            case 9:
                try need(16)
                i += 16
            case 6, 7:
                try need(2)
                let length = Int(buffer[i]) << 8 | Int(buffer[i + 1])
                i += 2
                try need(length)
                if type == 7 { headers[name] = String(decoding: buffer[i..<(i + length)], as: UTF8.self) }
                i += length
            default:
                throw Self.corrupt("unknown header value type \(type)")
            }
        }
        return headers
    }

    private static func corrupt(_ detail: String) -> TraciaError {
        TraciaError(.providerError, "corrupt event-stream frame: \(detail)")
    }
}
