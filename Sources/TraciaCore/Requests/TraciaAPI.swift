/// A call of the Tracia REST API (prompts, spans, evaluations) as the request JSON gives it:
/// `{"method", "path", "query", "body", "timeout_ms"}`. The client's key and base URL apply.
struct APICallRequest {
    static let keys: Set<String> = ["method", "path", "query", "body", "timeout_ms"]
    static let methods: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    var method: String
    var path: String
    var query: [(String, String)] = []
    var body: JSON?
    var timeoutMS: Int?

    static func parse(json: String) throws(TraciaError) -> APICallRequest {
        let r = try ObjectReader.parse(json: json, context: "request", allowed: keys)
        let method = try r.requiredString("method")
        guard methods.contains(method) else {
            throw .invalid("'method' must be one of GET, POST, PUT, PATCH, DELETE, not '\(method)'")
        }
        let path = try r.requiredString("path")
        guard path.hasPrefix("/"),
            !path.utf8.contains(where: { $0 <= 32 || $0 == 127 || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") })
        else {
            throw .invalid("'path' must start with '/' and hold no spaces, control characters, '?' or '#' (pass 'query')")
        }
        var request = APICallRequest(method: method, path: path)
        if let query = try r.object("query") {
            for (key, value) in query.entries where !value.isNull {
                if let text = value.string {
                    request.query.append((key, text))
                } else if let flag = value.bool {
                    request.query.append((key, flag ? "true" : "false"))
                } else if value.number != nil {
                    request.query.append((key, value.serialized()))
                } else {
                    throw .invalid("'query.\(key)' must be a string, a number or a boolean")
                }
            }
        }
        if let body = r.value("body"), !body.isNull { request.body = JSON(body) }
        request.timeoutMS = try r.int("timeout_ms", in: 1...86_400_000)
        return request
    }

    /// The path and the query, percent-encoded as a URL's query component.
    var target: String { query.isEmpty ? path : path + "?" + String.formEncoded(query) }
}

/// How the Tracia API's answers read, as the official SDKs read them.
enum TraciaAPIReply {
    /// A 2xx is `{"status", "body"}` (body null for 204 or an empty body); an error status is
    /// the code of the body's `error.code` when it is one of the SDK codes (else UNKNOWN), with
    /// `error.message`; a body that is not such JSON gives UNKNOWN with its text.
    static func read(_ reply: ExchangeReply) -> Result<String, TraciaError> {
        let doc = reply.body.isEmpty ? nil : reply.body.withUnsafeBytes { JSONDocument.parse(bytes: $0) }
        if (200..<300).contains(reply.status) {
            if reply.status != 204 && !reply.body.isEmpty && doc == nil {
                return .failure(
                    TraciaError(
                        .unknown, "the Tracia API answered HTTP \(reply.status) with a body that is not JSON", statusCode: reply.status))
            }
            let body = doc.map { JSON($0.root) } ?? .null
            return .success(JSON.object(["status": JSON(reply.status), "body": body]).serialized())
        }
        return .failure(error(reply, doc))
    }

    private static func error(_ reply: ExchangeReply, _ doc: JSONDocument?) -> TraciaError {
        guard let root = doc?.root, root.isObject else {
            let text = String(decoding: reply.body.prefix(500), as: UTF8.self)
            return TraciaError(.unknown, text.isEmpty ? "HTTP \(reply.status)" : text, statusCode: reply.status)
        }
        let error = root["error"]
        let name = error?["code"]?.string ?? "UNKNOWN"
        let code = ErrorCode.allCases.first { $0 != .misuse && $0.name == name } ?? .unknown
        return TraciaError(code, error?["message"]?.string ?? "Unknown error", statusCode: reply.status)
    }
}

extension TraciaClient {
    /// Starts a call of the Tracia API; returns at once.
    public func apiCall(json: String) throws(TraciaError) -> PendingRequest {
        let request = try APICallRequest.parse(json: json)
        guard let key = options.apiKey else {
            throw TraciaError(.invalidRequest, "the Tracia API needs an API key: pass api_key or set TRACIA_API_KEY")
        }
        let spec = ExchangeSpec(
            method: request.method, url: options.baseURL + request.target,
            headers: SpanDestination.traciaAPIHeaders(key: key), body: request.body.map { $0.serializedBytes() } ?? [],
            connectTimeoutMS: options.connectTimeoutMS, caFile: options.caFile, maxResponseBytes: options.maxResponseBytes,
            policy: .apiCalls(maxRetries: options.maxRetries))
        let pending = try PendingRequest(engine: engine)
        let secrets = options.secrets
        let deadline = Clock.nowMS().saturatingAdding(Int64(request.timeoutMS ?? options.timeoutMS))
        pending.run(spec, deadline: deadline) { [pending] result in
            let read = result.flatMap(TraciaAPIReply.read).mapError { error in
                var scrubbed = error
                scrubbed.message = Redaction.scrub(error.message, secrets: secrets)
                return scrubbed
            }
            pending.complete(read)
        }
        return pending
    }
}
