/// The message list as providers with a separate system prompt and strict user/assistant turns
/// want it (Anthropic, Gemini, Bedrock): system and developer text apart, tool results as parts
/// of a user turn placed first, and consecutive turns of one role merged.
struct Conversation {
    enum Part {
        case text(String)
        case toolCall(ToolCall)
        case toolResult(id: String, name: String?, content: String)
        /// Sent back only to the provider that produced it (`ReasoningPart.provider`).
        case reasoning(ReasoningPart)
        case media(MediaPart)
    }

    struct Turn {
        var fromAssistant: Bool
        var parts: [Part]
    }

    var system: String?
    var turns: [Turn] = []

    init(_ messages: [Message]) {
        var systemTexts: [String] = []
        for message in messages {
            let fromAssistant = message.role == .assistant
            var parts: [Part]
            switch message.role {
            case .system, .developer:
                systemTexts.append(message.text)
                continue
            case .tool:
                parts = [.toolResult(id: message.toolCallID ?? "", name: message.toolName, content: message.text)]
            case .user, .assistant:
                parts = message.parts.compactMap { part in
                    switch part {
                    case .text(let t): t.isEmpty ? nil : .text(t)
                    case .toolCall(let c): .toolCall(c)
                    case .reasoning(let r): .reasoning(r)
                    case .media(let m): .media(m)
                    }
                }
            }
            if let last = turns.indices.last, turns[last].fromAssistant == fromAssistant {
                turns[last].parts += parts
            } else {
                turns.append(Turn(fromAssistant: fromAssistant, parts: parts))
            }
        }
        for i in turns.indices where !turns[i].fromAssistant {
            let results = turns[i].parts.filter { if case .toolResult = $0 { true } else { false } }
            let others = turns[i].parts.filter { if case .toolResult = $0 { false } else { true } }
            turns[i].parts = results + others
        }
        system = systemTexts.isEmpty ? nil : systemTexts.joined(separator: "\n\n")
    }

    /// The name of the tool a call id belongs to, for providers whose results carry names.
    func toolName(for id: String) -> String? {
        for turn in turns {
            for case .toolCall(let call) in turn.parts where call.id == id { return call.name }
        }
        return nil
    }
}
