internal import CJansson
import Glibc

// The two edges of `JSON`: text into a value and a value into text, both through jansson, so
// parsing rules and number formatting are those of every other document in the library.

extension JSON {
    /// Parses JSON text; any value may stand at the top. Duplicate keys, invalid UTF-8, escaped
    /// NUL and anything after the value are errors (invalidRequest), never repaired.
    public init(parsing text: String) throws(TraciaError) {
        var text = text
        let parsed: Result<JSON, TraciaError> = text.withUTF8 { utf8 in
            do throws(TraciaError) {
                return .success(try JSON(parsing: UnsafeRawBufferPointer(utf8)))
            } catch {
                return .failure(error)
            }
        }
        self = try parsed.get()
    }

    public init(parsing bytes: UnsafeRawBufferPointer) throws(TraciaError) {
        self = try Self.parse(bytes, rejectingDuplicates: true)
    }

    /// Text whose duplicate keys jansson resolves the last one wins, for text that is only
    /// maybe JSON (a tool's result) and is sent on as it was always read.
    static func lenientlyParsed(_ text: String) -> JSON? {
        var text = text
        return text.withUTF8 { try? parse(UnsafeRawBufferPointer($0), rejectingDuplicates: false) }
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer, rejectingDuplicates: Bool) throws(TraciaError) -> JSON {
        var error = json_error_t()
        let flags = Int(JSON_DECODE_ANY) | (rejectingDuplicates ? Int(JSON_REJECT_DUPLICATES) : 0)
        let parsed =
            if let base = bytes.baseAddress {
                json_loadb(base.assumingMemoryBound(to: CChar.self), bytes.count, flags, &error)
            } else {
                json_loadb("", 0, flags, &error)
            }
        guard let parsed else { throw JSONDocument.parseError(&error) }
        return JSON(JSONDocument(owning: parsed).root)
    }

    /// A value read out of a jansson document.
    init(_ ref: JSONRef) {
        switch ref.type {
        case JSON_OBJECT: self = .object(JSONObject(members: ref))
        case JSON_ARRAY: self = .array(ref.array.map(JSON.init))
        case JSON_STRING: self = .string(ref.string ?? "")
        case JSON_INTEGER: self = .int(Int64(json_integer_value(ref.raw)))
        case JSON_REAL: self = .double(json_real_value(ref.raw))
        case JSON_TRUE: self = .bool(true)
        case JSON_FALSE: self = .bool(false)
        default: self = .null
        }
    }

    /// Compact text.
    public func serialized() -> String {
        guard let text = serializedCString() else { return "null" }
        defer { free(text) }
        return String(cString: text)
    }

    public func serializedBytes() -> [UInt8] {
        guard let text = serializedCString() else { return Array("null".utf8) }
        defer { free(text) }
        return Array(UnsafeRawBufferPointer(start: text, count: strlen(text)))
    }

    /// Compact text in a malloc'd NUL-terminated buffer, for the C boundary.
    public func serializedCString() -> UnsafeMutablePointer<CChar>? {
        guard let raw = janssonValue() else { return nil }
        defer { tracia_json_decref(raw) }
        return json_dumps(raw, Int(JSON_COMPACT | JSON_ENCODE_ANY) | tracia_json_real_precision_15)
    }

    /// A new jansson value (one reference, the caller's). Numbers JSON cannot hold (NaN,
    /// infinities) become null; strings and keys may hold NUL.
    func janssonValue() -> UnsafeMutablePointer<json_t>? {
        switch self {
        case .null: return json_null()
        case .bool(let b): return b ? json_true() : json_false()
        case .int(let i): return json_integer(json_int_t(i))
        case .double(let d): return d.isFinite ? json_real(d) : json_null()
        case .string(let s): return Self.janssonString(s)
        case .array(let values):
            guard let array = json_array() else { return nil }
            for value in values { json_array_append_new(array, value.janssonValue()) }
            return array
        case .object(let object):
            guard let raw = json_object() else { return nil }
            for member in object.members {
                var key = member.key
                let value = member.value.janssonValue()
                _ = key.withUTF8 { utf8 in
                    utf8.withMemoryRebound(to: CChar.self) { chars in
                        if let base = chars.baseAddress {
                            json_object_setn_new_nocheck(raw, base, chars.count, value)
                        } else {
                            json_object_setn_new_nocheck(raw, "", 0, value)
                        }
                    }
                }
            }
            return raw
        }
    }

    /// Swift strings are valid UTF-8 and may hold NUL, so the length-taking constructor is used.
    private static func janssonString(_ s: String) -> UnsafeMutablePointer<json_t>? {
        var s = s
        return s.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                guard let base = chars.baseAddress else { return json_string_nocheck("") }
                return json_stringn_nocheck(base, chars.count)
            }
        }
    }
}

extension JSONObject {
    /// The members of a jansson object, in its order; empty for anything else.
    init(members ref: JSONRef) {
        var members: [Member] = []
        members.reserveCapacity(ref.isObject ? json_object_size(ref.raw) : 0)
        var iter = ref.isObject ? json_object_iter(ref.raw) : nil
        while let it = iter {
            let key = UnsafeRawPointer(json_object_iter_key(it)).assumingMemoryBound(to: UInt8.self)
            let value = JSONRef(raw: json_object_iter_value(it), owner: ref.owner)
            members.append(
                Member(
                    key: String(decoding: UnsafeBufferPointer(start: key, count: json_object_iter_key_len(it)), as: UTF8.self),
                    value: JSON(value)))
            iter = json_object_iter_next(ref.raw, it)
        }
        self.init(distinctMembers: members)
    }

    /// The object in a jansson value, or nil when it is not an object.
    init?(_ ref: JSONRef) {
        guard ref.isObject else { return nil }
        self.init(members: ref)
    }

    public func serialized() -> String { JSON.object(self).serialized() }
    public func serializedBytes() -> [UInt8] { JSON.object(self).serializedBytes() }
    public func serializedCString() -> UnsafeMutablePointer<CChar>? { JSON.object(self).serializedCString() }
}
