/// A JSON value. Objects keep their members in order, as they are written and sent, so a
/// value built in Swift reads like its wire format:
///
///     let body: JSON = ["model": .string(model), "stream": true, "messages": .array(messages)]
///
/// Text becomes a value, and a value becomes text, only through jansson (`JSONText.swift`).
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object(JSONObject)

    public init(_ value: Bool) { self = .bool(value) }
    public init(_ value: Int) { self = .int(Int64(value)) }
    public init(_ value: Double) { self = .double(value) }
    public init(_ value: String) { self = .string(value) }
    public init(_ values: [String]) { self = .array(values.map(JSON.string)) }

    public var isNull: Bool { self == .null }

    public var bool: Bool? {
        if case .bool(let b) = self { b } else { nil }
    }

    public var int: Int64? {
        if case .int(let i) = self { i } else { nil }
    }

    /// Integers too, as JSON does not tell the two kinds of number apart.
    public var double: Double? {
        switch self {
        case .double(let d): d
        case .int(let i): Double(i)
        default: nil
        }
    }

    public var string: String? {
        if case .string(let s) = self { s } else { nil }
    }

    public var array: [JSON]? {
        if case .array(let a) = self { a } else { nil }
    }

    public var object: JSONObject? {
        if case .object(let o) = self { o } else { nil }
    }

    public subscript(key: String) -> JSON? { object?[key] }

    public subscript(index: Int) -> JSON? {
        guard case .array(let a) = self, a.indices.contains(index) else { return nil }
        return a[index]
    }
}

/// A JSON object: members in order, each key once. Setting a key it already has replaces the
/// value where it stands, as jansson does; a new key goes last.
public struct JSONObject: Sendable, Hashable {
    public struct Member: Sendable, Hashable {
        public let key: String
        public let value: JSON
    }

    /// Equality and hashing follow this order: two objects are equal when their text is.
    public private(set) var members: [Member]

    public init() { members = [] }

    /// Members whose keys are known to be distinct (jansson's own objects).
    init(distinctMembers: [Member]) { members = distinctMembers }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }

    /// Setting nil removes the key.
    public subscript(key: String) -> JSON? {
        get { members.first(where: { $0.key == key })?.value }
        set {
            let index = members.firstIndex(where: { $0.key == key })
            switch (index, newValue) {
            case (let i?, let value?): members[i] = Member(key: key, value: value)
            case (let i?, nil): members.remove(at: i)
            case (nil, let value?): members.append(Member(key: key, value: value))
            case (nil, nil): break
            }
        }
    }

    /// This object with each member of `other` set over it, in `other`'s order.
    public func merging(_ other: JSONObject) -> JSONObject {
        var merged = self
        for member in other.members { merged[member.key] = member.value }
        return merged
    }
}

extension JSONObject: Sequence {
    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self.init()
        for (key, value) in elements { self[key] = value }
    }
}

extension JSON: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension JSON: ExpressibleByStringInterpolation {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(stringInterpolation: DefaultStringInterpolation) { self = .string(String(stringInterpolation: stringInterpolation)) }
}

extension JSON: ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }

    public init(dictionaryLiteral elements: (String, JSON)...) {
        var object = JSONObject()
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
}
