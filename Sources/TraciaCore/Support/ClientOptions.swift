import Glibc

/// Client configuration: explicit options first, then the environment, then defaults.
public struct ClientOptions: Sendable {
    public var apiKey: String?
    public var baseURL = "https://app.tracia.io"
    public var spansFile: String?
    /// Why spans that belong in the default file fail: there is no per-user place for it.
    var spansFileUnavailable: String?
    public var providerKeys: [ProviderKind: String] = [:]
    public var providerBaseURLs: [ProviderKind: String] = [:]
    /// Where each base URL came from (an option or a variable), for the errors that name it.
    var baseURLSources: [ProviderKind: String] = [:]
    var traciaBaseURLSource = "the default"
    public var connectTimeoutMS = 10_000
    public var idleTimeoutMS = 60_000
    public var timeoutMS = 120_000
    /// Content must come within this time of an attempt's start; nil: no such bound.
    public var firstChunkTimeoutMS: Int?
    public var maxRetries = 2
    public var spanQueueSize = 1000
    public var spanMaxAttempts = 3
    public var spanRetryBaseMS = 500
    public var flushTimeoutMS = 5000
    /// Settings only one provider has, read by the provider's own type (its descriptor's `settings`).
    var providerSettings: [ProviderKind: any ProviderSettings] = [:]
    /// OpenTelemetry export, when an OTLP endpoint is configured.
    public var otlp: OTLPOptions?
    /// Largest response body accepted, in bytes.
    public var maxResponseBytes = 64 << 20
    /// Certificate authorities to trust instead of the system's (PEM). TLS verification itself
    /// is always on: no option or environment variable turns it off.
    public var caFile: String?
    /// Headers added to every provider request.
    var headers: [CustomHeader] = []

    public init() {}

    /// Every option key accepted: the client's own and those the providers add.
    static var keys: Set<String> { generalKeys.union(ProviderRegistry.all.flatMap(\.optionKeys)) }

    static let generalKeys: Set<String> = [
        "api_key", "base_url", "spans_file", "connect_timeout_ms", "idle_timeout_ms", "timeout_ms", "first_chunk_timeout_ms", "max_retries",
        "span_queue_size",
        "span_max_attempts", "span_retry_base_ms", "flush_timeout_ms", "max_response_bytes", "otlp_endpoint", "otlp_headers",
        "service_name", "ca_file", CustomHeader.key,
    ]

