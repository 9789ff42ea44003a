/// Claude's extended thinking, as Anthropic and Claude on Bedrock take it: `thinking {type
/// "enabled", budget_tokens}`, with an output limit above the budget. The API answers a request
/// that breaks its rules with a 400; they are checked here, before any I/O, so that the caller
/// learns which of its own options to change.
struct ClaudeThinking {
    /// The budget an effort alone sets.
    static func budget(for effort: ReasoningRequest.Effort) -> Int {
        switch effort {
        case .low: 1024
        case .medium: 2048
        case .high: 4096
        }
    }
    static let minimumBudget = 1024
    /// What the output limit leaves for the answer when neither the caller nor the table of
    /// maximum outputs (`OutputBudget`) gives a limit.
    static let answerTokens = 4096
    static let topPRange = 0.95...1.0

    let budget: Int
    /// max_tokens (Bedrock: inferenceConfig.maxTokens), the budget included.
    let maxTokens: Int

    /// `provider` names the API in the messages.
    init(_ reasoning: ReasoningRequest, of r: RunRequest, provider: String) throws(TraciaError) {
        guard let budget = reasoning.budgetTokens ?? reasoning.effort.map(Self.budget(for:)) else {
            throw .invalid("reasoning: give 'effort', 'budget_tokens' or both")
        }
        guard budget >= Self.minimumBudget else {
            throw .invalid("reasoning: \(provider) needs a budget_tokens of at least \(Self.minimumBudget), got \(budget)")
        }
        // The limit holds the budget: without the caller's, the model's maximum output.
        let modelMaximum = OutputBudget.claudeMaximum(of: r.model)
        let maxTokens = r.maxOutputTokens ?? modelMaximum ?? budget.saturatingAdding(Self.answerTokens)
        guard budget < maxTokens else {
            if r.maxOutputTokens == nil {
                throw .invalid(
                    "reasoning: \(provider) takes at most \(maxTokens) output tokens from \(r.model), the reasoning included: budget_tokens \(budget) leaves none for the answer"
                )
            }
            throw .invalid(
                "reasoning: \(provider) needs max_output_tokens above the reasoning budget: max_output_tokens is \(maxTokens), budget_tokens \(budget)"
            )
        }
        if let t = r.temperature, t != 1 {
            throw .invalid("reasoning: \(provider) takes temperature 1 only while it reasons, got \(t) (leave temperature out)")
        }
        if let p = r.topP, !Self.topPRange.contains(p) {
            throw .invalid("reasoning: \(provider) takes a top_p from 0.95 to 1 while it reasons, got \(p)")
        }
        switch r.toolChoice {
        case .required?, .tool?:
            throw .invalid("reasoning: \(provider) cannot reason when tool_choice forces a tool (use auto or none)")
        default:
            break
        }
        self.budget = budget
        self.maxTokens = maxTokens
    }

    /// The `thinking` field of the request.
    var field: JSON { ["type": "enabled", "budget_tokens": JSON(budget)] }
}
