import Testing

@testable import TraciaCore

private func options(_ json: String? = nil, _ env: [String: String] = [:]) throws -> ClientOptions {
    try ClientOptions.resolve(json: json, environment: { env[$0] })
}

private func resolveError(_ body: () throws(TraciaError) -> Void) -> TraciaError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

private func client(_ json: String, _ env: [String: String] = [:]) throws -> TraciaClient {
    try TraciaClient(options: options(json, env))
}

private func request(_ model: String, provider: ProviderKind? = nil) -> RunRequest {
    var r = RunRequest(model: model, messages: [Message(role: .user, text: "hi")])
    r.provider = provider
    return r
}

@Test func everyKindHasExactlyOneDescriptor() {
    #expect(ProviderRegistry.all.count == ProviderKind.allCases.count)
    for kind in ProviderKind.allCases {
        #expect(ProviderRegistry.all.filter { $0.kind == kind }.count == 1)
        #expect(kind.descriptor.kind == kind)
        #expect(ProviderRegistry.descriptor(named: kind.rawValue)?.kind == kind)
    }
    #expect(ProviderRegistry.descriptor(named: "bedrock") == nil)
}

@Test func namesPrefixesAndOptionKeysAreUnique() {
    let names = ProviderRegistry.all.map(\.name)
    #expect(Set(names).count == names.count)
    #expect(names == ["openai", "anthropic", "google", "amazon_bedrock", "openai_compatible", "azure", "vertex", "mock"])
    let prefixes = ProviderRegistry.all.compactMap(\.optionPrefix)
    #expect(Set(prefixes).count == prefixes.count)
    let providerKeys = ProviderRegistry.all.flatMap(\.optionKeys)
    #expect(Set(providerKeys).count == providerKeys.count)
    #expect(ClientOptions.generalKeys.isDisjoint(with: providerKeys))
}

/// Vertex AI has no key variable: its calls are authenticated by its settings (a credentials
/// file or a token), which its hint names.
@Test func providersThatNeedAKeyNameItsVariable() {
    for provider in ProviderRegistry.all where provider.requiresKey {
        #expect(!provider.missingKeyHint.isEmpty && provider.optionPrefix != nil)
        #expect(!provider.keyVariables.isEmpty || provider.settings != nil, "\(provider.name)")
    }
}

