/// Where OpenTelemetry spans go: the standard OTEL_EXPORTER_OTLP_* variables, or the client
/// options `otlp_endpoint` (the full traces URL), `otlp_headers` (object) and `service_name`.
public struct OTLPOptions: Sendable {
    public var endpoint: String
    public var headers: [(String, String)]
    public var serviceName: String

    static func resolve(json: String?, environment: (String) -> String?) throws(TraciaError) -> OTLPOptions? {
        var endpoint: String?
        var endpointSource = ""
        if let traces = environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), !traces.isEmpty {
            endpoint = traces
            endpointSource = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
        } else if let base = environment("OTEL_EXPORTER_OTLP_ENDPOINT"), !base.isEmpty {
            endpoint = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/v1/traces"
            endpointSource = "OTEL_EXPORTER_OTLP_ENDPOINT"
        }
        var headers =
            parseHeaders(environment("OTEL_EXPORTER_OTLP_HEADERS") ?? "")
            + parseHeaders(environment("OTEL_EXPORTER_OTLP_TRACES_HEADERS") ?? "")
        var serviceName = environment("OTEL_SERVICE_NAME").flatMap { $0.isEmpty ? nil : $0 } ?? "unknown_service"
        if let json {
            let doc = try JSONDocument.parse(json)
            let r = try ObjectReader(doc.root, context: "options")
            if let url = try r.string("otlp_endpoint", nonEmpty: true) {
                endpoint = url
                endpointSource = "'otlp_endpoint' in options"
            }
            if let extra = try r.stringMap("otlp_headers") { headers += extra }
            if let name = try r.string("service_name", nonEmpty: true) { serviceName = name }
        }
        for (name, value) in headers
        where name.utf8.contains(where: { $0 <= 32 || $0 == 58 }) || value.utf8.contains(where: { $0 == 10 || $0 == 13 }) {
            throw TraciaError.invalid("OTLP header '\(name)' is not a valid header")
        }
        guard let endpoint else { return nil }
        let url = try RunRequest.validated(url: endpoint, from: endpointSource)
        return OTLPOptions(endpoint: url, headers: headers, serviceName: serviceName)
    }

    /// `k1=v1,k2=v2` with percent-encoded values, as the OpenTelemetry specification defines.
    static func parseHeaders(_ text: String) -> [(String, String)] {
        text.split(separator: ",").compactMap { pair in
            guard let eq = pair.firstIndex(of: "=") else { return nil }
            let name = String(pair[..<eq].trimmingSpaces)
            let value = percentDecoded(String(pair[pair.index(after: eq)...].trimmingSpaces))
            return name.isEmpty ? nil : (name, value)
        }
    }

    private static func percentDecoded(_ s: String) -> String {
        var out: [UInt8] = []
        var bytes = s.utf8[...]
        while let b = bytes.popFirst() {
            if b == 37, bytes.count >= 2, let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(v)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
