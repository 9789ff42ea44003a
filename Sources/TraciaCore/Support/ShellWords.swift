/// A command line split into words the way a POSIX shell (and Python's `shlex.split`, which
/// botocore uses for `credential_process`) splits it, without running a shell: blanks separate
/// words; single quotes keep everything literally; inside double quotes a backslash escapes only
/// `"` and `\`; outside quotes it escapes any character. No expansion, no comments.
enum ShellWords {
    static func split(_ line: String) throws(TraciaError) -> [String] {
        var words: [String] = []
        var word: [UInt8] = []
        var inWord = false
        var bytes = Array(line.utf8)[...]
        while let c = bytes.popFirst() {
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                if inWord { words.append(String(decoding: word, as: UTF8.self)) }
                word = []
                inWord = false
            case UInt8(ascii: "'"):
                inWord = true
                guard let end = bytes.firstIndex(of: UInt8(ascii: "'")) else { throw unclosed("'") }
                word += bytes[..<end]
                bytes = bytes[(end + 1)...]
            case UInt8(ascii: "\""):
                inWord = true
                var closed = false
                while let d = bytes.popFirst() {
                    if d == UInt8(ascii: "\"") {
                        closed = true
                        break
                    }
                    if d == UInt8(ascii: "\\"), let next = bytes.first, next == UInt8(ascii: "\"") || next == UInt8(ascii: "\\") {
                        word.append(next)
                        bytes = bytes.dropFirst()
                    } else {
                        word.append(d)
                    }
                }
                if !closed { throw unclosed("\"") }
            case UInt8(ascii: "\\"):
                guard let next = bytes.popFirst() else { throw .invalid("the command line ends in a lone backslash") }
                inWord = true
                word.append(next)
            default:
                inWord = true
                word.append(c)
            }
        }
        if inWord { words.append(String(decoding: word, as: UTF8.self)) }
        return words
    }

    private static func unclosed(_ quote: String) -> TraciaError { .invalid("the command line has an unclosed \(quote) quote") }
}
