internal import CCurl
import Glibc

/// The one place where curl's codes become library errors.
enum Curl {
    /// The error for a failed transfer to `url`; the message names its host.
    static func error(_ code: CURLcode, url: String) -> TraciaError {
        let text = String(cString: curl_easy_strerror(code))
        let host = host(of: url)
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return TraciaError(.timeout, "connection to \(host) timed out: \(text)")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return TraciaError(.networkError, "could not connect to \(host): \(text)")
        case CURLE_GOT_NOTHING:
            return TraciaError(.networkError, "\(host) closed the connection without a response")
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return TraciaError(.networkError, "the connection to \(host) was dropped: \(text)")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            return TraciaError(.networkError, "TLS with \(host) failed: \(text)")
        default:
            return TraciaError(.networkError, "the transfer to \(host) failed: \(text)")
        }
    }

    /// `host:port` of a URL as it was given (no userinfo, which may hold a secret), for messages.
    static func host(of url: String) -> String {
        var rest = Substring(url)
        if let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix("://") { rest = rest[rest.index(colon, offsetBy: 3)...] }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        return host.isEmpty ? "'\(url)'" : String(host)
    }

    /// The transport failure a code stands for, as the retry policy sees it; nil for success.
    static func transportFailure(_ code: CURLcode) -> TransportFailure? {
        switch code {
        case CURLE_OK: nil
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT: .connectFailed
        case CURLE_OPERATION_TIMEDOUT: .timedOut
        case CURLE_GOT_NOTHING: .gotNothing
        case CURLE_SEND_ERROR: .sendFailed
        case CURLE_RECV_ERROR: .receiveFailed
        case CURLE_SSL_CONNECT_ERROR: .tlsConnectFailed
        default: .other
        }
    }

    /// The error for a setup call that failed: the transfer never starts.
    static func setupError(_ what: String, _ text: String) -> TraciaError {
        TraciaError(.unknown, "curl setup failed: \(what): \(text)")
    }

    static func checkSetup(_ code: CURLMcode, _ what: String) throws(TraciaError) {
        guard code == CURLM_OK else { throw setupError(what, String(cString: curl_multi_strerror(code))) }
    }

    /// After a failed curl_multi_perform or curl_multi_poll (out of memory, a poll that cannot
    /// work), poll returns at once and the engine loop would spin. A short sleep instead keeps
    /// the loop turning, so commands, timers and every call's deadlines still run and a call
    /// ends with its timeout rather than hanging.
    static func backOffIfFailing(perform: CURLMcode, poll polled: CURLMcode, waitMS: Int32) {
        guard perform != CURLM_OK || polled != CURLM_OK else { return }
        _ = poll(nil, 0, min(waitMS, 50))
    }

    /// `CURLOPT_URL` for CURLOPT_URL, as curl names its options.
    static func name(of option: CURLoption) -> String {
        guard let name = curl_easy_option_by_id(option)?.pointee.name else { return "option \(option.rawValue)" }
        return "CURLOPT_" + String(cString: name)
    }

    /// A setup fault to inject: transfers to URLs starting with `urlPrefix` fail when `option`
    /// is set, with `code`. For tests of the failure path, which real curl rarely takes.
    struct SetupFault: Sendable {
        var urlPrefix: String
        var option: CURLoption
        var code: CURLcode
    }

    static let setupFaults = Locked<[SetupFault]>([])

    /// Options every easy handle of the library gets; returns the setter for the caller's own.
    static func configure(
        _ easy: UnsafeMutableRawPointer, url: String, body: UnsafeRawBufferPointer,
        headers: UnsafeMutablePointer<curl_slist>?, connectTimeoutMS: Int, caFile: String?
    ) throws(TraciaError) -> EasySetup {
        let fault = setupFaults.withLock { faults in faults.last { url.hasPrefix($0.urlPrefix) } }
        let setup = EasySetup(easy: easy, fault: fault)
        try setup.set(CURLOPT_URL, string: url)
        try setup.set(CURLOPT_NOSIGNAL, 1)
        try setup.set(CURLOPT_PROTOCOLS_STR, string: "http,https")
        try setup.set(CURLOPT_CONNECTTIMEOUT_MS, connectTimeoutMS)
        // libcurl's defaults, stated so no build or environment can change them.
        try setup.set(CURLOPT_SSL_VERIFYPEER, 1)
        try setup.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile { try setup.set(CURLOPT_CAINFO, string: caFile) }
        try setup.set(CURLOPT_TCP_NODELAY, 1)
        try setup.set(CURLOPT_TCP_KEEPALIVE, 1)
        try setup.set(CURLOPT_POST, 1)
        try setup.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(body.count))
        try setup.set(CURLOPT_POSTFIELDS, pointer: body.baseAddress)
        try setup.set(CURLOPT_HTTPHEADER, pointer: headers)
        try setup.set(CURLOPT_USERAGENT, string: "tracia-sdk-swift/\(TraciaVersion.string)")
        return setup
    }

    static func headerList(_ headers: [String]) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        // An empty Expect stops curl from waiting for "100 Continue" on larger bodies.
        for header in headers + ["Expect:"] { list = curl_slist_append(list, header) }
        return list
    }
}

/// Sets options on one easy handle; a code other than CURLE_OK becomes an error naming the option.
struct EasySetup {
    let easy: UnsafeMutableRawPointer
    fileprivate let fault: Curl.SetupFault?

    func set(_ option: CURLoption, _ value: Int) throws(TraciaError) {
        try check(option) { tracia_easy_set_long(easy, option, value) }
    }

    func set(_ option: CURLoption, offset: curl_off_t) throws(TraciaError) {
        try check(option) { tracia_easy_set_off(easy, option, offset) }
    }

    /// curl copies string options, so the string need not outlive the call.
    func set(_ option: CURLoption, string: String) throws(TraciaError) {
        try check(option) { tracia_easy_set_ptr(easy, option, string) }
    }

    func set(_ option: CURLoption, pointer: UnsafeRawPointer?) throws(TraciaError) {
        try check(option) { tracia_easy_set_ptr(easy, option, pointer) }
    }

    func set(_ option: CURLoption, function: tracia_curl_data_fn) throws(TraciaError) {
        try check(option) { tracia_easy_set_data_fn(easy, option, function) }
    }

    private func check(_ option: CURLoption, _ set: () -> CURLcode) throws(TraciaError) {
        let code: CURLcode
        if let fault, fault.option == option { code = fault.code } else { code = set() }
        guard code == CURLE_OK else { throw Curl.setupError(Curl.name(of: option), String(cString: curl_easy_strerror(code))) }
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
