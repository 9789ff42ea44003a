import CCurl
import Glibc

/// The one place where curl's codes become library errors.
enum Curl {
    static func error(_ code: CURLcode) -> TraciaError {
        let text = String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return TraciaError(.timeout, "connection timed out: \(text)")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return TraciaError(.networkError, "could not connect: \(text)")
        case CURLE_GOT_NOTHING:
            return TraciaError(.networkError, "the server closed the connection without a response")
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return TraciaError(.networkError, "the connection was dropped: \(text)")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            return TraciaError(.networkError, "TLS failed: \(text)")
        default:
            return TraciaError(.networkError, "transfer failed: \(text)")
        }
    }

    /// Failures that happen before any response and are worth another attempt.
    static func isRetryable(_ code: CURLcode) -> Bool {
        [
            CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_GOT_NOTHING,
            CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_SSL_CONNECT_ERROR,
        ].contains(code)
    }

    /// Options every easy handle of the library gets.
    static func configure(
        _ easy: UnsafeMutableRawPointer, url: String, body: UnsafeRawBufferPointer,
        headers: UnsafeMutablePointer<curl_slist>?, connectTimeoutMS: Int, caFile: String?
    ) {
        _ = tracia_easy_set_ptr(easy, CURLOPT_URL, url)
        _ = tracia_easy_set_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = tracia_easy_set_ptr(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = tracia_easy_set_long(easy, CURLOPT_CONNECTTIMEOUT_MS, connectTimeoutMS)
        // libcurl's defaults, stated so no build or environment can change them.
        _ = tracia_easy_set_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        _ = tracia_easy_set_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile { _ = tracia_easy_set_ptr(easy, CURLOPT_CAINFO, caFile) }
        _ = tracia_easy_set_long(easy, CURLOPT_TCP_NODELAY, 1)
        _ = tracia_easy_set_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        _ = tracia_easy_set_long(easy, CURLOPT_POST, 1)
        _ = tracia_easy_set_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
        _ = tracia_easy_set_ptr(easy, CURLOPT_POSTFIELDS, body.baseAddress)
        _ = tracia_easy_set_ptr(easy, CURLOPT_HTTPHEADER, headers)
        _ = tracia_easy_set_ptr(easy, CURLOPT_USERAGENT, "tracia-sdk-swift/\(TraciaVersion.string)")
    }

    static func headerList(_ headers: [String]) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        // An empty Expect stops curl from waiting for "100 Continue" on larger bodies.
        for header in headers + ["Expect:"] { list = curl_slist_append(list, header) }
        return list
    }
}

/// A request body that stays at one address while curl reads it.
final class BodyBuffer {
    let pointer: UnsafeMutableRawBufferPointer

    init(_ bytes: [UInt8]) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        bytes.withUnsafeBytes { storage.copyMemory(from: $0) }
        pointer = storage
        count = bytes.count
    }

    let count: Int
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: pointer.baseAddress, count: count) }
    deinit { pointer.deallocate() }
}
