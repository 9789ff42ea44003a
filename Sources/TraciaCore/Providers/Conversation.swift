/// The message list as providers with a separate system prompt and strict user/assistant turns
/// want it (Anthropic, Gemini, Bedrock): system and developer text apart, tool results as parts
/// of a user turn placed first, and consecutive turns of one role merged. The caller's cache
/// marks go with the content they mark.
struct Conversation {
    enum Part {
        case text(String)
        case toolCall(ToolCall)
        case toolResult(id: String, name: String?, content: String)
        /// Sent back only to the provider that produced it (`ReasoningPart.provider`).
        case reasoning(ReasoningPart)
        case media(MediaPart)
        /// Sent back only to the provider that ran the tool (`ServerToolPart.provider`).
        case serverTool(ServerToolPart)
    }

    struct Turn {
        var fromAssistant: Bool
        var parts: [Part]
        /// The cache mark of each part, by position in `parts` (shorter when the last have none).
        var marks: [CacheMark?] = []

        func mark(at index: Int) -> CacheMark? { index < marks.count ? marks[index] : nil }
    }

    /// A piece of the system text ending where the caller put a cache mark (the last piece may
    /// have none); the pieces joined are `system`.
    struct SystemSegment: Equatable {
        var text: String
        var mark: CacheMark?
    }

    var system: String?
    var systemSegments: [SystemSegment] = []
    var turns: [Turn] = []
    /// The cache marks on the system text, then on the turns, in order.
    var marks: [CacheMark] { systemSegments.compactMap(\.mark) + turns.flatMap { $0.marks.compactMap { $0 } } }

    init(_ messages: [Message]) {
        var systemTexts: [String] = []
        for message in messages {
            let fromAssistant = message.role == .assistant
            var parts: [(Part, CacheMark?)]
            switch message.role {
            case .system, .developer:
                systemTexts.append(message.text)
                appendSystem(message, first: systemTexts.count == 1)
                continue
            case .tool:
                let result = Part.toolResult(id: message.toolCallID ?? "", name: message.toolName, content: message.text)
                parts = [(result, message.cacheMarks.values.first)]
            case .user, .assistant:
                parts = message.parts.enumerated().compactMap { index, part in
                    let mark = message.cacheMarks[index]
                    switch part {
                    case .text(let t): return t.isEmpty ? nil : (.text(t), mark)
                    case .toolCall(let c): return (.toolCall(c), mark)
                    case .reasoning(let r): return (.reasoning(r), mark)
                    case .media(let m): return (.media(m), mark)
                    case .serverTool(let t): return (.serverTool(t), mark)
                    }
                }
            }
            if let last = turns.indices.last, turns[last].fromAssistant == fromAssistant {
                turns[last].marks += Array(repeating: nil, count: turns[last].parts.count - turns[last].marks.count)
                turns[last].parts += parts.map(\.0)
                turns[last].marks += parts.map(\.1)
            } else {
                turns.append(Turn(fromAssistant: fromAssistant, parts: parts.map(\.0), marks: parts.map(\.1)))
            }
        }
        for i in turns.indices where !turns[i].fromAssistant {
            let isResult = turns[i].parts.map { if case .toolResult = $0 { true } else { false } }
            let order = turns[i].parts.indices.filter { isResult[$0] } + turns[i].parts.indices.filter { !isResult[$0] }
            let turn = turns[i]
            turns[i].parts = order.map { turn.parts[$0] }
            turns[i].marks = order.map { turn.mark(at: $0) }
        }
        system = systemTexts.isEmpty ? nil : systemTexts.joined(separator: "\n\n")
        if systemSegments.last.map({ $0.text.isEmpty && $0.mark == nil && systemSegments.count > 1 }) == true {
            systemSegments.removeLast()
        }
    }

    /// The message's text goes on the open segment; a marked part closes it.
    private mutating func appendSystem(_ message: Message, first: Bool) {
        if systemSegments.isEmpty { systemSegments.append(SystemSegment(text: "")) }
        if !first { systemSegments[systemSegments.count - 1].text += "\n\n" }
        for (index, part) in message.parts.enumerated() {
            if case .text(let t) = part { systemSegments[systemSegments.count - 1].text += t }
            if let mark = message.cacheMarks[index] {
                systemSegments[systemSegments.count - 1].mark = mark
                systemSegments.append(SystemSegment(text: ""))
            }
        }
    }

    /// The name of the tool a call id belongs to, for providers whose results carry names.
    func toolName(for id: String) -> String? {
        for turn in turns {
            for case .toolCall(let call) in turn.parts where call.id == id { return call.name }
        }
        return nil
    }
}
