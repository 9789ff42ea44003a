/// An HTTP request ready for curl.
struct HTTPRequest {
    var url: String
    var headers: [String]
    var body: [UInt8]
}

/// What a provider adds to the shared engine: its request builder, its response decoder,
/// and how its error bodies read. Wire formats only; no I/O.
protocol ProviderAdapter: Sendable {
    func httpRequest(for call: ResolvedCall) throws(TraciaError) -> HTTPRequest
    func decoder(for call: ResolvedCall) -> any ResponseDecoder
    /// The error for an HTTP error response.
    func error(status: Int, body: [UInt8]) -> TraciaError
    /// A wait before retrying that the provider gives in an error body rather than in headers;
    /// read with `RetryHints`' parsers, so hostile values give no wait rather than a trap.
    func retryAfterMS(status: Int, body: [UInt8]) -> Int64?
    /// Where the call's credential comes from when obtaining it takes I/O; the engine gets it
    /// (from the client's cache or by fetching) and sets `call.credential` before `httpRequest`.
    func credentialSource(for call: ResolvedCall) -> (any CredentialSource)?
    /// Whether an error response says the credential itself was refused (expired, revoked), so
    /// that one more try with a fresh one may succeed.
    func refusesCredential(status: Int, body: [UInt8]) -> Bool
}

extension ProviderAdapter {
    func retryAfterMS(status: Int, body: [UInt8]) -> Int64? { nil }
    func credentialSource(for call: ResolvedCall) -> (any CredentialSource)? { nil }
    func refusesCredential(status: Int, body: [UInt8]) -> Bool { status == 401 }

    /// The usual mapping of HTTP statuses; `message` is the provider's own text.
    func httpError(status: Int, message: String) -> TraciaError {
        let code: ErrorCode
        switch status {
        case 401, 403: code = .unauthorized
        case 404: code = .notFound
        case 408: code = .timeout
        default: code = .providerError
        }
        return TraciaError(code, "HTTP \(status): \(message)", statusCode: status)
    }

    /// The text of a body that is not the provider's JSON error shape.
    func bodyText(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(500), as: UTF8.self)
        return text.isEmpty ? "empty response body" : text
    }
}
