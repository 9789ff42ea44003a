/// Where a Bedrock client's AWS credentials come from, decided once when the client is made,
/// in the order of the AWS SDKs (botocore's resolver): explicit options, the environment, the
/// profile in the shared files (its credentials-file keys, then `credential_process`, then the
/// config file's keys), container credentials, then the EC2 instance metadata service.
/// A pure value: the files' texts and the environment come in, no I/O happens here.
enum AWSCredentialPlan: Equatable, Sendable {
    /// Keys known now (options, environment, a shared file); `origin` names where they are.
    case keys(AWSCredentials, origin: String)
    /// A profile's `credential_process`, already split into its arguments.
    case process(argv: [String], profile: String)
    case container(AWSContainerEndpoint)
    case instanceMetadata(AWSInstanceMetadataEndpoint)
    /// A source was found but cannot be used; calls fail with this error.
    case unusable(TraciaError)
    /// Nothing to use: calls need a Bedrock API key.
    case none
}

/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` / `_FULL_URI` and the token that goes with it.
struct AWSContainerEndpoint: Equatable, Sendable {
    var url: String
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, read again at each fetch (the token rotates).
    var tokenFile: String?
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`, when there is no token file.
    var token: String?
}

/// The instance metadata service: its base URL (no trailing slash) and the time each request
/// may take (`AWS_METADATA_SERVICE_TIMEOUT`, seconds, default 1).
struct AWSInstanceMetadataEndpoint: Equatable, Sendable {
    var baseURL: String
    var timeoutMS = 1000
}

enum AWSCredentialChain {
    /// What the options say; nil fields were not given.
    struct Explicit: Equatable, Sendable {
        var accessKeyID: String?
        var secretAccessKey: String?
        var sessionToken: String?
        var profile: String?
    }

    struct Choice: Equatable, Sendable {
        var plan: AWSCredentialPlan
        /// `region` of the profile in the config file, when it has one.
        var profileRegion: String?
    }

    static let exportHint = "aws configure export-credentials --profile"

