/// The providers a call can go to. What each one is and needs is in its descriptor
/// (`ProviderRegistry`).
public enum ProviderKind: String, Sendable, CaseIterable {
    case openai
    case anthropic
    case google
    case amazonBedrock = "amazon_bedrock"
    /// Any server that speaks OpenAI Chat Completions (Ollama, vLLM, llama.cpp, OpenRouter, …).
    case openaiCompatible = "openai_compatible"
    /// Azure OpenAI: OpenAI's wire formats on an Azure resource.
    case azure
    /// Google Vertex AI: Gemini and Claude models in a Google Cloud project.
    case vertex
    case mock

    /// The provider as the Tracia span API names it.
    var spanName: String { descriptor.spanName }

    /// Resolves the provider from a model name the way the Tracia SDKs do.
    static func resolve(model: String) -> ProviderKind? { ProviderRegistry.descriptor(forModel: model)?.kind }
}
