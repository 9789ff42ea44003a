import Glibc

/// Client configuration: explicit options first, then the environment, then defaults.
public struct ClientOptions: Sendable {
    public var apiKey: String?
    public var baseURL = "https://app.tracia.io"
    public var spansFile: String?
    public var providerKeys: [ProviderKind: String] = [:]
    public var providerBaseURLs: [ProviderKind: String] = [:]
    public var connectTimeoutMS = 10_000
    public var idleTimeoutMS = 60_000
    public var timeoutMS = 120_000
    public var maxRetries = 2
    public var spanQueueSize = 1000
    public var spanMaxAttempts = 3
    public var spanRetryBaseMS = 500
    public var flushTimeoutMS = 5000
    /// Bedrock's SigV4 credentials and region (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
    /// AWS_SESSION_TOKEN; AWS_REGION, else AWS_DEFAULT_REGION, else eu-central-1 as the Tracia SDKs).
    public var awsCredentials: AWSCredentials?
    public var awsRegion = "eu-central-1"
    /// The `anthropic-version` header; 2023-06-01 unless set.
    public var anthropicVersion: String?
    /// OpenTelemetry export, when an OTLP endpoint is configured.
    public var otlp: OTLPOptions?
    /// Largest response body accepted, in bytes.
    public var maxResponseBytes = 64 << 20
    /// Certificate authorities to trust instead of the system's (PEM). TLS verification itself
    /// is always on: no option or environment variable turns it off.
    public var caFile: String?

    public init() {}

    static let keys: Set<String> = [
        "api_key", "base_url", "spans_file", "openai_api_key", "openai_base_url", "anthropic_api_key",
        "anthropic_base_url", "google_api_key", "google_base_url", "bedrock_api_key", "bedrock_base_url",
        "connect_timeout_ms", "idle_timeout_ms", "timeout_ms", "max_retries", "span_queue_size", "span_max_attempts",
        "span_retry_base_ms", "flush_timeout_ms", "max_response_bytes", "otlp_endpoint", "otlp_headers", "service_name",
        "openai_compatible_api_key", "openai_compatible_base_url", "anthropic_version",
        "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_region", "ca_file",
    ]

