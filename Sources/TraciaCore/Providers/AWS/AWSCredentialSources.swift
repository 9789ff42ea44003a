/// The AWS credentials that take I/O to obtain: a profile's `credential_process`, container
/// credentials (ECS, EKS Pod Identity) and the EC2 instance metadata service. Temporary keys are
/// refreshed 15 minutes before they expire and no longer used 10 minutes before (botocore's
/// advisory and mandatory windows).
enum AWSCredentialTiming {
    static let refreshAheadMS: Int64 = 15 * 60_000
    static let mandatoryRefreshMS: Int64 = 10 * 60_000
}

/// What the credential services answer, read once: `credential_process`'s stdout (Version 1,
/// `SessionToken`) and the container and IMDS documents (`Token`).
enum AWSCredentialDocument {
    /// `tokenKey` names the session token's field; `requiresExpiration` for the HTTP services,
    /// whose keys always expire. `source` names the service in errors.
    static func parse(
        _ body: [UInt8], source: String, tokenKey: String, requiresVersion: Bool, requiresExpiration: Bool,
        nowEpochMS: Int64 = Timestamp.nowEpochMS(), nowMS: Int64 = Clock.nowMS()
    ) -> Result<Credential, TraciaError> {
        func fail(_ what: String) -> Result<Credential, TraciaError> { .failure(TraciaError(.providerError, "\(source): \(what)")) }
        guard let doc = body.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }), doc.root.isObject else {
            return fail("the output is not a JSON object")
        }
        let root = doc.root
        if requiresVersion {
            guard let version = root["Version"]?.int else { return fail("no Version in the output (expected 1)") }
            guard version == 1 else { return fail("unsupported Version \(version) (expected 1)") }
        }
        if let code = root["Code"]?.string, code != "Success" {
            return fail("\(code): \(root["Message"]?.string ?? "no credentials")")
        }
        guard let id = root["AccessKeyId"]?.string, !id.isEmpty else { return fail("no AccessKeyId in the output") }
        guard let secret = root["SecretAccessKey"]?.string, !secret.isEmpty else { return fail("no SecretAccessKey in the output") }
        let token = root[tokenKey]?.string.flatMap { $0.isEmpty ? nil : $0 }
        for (name, value) in [("AccessKeyId", id), ("SecretAccessKey", secret), (tokenKey, token ?? "")]
        where value.utf8.contains(where: { $0 < 32 || $0 == 127 }) {
            return fail("\(name) holds control characters")
        }
        var expiresAtMS: Int64?
        if let text = root["Expiration"]?.string {
            guard let epoch = Timestamp.epochMS(iso8601: text) else { return fail("Expiration '\(text)' is not an ISO 8601 time") }
            expiresAtMS = nowMS.saturatingAdding(epoch.saturatingSubtracting(nowEpochMS))
        } else if requiresExpiration {
            return fail("no Expiration in the output")
        }
        let keys = AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token)
        return .success(Credential(value: .aws(keys), expiresAtMS: expiresAtMS))
    }

    /// A reply's body for an error message: short, on one line.
    static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return String(text.map { $0.isNewline ? " " : $0 })
    }
}

/// A profile's `credential_process`, run without a shell; stderr goes into the error.
struct AWSProcessSource: CredentialSource {
    let argv: [String]
    let profile: String
    var timeoutMS = 60_000

    var cacheKey: String { "aws-process:" + argv.joined(separator: "\u{0}") }
    var refreshAheadMS: Int64 { AWSCredentialTiming.refreshAheadMS }
    var mandatoryRefreshMS: Int64 { AWSCredentialTiming.mandatoryRefreshMS }

    func fetch(using fetcher: CredentialFetcher, done: @escaping (Result<Credential, TraciaError>) -> Void) {
        let name = "credential_process of AWS profile '\(profile)'"
        fetcher.run(argv: argv, timeoutMS: timeoutMS) { result in
            switch result {
            case .failure(let error):
                done(.failure(TraciaError(error.code, "\(name): \(error.message)")))
            case .success(let output) where output.exitStatus != 0:
                let stderr = AWSCredentialDocument.excerpt(Array(output.stderr.prefix(1000)))
                done(.failure(TraciaError(.providerError, "\(name) exited with status \(output.exitStatus): \(stderr)")))
            case .success(let output):
                done(
                    AWSCredentialDocument.parse(
                        output.stdout, source: name, tokenKey: "SessionToken", requiresVersion: true, requiresExpiration: false))
            }
        }
    }
}

/// Container credentials: a GET with the container's authorization token, three tries.
struct AWSContainerSource: CredentialSource {
    let endpoint: AWSContainerEndpoint
    static let timeoutMS = 2000
    static let attempts = 3

    var cacheKey: String { "aws-container:" + endpoint.url }
    var refreshAheadMS: Int64 { AWSCredentialTiming.refreshAheadMS }
    var mandatoryRefreshMS: Int64 { AWSCredentialTiming.mandatoryRefreshMS }

