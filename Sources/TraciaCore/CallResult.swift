/// How a call ended.
public enum Outcome: Sendable, Equatable {
    case success
    case failure(TraciaError)
    case aborted
}

/// The final result of a call, as `StreamResult` in the Tracia SDKs.
public struct CallResult: Sendable {
    public var text: String
    public var spanID: String
    public var traceID: String
    public var latencyMS: Int
    public var usage: Usage
    public var provider: ProviderKind
    public var model: String
    public var toolCalls: [ToolCall]
    /// Nil when the call was aborted or failed: the model did not finish.
    public var finishReason: FinishReason?
    /// The provider's own stop reason as it sent it (`end_turn`, `SAFETY`, …); nil when none came.
    public var stopReason: String?
    /// The model's refusal text (OpenAI `refusal`, Anthropic's refusal explanation); never in `text`.
    public var refusal: String?
    /// From the start of the call to the first content (text, reasoning or a tool call); nil
    /// when none came.
    public var timeToFirstTokenMS: Int?
    /// False when `usage` is not the provider's final count (an abort, a failure, a response
    /// without usage): it is then the best known, as documented in include/tracia.h.
    public var usageComplete = true
    public var aborted: Bool
    public var error: TraciaError?
    /// The reasoning text the provider showed, all blocks joined; never in `text`.
    public var reasoning: String = ""
    /// The assistant message, valid as input to a follow-up call: plain text, or the turn's
    /// parts (reasoning, text, tool calls) in the order they came.
    public var message: Message = Message(role: .assistant, text: "")
}