    static func choose(explicit: Explicit, environment: (String) -> String?, files: AWSSharedFiles) -> Choice {
        func env(_ name: String) -> String? { environment(name).flatMap { $0.isEmpty ? nil : $0 } }
        // An explicit profile leaves the environment's keys out; AWS_PROFILE does not.
        let useEnvironmentKeys = explicit.profile == nil
        let id = explicit.accessKeyID ?? (useEnvironmentKeys ? env("AWS_ACCESS_KEY_ID") : nil)
        let secret = explicit.secretAccessKey ?? (useEnvironmentKeys ? env("AWS_SECRET_ACCESS_KEY") : nil)
        let token =
            explicit.sessionToken ?? (useEnvironmentKeys ? env("AWS_SESSION_TOKEN") ?? env("AWS_SECURITY_TOKEN") : nil)
        let fromProfile = profilePlan(explicit: explicit, env: env, files: files)
        let origin = explicit.accessKeyID != nil || explicit.secretAccessKey != nil ? "the aws_* options" : "the environment"
        switch (id, secret) {
        case (let id?, let secret?):
            let keys = AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token)
            return Choice(plan: .keys(keys, origin: origin), profileRegion: fromProfile.region)
        case (_?, nil):
            return Choice(
                plan: .unusable(.invalid("an AWS access key id is set in \(origin) without its secret key (AWS_SECRET_ACCESS_KEY)")))
        case (nil, _?):
            return Choice(plan: .unusable(.invalid("an AWS secret key is set in \(origin) without its access key id (AWS_ACCESS_KEY_ID)")))
        case (nil, nil):
            break
        }
        if let plan = fromProfile.plan { return Choice(plan: plan, profileRegion: fromProfile.region) }
        return Choice(plan: instancePlan(env: env), profileRegion: fromProfile.region)
    }

    /// The profile's plan (nil: it has no credentials, go on) and its region.
    private static func profilePlan(
        explicit: Explicit, env: (String) -> String?, files: AWSSharedFiles
    ) -> (plan: AWSCredentialPlan?, region: String?) {
        // botocore reads AWS_DEFAULT_PROFILE before AWS_PROFILE.
        let named = explicit.profile ?? env("AWS_DEFAULT_PROFILE") ?? env("AWS_PROFILE")
        let name = named ?? "default"
        let credentials: [String: String]?
        let config: [String: String]?
        do {
            credentials = try files.credentialsText.map { t throws(TraciaError) in try AWSINIFile.parse(t, path: files.credentialsPath) }?
                .credentialProfiles[name]
            config = try files.configText.map { t throws(TraciaError) in try AWSINIFile.parse(t, path: files.configPath) }?
                .configProfiles[name]
        } catch {
            return (.unusable(error), nil)
        }
        let region = config?["region"].flatMap { $0.isEmpty ? nil : $0 }
        guard credentials != nil || config != nil else {
            if named == nil { return (webIdentityPlan(env: env), nil) }
            return (
                .unusable(.invalid("the AWS profile '\(name)' is in neither \(files.credentialsPath) nor \(files.configPath)")), nil
            )
        }
        let merged = (config ?? [:]).merging(credentials ?? [:]) { _, fromCredentials in fromCredentials }
        func needs(_ what: String) -> AWSCredentialPlan {
            .unusable(
                TraciaError(
                    .missingProviderAPIKey,
                    "the AWS profile '\(name)' uses \(what), which this library does not call; give the profile "
                        + "credential_process = \(exportHint) \(name) (AWS CLI v2) instead, or use a Bedrock API key"))
        }
        if merged["role_arn"] != nil { return (needs("an assumed role (role_arn, through STS)"), region) }
        if merged["web_identity_token_file"] != nil { return (needs("web identity (web_identity_token_file, through STS)"), region) }
        if let plan = webIdentityPlan(env: env) { return (plan, region) }
        if merged["sso_session"] != nil || merged["sso_start_url"] != nil { return (needs("IAM Identity Center (SSO)"), region) }
        if let keys = keys(credentials, origin: "[\(name)] in \(files.credentialsPath)") { return (keys, region) }
        if merged["login_session"] != nil { return (needs("an 'aws login' session (login_session)"), region) }
        if let command = merged["credential_process"] {
            do {
                let argv = try ShellWords.split(command)
                guard !argv.isEmpty else { return (.unusable(.invalid("credential_process of AWS profile '\(name)' is empty")), region) }
                return (.process(argv: argv, profile: name), region)
            } catch {
                return (.unusable(.invalid("credential_process of AWS profile '\(name)': \(error.message)")), region)
            }
        }
        return (keys(config, origin: "[\(name)] in \(files.configPath)"), region)
    }

    private static func keys(_ values: [String: String]?, origin: String) -> AWSCredentialPlan? {
        guard let values, let id = values["aws_access_key_id"], let secret = values["aws_secret_access_key"], !id.isEmpty, !secret.isEmpty
        else { return nil }
        let token = (values["aws_session_token"] ?? values["aws_security_token"]).flatMap { $0.isEmpty ? nil : $0 }
        return .keys(AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token), origin: origin)
    }

    /// EKS's IAM roles for service accounts: a token to exchange with STS.
    private static func webIdentityPlan(env: (String) -> String?) -> AWSCredentialPlan? {
        guard env("AWS_WEB_IDENTITY_TOKEN_FILE") != nil, env("AWS_ROLE_ARN") != nil else { return nil }
        return .unusable(
            TraciaError(
                .missingProviderAPIKey,
                "AWS_WEB_IDENTITY_TOKEN_FILE asks for web identity credentials (through STS), which this library does not fetch; "
                    + "use EKS Pod Identity (container credentials), a profile with credential_process = \(exportHint) NAME, "
                    + "or a Bedrock API key"))
    }

    /// Hosts container credentials may come from over plain http (botocore's list), besides loopback.
    static let containerHosts = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "localhost"]

    /// Container credentials, else IMDS unless it is turned off.
    private static func instancePlan(env: (String) -> String?) -> AWSCredentialPlan {
        let tokenFile = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        let token = tokenFile == nil ? env("AWS_CONTAINER_AUTHORIZATION_TOKEN") : nil
        if let relative = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            return .container(AWSContainerEndpoint(url: "http://169.254.170.2" + relative, tokenFile: tokenFile, token: token))
        }
        if let full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            guard isAllowedContainerURL(full) else {
                return .unusable(
                    .invalid(
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback address or one of "
                            + containerHosts.joined(separator: ", ") + ": \(full)"))
            }
            return .container(AWSContainerEndpoint(url: full, tokenFile: tokenFile, token: token))
        }
        if env("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" { return .none }
        let timeoutMS = env("AWS_METADATA_SERVICE_TIMEOUT").flatMap(Int.init).map { max(1, min($0, 3600)) * 1000 } ?? 1000
        if let endpoint = env("AWS_EC2_METADATA_SERVICE_ENDPOINT") {
            guard endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") else {
                return .unusable(.invalid("AWS_EC2_METADATA_SERVICE_ENDPOINT must be an http or https URL: \(endpoint)"))
            }
            let base = String(endpoint.reversed().drop(while: { $0 == "/" }).reversed())
            return .instanceMetadata(AWSInstanceMetadataEndpoint(baseURL: base, timeoutMS: timeoutMS))
        }
        let ipv6 = env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")?.lowercased() == "ipv6"
        return .instanceMetadata(
            AWSInstanceMetadataEndpoint(baseURL: ipv6 ? "http://[fd00:ec2::254]" : "http://169.254.169.254", timeoutMS: timeoutMS))
    }

    static func isAllowedContainerURL(_ url: String) -> Bool {
        if url.hasPrefix("https://") { return true }
        guard url.hasPrefix("http://"), let (authority, _) = BedrockAdapter.hostAndPath(url) else { return false }
        let host: Substring
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = authority[...close]
        } else {
            host = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        }
        if containerHosts.contains(String(host)) || host == "[::1]" { return true }
        // 127.0.0.0/8, written as a dotted quad.
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
