/// Removes secrets from text that leaves the library (errors, spans, logs): the keys the
/// client knows, and anything shaped like a key or a credential header. Matching is on bytes,
/// never on Swift Characters: a combining mark after a key must not hide it.
enum Redaction {
    static let mark = "[REDACTED]"
    /// A secret's start or end cut off by an excerpt is redacted from this many bytes on.
    static let shortestCut = 6

    static func scrub(_ text: String, secrets: [String]) -> String {
        var bytes = Array(text.utf8)
        for secret in secrets {
            let s = Array(secret.utf8)
            guard !s.isEmpty else { continue }
            bytes = replacing(s, in: bytes)
            bytes = redactingCuts(of: s, in: bytes)
        }
        return scrubShapes(bytes)
    }

    /// A URL as errors may name it: credentials written into it (`user:password@host`) removed.
    static func withoutCredentials(_ url: String) -> String {
        let bytes = Array(url.utf8)
        guard let scheme = url.utf8.firstRange(of: "://".utf8)?.upperBound else { return url }
        let start = url.utf8.distance(from: url.utf8.startIndex, to: scheme)
        var end = start
        while end < bytes.count && bytes[end] != UInt8(ascii: "/") && bytes[end] != UInt8(ascii: "?") && bytes[end] != UInt8(ascii: "#") {
            end += 1
        }
        guard let at = bytes[start..<end].lastIndex(of: UInt8(ascii: "@")) else { return url }
        return String(decoding: bytes[..<start] + Array(mark.utf8) + bytes[at...], as: UTF8.self)
    }

    private static func replacing(_ secret: [UInt8], in bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= secret.count else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        var changed = false
        while i < bytes.count {
            if i + secret.count <= bytes.count && bytes[i] == secret[0] && bytes[i..<(i + secret.count)].elementsEqual(secret) {
                out.append(contentsOf: mark.utf8)
                i += secret.count
                changed = true
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return changed ? out : bytes
    }

    /// The text may be an excerpt that cut a secret: its last bytes may be the secret's start,
    /// or its first bytes the secret's end.
    private static func redactingCuts(of secret: [UInt8], in bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        let longest = min(secret.count - 1, bytes.count)
        guard longest >= shortestCut else { return bytes }
        for length in stride(from: longest, through: shortestCut, by: -1)
        where bytes[(bytes.count - length)...].elementsEqual(secret[..<length]) {
            bytes.replaceSubrange((bytes.count - length)..., with: mark.utf8)
            break
        }
        let again = min(secret.count - 1, bytes.count)
        guard again >= shortestCut else { return bytes }
        for length in stride(from: again, through: shortestCut, by: -1)
        where bytes[..<length].elementsEqual(secret[(secret.count - length)...]) {
            bytes.replaceSubrange(..<length, with: mark.utf8)
            break
        }
        return bytes
    }

    private static let markers: [(String, Int)] = [
        ("sk-", 20), ("Bearer ", 1), ("Basic ", 1), ("Authorization:", 1), ("authorization:", 1), ("x-api-key:", 1), ("AKIA", 12),
    ]

    private static func scrubShapes(_ input: [UInt8]) -> String {
        var bytes = input
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var i = 0
        let isTokenByte = { (b: UInt8) in
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 45 || b == 95 || b == 46 || b == 43 || b == 47
                || b == 61
        }
        outer: while i < bytes.count {
            for (marker, minimum) in markers {
                let m = Array(marker.utf8)
                guard i + m.count <= bytes.count, bytes[i..<(i + m.count)].elementsEqual(m) else { continue }
                var j = i + m.count
                while j < bytes.count && bytes[j] == 32 { j += 1 }
                var end = j
                while end < bytes.count && isTokenByte(bytes[end]) { end += 1 }
                if end - j >= minimum {
                    let keep = marker.hasPrefix("sk-") || marker == "AKIA" ? [] : Array(bytes[i..<j])
                    result.append(contentsOf: keep)
                    result.append(contentsOf: mark.utf8)
                    i = end
                    continue outer
                }
            }
            result.append(bytes[i])
            i += 1
        }
        bytes = result
        return String(decoding: bytes, as: UTF8.self)
    }
}
