/// Headers a caller adds to provider requests (a gateway's key, OpenRouter-style attribution),
/// from the client's `headers` option and the call's `headers` key: `{"Name": "value"}` or
/// `{"Name": {"value": "…", "secret": true}}`. A secret value is scrubbed from anything a call
/// reports, as keys are.
///
/// They add to what the library sends and never replace it: a name the provider's request
/// already has (its auth header, its content type, its version header) is refused with
/// INVALID_REQUEST rather than sent twice or silently dropped (`conflicts`).
struct CustomHeader: Sendable, Equatable {
    var name: String
    var value: String
    var secret: Bool

    static let key = "headers"
    static let objectKeys: Set<String> = ["value", "secret"]

    /// The headers under `headers` in an object; nil when absent.
    static func parse(_ reader: ObjectReader) throws(TraciaError) -> [CustomHeader]? {
        guard let object = try reader.object(key) else { return nil }
        var headers: [CustomHeader] = []
        for (name, item) in object.entries {
            let where_ = "header '\(name)' in \(reader.context)"
            guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else {
                throw .invalid("'\(name)' in '\(key)' of \(reader.context) is not a header name (letters, digits and !#$%&'*+-.^_`|~)")
            }
            var header = CustomHeader(name: name, value: "", secret: false)
            if let text = item.string {
                header.value = text
            } else if item.isObject {
                let r = try ObjectReader(item, context: where_)
                try r.rejectUnknown(allowed: objectKeys)
                header.value = try r.string("value") ?? ""
                header.secret = try r.bool("secret") ?? false
                guard r.value("value") != nil else { throw .invalid("\(where_) needs a 'value'") }
            } else {
                throw .invalid("\(where_) must be a string or {\"value\": …, \"secret\": true}")
            }
            try ObjectReader.checkHeaderValue(header.value, name: "the value of \(where_)")
            headers.append(header)
        }
        return headers
    }

    /// The call's headers over the client's: a call's header replaces the client's of the same name.
    static func merged(client: [CustomHeader], call: [CustomHeader]) -> [CustomHeader] {
        let overridden = Set(call.map { $0.name.lowercased() })
        return client.filter { !overridden.contains($0.name.lowercased()) } + call
    }

    /// The first custom header whose name a request line already has.
    static func conflict(_ custom: [CustomHeader], with requestHeaders: [String]) -> CustomHeader? {
        let taken = Set(requestHeaders.map { line in line.prefix { $0 != ":" }.lowercased() })
        return custom.first { taken.contains($0.name.lowercased()) }
    }

    var line: String { "\(name): \(value)" }

    /// RFC 9110 token characters.
    private static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }
}