@Test func acceptedOptionKeysAreTheDocumentedSet() {
    let documented: Set<String> = [
        "api_key", "base_url", "spans_file", "openai_api_key", "openai_base_url", "anthropic_api_key",
        "anthropic_base_url", "google_api_key", "google_base_url", "bedrock_api_key", "bedrock_base_url",
        "connect_timeout_ms", "idle_timeout_ms", "timeout_ms", "first_chunk_timeout_ms", "max_retries", "span_queue_size",
        "span_max_attempts",
        "span_retry_base_ms", "flush_timeout_ms", "max_response_bytes", "otlp_endpoint", "otlp_headers", "service_name",
        "openai_compatible_api_key", "openai_compatible_base_url", "anthropic_version",
        "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_region", "aws_profile", "ca_file", "headers",
        "vertex_api_key", "vertex_base_url", "vertex_project", "vertex_location", "vertex_access_token", "vertex_api_version",
        "vertex_anthropic_version", "google_application_credentials", "google_token_uri", "google_use_vertexai",
        "azure_api_key", "azure_base_url", "azure_endpoint", "azure_api_version", "azure_ad_token",
    ]
    #expect(ClientOptions.keys == documented)
    let unknown = resolveError { () throws(TraciaError) in _ = try ClientOptions.resolve(json: #"{"mock_api_key":"k"}"#) }
    #expect(unknown?.message == "unknown key 'mock_api_key' in options")
}

@Test func eachProviderReadsItsOwnOptionKeys() throws {
    for provider in ProviderRegistry.all {
        guard let prefix = provider.optionPrefix else { continue }
        let o = try options(#"{"\#(prefix)_api_key":"key-\#(prefix)","\#(prefix)_base_url":"http://127.0.0.1:9/\#(prefix)"}"#)
        #expect(o.providerKeys == [provider.kind: "key-\(prefix)"])
        #expect(o.providerBaseURLs == [provider.kind: "http://127.0.0.1:9/\(prefix)"])
    }
}

@Test func modelsResolveByTheSDKPrefixes() {
    var cases: [(String, ProviderKind)] = [
        ("gpt-4.1-mini", .openai), ("o1-preview", .openai), ("o3-mini", .openai), ("o4-mini", .openai),
        ("chatgpt-4o-latest", .openai), ("davinci-002", .openai), ("babbage-002", .openai), ("text-embedding-3-small", .openai),
        ("ft:gpt-4o-mini:org::id", .openai), ("claude-sonnet-4-5", .anthropic), ("gemini-2.5-flash", .google), ("mock/echo", .mock),
    ]
    for vendor in BedrockModelID.vendors {
        cases.append(("\(vendor)model-v1:0", .amazonBedrock))
        for geography in BedrockModelID.geographies { cases.append(("\(geography).\(vendor)model-v1:0", .amazonBedrock)) }
    }
    for (model, kind) in cases {
        #expect(ProviderKind.resolve(model: model) == kind, "\(model)")
        #expect(ProviderRegistry.all.filter { $0.matchesModel(model) }.count == 1, "\(model) matches one provider")
    }
    for model in ["llama3", "ap.anthropic.claude-3-haiku-20240307-v1:0", "mistral-large", "us.unknown.model", "Claude-3"] {
        #expect(ProviderKind.resolve(model: model) == nil, "\(model)")
    }
}

@Test func bedrockGeographiesAreTheInferenceProfilePrefixes() {
    #expect(BedrockModelID.geographies == ["us", "eu", "apac", "us-gov", "jp", "au", "ca", "global"])
    for geography in BedrockModelID.geographies {
        let id = "\(geography).anthropic.claude-3-haiku-20240307-v1:0"
        #expect(BedrockAdapter.regionalModelID(id, region: "eu-central-1") == id)
    }
    #expect(
        BedrockAdapter.regionalModelID("anthropic.claude-3-haiku-20240307-v1:0", region: "us-west-2")
            == "us.anthropic.claude-3-haiku-20240307-v1:0")
}

@Test func namesInSpansAndOpenTelemetry() {
    let expected: [ProviderKind: (String, String)] = [
        .openai: ("openai", "openai"), .anthropic: ("anthropic", "anthropic"), .google: ("google", "gcp.gemini"),
        .amazonBedrock: ("amazon_bedrock", "aws.bedrock"), .openaiCompatible: ("openai", "openai"), .azure: ("azure", "azure.ai.openai"),
        .vertex: ("google", "gcp.vertex_ai"),
        .mock: ("mock", "mock"),
    ]
    for kind in ProviderKind.allCases {
        #expect(kind.spanName == expected[kind]?.0 && kind.descriptor.openTelemetryName == expected[kind]?.1, "\(kind)")
    }
}

@Test func keyAndBaseURLEnvironmentPrecedence() throws {
    let both = try options(nil, ["GOOGLE_API_KEY": "g-primary", "GEMINI_API_KEY": "g-second"])
    #expect(both.providerKeys[.google] == "g-primary")
    let emptyFirst = try options(nil, ["GOOGLE_API_KEY": "", "GEMINI_API_KEY": "g-second"])
    #expect(emptyFirst.providerKeys[.google] == "g-second")
    let bedrock = try options(nil, ["AWS_BEARER_TOKEN_BEDROCK": "bearer", "BEDROCK_API_KEY": "legacy"])
    #expect(bedrock.providerKeys[.amazonBedrock] == "bearer")
    #expect(try options(nil, ["BEDROCK_API_KEY": "legacy"]).providerKeys[.amazonBedrock] == "legacy")
    let endpoints = try options(
        nil, ["AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": "http://127.0.0.1:2"])
    #expect(endpoints.providerBaseURLs[.amazonBedrock] == "http://127.0.0.1:2")
    #expect(try options(nil, ["AWS_ENDPOINT_URL": "http://127.0.0.1:1"]).providerBaseURLs[.amazonBedrock] == "http://127.0.0.1:1")
    let env = [
        "OPENAI_API_KEY": "sk-env", "OPENAI_BASE_URL": "http://127.0.0.1:3", "ANTHROPIC_API_KEY": "a-env",
        "ANTHROPIC_BASE_URL": "http://127.0.0.1:4", "GOOGLE_GEMINI_BASE_URL": "http://127.0.0.1:5",
        "OPENAI_COMPATIBLE_API_KEY": "c-env", "OPENAI_COMPATIBLE_BASE_URL": "http://127.0.0.1:6",
    ]
    let fromEnv = try options(nil, env)
    #expect(fromEnv.providerKeys == [.openai: "sk-env", .anthropic: "a-env", .openaiCompatible: "c-env"])
    #expect(
        fromEnv.providerBaseURLs == [
            .openai: "http://127.0.0.1:3", .anthropic: "http://127.0.0.1:4", .google: "http://127.0.0.1:5",
            .openaiCompatible: "http://127.0.0.1:6",
        ])
    let explicit = try options(#"{"openai_api_key":"sk-option","openai_base_url":"http://127.0.0.1:7"}"#, env)
    #expect(explicit.providerKeys[.openai] == "sk-option" && explicit.providerBaseURLs[.openai] == "http://127.0.0.1:7")
}

@Test func bedrockSettingsFromEnvironmentAndOptions() throws {
    #expect(try options().providerSettings[.amazonBedrock] is BedrockSettings)
    func bedrock(_ json: String?, _ env: [String: String]) throws -> BedrockSettings? {
        try options(json, env).providerSettings[.amazonBedrock] as? BedrockSettings
    }
    #expect(try bedrock(nil, [:])?.region == "eu-central-1")
    #expect(try bedrock(nil, ["AWS_DEFAULT_REGION": "us-west-2"])?.region == "us-west-2")
    #expect(try bedrock(nil, ["AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-west-2"])?.region == "us-east-1")
    #expect(try bedrock(#"{"aws_region":"ap-south-1"}"#, ["AWS_REGION": "us-east-1"])?.region == "ap-south-1")
    let env = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "secret-env", "AWS_SESSION_TOKEN": "token-env"]
    #expect(
        try bedrock(nil, env)?.credentials
            == AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "secret-env", sessionToken: "token-env"))
    let overridden = try bedrock(#"{"aws_secret_access_key":"secret-option"}"#, env)
    #expect(overridden?.credentials?.secretAccessKey == "secret-option" && overridden?.credentials?.accessKeyID == "AKIDENV")
    #expect(try bedrock(nil, ["AWS_ACCESS_KEY_ID": "AKIDENV"])?.credentials == nil)
    let secrets = try options(nil, env).secrets
    #expect(secrets.contains("secret-env") && secrets.contains("token-env") && !secrets.contains("AKIDENV"))
    let badRegion = resolveError { () throws(TraciaError) in
        _ = try ClientOptions.resolve(json: nil, environment: { $0 == "AWS_REGION" ? "US-EAST-1" : nil })
    }
    #expect(badRegion?.message == "the AWS region must be lowercase letters, digits and '-' (as in us-east-1)")
    let newline = resolveError { () throws(TraciaError) in
        _ = try ClientOptions.resolve(
            json: nil, environment: { ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "tok\n"][$0] })
    }
    #expect(newline?.message == "the AWS session token must not contain control characters")
}

