/// String helpers shared by the header parsers, the signer and the URL and form builders.
extension StringProtocol {
    var trimmingSpaces: Substring {
        let s = Substring(self)
        let isSpace = { (c: Character) in c.isWhitespace }  // also "\r\n", which Swift sees as one character
        guard let first = s.firstIndex(where: { !isSpace($0) }), let last = s.lastIndex(where: { !isSpace($0) }) else { return "" }
        return s[first...last]
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }

    /// Percent-encodes all but RFC 3986's unreserved characters (and '/' unless told not to),
    /// as SigV4's canonical URI, a path segment, a query and a form body want it.
    func percentEncoded(keepSlash: Bool = true) -> String {
        var out = ""
        for byte in utf8 {
            let c = Character(UnicodeScalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~".contains(c) || (keepSlash && c == "/")) {
                out.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// `k1=v1&k2=v2`, each side percent-encoded: a URL's query, an x-www-form-urlencoded body.
    static func formEncoded(_ fields: [(String, String)]) -> String {
        fields.map { "\($0.0.percentEncoded(keepSlash: false))=\($0.1.percentEncoded(keepSlash: false))" }.joined(separator: "&")
    }
}
