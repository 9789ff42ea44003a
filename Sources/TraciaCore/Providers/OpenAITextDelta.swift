/// The commonest OpenAI stream event — a text delta and nothing else the decoder reads — taken
/// in one pass over its bytes, without building a JSON document (which costs more than half
/// of a chunk's time). The pass validates the whole event as strictly as jansson does, and
/// declines (returns false) for anything else: an error, usage, a finish reason, tool calls,
/// reasoning (`reasoning_content` or `reasoning` other than null), a refusal other than null,
/// a first choice whose `index` is not 0 (another choice of an `n` > 1 request), duplicate keys
/// of interest,
/// or anything unusual (exponents, long numbers, deep nesting, NUL escapes). Declined events
/// take the full path, so results never differ; the `openai-text-delta` fuzz harness checks
/// exactly that.
import Glibc

struct OpenAITextDelta {
    private var p: UnsafePointer<UInt8>
    private let end: UnsafePointer<UInt8>
    private var depth = 0

    /// Appends the text of `choices[0].delta.content` to `text`; false when the event is not
    /// a plain text delta (then `text` is left as it was).
    static func read(_ data: UnsafeRawBufferPointer, into text: inout [UInt8]) -> Bool {
        guard let base = data.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        var scanner = OpenAITextDelta(p: base, end: base + data.count)
        let mark = text.count
        guard scanner.event(into: &text) else {
            text.removeSubrange(mark...)
            return false
        }
        return true
    }

    private init(p: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>) {
        self.p = p
        self.end = end
    }

    // MARK: the event's structure

    private mutating func event(into text: inout [UInt8]) -> Bool {
        skipSpace()
        var sawChoices = false
        let ok = object { key, scanner in
            switch key {
            case .error: return false
            case .usage, .finishReason, .toolCalls: return scanner.null()
            case .object: return scanner.chunkObjectName()
            case .choices:
                guard !sawChoices else { return false }
                sawChoices = true
                return scanner.choices(into: &text)
            default: return scanner.value()
            }
        }
        skipSpace()
        return ok && p == end
    }

    private mutating func choices(into text: inout [UInt8]) -> Bool {
        var index = 0
        return array { scanner in
            defer { index += 1 }
            return index == 0 ? scanner.choice(into: &text) : scanner.value()
        }
    }

    private mutating func choice(into text: inout [UInt8]) -> Bool {
        var sawDelta = false
        var sawIndex = false
        return object { key, scanner in
            switch key {
            case .finishReason: return scanner.null()
            case .index:
                guard !sawIndex else { return false }
                sawIndex = true
                return scanner.literal("0")
            case .delta:
                guard !sawDelta else { return false }
                sawDelta = true
                return scanner.delta(into: &text)
            default: return scanner.value()
            }
        }
    }

    private mutating func delta(into text: inout [UInt8]) -> Bool {
        var sawContent = false
        return object { key, scanner in
            switch key {
            case .toolCalls, .reasoning, .refusal: return scanner.null()
            case .content:
                guard !sawContent else { return false }
                sawContent = true
                if scanner.peek == UInt8(ascii: "n") { return scanner.null() }
                return scanner.string(into: &text)
            default: return scanner.value()
            }
        }
    }

    /// `"object"` may only name a chunk: `"error"` there is an error event.
    private mutating func chunkObjectName() -> Bool { literal("\"chat.completion.chunk\"") }

    // MARK: JSON, validated

    private enum Key {
        case error, usage, object, choices, delta, content, finishReason, toolCalls, reasoning, refusal, index, other
    }

    private static let keys: [(StaticString, Key)] = [
        ("error", .error), ("usage", .usage), ("object", .object), ("choices", .choices), ("delta", .delta),
        ("content", .content), ("finish_reason", .finishReason), ("tool_calls", .toolCalls),
        ("reasoning_content", .reasoning), ("reasoning", .reasoning), ("refusal", .refusal), ("index", .index),
    ]

    private static func key(named name: UnsafeBufferPointer<UInt8>) -> Key {
        for (word, key) in keys where word.utf8CodeUnitCount == name.count {
            if memcmp(word.utf8Start, name.baseAddress!, name.count) == 0 { return key }
        }
        return .other
    }

    /// A member's name; plain names are compared where they lie, without a copy.
    private mutating func name() -> Key? {
        guard peek == UInt8(ascii: "\"") else { return nil }
        let start = p + 1
        var q = start
        while q < end, q.pointee >= 0x20, q.pointee < 0x80, q.pointee != UInt8(ascii: "\""), q.pointee != UInt8(ascii: "\\") {
            q += 1
        }
        if q < end, q.pointee == UInt8(ascii: "\""), q > start {
            p = q + 1
            return Self.key(named: UnsafeBufferPointer(start: start, count: q - start))
        }
        var decoded: [UInt8] = []
        guard string(into: &decoded) else { return nil }
        return decoded.isEmpty ? .other : decoded.withUnsafeBufferPointer { Self.key(named: $0) }
    }

    private var peek: UInt8? { p < end ? p.pointee : nil }

    private mutating func skipSpace() {
        while p < end, p.pointee == 0x20 || p.pointee == 0x0A || p.pointee == 0x0D || p.pointee == 0x09 { p += 1 }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard p < end, p.pointee == byte else { return false }
        p += 1
        return true
    }

