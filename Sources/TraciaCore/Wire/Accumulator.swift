/// Builds the final result of a call from its events: text, reasoning blocks, tool calls
/// assembled from argument fragments (by index), the order they came in, usage and the finish
/// reason.
struct Accumulator {
    struct PartialToolCall {
        var index: Int
        var id: String
        var name: String
        var arguments: [UInt8] = []
    }

    /// A reasoning block as it arrives: text and signature may each come in pieces.
    struct PartialReasoning {
        var text: [UInt8] = []
        var signature: [UInt8] = []
        var redactedData: [UInt8]?
        var id: String?
    }

    /// A block of the assistant's turn other than its text, in arrival order, with the length
    /// of the text that came before it: the turn is rebuilt in that order for the replay.
    enum Item: Equatable {
        case reasoning(Int)
        case toolCall(Int)
        case serverTool(Int)
    }

    /// A server-side tool's block as it arrives: its input's JSON text and its content's items
    /// may stream after the block begins.
    struct PartialServerTool {
        var block: JSONObject
        var inputPath: [String]
        var input: [UInt8] = []
        var contentPath: [String]
        var content: [JSON] = []

        /// The block with what streamed in its place; input that does not parse stays as it began.
        var assembled: JSONObject {
            var b = block
            if !input.isEmpty, let parsed = input.withUnsafeBytes({ try? JSON(parsing: $0) }) {
                b = Self.setting(parsed, at: inputPath[...], in: b)
            }
            if !content.isEmpty {
                var items: [JSON] = []
                var inner: JSON? = .object(b)
                for key in contentPath { inner = inner?[key] }
                items = (inner?.array ?? []) + content
                b = Self.setting(.array(items), at: contentPath[...], in: b)
            }
            return b
        }

        private static func setting(_ value: JSON, at path: ArraySlice<String>, in object: JSONObject) -> JSONObject {
            guard let key = path.first else { return object }
            var o = object
            o[key] = path.count == 1 ? value : .object(setting(value, at: path.dropFirst(), in: o[key]?.object ?? [:]))
            return o
        }
    }

    private(set) var text: [UInt8] = []
    /// In the order their indexes were first seen.
    private(set) var partialCalls: [PartialToolCall] = []
    /// Where each index's call is in `partialCalls`: a response may carry tens of thousands of
    /// indexes, and a scan per fragment would make its work quadratic.
    private var positions: [Int: Int] = [:]
    private(set) var reasoningBlocks: [PartialReasoning] = []
    /// Where each of the provider's block keys is in `reasoningBlocks`.
    private var reasoningPositions: [Int: Int] = [:]
    private(set) var items: [(item: Item, textOffset: Int)] = []
    private(set) var serverTools: [PartialServerTool] = []
    /// Where each of the provider's server-tool block keys is in `serverTools`.
    private var serverToolPositions: [Int: Int] = [:]
    private(set) var usage = Usage()
    /// Whether the last usage report was the provider's final count (see `setUsage`).
    private(set) var usageIsFinal = false
    /// Content deltas received: text and reasoning pieces, argument fragments, new tool calls.
    private(set) var contentDeltas = 0
    private var argumentBytes = 0
    private(set) var providerFinish: ProviderFinish?
    /// The model's refusal text, in pieces as it came; never part of `text`.
    private(set) var refusal: [UInt8] = []

    mutating func appendText(_ bytes: UnsafeBufferPointer<UInt8>) {
        text.append(contentsOf: bytes)
        contentDeltas += 1
    }

    mutating func startToolCall(index: Int, id: String?, name: String?) {
        let i = position(of: index)
        if partialCalls[i].id.isEmpty, let id { partialCalls[i].id = id }
        if partialCalls[i].name.isEmpty, let name { partialCalls[i].name = name }
    }

    mutating func appendArguments(index: Int, _ fragment: UnsafeBufferPointer<UInt8>) {
        partialCalls[position(of: index)].arguments.append(contentsOf: fragment)
        argumentBytes += fragment.count
        contentDeltas += 1
    }

    /// Whether assembling the tool calls takes long (more than about a tenth of a
    /// millisecond): each call costs about as much as a hundred bytes of its arguments.
    var assemblyIsLong: Bool { argumentBytes + 128 * partialCalls.count > 64 * 1024 }

    /// The position of the call at `index`, a new empty call when the index is new.
    private mutating func position(of index: Int) -> Int {
        if let known = positions[index] { return known }
        positions[index] = partialCalls.count
        contentDeltas += 1
        items.append((.toolCall(partialCalls.count), text.count))
        partialCalls.append(PartialToolCall(index: index, id: "", name: ""))
        return partialCalls.count - 1
    }

    /// Reasoning text of the provider's block `block`, which begins with its first piece.
    mutating func appendReasoning(block: Int, _ bytes: UnsafeBufferPointer<UInt8>) {
        reasoningBlocks[reasoningPosition(of: block)].text.append(contentsOf: bytes)
        if !bytes.isEmpty { contentDeltas += 1 }
    }

    mutating func appendReasoningSignature(block: Int, _ bytes: UnsafeBufferPointer<UInt8>) {
        reasoningBlocks[reasoningPosition(of: block)].signature.append(contentsOf: bytes)
    }

    mutating func appendRedactedReasoning(block: Int, _ bytes: UnsafeBufferPointer<UInt8>) {
        let i = reasoningPosition(of: block)
        reasoningBlocks[i].redactedData = (reasoningBlocks[i].redactedData ?? []) + Array(bytes)
        contentDeltas += 1
    }

    mutating func setReasoningID(_ id: String, block: Int) {
        reasoningBlocks[reasoningPosition(of: block)].id = id
    }

