/// Everything the library knows about one provider: how it is named on the wire, in options, in
/// the environment and in spans, which models are its own, what a call needs, and what runs it.
/// Generic code asks these questions of the descriptor and never of the provider's identity.
struct ProviderDescriptor: Sendable {
    typealias TaskFactory = @Sendable (CallStream) throws(TraciaError) -> any EngineTask

    let kind: ProviderKind
    /// Its option keys are `<prefix>_api_key` and `<prefix>_base_url`; nil: it takes neither.
    let optionPrefix: String?
    /// The environment variables holding its key, the first set one winning.
    let keyVariables: [String]
    /// The environment variables holding its base URL, the first set one winning.
    let baseURLVariables: [String]
    /// How MISSING_PROVIDER_API_KEY errors name where the key goes.
    let missingKeyHint: String
    /// The base URL when none is configured; nil when there is none (a compatible server has no
    /// usual address, Bedrock's depends on the region in its settings).
    let defaultBaseURL: String?
    /// Whether the model name is one of this provider's (the Tracia SDKs' rules).
    let matchesModel: @Sendable (String) -> Bool
    /// The provider as the Tracia span API names it.
    let spanName: String
    /// `gen_ai.provider.name` and `gen_ai.system` in the OpenTelemetry semantic conventions.
    let openTelemetryName: String
    /// Whether a call without a key (and without a base URL of the caller's choosing) is refused.
    let requiresKey: Bool
    /// Whether a call without a base URL is refused.
    let requiresBaseURL: Bool
    /// The settings only this provider has; nil when it has none.
    let settings: (any ProviderSettings.Type)?
    /// The engine task that carries out one call.
    let makeTask: TaskFactory
    /// Whether a call may choose between OpenAI's Chat Completions and Responses (`api`).
    var choosesOpenAIAPI = false
    /// Another provider that serves this one's calls when the client's options say so.
    var routedTo: (@Sendable (ClientOptions) -> ProviderKind?)? = nil

    var name: String { kind.rawValue }

    /// The client option keys this provider adds.
    var optionKeys: [String] {
        (optionPrefix.map { ["\($0)_api_key", "\($0)_base_url"] } ?? []) + (settings?.optionKeys ?? [])
    }
}

/// Settings only one provider has (Anthropic's API version, Bedrock's AWS credentials and region),
/// read by the provider's own type from the client options and the environment.
protocol ProviderSettings: Sendable {
    /// The client option keys they are read from.
    static var optionKeys: [String] { get }
    /// The settings when nothing configures them.
    static var defaults: Self { get }
    /// The environment first, then the options (nil when the client has none).
    static func read(options: ObjectReader?, environment: (String) -> String?) throws(TraciaError) -> Self
    /// Checks the final values, whichever source they came from, once every option is read.
    func validate() throws(TraciaError)
    /// Secrets among them, to scrub from anything a call reports.
    var secrets: [String] { get }
    /// Whether calls are authenticated without an API key.
    var signsRequests: Bool { get }
    /// The base URL under a name of the provider's own (Azure's `azure_endpoint`), used when
    /// the `<prefix>_base_url` option is not given.
    var baseURL: String? { get }
}

extension ProviderSettings {
    func validate() throws(TraciaError) {}
    var secrets: [String] { [] }
    var signsRequests: Bool { false }
    var baseURL: String? { nil }
}

/// The providers, one descriptor each. A provider is added by its file (adapter, settings) and
/// one descriptor here.
enum ProviderRegistry {
    static let all: [ProviderDescriptor] = ProviderKind.allCases.map(\.descriptor)

    static func descriptor(named name: String) -> ProviderDescriptor? { ProviderKind(rawValue: name)?.descriptor }

    /// The provider of a model name, the way the Tracia SDKs tell it.
    static func descriptor(forModel model: String) -> ProviderDescriptor? { all.first { $0.matchesModel(model) } }

    /// "a, b or c", for errors that list the providers.
    static var nameList: String {
        let names = all.map(\.name)
        return names.dropLast().joined(separator: ", ") + (names.count > 1 ? " or " : "") + (names.last ?? "")
    }

    private static func httpCall(_ adapter: some ProviderAdapter) -> ProviderDescriptor.TaskFactory {
        { (stream) throws(TraciaError) in try HTTPCall(stream: stream, adapter: adapter) }
    }

    /// Chat Completions or Responses, as `OpenAIAPI.of` chooses for the call.
    private static func openAIFamily(_ chat: some ProviderAdapter) -> ProviderDescriptor.TaskFactory {
        { (stream) throws(TraciaError) in
            let call = stream.call
            if OpenAIAPI.of(call.request, provider: call.provider) == .responses {
                return try HTTPCall(stream: stream, adapter: OpenAIResponsesAdapter())
            }
            return try HTTPCall(stream: stream, adapter: chat)
        }
    }

    static let openAIModelPrefixes = ["gpt-", "o1", "o3", "o4", "chatgpt-", "davinci", "babbage", "text-", "ft:gpt-"]

    static let openAI = ProviderDescriptor(
        kind: .openai, optionPrefix: "openai", keyVariables: ["OPENAI_API_KEY"], baseURLVariables: ["OPENAI_BASE_URL"],
        missingKeyHint: "OPENAI_API_KEY", defaultBaseURL: OpenAIAdapter.defaultBaseURL,
        matchesModel: { model in openAIModelPrefixes.contains(where: model.hasPrefix) }, spanName: "openai",
        openTelemetryName: "openai", requiresKey: true, requiresBaseURL: false, settings: nil, makeTask: openAIFamily(OpenAIAdapter()),
        choosesOpenAIAPI: true)

