internal import CCrypto
import Glibc

/// A Google credentials file (Application Default Credentials), as google-auth reads it: its
/// `type` picks the flow. Only what the token exchange needs is kept; its errors name the file,
/// never a value from it.
enum GoogleCredentialsFile: Sendable, Equatable {
    struct ServiceAccount: Sendable, Equatable {
        var clientEmail: String
        var privateKey: String
        var privateKeyID: String?
        var tokenURI: String
        var projectID: String?
    }

    struct AuthorizedUser: Sendable, Equatable {
        var clientID: String
        var clientSecret: String
        var refreshToken: String
        var quotaProjectID: String?
    }

    case serviceAccount(ServiceAccount)
    case authorizedUser(AuthorizedUser)

    /// Where a user's refresh token is exchanged; google-auth ignores the file's `token_uri` for them.
    static let userTokenURI = "https://oauth2.googleapis.com/token"
    /// Larger files are not credentials.
    static let maxBytes = 1 << 20

    static func load(path: String) throws(TraciaError) -> GoogleCredentialsFile {
        try parse(try readFile(path), path: path)
    }

    static func parse(_ bytes: [UInt8], path: String) throws(TraciaError) -> GoogleCredentialsFile {
        // jansson's error would quote the text near the fault, which may be the private key.
        guard let doc = bytes.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }), doc.root.isObject else {
            throw .invalid("the Google credentials file \(path) is not a JSON object")
        }
        let r = try ObjectReader(doc.root, context: "the Google credentials file \(path)")
        let type = try r.string("type") ?? ""
        switch type {
        case "service_account":
            let key = try r.requiredString("private_key")
            guard key.contains("-----BEGIN PRIVATE KEY-----") || key.contains("-----BEGIN RSA PRIVATE KEY-----") else {
                throw .invalid("'private_key' in the Google credentials file \(path) is not a PEM private key")
            }
            let tokenURI = try r.string("token_uri", nonEmpty: true) ?? userTokenURI
            _ = try RunRequest.validated(url: tokenURI, from: "'token_uri' in \(path)")
            let email = try r.requiredString("client_email")
            try ObjectReader.checkHeaderValue(email, name: "'client_email' in \(path)")
            return .serviceAccount(
                ServiceAccount(
                    clientEmail: email, privateKey: key, privateKeyID: try r.string("private_key_id", nonEmpty: true), tokenURI: tokenURI,
                    projectID: try r.string("project_id", nonEmpty: true)))
        case "authorized_user":
            return .authorizedUser(
                AuthorizedUser(
                    clientID: try r.requiredString("client_id"), clientSecret: try r.requiredString("client_secret"),
                    refreshToken: try r.requiredString("refresh_token"), quotaProjectID: try r.string("quota_project_id", nonEmpty: true)))
        case "":
            throw .invalid("the Google credentials file \(path) has no 'type'")
        default:
            throw .invalid(
                "the Google credentials file \(path) is of type '\(type.prefix(64))'; only service_account and authorized_user files are supported"
            )
        }
    }

    /// The project a call goes to when none is configured.
    var projectID: String? {
        switch self {
        case .serviceAccount(let a): a.projectID
        case .authorizedUser(let u): u.quotaProjectID
        }
    }

    /// The quota project a user's calls are billed to (`x-goog-user-project`).
    var quotaProject: String? {
        if case .authorizedUser(let u) = self { return u.quotaProjectID }
        return nil
    }

    var secrets: [String] {
        switch self {
        case .serviceAccount(let a): [a.privateKey] + Self.pemBodyLines(a.privateKey)
        case .authorizedUser(let u): [u.clientSecret, u.refreshToken]
        }
    }

    /// A PEM key quoted in part is still the key: each base64 line is redacted on its own.
    private static func pemBodyLines(_ pem: String) -> [String] {
        pem.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("-----") && $0.count >= 16 }
    }

    private static func readFile(_ path: String) throws(TraciaError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .invalid("cannot read the Google credentials file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else {
                throw .invalid("cannot read the Google credentials file \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { return out }
            out += buffer[0..<n]
            if out.count > maxBytes { throw .invalid("the Google credentials file \(path) is larger than 1 MiB") }
        }
    }
}

