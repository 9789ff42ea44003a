/// Which of OpenAI's two APIs a call uses: Chat Completions or Responses (request key `api`).
public enum OpenAIAPI: String, Sendable {
    case chat
    case responses

    /// The caller's choice, else Responses for the models `/v1/chat/completions` does not serve
    /// (on OpenAI's own service and Azure: compatible servers such as OpenRouter serve them by
    /// Chat Completions), else Chat Completions.
    static func of(_ r: RunRequest, provider: ProviderKind) -> OpenAIAPI {
        if let api = r.api { return api }
        return provider != .openaiCompatible && isResponsesOnly(r.model) ? .responses : .chat
    }

    /// The models OpenAI serves only by Responses: the `-pro` models of o1, o3 and gpt-5*, every
    /// codex model, computer-use and deep-research.
    static func isResponsesOnly(_ model: String) -> Bool {
        let m = model.lowercased()
        if m.contains("codex") || m.hasPrefix("computer-use") || m.contains("deep-research") { return true }
        let proFamily = m.hasPrefix("o1") || m.hasPrefix("o3") || m.hasPrefix("gpt-5")
        return proFamily && (m.hasSuffix("-pro") || m.contains("-pro-"))
    }
}
