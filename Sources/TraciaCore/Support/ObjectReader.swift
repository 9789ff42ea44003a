/// Reads the fields of a JSON object with precise errors; unknown keys are rejected.
struct ObjectReader {
    let object: JSONRef
    let context: String

    init(_ value: JSONRef, context: String) throws(TraciaError) {
        guard value.isObject else { throw .invalid("\(context) must be a JSON object") }
        self.object = value
        self.context = context
    }

    /// The object of JSON text, its keys checked against `allowed` (the reader keeps the
    /// document alive).
    static func parse(json: String, context: String, allowed: Set<String>) throws(TraciaError) -> ObjectReader {
        let reader = try ObjectReader(try JSONDocument.parse(json).root, context: context)
        try reader.rejectUnknown(allowed: allowed)
        return reader
    }

    func rejectUnknown(allowed: Set<String>) throws(TraciaError) {
        for (key, _) in object.entries where !allowed.contains(key) {
            throw .invalid("unknown key '\(key)' in \(context)")
        }
    }

    /// The value, or nil when absent or JSON null.
    func value(_ key: String) -> JSONRef? {
        guard let v = object[key], !v.isNull else { return nil }
        return v
    }

    func string(_ key: String, nonEmpty: Bool = false) throws(TraciaError) -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v.string else { throw .invalid("'\(key)' in \(context) must be a string") }
        if nonEmpty && s.isEmpty { throw .invalid("'\(key)' in \(context) must not be empty") }
        return s
    }

    /// A string that goes into an HTTP header (a key, a version): control characters would let
    /// it end the header early and inject others. The error never repeats the value.
    func headerValue(_ key: String) throws(TraciaError) -> String? {
        guard let s = try string(key, nonEmpty: true) else { return nil }
        try Self.checkHeaderValue(s, name: "'\(key)' in \(context)")
        return s
    }

    static func checkHeaderValue(_ value: String, name: String) throws(TraciaError) {
        if value.utf8.contains(where: { $0 < 32 || $0 == 127 }) { throw .invalid("\(name) must not contain control characters") }
    }

    /// The first of several accepted spellings of a field.
    func firstString(_ keys: [String]) throws(TraciaError) -> String? {
        for key in keys { if let s = try string(key, nonEmpty: true) { return s } }
        return nil
    }

    func requiredString(_ key: String) throws(TraciaError) -> String {
        guard let s = try string(key, nonEmpty: true) else { throw .invalid("'\(key)' is required in \(context)") }
        return s
    }

    func bool(_ key: String) throws(TraciaError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard let b = v.bool else { throw .invalid("'\(key)' in \(context) must be true or false") }
        return b
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws(TraciaError) -> Int? {
        guard let v = value(key) else { return nil }
        // Compared as integers: `Int(Double)` of a value past Int's range would trap.
        let number: Int?
        if let i = v.int {
            number = i
        } else if let d = v.number, d == d.rounded() {
            number = Int(exactly: d)
        } else {
            throw .invalid("'\(key)' in \(context) must be an integer")
        }
        guard let number, range.contains(number) else {
            throw .invalid("'\(key)' in \(context) must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    func number(_ key: String, in range: ClosedRange<Double>) throws(TraciaError) -> Double? {
        guard let v = value(key) else { return nil }
        guard let d = v.number, d.isFinite else { throw .invalid("'\(key)' in \(context) must be a number") }
        guard range.contains(d) else {
            throw .invalid("'\(key)' in \(context) must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return d
    }

    func stringArray(_ key: String) throws(TraciaError) -> [String]? {
        guard let v = value(key) else { return nil }
        guard v.isArray else { throw .invalid("'\(key)' in \(context) must be an array of strings") }
        var result: [String] = []
        for item in v.array {
            guard let s = item.string else { throw .invalid("'\(key)' in \(context) must be an array of strings") }
            result.append(s)
        }
        return result
    }

    func stringMap(_ key: String) throws(TraciaError) -> [(String, String)]? {
        guard let v = value(key) else { return nil }
        guard v.isObject else { throw .invalid("'\(key)' in \(context) must be an object of strings") }
        var result: [(String, String)] = []
        for (k, item) in v.entries {
            guard let s = item.string else { throw .invalid("'\(key).\(k)' in \(context) must be a string") }
            result.append((k, s))
        }
        return result
    }

    func object(_ key: String) throws(TraciaError) -> JSONRef? {
        guard let v = value(key) else { return nil }
        guard v.isObject else { throw .invalid("'\(key)' in \(context) must be an object") }
        return v
    }
}