    /// Options from JSON text (nil: defaults and environment only).
    public static func resolve(json: String?, environment: (String) -> String? = Environment.get) throws(TraciaError) -> ClientOptions {
        var o = ClientOptions()
        o.apiKey = environment("TRACIA_API_KEY").flatMap { $0.isEmpty ? nil : $0 }
        if let url = environment("TRACIA_BASE_URL"), !url.isEmpty {
            o.baseURL = url
            o.traciaBaseURLSource = "TRACIA_BASE_URL"
        }
        o.spansFile = environment("TRACIA_SPANS_FILE").flatMap { $0.isEmpty ? nil : $0 }
        func firstSet(_ variables: [String]) -> (name: String, value: String)? {
            for name in variables { if let value = environment(name), !value.isEmpty { return (name, value) } }
            return nil
        }
        for provider in ProviderRegistry.all {
            if let key = firstSet(provider.keyVariables) { o.providerKeys[provider.kind] = key.value }
            if let url = firstSet(provider.baseURLVariables) {
                o.providerBaseURLs[provider.kind] = url.value
                o.baseURLSources[provider.kind] = url.name
            }
        }
        var explicitSpansFile = false
        if let json {
            let doc = try JSONDocument.parse(json)
            let r = try ObjectReader(doc.root, context: "options")
            try r.rejectUnknown(allowed: keys)
            if let v = try r.string("api_key") { o.apiKey = v.isEmpty ? nil : v }
            if let v = try r.string("base_url", nonEmpty: true) {
                o.baseURL = v
                o.traciaBaseURLSource = "'base_url' in options"
            }
            if let v = try r.string("spans_file", nonEmpty: true) {
                o.spansFile = v
                explicitSpansFile = true
            }
            for provider in ProviderRegistry.all {
                guard let prefix = provider.optionPrefix else { continue }
                if let v = try r.headerValue("\(prefix)_api_key") { o.providerKeys[provider.kind] = v }
                if let v = try r.string("\(prefix)_base_url", nonEmpty: true) {
                    o.providerBaseURLs[provider.kind] = v
                    o.baseURLSources[provider.kind] = "'\(prefix)_base_url' in options"
                }
            }
            o.connectTimeoutMS = try r.int("connect_timeout_ms", in: 1...600_000) ?? o.connectTimeoutMS
            o.idleTimeoutMS = try r.int("idle_timeout_ms", in: 1...86_400_000) ?? o.idleTimeoutMS
            o.timeoutMS = try r.int("timeout_ms", in: 1...86_400_000) ?? o.timeoutMS
            o.firstChunkTimeoutMS = try r.int("first_chunk_timeout_ms", in: 1...86_400_000)
            o.maxRetries = try r.int("max_retries", in: 0...10) ?? o.maxRetries
            o.spanQueueSize = try r.int("span_queue_size", in: 1...1_000_000) ?? o.spanQueueSize
            o.spanMaxAttempts = try r.int("span_max_attempts", in: 1...20) ?? o.spanMaxAttempts
            o.spanRetryBaseMS = try r.int("span_retry_base_ms", in: 0...600_000) ?? o.spanRetryBaseMS
            o.flushTimeoutMS = try r.int("flush_timeout_ms", in: 0...600_000) ?? o.flushTimeoutMS
            try o.readProviderSettings(options: r, environment: environment)
            for provider in ProviderRegistry.all {
                guard let prefix = provider.optionPrefix, r.value("\(prefix)_base_url") == nil,
                    let url = o.providerSettings[provider.kind]?.baseURL
                else { continue }
                o.providerBaseURLs[provider.kind] = url
            }
            o.headers = try CustomHeader.parse(r) ?? []
            o.maxResponseBytes = try r.int("max_response_bytes", in: 1024...(1 << 40)) ?? o.maxResponseBytes
            if let path = try r.string("ca_file", nonEmpty: true) {
                guard access(path, R_OK) == 0 else { throw .invalid("'ca_file' in options: cannot read \(path)") }
                o.caFile = path
            }
        }
        if json == nil { try o.readProviderSettings(options: nil, environment: environment) }
        o.otlp = try OTLPOptions.resolve(json: json, environment: environment)
        // Keys from the environment too: a stray newline from a .env file must not reach a header.
        if let key = o.apiKey { try ObjectReader.checkHeaderValue(key, name: "the Tracia API key") }
        for provider in ProviderRegistry.all { try o.providerSettings[provider.kind]?.validate() }
        for (kind, key) in o.providerKeys { try ObjectReader.checkHeaderValue(key, name: "the \(kind.rawValue) API key") }
        o.baseURL = try RunRequest.validated(url: o.baseURL, from: o.traciaBaseURLSource)
        for (kind, url) in o.providerBaseURLs {
            o.providerBaseURLs[kind] = try RunRequest.validated(url: url, from: o.baseURLSources[kind] ?? "the \(kind.rawValue) base URL")
        }
        if o.apiKey == nil && o.spansFile == nil {
            o.spansFile = Self.defaultSpansFile(environment)
            if o.spansFile == nil { o.spansFileUnavailable = Self.noDefaultSpansFile }
        }
        if o.apiKey != nil && !explicitSpansFile && environment("TRACIA_SPANS_FILE") == nil { o.spansFile = nil }
        return o
    }

    /// `$XDG_STATE_HOME/tracia/spans.jsonl`, else `$HOME/.local/state/tracia/spans.jsonl`, else the
    /// same under the account's home directory from the user database; nil when there is none.
    /// Relative values are ignored (as XDG asks): spans hold prompts and answers and must never
    /// land in whatever the working directory happens to be.
    static func defaultSpansFile(_ environment: (String) -> String?, accountHome: () -> String? = homeFromUserDatabase) -> String? {
        if let state = environment("XDG_STATE_HOME"), state.hasPrefix("/") { return state + "/tracia/spans.jsonl" }
        let home = environment("HOME").flatMap { $0.hasPrefix("/") ? $0 : nil } ?? accountHome()
        guard let home, home.hasPrefix("/") else { return nil }
        return home + "/.local/state/tracia/spans.jsonl"
    }

    static let noDefaultSpansFile =
        "XDG_STATE_HOME and HOME are unset (or relative) and the account has no home directory; set spans_file or TRACIA_SPANS_FILE"

    /// The home directory of the process's user in the user database (getpwuid_r).
    static func homeFromUserDatabase() -> String? {
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        let rc = getpwuid_r(getuid(), &entry, &buffer, buffer.count, &found)
        guard rc == 0, found != nil, let dir = entry.pw_dir else { return nil }
        return String(cString: dir)
    }

    /// Each provider reads its own settings, in registry order.
    private mutating func readProviderSettings(options: ObjectReader?, environment: (String) -> String?) throws(TraciaError) {
        for provider in ProviderRegistry.all {
            guard let settings = provider.settings else { continue }
            providerSettings[provider.kind] = try settings.read(options: options, environment: environment)
        }
    }

    /// Every secret the client knows, for redaction.
    var secrets: [String] {
        ([apiKey].compactMap { $0 } + providerSettings.values.flatMap(\.secrets) + providerKeys.values
            + headers.filter(\.secret).map(\.value)).filter { $0.count >= 4 }
    }
}

public enum Environment {
    public static func get(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}

extension ClientOptions {
    /// Where spans go without a Tracia key when nothing else is configured; nil when there is no
    /// per-user place for them.
    public static func defaultSpansFilePath() -> String? { defaultSpansFile(Environment.get) }
}
