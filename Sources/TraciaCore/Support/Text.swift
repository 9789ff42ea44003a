/// String helpers shared by the header parsers, and the signer.
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
}
