/// The message model of the Tracia SDKs, which every provider maps from.
public enum Role: String, Sendable {
    case system, developer, user, assistant, tool
}

public struct ToolCall: Sendable, Equatable {
    public var id: String
    public var name: String
    public var arguments: JSONObject

    public init(id: String, name: String, arguments: JSONObject = [:]) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

public enum ContentPart: Sendable, Equatable {
    case text(String)
    case toolCall(ToolCall)
}

public struct Message: Sendable, Equatable {
    public var role: Role
    public var parts: [ContentPart]
    /// Whether the caller gave `content` as a plain string (kept for the span's input).
    public var contentIsString: Bool
    public var toolCallID: String?
    public var toolName: String?

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
}

public struct ToolDefinition: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// The JSON Schema of the parameters.
    public var parameters: JSONObject?

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

    public init(schema: JSONObject? = nil, name: String? = nil, description: String? = nil) {
        self.schema = schema
        self.name = name
        self.description = description
    }
}

public enum FinishReason: String, Sendable {
    case stop
    case toolCalls = "tool_calls"
    case maxTokens = "max_tokens"
}

public struct Usage: Sendable, Equatable {
    public var inputTokens = 0
    public var outputTokens = 0
    public var totalTokens = 0
    public init(inputTokens: Int = 0, outputTokens: Int = 0, totalTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.totalTokens = totalTokens
    }
}