    static let anthropic = ProviderDescriptor(
        kind: .anthropic, optionPrefix: "anthropic", keyVariables: ["ANTHROPIC_API_KEY"], baseURLVariables: ["ANTHROPIC_BASE_URL"],
        missingKeyHint: "ANTHROPIC_API_KEY", defaultBaseURL: AnthropicAdapter.defaultBaseURL,
        matchesModel: { $0.hasPrefix("claude-") }, spanName: "anthropic", openTelemetryName: "anthropic", requiresKey: true,
        requiresBaseURL: false, settings: AnthropicSettings.self, makeTask: httpCall(AnthropicAdapter()))

    static let google = ProviderDescriptor(
        kind: .google, optionPrefix: "google", keyVariables: ["GOOGLE_API_KEY", "GEMINI_API_KEY"],
        baseURLVariables: ["GOOGLE_GEMINI_BASE_URL"], missingKeyHint: "GOOGLE_API_KEY", defaultBaseURL: GeminiAdapter.defaultBaseURL,
        matchesModel: { $0.hasPrefix("gemini-") }, spanName: "google", openTelemetryName: "gcp.gemini", requiresKey: true,
        requiresBaseURL: false, settings: nil, makeTask: httpCall(GeminiAdapter()),
        routedTo: { options in (options.providerSettings[.vertex] as? VertexSettings)?.servesGemini == true ? .vertex : nil })

    /// Gemini and Claude on Vertex AI. Its key option is express mode's API key; calls are
    /// otherwise authenticated by its settings (a token or a credentials file). Tracia's span API
    /// knows it as Google's.
    static let vertex = ProviderDescriptor(
        kind: .vertex, optionPrefix: "vertex", keyVariables: [], baseURLVariables: ["GOOGLE_VERTEX_BASE_URL"],
        missingKeyHint: "GOOGLE_APPLICATION_CREDENTIALS (a credentials file), google_application_credentials or vertex_access_token",
        defaultBaseURL: nil, matchesModel: { _ in false }, spanName: "google", openTelemetryName: "gcp.vertex_ai", requiresKey: true,
        requiresBaseURL: false, settings: VertexSettings.self, makeTask: httpCall(VertexAdapter()))

    static let amazonBedrock = ProviderDescriptor(
        kind: .amazonBedrock, optionPrefix: "bedrock", keyVariables: ["AWS_BEARER_TOKEN_BEDROCK", "BEDROCK_API_KEY"],
        baseURLVariables: ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL"],
        missingKeyHint: BedrockSettings.missingKeyHint, defaultBaseURL: nil,
        matchesModel: BedrockModelID.isModelID, spanName: "amazon_bedrock", openTelemetryName: "aws.bedrock", requiresKey: true,
        requiresBaseURL: false, settings: BedrockSettings.self, makeTask: httpCall(BedrockAdapter()))

    /// Any server that speaks OpenAI Chat Completions: it has OpenAI's wire format and span names.
    static let openAICompatible = ProviderDescriptor(
        kind: .openaiCompatible, optionPrefix: "openai_compatible", keyVariables: ["OPENAI_COMPATIBLE_API_KEY"],
        baseURLVariables: ["OPENAI_COMPATIBLE_BASE_URL"], missingKeyHint: "OPENAI_COMPATIBLE_API_KEY", defaultBaseURL: nil,
        matchesModel: { _ in false }, spanName: "openai", openTelemetryName: "openai", requiresKey: false, requiresBaseURL: true,
        settings: nil, makeTask: openAIFamily(OpenAIAdapter()), choosesOpenAIAPI: true)

    /// Azure OpenAI: the model is the deployment's name; never told from a model name.
    static let azure = ProviderDescriptor(
        kind: .azure, optionPrefix: "azure", keyVariables: ["AZURE_OPENAI_API_KEY"], baseURLVariables: ["AZURE_OPENAI_ENDPOINT"],
        missingKeyHint: "AZURE_OPENAI_API_KEY (or AZURE_OPENAI_AD_TOKEN)", defaultBaseURL: nil, matchesModel: { _ in false },
        spanName: "azure", openTelemetryName: "azure.ai.openai", requiresKey: true, requiresBaseURL: true, settings: AzureSettings.self,
        makeTask: { (stream) throws(TraciaError) in
            let call = stream.call
            return try HTTPCall(stream: stream, adapter: AzureAdapter(api: OpenAIAPI.of(call.request, provider: call.provider)))
        }, choosesOpenAIAPI: true)

    /// In process: no key, no URL, no options.
    static let mock = ProviderDescriptor(
        kind: .mock, optionPrefix: nil, keyVariables: [], baseURLVariables: [], missingKeyHint: "", defaultBaseURL: nil,
        matchesModel: { $0.hasPrefix("mock/") }, spanName: "mock", openTelemetryName: "mock", requiresKey: false,
        requiresBaseURL: false, settings: nil, makeTask: { stream in MockCall(stream: stream) })
}

extension ProviderKind {
    /// The registry entry; the switch makes a kind without one a compile error.
    var descriptor: ProviderDescriptor {
        switch self {
        case .openai: ProviderRegistry.openAI
        case .anthropic: ProviderRegistry.anthropic
        case .google: ProviderRegistry.google
        case .amazonBedrock: ProviderRegistry.amazonBedrock
        case .openaiCompatible: ProviderRegistry.openAICompatible
        case .azure: ProviderRegistry.azure
        case .vertex: ProviderRegistry.vertex
        case .mock: ProviderRegistry.mock
        }
    }
}