@Test func anthropicVersionIsAnthropicsSetting() throws {
    let chosen = try client(#"{"spans_file":"/dev/null","anthropic_api_key":"a-key","anthropic_version":"2024-01-01"}"#)
    defer { chosen.close() }
    let headers = try AnthropicAdapter().httpRequest(for: chosen.resolve(request("claude-sonnet-4-5"))).headers
    #expect(headers.contains("anthropic-version: 2024-01-01"))
    let plain = try client(#"{"spans_file":"/dev/null","anthropic_api_key":"a-key"}"#)
    defer { plain.close() }
    let request = try AnthropicAdapter().httpRequest(for: plain.resolve(request("claude-sonnet-4-5")))
    #expect(request.headers.contains("anthropic-version: 2023-06-01") && request.url == "https://api.anthropic.com/v1/messages")
}

@Test func resolvedCallsGetTheProvidersDefaultBaseURL() throws {
    let c = try client(#"{"spans_file":"/dev/null","openai_api_key":"k-1","google_api_key":"k-2","anthropic_api_key":"k-3"}"#)
    defer { c.close() }
    #expect(try c.resolve(request("gpt-4.1-mini")).baseURL == "https://api.openai.com/v1")
    #expect(try c.resolve(request("claude-sonnet-4-5")).baseURL == "https://api.anthropic.com")
    #expect(try c.resolve(request("gemini-2.5-flash")).baseURL == "https://generativelanguage.googleapis.com")
    var chosen = request("gpt-4.1-mini")
    chosen.baseURL = "http://127.0.0.1:8/v1"
    #expect(try c.resolve(chosen).baseURL == "http://127.0.0.1:8/v1")
}

@Test func bedrockSignsItselfWithAWSCredentials() throws {
    let signed = try client(
        #"{"spans_file":"/dev/null","aws_access_key_id":"AKIDEXAMPLE","aws_secret_access_key":"secret-key","aws_region":"us-east-1"}"#)
    defer { signed.close() }
    let call = try signed.resolve(request("anthropic.claude-3-haiku-20240307-v1:0"))
    #expect(call.apiKey == nil && call.secrets.contains("secret-key"))
    let http = try BedrockAdapter().httpRequest(for: call)
    #expect(http.url == "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-3-haiku-20240307-v1%3A0/converse")
    #expect(http.headers.contains { $0.hasPrefix("Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") })
    // With nothing configured the instance metadata service is the last source; without it, none is left.
    let probing = try client(#"{"spans_file":"/dev/null"}"#)
    defer { probing.close() }
    let viaIMDS = try probing.resolve(request("anthropic.claude-3-haiku-20240307-v1:0"))
    #expect(BedrockAdapter().credentialSource(for: viaIMDS) is AWSInstanceMetadataSource)
    let unsigned = try client(#"{"spans_file":"/dev/null"}"#, ["AWS_EC2_METADATA_DISABLED": "true"])
    defer { unsigned.close() }
    let missing = resolveError { () throws(TraciaError) in _ = try unsigned.resolve(request("anthropic.claude-3-haiku-20240307-v1:0")) }
    #expect(missing?.code == .missingProviderAPIKey)
    for source in [
        "AWS_BEARER_TOKEN_BEDROCK", "BEDROCK_API_KEY", "AWS_ACCESS_KEY_ID", "aws_profile", "AWS_PROFILE", "~/.aws/credentials",
        "~/.aws/config", "credential_process", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "EC2 instance metadata", "provider_api_key",
    ] {
        #expect(missing?.message.contains(source) == true, "\(source)")
    }
}

@Test func resolutionErrorsKeepTheirWording() throws {
    let c = try client(#"{"spans_file":"/dev/null"}"#)
    defer { c.close() }
    func message(_ r: RunRequest) -> String? { resolveError { () throws(TraciaError) in _ = try c.resolve(r) }?.message }
    #expect(
        message(request("llama3"))
            == "cannot tell the provider of model 'llama3'; pass 'provider' (openai, anthropic, google, amazon_bedrock, openai_compatible, azure, vertex or mock)"
    )
    #expect(
        message(request("llama3", provider: .openaiCompatible))
            == "openai_compatible needs the server's URL: pass base_url or set the openai_compatible_base_url option")
    for (model, variable) in [
        ("gpt-4.1-mini", "OPENAI_API_KEY"), ("claude-sonnet-4-5", "ANTHROPIC_API_KEY"), ("gemini-2.5-flash", "GOOGLE_API_KEY"),
    ] {
        let provider = ProviderKind.resolve(model: model)?.rawValue ?? ""
        #expect(message(request(model)) == "no API key for \(provider): set \(variable) or pass provider_api_key")
    }
    // A base URL of the caller's choosing still needs the provider's key; mock never does.
    var local = request("gpt-4.1-mini")
    local.baseURL = "http://127.0.0.1:9/v1"
    #expect(message(local) == "no API key for openai: set OPENAI_API_KEY or pass provider_api_key")
    #expect(message(request("mock/echo")) == nil)
}

@Test func mockRunsThroughItsDescriptor() throws {
    let c = try client(#"{"spans_file":"/dev/null"}"#)
    defer { c.close() }
    var r = request("mock/echo")
    r.messages = [Message(role: .user, text: "hello registry")]
    let result = try c.run(r).waitForResult()
    #expect(result.text == "hello registry" && !result.aborted)
}