    private mutating func object(_ member: (Key, inout OpenAITextDelta) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        depth += 1
        guard depth <= 32 else { return false }
        defer { depth -= 1 }
        if take(UInt8(ascii: "}")) { return true }
        while true {
            skipSpace()
            guard let key = name(), take(UInt8(ascii: ":")) else { return false }
            skipSpace()
            guard member(key, &self) else { return false }
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}"))
        }
    }

    private mutating func array(_ element: (inout OpenAITextDelta) -> Bool) -> Bool {
        guard take(UInt8(ascii: "[")) else { return false }
        depth += 1
        guard depth <= 32 else { return false }
        defer { depth -= 1 }
        if take(UInt8(ascii: "]")) { return true }
        while true {
            skipSpace()
            guard element(&self) else { return false }
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "]"))
        }
    }

    private mutating func value() -> Bool {
        skipSpace()
        switch peek {
        case UInt8(ascii: "{"): return object { _, scanner in scanner.value() }
        case UInt8(ascii: "["): return array { scanner in scanner.value() }
        case UInt8(ascii: "\""):
            var ignored: [UInt8] = []
            return string(into: &ignored, keep: false)
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return number()
        }
    }

    private mutating func null() -> Bool {
        skipSpace()
        return literal("null")
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard end - p >= count, memcmp(p, word.utf8Start, count) == 0 else { return false }
        p += count
        return true
    }

    /// Integers and plain fractions of up to 15 digits; exponents and longer numbers (which
    /// jansson may reject as out of range) decline.
    private mutating func number() -> Bool {
        if peek == UInt8(ascii: "-") { p += 1 }
        let digitsStart = p
        guard let first = peek, first >= 0x30 && first <= 0x39 else { return false }
        p += 1
        if first != 0x30 { while let d = peek, d >= 0x30 && d <= 0x39 { p += 1 } }
        var digits = p - digitsStart
        if peek == UInt8(ascii: ".") {
            p += 1
            let fraction = p
            while let d = peek, d >= 0x30 && d <= 0x39 { p += 1 }
            guard p > fraction else { return false }
            digits += p - fraction
        }
        guard digits <= 15, peek != UInt8(ascii: "e"), peek != UInt8(ascii: "E") else { return false }
        return true
    }

    /// A string, its decoded bytes appended to `out`: escapes resolved, UTF-8 validated,
    /// control characters, NUL escapes and unpaired surrogates declined.
    private mutating func string(into out: inout [UInt8], keep: Bool = true) -> Bool {
        guard peek == UInt8(ascii: "\"") else { return false }
        p += 1
        while p < end {
            // A run of plain ASCII goes over in one copy.
            let run = p
            while p < end, p.pointee >= 0x20, p.pointee < 0x80, p.pointee != UInt8(ascii: "\""), p.pointee != UInt8(ascii: "\\") {
                p += 1
            }
            if keep && p > run { out.append(contentsOf: UnsafeBufferPointer(start: run, count: p - run)) }
            guard p < end else { return false }
            switch p.pointee {
            case UInt8(ascii: "\""):
                p += 1
                return true
            case UInt8(ascii: "\\"):
                guard escape(into: &out, keep: keep) else { return false }
            case 0..<0x20:
                return false
            default:
                guard utf8(into: &out, keep: keep) else { return false }
            }
        }
        return false
    }

    private mutating func escape(into out: inout [UInt8], keep: Bool) -> Bool {
        guard end - p >= 2 else { return false }
        let c = p[1]
        p += 2
        var byte: UInt8
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): byte = c
        case UInt8(ascii: "b"): byte = 0x08
        case UInt8(ascii: "f"): byte = 0x0C
        case UInt8(ascii: "n"): byte = 0x0A
        case UInt8(ascii: "r"): byte = 0x0D
        case UInt8(ascii: "t"): byte = 0x09
        case UInt8(ascii: "u"):
            guard var scalar = hex4() else { return false }
            if scalar >= 0xD800 && scalar < 0xDC00 {
                guard end - p >= 2, p[0] == UInt8(ascii: "\\"), p[1] == UInt8(ascii: "u") else { return false }
                p += 2
                guard let low = hex4(), low >= 0xDC00 && low < 0xE000 else { return false }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar < 0xE000 || scalar == 0 {
                return false
            }
            guard let s = Unicode.Scalar(scalar) else { return false }
            if keep { out.append(contentsOf: UTF8.encode(s)!) }
            return true
        default: return false
        }
        if keep { out.append(byte) }
        return true
    }

    private mutating func hex4() -> UInt32? {
        guard end - p >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = p.pointee
            let digit: UInt8
            switch c {
            case 0x30...0x39: digit = c - 0x30
            case 0x41...0x46: digit = c - 0x41 + 10
            case 0x61...0x66: digit = c - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            p += 1
        }
        return value
    }

    /// One multi-byte UTF-8 sequence, strictly (no overlongs, surrogates or values past U+10FFFF).
    private mutating func utf8(into out: inout [UInt8], keep: Bool) -> Bool {
        let b0 = p.pointee
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default: return false
        }
        guard end - p >= length else { return false }
        guard p[1] >= low && p[1] <= high else { return false }
        for i in 2..<max(2, length) where p[i] < 0x80 || p[i] > 0xBF { return false }
        if keep { out.append(contentsOf: UnsafeBufferPointer(start: p, count: length)) }
        p += length
        return true
    }
}
