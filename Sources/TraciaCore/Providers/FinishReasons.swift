/// Each provider's stop reasons and what they mean. Reasons a table does not name are a plain
/// stop: providers add reasons within an API version.
struct FinishReasons: Sendable {
    let toolCalls: Set<String>
    let maxTokens: Set<String>
    /// Reasons for which the provider withheld the response: the call fails.
    let blocked: Set<String>

    init(toolCalls: Set<String> = [], maxTokens: Set<String>, blocked: Set<String> = []) {
        self.toolCalls = toolCalls
        self.maxTokens = maxTokens
        self.blocked = blocked
    }

    func finish(_ reason: String) -> ProviderFinish {
        if toolCalls.contains(reason) { return .toolCalls }
        if maxTokens.contains(reason) { return .maxTokens }
        return .stop
    }

    func isBlocked(_ reason: String) -> Bool { blocked.contains(reason) }

    /// Chat Completions `finish_reason`.
    static let openAI = FinishReasons(toolCalls: ["tool_calls", "function_call"], maxTokens: ["length"])

    /// Messages `stop_reason`; Converse's `stopReason` uses the same names.
    static let anthropic = FinishReasons(toolCalls: ["tool_use"], maxTokens: ["max_tokens", "model_context_window_exceeded"])
    static let bedrock = anthropic

    /// `finishReason` of a Gemini candidate, which never says the model called a tool.
    static let gemini = FinishReasons(
        maxTokens: ["MAX_TOKENS"],
        blocked: ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT"])
}