    /// The token, read again from its file each time: EKS rotates it.
    func authorization() -> Result<String?, TraciaError> {
        var token = endpoint.token
        if let file = endpoint.tokenFile {
            do {
                guard let text = try AWSSharedFiles.readSmallFile(file) else {
                    return .failure(.invalid("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: no file \(file)"))
                }
                token = text
            } catch {
                return .failure(TraciaError(error.code, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: \(error.message)"))
            }
        }
        if let token, token.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
            return .failure(.invalid("the container authorization token holds a CR or LF, which no header may carry"))
        }
        return .success(token)
    }

    func fetch(using fetcher: CredentialFetcher, done: @escaping (Result<Credential, TraciaError>) -> Void) {
        let token: String?
        switch authorization() {
        case .failure(let error): return done(.failure(error))
        case .success(let t): token = t
        }
        var headers = ["Accept: application/json"]
        if let token { headers.append("Authorization: \(token)") }
        attempt(1, headers: headers, token: token, fetcher: fetcher, done: done)
    }

    private func attempt(
        _ n: Int, headers: [String], token: String?, fetcher: CredentialFetcher, done: @escaping (Result<Credential, TraciaError>) -> Void
    ) {
        let name = "container credentials at \(endpoint.url)"
        fetcher.http(method: "GET", url: endpoint.url, headers: headers, body: [], timeoutMS: Self.timeoutMS) { result in
            let outcome: Result<Credential, TraciaError>
            switch result {
            case .failure(let error):
                outcome = .failure(TraciaError(error.code, "\(name): \(error.message)"))
            case .success(let reply) where reply.status != 200:
                outcome = .failure(
                    TraciaError(.providerError, "\(name): HTTP \(reply.status): \(AWSCredentialDocument.excerpt(reply.body))"))
            case .success(let reply):
                outcome = AWSCredentialDocument.parse(
                    reply.body, source: name, tokenKey: "Token", requiresVersion: false, requiresExpiration: true)
            }
            if case .failure(var error) = outcome {
                if n < Self.attempts { return attempt(n + 1, headers: headers, token: token, fetcher: fetcher, done: done) }
                if let token { error.message = Redaction.scrub(error.message, secrets: [token]) }
                return done(.failure(error))
            }
            done(outcome)
        }
    }
}

/// IMDSv2: a session token (PUT), the instance's role, its credentials; IMDSv1 (no token) when
/// the token request is refused (403, 404, 405) or times out, as botocore falls back.
struct AWSInstanceMetadataSource: CredentialSource {
    let endpoint: AWSInstanceMetadataEndpoint

    var cacheKey: String { "aws-imds:" + endpoint.baseURL }
    var refreshAheadMS: Int64 { AWSCredentialTiming.refreshAheadMS }
    var mandatoryRefreshMS: Int64 { AWSCredentialTiming.mandatoryRefreshMS }

    private var name: String { "the EC2 instance metadata service at \(endpoint.baseURL)" }
    private static let rolePath = "/latest/meta-data/iam/security-credentials/"

    func fetch(using fetcher: CredentialFetcher, done: @escaping (Result<Credential, TraciaError>) -> Void) {
        let name = self.name
        fetcher.http(
            method: "PUT", url: endpoint.baseURL + "/latest/api/token", headers: ["x-aws-ec2-metadata-token-ttl-seconds: 21600"],
            body: [], timeoutMS: endpoint.timeoutMS
        ) { result in
            switch result {
            case .success(let reply) where reply.status == 200:
                let token = String(decoding: reply.body, as: UTF8.self)
                guard !token.isEmpty, !token.utf8.contains(where: { $0 < 32 || $0 == 127 }) else {
                    return done(.failure(TraciaError(.providerError, "\(name): the session token is empty or holds control characters")))
                }
                role(token: token, unreachable: false, fetcher: fetcher, done: done)
            case .success(let reply) where [403, 404, 405].contains(reply.status):
                role(token: nil, unreachable: false, fetcher: fetcher, done: done)
            case .success(let reply):
                done(.failure(TraciaError(.providerError, "\(name): HTTP \(reply.status) for a session token")))
            case .failure:
                // Off EC2 nothing answers; IMDSv1 is tried as botocore tries it.
                role(token: nil, unreachable: true, fetcher: fetcher, done: done)
            }
        }
    }

    private func get(_ path: String, token: String?, fetcher: CredentialFetcher, _ done: @escaping (Result<[UInt8], TraciaError>) -> Void) {
        let name = self.name
        fetcher.http(
            method: "GET", url: endpoint.baseURL + path, headers: token.map { ["x-aws-ec2-metadata-token: \($0)"] } ?? [], body: [],
            timeoutMS: endpoint.timeoutMS
        ) { result in
            switch result {
            case .failure(let error): done(.failure(error))
            case .success(let reply) where reply.status == 200: done(.success(reply.body))
            case .success(let reply):
                done(.failure(TraciaError(.providerError, "\(name): HTTP \(reply.status) for \(path)")))
            }
        }
    }

    private func role(
        token: String?, unreachable: Bool, fetcher: CredentialFetcher, done: @escaping (Result<Credential, TraciaError>) -> Void
    ) {
        let name = self.name
        get(Self.rolePath, token: token, fetcher: fetcher) { result in
            switch result {
            case .failure(let error) where unreachable && (error.code == .networkError || error.code == .timeout):
                // Nothing answered at all: not an EC2 instance, so no credentials anywhere.
                var missing = TraciaError.missingKey(for: "amazon_bedrock", hint: BedrockSettings.missingKeyHint)
                missing.message += " (\(name) did not answer: \(error.message))"
                done(.failure(missing))
            case .failure(let error):
                done(.failure(TraciaError(error.code, "\(name): \(error.message)")))
            case .success(let body):
                let role = String(decoding: body, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
                guard !role.isEmpty, role.utf8.allSatisfy({ $0 > 32 && $0 != 127 && $0 != UInt8(ascii: "/") }) else {
                    return done(.failure(TraciaError(.providerError, "\(name): the instance has no IAM role (or a malformed one)")))
                }
                get(Self.rolePath + role, token: token, fetcher: fetcher) { result in
                    switch result {
                    case .failure(let error): done(.failure(TraciaError(error.code, "\(name): \(error.message)")))
                    case .success(let body):
                        done(
                            AWSCredentialDocument.parse(
                                body, source: name, tokenKey: "Token", requiresVersion: false, requiresExpiration: true))
                    }
                }
            }
        }
    }
}
