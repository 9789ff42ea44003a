/// The request's reasoning as Bedrock takes it: in `additionalModelRequestFields`, in the keys of
/// the model's own API, so the form depends on the model family.
struct BedrockReasoning {
    enum Family {
        case claude, nova, gptOSS
    }

    /// The fields for `additionalModelRequestFields`.
    let fields: JSONObject
    /// `inferenceConfig.maxTokens` the fields need; nil: the caller's, if any.
    let maxTokens: Int?

    /// The family of a model id (with or without a profile's geography, or an ARN naming one);
    /// nil for a model that takes none of the forms known here.
    static func family(of model: String) -> Family? {
        let id = BedrockModelID.vendorModel(of: model)
        if id.hasPrefix("anthropic.claude") { return .claude }
        if id.hasPrefix("amazon.nova") { return .nova }
        if id.hasPrefix("openai.gpt-oss") { return .gptOSS }
        return nil
    }

    init(_ reasoning: ReasoningRequest, of r: RunRequest) throws(TraciaError) {
        switch Self.family(of: r.model) {
        case .claude:
            let thinking = try ClaudeThinking(reasoning, of: r, provider: "Claude on amazon_bedrock")
            fields = ["thinking": thinking.field]
            maxTokens = thinking.maxTokens
        case .nova:
            fields = ["reasoningConfig": ["type": "enabled", "maxReasoningEffort": .string(try Self.effort(reasoning, of: "Nova"))]]
            maxTokens = nil
        case .gptOSS:
            fields = ["reasoning_effort": .string(try Self.effort(reasoning, of: "gpt-oss"))]
            maxTokens = nil
        case nil:
            throw .invalid(
                "reasoning: amazon_bedrock takes it for Claude, Nova and gpt-oss models, not '\(r.model)' "
                    + "(send the model's own fields in custom_options.additionalModelRequestFields)")
        }
    }

    /// Nova and gpt-oss take a level of effort and no budget.
    private static func effort(_ reasoning: ReasoningRequest, of family: String) throws(TraciaError) -> String {
        guard let effort = reasoning.effort else {
            throw .invalid("reasoning: \(family) on amazon_bedrock takes an effort, not a budget: give 'effort'")
        }
        return effort.rawValue
    }
}