    private mutating func reasoningPosition(of block: Int) -> Int {
        if let known = reasoningPositions[block] { return known }
        reasoningPositions[block] = reasoningBlocks.count
        items.append((.reasoning(reasoningBlocks.count), text.count))
        reasoningBlocks.append(PartialReasoning())
        return reasoningBlocks.count - 1
    }

    mutating func startServerTool(index: Int, block: JSONObject, inputPath: [String], contentPath: [String]) {
        serverToolPositions[index] = serverTools.count
        items.append((.serverTool(serverTools.count), text.count))
        serverTools.append(PartialServerTool(block: block, inputPath: inputPath, contentPath: contentPath))
        contentDeltas += 1
    }

    mutating func appendServerToolInput(index: Int, _ fragment: UnsafeBufferPointer<UInt8>) {
        guard let i = serverToolPositions[index] else { return }
        serverTools[i].input.append(contentsOf: fragment)
        contentDeltas += 1
    }

    mutating func appendServerToolContent(index: Int, _ item: JSON) {
        guard let i = serverToolPositions[index] else { return }
        serverTools[i].content.append(item)
    }

    /// All reasoning text, blocks joined.
    var reasoningText: String { String(decoding: reasoningBlocks.flatMap(\.text), as: UTF8.self) }

    /// The assistant's turn as a message for the next call: text, reasoning and tool calls in
    /// the order they came (`toolCalls` are the assembled calls, none when the call failed).
    /// Plain text stays a string.
    func message(toolCalls: [ToolCall], provider: ProviderKind) -> Message {
        if toolCalls.allSatisfy(\.incomplete) && reasoningBlocks.isEmpty && serverTools.isEmpty {
            return Message(role: .assistant, text: textString)
        }
        var parts: [ContentPart] = []
        var textStart = 0
        func takeText(upTo end: Int) {
            let end = min(end, text.count)
            guard end > textStart else { return }
            parts.append(.text(String(decoding: text[textStart..<end], as: UTF8.self)))
            textStart = end
        }
        for (item, offset) in items {
            switch item {
            case .toolCall(let i):
                // A call cut off by the output budget cannot be answered: it is not sent back.
                guard i < toolCalls.count, !toolCalls[i].incomplete else { continue }
                takeText(upTo: offset)
                parts.append(.toolCall(toolCalls[i]))
            case .serverTool(let i):
                takeText(upTo: offset)
                parts.append(.serverTool(ServerToolPart(provider: provider, block: serverTools[i].assembled)))
            case .reasoning(let i):
                takeText(upTo: offset)
                let block = reasoningBlocks[i]
                parts.append(
                    .reasoning(
                        ReasoningPart(
                            provider: provider, text: String(decoding: block.text, as: UTF8.self),
                            signature: block.signature.isEmpty ? nil : String(decoding: block.signature, as: UTF8.self),
                            redactedData: block.redactedData.map { String(decoding: $0, as: UTF8.self) }, id: block.id)))
            }
        }
        takeText(upTo: text.count)
        return Message(role: .assistant, parts: parts)
    }

    /// The provider's count so far; `final` unless the provider follows it with its final count
    /// (Anthropic's message_start, Gemini's chunks before the last).
    mutating func setUsage(_ u: Usage, final: Bool = true) {
        usage = u
        usageIsFinal = final
    }
    mutating func setFinish(_ f: ProviderFinish) { providerFinish = f }
    mutating func appendRefusal(_ bytes: UnsafeBufferPointer<UInt8>) { refusal.append(contentsOf: bytes) }

    var refusalText: String? { refusal.isEmpty ? nil : String(decoding: refusal, as: UTF8.self) }

    var textString: String { String(decoding: text, as: UTF8.self) }

    /// Tool calls with their arguments parsed once, here; arguments that are not a JSON object
    /// are the provider's error, unless the output budget ran out inside them: such a call is
    /// kept, marked incomplete, with the text that came. No arguments at all (or only
    /// whitespace) mean none.
    func toolCalls() throws(TraciaError) -> [ToolCall] {
        var calls: [ToolCall] = []
        for p in partialCalls {
            let id = p.id.isEmpty ? Self.fallbackID(ofToolCall: p.index) : p.id
            if let arguments = Self.arguments(of: p) {
                calls.append(ToolCall(id: id, name: p.name, arguments: arguments))
            } else if providerFinish?.reason == .maxTokens {
                var cut = ToolCall(id: id, name: p.name)
                cut.incomplete = true
                cut.rawArguments = String(decoding: p.arguments, as: UTF8.self)
                calls.append(cut)
            } else {
                let text = String(decoding: p.arguments, as: UTF8.self).prefix(200)
                throw TraciaError(.providerError, "tool call '\(p.name)' has arguments that are not a JSON object: \(text)")
            }
        }
        return calls
    }

    /// The id of a call the provider gave none, from the provider's index of it.
    static func fallbackID(ofToolCall index: Int) -> String { "call_\(index)" }

    /// Nil when the arguments are not a JSON object.
    private static func arguments(of call: PartialToolCall) -> JSONObject? {
        if call.arguments.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }) { return [:] }
        return call.arguments.withUnsafeBytes { try? JSON(parsing: $0) }?.object
    }

    /// The provider's reason, except that a refusal is a content filter and complete tool
    /// calls win over a plain (or an unknown) stop; a length limit, a filter and a pause win
    /// over both.
    var finishReason: FinishReason {
        let reported = providerFinish?.reason ?? .stop
        switch reported {
        case .maxTokens, .contentFilter, .pauseTurn: return reported
        case .stop, .toolCalls, .other:
            if !refusal.isEmpty { return .contentFilter }
            if !partialCalls.isEmpty { return .toolCalls }
            return reported
        }
    }
}