    /// Options from JSON text (nil: defaults and environment only).
    public static func resolve(json: String?, environment: (String) -> String? = Environment.get) throws(TraciaError) -> ClientOptions {
        var o = ClientOptions()
        o.apiKey = environment("TRACIA_API_KEY").flatMap { $0.isEmpty ? nil : $0 }
        if let url = environment("TRACIA_BASE_URL"), !url.isEmpty { o.baseURL = url }
        o.spansFile = environment("TRACIA_SPANS_FILE").flatMap { $0.isEmpty ? nil : $0 }
        for (kind, vars) in [
            (ProviderKind.openai, ["OPENAI_API_KEY"]), (.anthropic, ["ANTHROPIC_API_KEY"]),
            (.google, ["GOOGLE_API_KEY", "GEMINI_API_KEY"]), (.amazonBedrock, ["AWS_BEARER_TOKEN_BEDROCK", "BEDROCK_API_KEY"]),
            (.openaiCompatible, ["OPENAI_COMPATIBLE_API_KEY"]),
        ] {
            if let key = vars.lazy.compactMap(environment).first(where: { !$0.isEmpty }) { o.providerKeys[kind] = key }
        }
        for (kind, variable) in [
            (ProviderKind.openai, "OPENAI_BASE_URL"), (.anthropic, "ANTHROPIC_BASE_URL"), (.google, "GOOGLE_GEMINI_BASE_URL"),
            (.openaiCompatible, "OPENAI_COMPATIBLE_BASE_URL"), (.amazonBedrock, "AWS_ENDPOINT_URL"),
            (.amazonBedrock, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"),
        ] {
            if let url = environment(variable), !url.isEmpty { o.providerBaseURLs[kind] = url }
        }
        func nonEmpty(_ name: String) -> String? { environment(name).flatMap { $0.isEmpty ? nil : $0 } }
        var keyID = nonEmpty("AWS_ACCESS_KEY_ID")
        var secret = nonEmpty("AWS_SECRET_ACCESS_KEY")
        var token = nonEmpty("AWS_SESSION_TOKEN")
        o.awsRegion = nonEmpty("AWS_REGION") ?? nonEmpty("AWS_DEFAULT_REGION") ?? o.awsRegion
        var explicitSpansFile = false
        if let json {
            let doc = try JSONDocument.parse(json)
            let r = try ObjectReader(doc.root, context: "options")
            try r.rejectUnknown(allowed: keys)
            if let v = try r.string("api_key") { o.apiKey = v.isEmpty ? nil : v }
            if let v = try r.string("base_url", nonEmpty: true) { o.baseURL = v }
            if let v = try r.string("spans_file", nonEmpty: true) {
                o.spansFile = v
                explicitSpansFile = true
            }
            for kind in [ProviderKind.openai, .anthropic, .google, .amazonBedrock, .openaiCompatible] {
                let prefix = kind == .amazonBedrock ? "bedrock" : kind.rawValue
                if let v = try r.headerValue("\(prefix)_api_key") { o.providerKeys[kind] = v }
                if let v = try r.string("\(prefix)_base_url", nonEmpty: true) { o.providerBaseURLs[kind] = v }
            }
            o.connectTimeoutMS = try r.int("connect_timeout_ms", in: 1...600_000) ?? o.connectTimeoutMS
            o.idleTimeoutMS = try r.int("idle_timeout_ms", in: 1...86_400_000) ?? o.idleTimeoutMS
            o.timeoutMS = try r.int("timeout_ms", in: 1...86_400_000) ?? o.timeoutMS
            o.maxRetries = try r.int("max_retries", in: 0...10) ?? o.maxRetries
            o.spanQueueSize = try r.int("span_queue_size", in: 1...1_000_000) ?? o.spanQueueSize
            o.spanMaxAttempts = try r.int("span_max_attempts", in: 1...20) ?? o.spanMaxAttempts
            o.spanRetryBaseMS = try r.int("span_retry_base_ms", in: 0...600_000) ?? o.spanRetryBaseMS
            o.flushTimeoutMS = try r.int("flush_timeout_ms", in: 0...600_000) ?? o.flushTimeoutMS
            o.anthropicVersion = try r.headerValue("anthropic_version") ?? o.anthropicVersion
            keyID = try r.headerValue("aws_access_key_id") ?? keyID
            secret = try r.headerValue("aws_secret_access_key") ?? secret
            token = try r.headerValue("aws_session_token") ?? token
            o.awsRegion = try r.headerValue("aws_region") ?? o.awsRegion
            o.maxResponseBytes = try r.int("max_response_bytes", in: 1024...(1 << 40)) ?? o.maxResponseBytes
            if let path = try r.string("ca_file", nonEmpty: true) {
                guard access(path, R_OK) == 0 else { throw .invalid("'ca_file' in options: cannot read \(path)") }
                o.caFile = path
            }
        }
        o.otlp = try OTLPOptions.resolve(json: json, environment: environment)
        // Keys from the environment too: a stray newline from a .env file must not reach a header.
        for (name, value) in [
            ("the Tracia API key", o.apiKey), ("the AWS access key id", keyID), ("the AWS secret key", secret),
            ("the AWS session token", token), ("the AWS region", o.awsRegion),
        ]
            + o.providerKeys.map({ ("the \($0.key.rawValue) API key", $0.value) })
        {
            if let value { try ObjectReader.checkHeaderValue(value, name: name) }
        }
        // The region becomes part of a host name.
        if o.awsRegion.isEmpty || o.awsRegion.utf8.contains(where: { !(97...122 ~= $0 || 48...57 ~= $0 || $0 == 45) }) {
            throw .invalid("the AWS region must be lowercase letters, digits and '-' (as in us-east-1)")
        }
        if let keyID, let secret { o.awsCredentials = AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token) }
        o.baseURL = try RunRequest.validated(url: o.baseURL, key: "base_url")
        for (kind, url) in o.providerBaseURLs {
            o.providerBaseURLs[kind] = try RunRequest.validated(url: url, key: "\(kind.rawValue)_base_url")
        }
        if o.apiKey == nil || explicitSpansFile { o.spansFile = o.spansFile ?? Self.defaultSpansFile(environment) }
        if o.apiKey != nil && !explicitSpansFile && environment("TRACIA_SPANS_FILE") == nil { o.spansFile = nil }
        return o
    }

    static func defaultSpansFile(_ environment: (String) -> String?) -> String {
        if let state = environment("XDG_STATE_HOME"), !state.isEmpty { return state + "/tracia/spans.jsonl" }
        if let home = environment("HOME"), !home.isEmpty { return home + "/.local/state/tracia/spans.jsonl" }
        return "tracia-spans.jsonl"
    }

    /// Every secret the client knows, for redaction.
    var secrets: [String] {
        ([apiKey, awsCredentials?.secretAccessKey, awsCredentials?.sessionToken].compactMap { $0 } + providerKeys.values).filter {
            $0.count >= 4
        }
    }
}

public enum Environment {
    public static func get(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}
