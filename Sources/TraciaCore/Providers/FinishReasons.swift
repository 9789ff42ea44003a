/// Each provider's stop reasons and what they mean, in one place. A reason a table does not name
/// is `other`, never a plain stop: providers add reasons within an API version, and a reason
/// not understood must not pass for the natural end of the answer.
struct FinishReasons: Sendable {
    private let meanings: [String: FinishReason]

    init(_ table: KeyValuePairs<FinishReason, [String]>) {
        var meanings: [String: FinishReason] = [:]
        for (reason, raws) in table {
            for raw in raws { meanings[raw] = reason }
        }
        self.meanings = meanings
    }

    func finish(_ raw: String) -> ProviderFinish { ProviderFinish(reason: meanings[raw] ?? .other, raw: raw) }

    /// Chat Completions `finish_reason`.
    static let openAI = FinishReasons([
        .stop: ["stop"], .maxTokens: ["length"], .toolCalls: ["tool_calls", "function_call"], .contentFilter: ["content_filter"],
    ])

    /// A Responses `status`, or for an incomplete one `incomplete_details.reason`.
    static let responses = FinishReasons([
        .stop: ["completed"], .maxTokens: ["max_output_tokens"], .contentFilter: ["content_filter"],
    ])

    /// Messages `stop_reason`.
    static let anthropic = FinishReasons([
        .stop: ["end_turn", "stop_sequence"], .toolCalls: ["tool_use"], .maxTokens: ["max_tokens", "model_context_window_exceeded"],
        .contentFilter: ["refusal"], .pauseTurn: ["pause_turn"],
    ])

    /// Converse `stopReason`: Anthropic's names, Bedrock's filters, and the model's malformed output.
    static let bedrock = FinishReasons([
        .stop: ["end_turn", "stop_sequence"], .toolCalls: ["tool_use"], .maxTokens: ["max_tokens", "model_context_window_exceeded"],
        .contentFilter: ["guardrail_intervened", "content_filtered"], .other: ["malformed_model_output", "malformed_tool_use"],
    ])

    /// `finishReason` of a Gemini candidate, which never says the model called a tool (STOP
    /// ends a turn of function calls too).
    static let gemini = FinishReasons([
        .stop: ["STOP"], .maxTokens: ["MAX_TOKENS"],
        .contentFilter: [
            "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT",
            "IMAGE_RECITATION", "MODEL_ARMOR",
        ],
        .other: [
            "FINISH_REASON_UNSPECIFIED", "OTHER", "LANGUAGE", "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS",
            "MISSING_THOUGHT_SIGNATURE", "MALFORMED_RESPONSE", "IMAGE_OTHER", "NO_IMAGE",
        ],
    ])
}
