/// The message model of the Tracia SDKs, which every provider maps from.
public enum Role: String, Sendable {
    case system, developer, user, assistant, tool
}

public struct ToolCall: Sendable, Equatable {
    public var id: String
    public var name: String
    public var arguments: JSONObject
    /// Arguments the provider cut off (the output budget ran out inside them): `arguments` is
    /// empty and `rawArguments` holds the text that came. Such a call is not sent back.
    public var incomplete = false
    public var rawArguments: String?

    public init(id: String, name: String, arguments: JSONObject = [:]) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// A provider's reasoning on an assistant turn, kept so that it can be sent back as it came:
/// text with the provider's signature over it, or an encrypted (redacted) block. Providers
/// check them byte for byte and only their own, so a part is replayed only to `provider`.
public struct ReasoningPart: Sendable, Equatable {
    /// The provider that produced it.
    public var provider: ProviderKind
    public var text: String
    /// The provider's signature: Anthropic's and Bedrock's over the thinking text, Gemini's
    /// `thoughtSignature` of the part that follows this one in the turn.
    public var signature: String?
    /// A redacted block's encrypted data, which has no text.
    public var redactedData: String?
    /// The provider's id of the item the part belongs to (OpenAI Responses `rs_…`, whose
    /// `encrypted_content` is the signature): parts with one id are one item, a summary
    /// paragraph each.
    public var id: String?

    public init(provider: ProviderKind, text: String = "", signature: String? = nil, redactedData: String? = nil, id: String? = nil) {
        self.provider = provider
        self.text = text
        self.signature = signature
        self.redactedData = redactedData
        self.id = id
    }
}

/// A block of a tool the provider ran itself, inside the response (Anthropic web search, code
/// execution, web fetch, MCP; Bedrock's Nova code interpreter): the call or its result, kept as
/// the provider sent it so that the turn can be sent back unchanged, to that provider only.
/// Never a tool call for the caller to run.
public struct ServerToolPart: Sendable, Equatable {
    public var provider: ProviderKind
    /// The provider's block: Anthropic's content block (`server_tool_use`, `mcp_tool_use`,
    /// `web_search_tool_result`, …), Bedrock's `{"toolUse": …}` or `{"toolResult": …}`.
    public var block: JSONObject

    public init(provider: ProviderKind, block: JSONObject) {
        self.provider = provider
        self.block = block
    }
}

public enum ContentPart: Sendable, Equatable {
    case text(String)
    case toolCall(ToolCall)
    case reasoning(ReasoningPart)
    /// An image or a document; user messages only.
    case media(MediaPart)
    /// A server-side tool's call or result; assistant messages only.
    case serverTool(ServerToolPart)
}

public struct Message: Sendable, Equatable {
    public var role: Role
    public var parts: [ContentPart]
    /// Whether the caller gave `content` as a plain string (kept for the span's input).
    public var contentIsString: Bool
    public var toolCallID: String?
    public var toolName: String?
    /// The caller's prompt-cache breakpoints, by index in `parts` (`cache_control`).
    public var cacheMarks: [Int: CacheMark] = [:]

    public init(role: Role, text: String) {
        self.role = role
        self.parts = [.text(text)]
        self.contentIsString = true
    }

    public init(role: Role, parts: [ContentPart], toolCallID: String? = nil, toolName: String? = nil) {
        self.role = role
        self.parts = parts
        self.contentIsString = false
        self.toolCallID = toolCallID
        self.toolName = toolName
    }

    /// All text parts joined.
    public var text: String {
        parts.reduce(into: "") { acc, part in if case .text(let t) = part { acc += t } }
    }

    public var toolCalls: [ToolCall] {
        parts.compactMap { if case .toolCall(let c) = $0 { c } else { nil } }
    }

    public var reasoning: [ReasoningPart] {
        parts.compactMap { if case .reasoning(let r) = $0 { r } else { nil } }
    }

    public var media: [MediaPart] {
        parts.compactMap { if case .media(let m) = $0 { m } else { nil } }
    }
}

public struct ToolDefinition: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// The JSON Schema of the parameters.
    public var parameters: JSONObject?
    /// A prompt-cache breakpoint after this tool (`cache_control`).
    public var cacheMark: CacheMark?

    public init(name: String, description: String? = nil, parameters: JSONObject? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

public enum ToolChoice: Sendable, Equatable {
    case auto, none, required
    case tool(String)
}

public struct ResponseFormat: Sendable, Equatable {
    /// The JSON Schema of the response; nil means plain JSON mode.
    public var schema: JSONObject?
    public var name: String?
    public var description: String?
    /// OpenAI's structured-output `strict`; other providers have no such switch.
    public var strict: Bool?

    public init(schema: JSONObject? = nil, name: String? = nil, description: String? = nil, strict: Bool? = nil) {
        self.schema = schema
        self.name = name
        self.description = description
        self.strict = strict
    }
}

/// Why the model stopped, normalised; the provider's own reason is `CallResult.stopReason`.
public enum FinishReason: String, Sendable, CaseIterable {
    /// The natural end of the answer, or a stop sequence.
    case stop
    case toolCalls = "tool_calls"
    /// The output budget (or the context window) ran out.
    case maxTokens = "max_tokens"
    /// A filter or the model's refusal withheld (part of) the answer.
    case contentFilter = "content_filter"
    /// The provider paused a long turn of server-side tools: send `message` back to continue.
    case pauseTurn = "pause_turn"
    /// Any other reason (a malformed tool call, an unsupported language, a reason newer than
    /// this library): see `stopReason`.
    case other
}

public struct Usage: Sendable, Equatable {
    public var inputTokens = 0
    /// Every generated token, the reasoning ones included.
    public var outputTokens = 0
    public var totalTokens = 0
    /// The part of `outputTokens` spent on reasoning; nil when the provider does not say.
    public var reasoningTokens: Int?
    /// The part of `inputTokens` read from the provider's prompt cache; nil when it does not say.
    public var cacheReadTokens: Int?
    /// The part of `inputTokens` written to the provider's prompt cache; nil when it does not say.
    public var cacheWriteTokens: Int?
    public init(
        inputTokens: Int = 0, outputTokens: Int = 0, totalTokens: Int = 0, reasoningTokens: Int? = nil, cacheReadTokens: Int? = nil,
        cacheWriteTokens: Int? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.totalTokens = totalTokens
        self.reasoningTokens = reasoningTokens
        self.cacheReadTokens = cacheReadTokens
        self.cacheWriteTokens = cacheWriteTokens
    }
}

/// What the caller asks of a reasoning model (`reasoning` in the request): a level of
/// effort, a token budget, or both; each provider takes the form it knows (include/tracia.h).
public struct ReasoningRequest: Sendable, Equatable {
    public enum Effort: String, Sendable, CaseIterable {
        case low, medium, high
    }

    public var effort: Effort?
    public var budgetTokens: Int?

    public init(effort: Effort? = nil, budgetTokens: Int? = nil) {
        self.effort = effort
        self.budgetTokens = budgetTokens
    }
}
