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
    public var finishReason: FinishReason
    public var aborted: Bool
    public var error: TraciaError?
    /// The reasoning text the provider showed, all blocks joined; never in `text`.
    public var reasoning: String = ""
    /// The assistant message, valid as input to a follow-up call: plain text, or the turn's
    /// parts (reasoning, text, tool calls) in the order they came.
    public var message: Message = Message(role: .assistant, text: "")
}
