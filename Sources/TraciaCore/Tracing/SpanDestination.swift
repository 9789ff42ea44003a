internal import CCurl

/// Where spans go, and in which format.
struct SpanDestination {
    enum Format {
        /// The Tracia span API's payload.
        case tracia
        /// A line of the JSONL file: the Tracia payload with the call's start and end time.
        case traciaLine
        /// OTLP/HTTP JSON with the OpenTelemetry GenAI attributes.
        case otlp(serviceName: String)
    }

    enum Kind {
        case file(path: String)
        case http(url: String, headers: UnsafeMutablePointer<curl_slist>?)
        /// Spans should go to the default file, but there is no place for it: each span fails
        /// with `reason` rather than landing somewhere unexpected.
        case unavailable(reason: String)
    }

    let kind: Kind
    let format: Format

    func render(_ finished: any FinishedSpan) -> [UInt8] { finished.render(format) }

    var name: String {
        switch kind {
        case .file(let path): "file \(path)"
        case .http(let url, _): Redaction.withoutCredentials(url)
        case .unavailable: "the default span file"
        }
    }

    /// The destinations a client's options configure.
    static func all(for options: ClientOptions) -> [SpanDestination] {
        var destinations: [SpanDestination] = []
        if let key = options.apiKey {
            let headers = Curl.headerList(traciaAPIHeaders(key: key))
            destinations.append(SpanDestination(kind: .http(url: options.baseURL + "/api/v1/spans", headers: headers), format: .tracia))
        }
        if let path = options.spansFile {
            destinations.append(SpanDestination(kind: .file(path: path), format: .traciaLine))
        } else if let reason = options.spansFileUnavailable {
            destinations.append(SpanDestination(kind: .unavailable(reason: reason), format: .tracia))
        }
        if let otlp = options.otlp {
            let headers = Curl.headerList(["Content-Type: application/json"] + otlp.headers.map { "\($0.0): \($0.1)" })
            destinations.append(
                SpanDestination(kind: .http(url: otlp.endpoint, headers: headers), format: .otlp(serviceName: otlp.serviceName)))
        }
        return destinations
    }

    /// The headers of every request to the Tracia API.
    static func traciaAPIHeaders(key: String) -> [String] { ["Content-Type: application/json", "Authorization: Bearer \(key)"] }

    func release() {
        if case .http(_, let headers) = kind { curl_slist_free_all(headers) }
    }
}
