/// A call after resolution: the provider, its key and base URL, the limits that apply.
public struct ResolvedCall: Sendable {
    public let request: RunRequest
    public let provider: ProviderKind
    let apiKey: String?
    /// The caller's or the configured base URL, else the provider's default; nil when the
    /// provider has no fixed one.
    let baseURL: String?
    let timeoutMS: Int
    let idleTimeoutMS: Int
    let connectTimeoutMS: Int
    let caFile: String?
    let maxRetries: Int
    let maxResponseBytes: Int
    /// The settings only the provider has (nil: none configured).
    let providerSettings: (any ProviderSettings)?
    /// Secrets to scrub from anything this call reports.
    let secrets: [String]

    /// The provider's settings as its own type; their defaults when none are configured.
    func settings<Settings: ProviderSettings>(_: Settings.Type) -> Settings {
        providerSettings as? Settings ?? .defaults
    }
}

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
}

extension ProviderAdapter {
    func retryAfterMS(status: Int, body: [UInt8]) -> Int64? { nil }

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