/// The service-account assertion of RFC 7523: a JWT signed RS256 with the account's key.
enum GoogleJWT {
    /// google-auth's constant audience, whatever the file's token_uri.
    static let audience = "https://oauth2.googleapis.com/token"
    static let scope = "https://www.googleapis.com/auth/cloud-platform"
    static let lifetimeSeconds: Int64 = 3600

    static func assertion(
        for account: GoogleCredentialsFile.ServiceAccount, nowSeconds: Int64, path: String
    ) throws(TraciaError) -> String {
        var header: JSONObject = ["typ": "JWT", "alg": "RS256"]
        header["kid"] = account.privateKeyID.map(JSON.string)
        let claims: JSONObject = [
            "iat": JSON(Int(nowSeconds)), "exp": JSON(Int(nowSeconds + lifetimeSeconds)), "iss": .string(account.clientEmail),
            "aud": .string(audience), "scope": .string(scope),
        ]
        let input = Base64.urlEncoded(header.serializedBytes()) + "." + Base64.urlEncoded(claims.serializedBytes())
        let signature = try sign(Array(input.utf8), pem: account.privateKey, path: path)
        return input + "." + Base64.urlEncoded(signature)
    }

    static func sign(_ data: [UInt8], pem: String, path: String) throws(TraciaError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 1024)  // an RSA-8192 signature
        var length = 0
        let pemBytes = Array(pem.utf8)
        let rc = pemBytes.withUnsafeBufferPointer { p in
            data.withUnsafeBufferPointer { d in
                out.withUnsafeMutableBufferPointer { o in
                    p.withMemoryRebound(to: CChar.self) { pc in
                        tracia_rs256_sign(pc.baseAddress, pc.count, d.baseAddress, d.count, o.baseAddress, o.count, &length)
                    }
                }
            }
        }
        switch rc {
        case Int32(TRACIA_RS256_OK): return Array(out[0..<length])
        case Int32(TRACIA_RS256_NOT_RSA): throw .invalid("the private key in the Google credentials file \(path) is not an RSA key")
        case Int32(TRACIA_RS256_BAD_KEY):
            throw .invalid("the private key in the Google credentials file \(path) cannot be read (PKCS#8 or PKCS#1 PEM, unencrypted)")
        default: throw TraciaError(.unknown, "signing with the private key of the Google credentials file \(path) failed")
        }
    }

    /// Seconds since the epoch: JWT times are wall-clock times.
    static func nowSeconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec)
    }
}

/// The OAuth 2.0 token endpoint's exchange: the form posted, the access token read back.
enum GoogleTokenExchange {
    struct Token: Equatable {
        var accessToken: String
        /// Nil: the endpoint gave no lifetime (google-auth then never refreshes ahead).
        var expiresInSeconds: Int64?
    }

    static let jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

    /// The URL and the form body that exchange the file's credentials for an access token.
    /// `tokenURI` replaces the file's endpoint (and the constant one of authorized users).
    static func request(
        for file: GoogleCredentialsFile, path: String, tokenURI: String? = nil, nowSeconds: Int64
    ) throws(TraciaError) -> (url: String, body: [UInt8]) {
        switch file {
        case .serviceAccount(let account):
            let jwt = try GoogleJWT.assertion(for: account, nowSeconds: nowSeconds, path: path)
            return (tokenURI ?? account.tokenURI, form([("grant_type", jwtBearerGrant), ("assertion", jwt)]))
        case .authorizedUser(let user):
            let fields = [
                ("grant_type", "refresh_token"), ("client_id", user.clientID), ("client_secret", user.clientSecret),
                ("refresh_token", user.refreshToken),
            ]
            return (tokenURI ?? GoogleCredentialsFile.userTokenURI, form(fields))
        }
    }

    static func form(_ fields: [(String, String)]) -> [UInt8] {
        Array(String.formEncoded(fields).utf8)
    }

