import Glibc
import TraciaCore

/// Answers one HTTP request on 127.0.0.1 with a fixed 200 response, written all at once as a
/// server with the whole body ready would.
final class LoopbackServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let response: [UInt8]
    private var thread = pthread_t()

    init(contentType: String, body: [UInt8]) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw TraciaError(.unknown, "loopback server: errno \(errno)")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let head = "HTTP/1.1 200 OK\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        response = Array(head.utf8) + body
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(
            &thread, nil,
            { context in
                Unmanaged<LoopbackServer>.fromOpaque(context!).takeRetainedValue().serve()
                return nil
            }, context)
    }

    /// Waits for the one exchange to end.
    func join() {
        pthread_join(thread, nil)
        close(listener)
    }

    private func serve() {
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { return }
        defer { close(connection) }
        readRequest(connection)
        var sent = 0
        while sent < response.count {
            let n = response.withUnsafeBytes { send(connection, $0.baseAddress! + sent, response.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// Reads the head and as many body bytes as its Content-Length says.
    private func readRequest(_ connection: Int32) {
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, 4096, 0) }
            if n <= 0 { return }
            request += buffer[0..<n]
            guard let headEnd = request.firstRange(of: Array("\r\n\r\n".utf8)) else { continue }
            let head = String(decoding: request[..<headEnd.lowerBound], as: UTF8.self).lowercased()
            let field = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            let bodyLength = field.flatMap { Int($0.dropFirst("content-length:".count).filter { $0 != " " }) } ?? 0
            if request.count - headEnd.upperBound >= bodyLength { return }
        }
    }
}
