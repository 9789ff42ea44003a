internal import CCrypto

/// Builds one `application/vnd.amazon.eventstream` frame, the inverse of `EventStreamFramer`:
/// string headers, the payload, both CRCs. Tests and fuzz harnesses make Bedrock streams with it.
enum EventStreamFrame {
    static func event(_ type: String, payload: String) -> [UInt8] {
        frame(
            headers: [(":event-type", type), (":content-type", "application/json"), (":message-type", "event")],
            payload: Array(payload.utf8))
    }

    static func frame(headers: [(String, String)], payload: [UInt8]) -> [UInt8] {
        var headerBytes: [UInt8] = []
        for (name, value) in headers {
            headerBytes.append(UInt8(truncatingIfNeeded: name.utf8.count))
            headerBytes += name.utf8
            headerBytes.append(7)  // string
            headerBytes += bigEndian(UInt16(truncatingIfNeeded: value.utf8.count))
            headerBytes += value.utf8
        }
        let total = 16 + headerBytes.count + payload.count
        var frame = bigEndian(UInt32(truncatingIfNeeded: total)) + bigEndian(UInt32(truncatingIfNeeded: headerBytes.count))
        frame += bigEndian(crc(frame))
        frame += headerBytes + payload
        frame += bigEndian(crc(frame))
        return frame
    }

    private static func crc(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { tracia_crc32(0, $0.baseAddress, $0.count) } }

    private static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<T.bitWidth / 8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}
