import Testing

@testable import TraciaCore

struct SSECase: CustomTestStringConvertible, Sendable {
    let name: String
    let input: String
    let events: [String]  // "event|data"
    var testDescription: String { name }
}

let sseCases: [SSECase] = [
    SSECase(name: "LF", input: "data: a\n\ndata: b\n\n", events: ["|a", "|b"]),
    SSECase(name: "CRLF", input: "data: a\r\n\r\ndata: b\r\n\r\n", events: ["|a", "|b"]),
    SSECase(name: "lone CR", input: "data: a\r\rdata: b\r\r", events: ["|a", "|b"]),
    SSECase(name: "comments", input: ": keep-alive\n\ndata: a\n: ping\n\n", events: ["|a"]),
    SSECase(name: "one space stripped only", input: "data:  x\n\ndata:y\n\n", events: ["| x", "|y"]),
    SSECase(name: "multi-line data joined", input: "data: {\"x\":\ndata: 1}\n\n", events: ["|{\"x\":\n1}"]),
    SSECase(
        name: "event names", input: "event: ping\ndata: {}\n\nevent: message_stop\ndata: {}\n\n", events: ["ping|{}", "message_stop|{}"]),
    SSECase(name: "field without colon", input: "data\n\n", events: ["|"]),
    SSECase(name: "unterminated final event dropped", input: "data: a\n\ndata: b", events: ["|a"]),
    SSECase(name: "unknown fields ignored", input: "id: 7\nretry: 10\nfoo: bar\ndata: a\n\n", events: ["|a"]),
    SSECase(name: "multi-byte UTF-8", input: "data: héllo 日本 🎉\n\n", events: ["|héllo 日本 🎉"]),
    SSECase(name: "leading byte order mark ignored", input: "\u{FEFF}data: a\n\n", events: ["|a"]),
    SSECase(name: "only one byte order mark ignored", input: "\u{FEFF}\u{FEFF}data: a\n\ndata: b\n\n", events: ["|b"]),
    SSECase(name: "a mark later is data", input: "data: a\n\ndata: \u{FEFF}b\n\n", events: ["|a", "|\u{FEFF}b"]),
]

private func frame(_ input: String, pieceSize: Int) -> [String] {
    var framer = SSEFramer()
    var events: [String] = []
    let bytes = Array(input.utf8)
    var start = 0
    while start < bytes.count {
        let piece = Array(bytes[start..<min(start + pieceSize, bytes.count)])
        _ = piece.withUnsafeBytes { buf in
            framer.feed(buf) { name, data in
                events.append(String(decoding: name, as: UTF8.self) + "|" + String(decoding: data, as: UTF8.self))
                return nil
            }
        }
        start += pieceSize
    }
    return events
}

@Test(arguments: sseCases, [1, 2, 3, 7, 1000])
func sseFraming(_ c: SSECase, pieceSize: Int) {
    #expect(frame(c.input, pieceSize: pieceSize) == c.events)
}

@Test func sseCRLFSplitAcrossPieces() {
    // A CR at the end of one piece and LF at the start of the next are one line end.
    var framer = SSEFramer()
    var events: [String] = []
    for piece in ["data: a\r", "\n\r", "\ndata: b\r\n\r\n"] {
        _ = Array(piece.utf8).withUnsafeBytes { buf in
            framer.feed(buf) { _, data in
                events.append(String(decoding: data, as: UTF8.self))
                return nil
            }
        }
    }
    #expect(events == ["a", "b"])
}

@Test func sseHandlerErrorStopsFraming() {
    var framer = SSEFramer()
    var seen = 0
    let failure = Array("data: a\n\ndata: b\n\n".utf8).withUnsafeBytes { buf in
        framer.feed(buf) { _, _ in
            seen += 1
            return TraciaError(.providerError, "stop")
        }
    }
    #expect(failure?.code == .providerError)
    #expect(seen == 1)
}

@Test(arguments: [1, 2, 3, 1000])
func sseBytesThatStartLikeAMarkStayInTheFirstLine(pieceSize: Int) {
    // EF BB without BF: the first line's field is then "\u{EF}\u{BB}data", not "data".
    var framer = SSEFramer()
    var events: [String] = []
    let bytes: [UInt8] = [0xEF, 0xBB] + Array("data: a\n\ndata: b\n\n".utf8)
    for start in stride(from: 0, to: bytes.count, by: pieceSize) {
        let piece = Array(bytes[start..<min(start + pieceSize, bytes.count)])
        _ = piece.withUnsafeBytes { buf in
            framer.feed(buf) { _, data in
                events.append(String(decoding: data, as: UTF8.self))
                return nil
            }
        }
    }
    #expect(events == ["b"])
}
