internal import CCrypto
import Glibc

/// AWS Signature Version 4 for a JSON POST, computed here because Debian's libcurl signs
/// model ids containing ':' wrongly. The canonical URI is the path as sent, percent-encoded once
/// more (non-S3 services double-encode).
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

enum SigV4 {
    /// The headers to add: Authorization, X-Amz-Date and, with session credentials, X-Amz-Security-Token.
    static func headers(
        host: String, path: String, body: [UInt8], credentials: AWSCredentials, region: String,
        service: String, amzDate: String = SigV4.amzDate()
    ) -> [String] {
        let date = String(amzDate.prefix(8))
        var signed: [(String, String)] = [("content-type", "application/json"), ("host", host), ("x-amz-date", amzDate)]
        if let token = credentials.sessionToken { signed.append(("x-amz-security-token", token)) }
        let names = signed.map(\.0).joined(separator: ";")
        let canonical = canonicalRequest(path: path, headers: signed, signedNames: names, body: body)
        let scope = "\(date)/\(region)/\(service)/aws4_request"
        let toSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n\(hex(sha256(Array(canonical.utf8))))"
        var key = hmac(Array("AWS4\(credentials.secretAccessKey)".utf8), date)
        key = hmac(key, region)
        key = hmac(key, service)
        key = hmac(key, "aws4_request")
        let signature = hex(hmac(key, toSign))
        var out = [
            "Authorization: AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(names), Signature=\(signature)",
            "X-Amz-Date: \(amzDate)",
        ]
        if let token = credentials.sessionToken { out.append("X-Amz-Security-Token: \(token)") }
        return out
    }

    static func canonicalRequest(path: String, headers: [(String, String)], signedNames: String, body: [UInt8]) -> String {
        let canonicalHeaders = headers.sorted { $0.0 < $1.0 }.map { "\($0.0):\($0.1.trimmingSpaces)\n" }.joined()
        return "POST\n\(path.percentEncoded())\n\n\(canonicalHeaders)\n\(signedNames)\n\(hex(sha256(body)))"
    }

    static func amzDate() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ v: Int32) -> String { String(v).leftPadded(to: 2) }
        return
            "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }

    static func sha256(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        _ = data.withUnsafeBytes { tracia_sha256($0.baseAddress, data.count, &out) }
        return out
    }

    static func hmac(_ key: [UInt8], _ message: String) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let bytes = Array(message.utf8)
        _ = key.withUnsafeBytes { k in
            bytes.withUnsafeBytes { m in tracia_hmac_sha256(k.baseAddress, key.count, m.baseAddress, bytes.count, &out) }
        }
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}