    /// The token of a reply; a refusal (`invalid_grant`, `invalid_client`…) is UNAUTHORIZED and
    /// names the file and the endpoint's own words.
    static func token(status: Int, body: [UInt8], path: String) -> Result<Token, TraciaError> {
        let doc = body.withUnsafeBytes { JSONDocument.parse(bytes: $0) }
        let root = doc?.root
        guard (200..<300).contains(status) else {
            let error = root?["error"]?.string ?? root?["error"]?["status"]?.string
            let description = root?["error_description"]?.string ?? root?["error"]?["message"]?.string
            let what = [error, description].compactMap { $0 }.joined(separator: ": ")
            let detail = what.isEmpty ? String(decoding: body.prefix(200), as: UTF8.self) : what
            let refused = (400...403).contains(status)
            return .failure(
                TraciaError(
                    refused ? .unauthorized : .providerError,
                    "the Google token endpoint refused the credentials of \(path) (HTTP \(status)): \(detail.prefix(300))",
                    statusCode: status
                ))
        }
        guard let token = root?["access_token"]?.string, !token.isEmpty else {
            return .failure(TraciaError(.providerError, "the Google token endpoint's answer for \(path) has no access_token"))
        }
        guard !token.utf8.contains(where: { $0 < 32 || $0 == 127 }) else {
            return .failure(TraciaError(.providerError, "the Google token endpoint's access_token for \(path) holds control characters"))
        }
        // google-auth also takes expires_in as a string.
        let lifetime = root?["expires_in"]
        let seconds = lifetime?.int.map(Int64.init) ?? lifetime?.string.flatMap { Int64($0) }
        return .success(Token(accessToken: token, expiresInSeconds: seconds.map { max(0, $0) }))
    }
}

/// Access tokens for a credentials file, fetched by the engine and cached per client: refreshed
/// in the background when less than google-auth's 3 min 45 s remain, and no longer used in the
/// last 10 s, which a request may spend reaching the service.
struct GoogleTokenSource: CredentialSource {
    let file: GoogleCredentialsFile
    let path: String
    /// Replaces the file's token endpoint (option `google_token_uri`).
    let tokenURI: String?
    let timeoutMS: Int

    var refreshAheadMS: Int64 { 225_000 }
    var mandatoryRefreshMS: Int64 { 10_000 }

    /// One entry per account and endpoint; a refresh token is named by a digest, not by itself.
    var cacheKey: String {
        let endpoint = tokenURI ?? ""
        switch file {
        case .serviceAccount(let a): return "google-sa:\(a.clientEmail) \(a.tokenURI) \(endpoint)"
        case .authorizedUser(let u):
            let digest = SigV4.hex(SigV4.sha256(Array(u.refreshToken.utf8))).prefix(16)
            return "google-user:\(u.clientID) \(digest) \(endpoint)"
        }
    }

    func fetch(using fetcher: CredentialFetcher, done: @escaping (Result<Credential, TraciaError>) -> Void) {
        let request: (url: String, body: [UInt8])
        do throws(TraciaError) {
            request = try GoogleTokenExchange.request(for: file, path: path, tokenURI: tokenURI, nowSeconds: GoogleJWT.nowSeconds())
        } catch {
            return done(.failure(error))
        }
        let sent = Clock.nowMS()
        let path = self.path
        fetcher.http(
            method: "POST", url: request.url, headers: ["Content-Type: application/x-www-form-urlencoded", "Accept: application/json"],
            body: request.body, timeoutMS: timeoutMS
        ) { result in
            switch result {
            case .failure(let error):
                done(
                    .failure(
                        TraciaError(error.code, "getting a Google access token for \(path): \(error.message)", statusCode: error.statusCode)
                    ))
            case .success(let reply):
                done(
                    GoogleTokenExchange.token(status: reply.status, body: reply.body, path: path).map { token in
                        // Counted from the request: the token's lifetime started at most then.
                        Credential(
                            value: .bearer(token.accessToken), expiresAtMS: token.expiresInSeconds.map { sent.saturatingAdding($0 * 1000) })
                    })
            }
        }
    }
}
