/// Removes secrets from text that leaves the library (errors, spans, logs): the keys the
/// client knows, and anything shaped like a key or a credential header.
enum Redaction {
    static func scrub(_ text: String, secrets: [String]) -> String {
        var out = text
        for secret in secrets where out.contains(secret) {
            out = out.replacingAll(secret, with: "[REDACTED]")
        }
        return scrubShapes(out)
    }

    private static let markers: [(String, Int)] = [
        ("sk-", 20), ("Bearer ", 1), ("Basic ", 1), ("Authorization:", 1), ("authorization:", 1), ("x-api-key:", 1), ("AKIA", 12),
    ]

    private static func scrubShapes(_ text: String) -> String {
        var bytes = Array(text.utf8)
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
                    result.append(contentsOf: "[REDACTED]".utf8)
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

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        let t = Array(target.utf8)
        let s = Array(self.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if i + t.count <= s.count && s[i..<(i + t.count)].elementsEqual(t) {
                out.append(contentsOf: replacement.utf8)
                i += t.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
