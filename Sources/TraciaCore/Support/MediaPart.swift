/// An image or a document in a user message, in one form whatever shape the caller gave it
/// (OpenAI's content parts or the provider-neutral ones); each provider maps it to its own.
public struct MediaPart: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case image, document
    }

    public enum Source: Sendable, Equatable {
        /// Base64 text (standard alphabet, padded), checked when parsed.
        case base64(String)
        /// An http(s)://, gs:// or s3:// URL.
        case url(String)
        /// A file uploaded to OpenAI's Files API.
        case fileID(String)
    }

    /// OpenAI's image detail level.
    public enum Detail: String, Sendable, CaseIterable {
        case auto, low, high
    }

    public var kind: Kind
    public var source: Source
    /// Lowercase `type/subtype`; always known for base64 data, optional for a URL.
    public var mediaType: String?
    public var filename: String?
    public var detail: Detail?

    public init(kind: Kind, source: Source, mediaType: String? = nil, filename: String? = nil, detail: Detail? = nil) {
        self.kind = kind
        self.source = source
        self.mediaType = mediaType
        self.filename = filename
        self.detail = detail
    }

    /// The size of base64 data once decoded; nil for other sources.
    public var byteCount: Int? {
        guard case .base64(let data) = source else { return nil }
        return Base64.decodedCount(of: data)
    }

    /// The base64 text, nil for other sources.
    public var base64: String? {
        if case .base64(let data) = source { data } else { nil }
    }

    public var url: String? {
        if case .url(let u) = source { u } else { nil }
    }

    /// `data:<media type>;base64,<data>`, for providers that take data inline as a URL.
    public var dataURL: String? {
        guard let data = base64, let mediaType else { return nil }
        return "data:\(mediaType);base64,\(data)"
    }
}

/// Base64 of RFC 4648's standard alphabet with padding, as every provider takes it.
enum Base64 {
    /// Whether `text` is such base64 of at least one byte.
    static func isValid(_ text: String) -> Bool {
        var count = 0
        var padding = 0
        for c in text.utf8 {
            if c == UInt8(ascii: "=") {
                padding += 1
            } else if padding > 0 || value(of: c) == nil {
                return false
            }
            count += 1
        }
        return count > 0 && count % 4 == 0 && padding <= 2
    }

    static func decodedCount(of text: String) -> Int {
        let utf8 = text.utf8
        let padding = utf8.reversed().prefix(2).filter { $0 == UInt8(ascii: "=") }.count
        return utf8.count / 4 * 3 - padding
    }

    /// The bytes of valid base64 text.
    static func decode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(decodedCount(of: text))
        var accumulator: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            guard let v = value(of: c) else { break }
            accumulator = accumulator << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return out
    }

    /// The URL-safe alphabet without padding (RFC 4648 §5), as JSON Web Tokens take it.
    static func urlEncoded(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            var group = UInt32(bytes[i]) << 16
            if n > 1 { group |= UInt32(bytes[i + 1]) << 8 }
            if n > 2 { group |= UInt32(bytes[i + 2]) }
            for k in 0...n { out.append(alphabet[Int(group >> UInt32(18 - 6 * k) & 63)]) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func value(of c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): c - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): c - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
