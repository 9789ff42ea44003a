internal import CJansson
import Glibc

/// An owned reference to a jansson value. Values reached through subscripts stay
/// valid only while the document they come from is alive, so they are `JSONRef`s.
public final class JSONDocument {
    let raw: UnsafeMutablePointer<json_t>

    /// Takes ownership of a new reference.
    init(owning raw: UnsafeMutablePointer<json_t>) { self.raw = raw }

    deinit { tracia_json_decref(raw) }

    var root: JSONRef { JSONRef(raw: raw, owner: self) }

    static func parse(_ text: String) throws(TraciaError) -> JSONDocument {
        let parsed: Result<JSONDocument, TraciaError> = text.withCString { c in
            do throws(TraciaError) { return .success(try parse(cString: c)) } catch { return .failure(error) }
        }
        return try parsed.get()
    }

    /// Parses NUL-terminated bytes as they are: invalid UTF-8 is an error, never repaired.
    static func parse(cString: UnsafePointer<CChar>) throws(TraciaError) -> JSONDocument {
        var error = json_error_t()
        guard let parsed = json_loads(cString, Int(JSON_REJECT_DUPLICATES), &error) else { throw parseError(&error) }
        return JSONDocument(owning: parsed)
    }

    /// Parses bytes from a server or a span file. `\u0000` in a string is text like any other
    /// (strings are read with their length), so it is allowed here; caller input is not.
    static func parse(bytes: UnsafeRawBufferPointer) -> JSONDocument? {
        guard let base = bytes.baseAddress else { return nil }
        var error = json_error_t()
        guard let parsed = json_loadb(base.assumingMemoryBound(to: CChar.self), bytes.count, Int(JSON_ALLOW_NUL), &error) else {
            return nil
        }
        return JSONDocument(owning: parsed)
    }

    static func parseError(_ error: inout json_error_t) -> TraciaError {
        let text = withUnsafeBytes(of: &error.text) { raw in String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self) }
        return .invalid("invalid JSON at line \(error.line), column \(error.column): \(text)")
    }
}

/// A jansson value inside a document. It holds its document, so no value outlives the memory
/// it points into, however short the document's own variable lives.
struct JSONRef {
    let raw: UnsafeMutablePointer<json_t>
    let owner: AnyObject

    var type: json_type { tracia_json_type(raw) }
    var isNull: Bool { type == JSON_NULL }
    var isObject: Bool { type == JSON_OBJECT }
    var isArray: Bool { type == JSON_ARRAY }
    var isString: Bool { type == JSON_STRING }

    subscript(key: String) -> JSONRef? {
        guard let value = json_object_get(raw, key) else { return nil }
        return JSONRef(raw: value, owner: owner)
    }

    subscript(index: Int) -> JSONRef? {
        guard let value = json_array_get(raw, index) else { return nil }
        return JSONRef(raw: value, owner: owner)
    }

    var count: Int { isArray ? json_array_size(raw) : (isObject ? json_object_size(raw) : 0) }

    var array: [JSONRef] { isArray ? (0..<json_array_size(raw)).map { JSONRef(raw: json_array_get(raw, $0), owner: owner) } : [] }

    /// Keys and values of an object, in insertion order.
    var entries: [(String, JSONRef)] {
        guard isObject else { return [] }
        var result: [(String, JSONRef)] = []
        var iter = json_object_iter(raw)
        while let it = iter {
            let key = String(cString: json_object_iter_key(it))
            result.append((key, JSONRef(raw: json_object_iter_value(it), owner: owner)))
            iter = json_object_iter_next(raw, it)
        }
        return result
    }

    var string: String? {
        guard isString, let chars = json_string_value(raw) else { return nil }
        let length = json_string_length(raw)
        return chars.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// The string's bytes without copying; valid while the owner lives.
    var stringBytes: UnsafeBufferPointer<UInt8>? {
        guard isString, let chars = json_string_value(raw) else { return nil }
        return UnsafeBufferPointer(start: UnsafeRawPointer(chars).assumingMemoryBound(to: UInt8.self), count: json_string_length(raw))
    }

    var bool: Bool? {
        switch type {
        case JSON_TRUE: true
        case JSON_FALSE: false
        default: nil
        }
    }

    var int: Int? { type == JSON_INTEGER ? Int(json_integer_value(raw)) : nil }
    var number: Double? { (type == JSON_INTEGER || type == JSON_REAL) ? json_number_value(raw) : nil }

    /// Compact serialisation.
    func serialized() -> String {
        guard let text = json_dumps(raw, Int(JSON_COMPACT | JSON_ENCODE_ANY) | tracia_json_real_precision_15) else { return "null" }
        defer { free(text) }
        return String(cString: text)
    }
}
