/// The providers a call can go to.
public enum ProviderKind: String, Sendable, CaseIterable {
    case openai
    case anthropic
    case google
    case amazonBedrock = "amazon_bedrock"
    /// Any server that speaks OpenAI Chat Completions (Ollama, vLLM, llama.cpp, OpenRouter, …).
    case openaiCompatible = "openai_compatible"
    case mock

    /// The environment variable holding the provider's key, named in errors.
    var keyVariable: String {
        switch self {
        case .openai: "OPENAI_API_KEY"
        case .anthropic: "ANTHROPIC_API_KEY"
        case .google: "GOOGLE_API_KEY"
        case .amazonBedrock: "BEDROCK_API_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
        case .openaiCompatible, .mock: ""
        }
    }

    /// The provider as the Tracia span API names it; compatible servers speak OpenAI's format.
    var spanName: String { self == .openaiCompatible ? ProviderKind.openai.rawValue : rawValue }

    /// Whether calls need a key (compatible servers often do not).
    var needsKey: Bool { self != .mock && self != .openaiCompatible }

    /// Resolves the provider from a model name the way the Tracia SDKs do.
    static func resolve(model: String) -> ProviderKind? {
        if model.hasPrefix("mock/") { return .mock }
        let openAIPrefixes = ["gpt-", "o1", "o3", "o4", "chatgpt-", "davinci", "babbage", "text-", "ft:gpt-"]
        if openAIPrefixes.contains(where: model.hasPrefix) { return .openai }
        if model.hasPrefix("claude-") { return .anthropic }
        if model.hasPrefix("gemini-") { return .google }
        if BedrockModelID.isModelID(model) { return .amazonBedrock }
        return nil
    }
}
