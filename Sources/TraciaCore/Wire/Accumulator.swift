/// Builds the final result of a call from its events: text, tool calls assembled from
/// argument fragments (by index), usage and the finish reason.
struct Accumulator {
    struct PartialToolCall {
        var index: Int
        var id: String
        var name: String
        var arguments: [UInt8] = []
    }

    private(set) var text: [UInt8] = []
    /// In the order their indexes were first seen.
    private(set) var partialCalls: [PartialToolCall] = []
    /// Where each index's call is in `partialCalls`: a response may carry tens of thousands of
    /// indexes, and a scan per fragment would make its work quadratic.
    private var positions: [Int: Int] = [:]
    private(set) var usage = Usage()
    private var argumentBytes = 0
    private(set) var providerFinish: ProviderFinish?

    mutating func appendText(_ bytes: UnsafeBufferPointer<UInt8>) { text.append(contentsOf: bytes) }

    mutating func startToolCall(index: Int, id: String?, name: String?) {
        let i = position(of: index)
        if partialCalls[i].id.isEmpty, let id { partialCalls[i].id = id }
        if partialCalls[i].name.isEmpty, let name { partialCalls[i].name = name }
    }

    mutating func appendArguments(index: Int, _ fragment: UnsafeBufferPointer<UInt8>) {
        partialCalls[position(of: index)].arguments.append(contentsOf: fragment)
        argumentBytes += fragment.count
    }

    /// Whether assembling the tool calls takes long (more than about a tenth of a
    /// millisecond): each call costs about as much as a hundred bytes of its arguments.
    var assemblyIsLong: Bool { argumentBytes + 128 * partialCalls.count > 64 * 1024 }

    /// The position of the call at `index`, a new empty call when the index is new.
    private mutating func position(of index: Int) -> Int {
        if let known = positions[index] { return known }
        positions[index] = partialCalls.count
        partialCalls.append(PartialToolCall(index: index, id: "", name: ""))
        return partialCalls.count - 1
    }

    mutating func setUsage(_ u: Usage) { usage = u }
    mutating func setFinish(_ f: ProviderFinish) { providerFinish = f }

    var textString: String { String(decoding: text, as: UTF8.self) }

    /// Tool calls with their arguments parsed once, here; arguments that are not a JSON object
    /// are the provider's error. No arguments at all (or only whitespace) mean none.
    func toolCalls() throws(TraciaError) -> [ToolCall] {
        var calls: [ToolCall] = []
        for p in partialCalls {
            let id = p.id.isEmpty ? "call_\(p.index)" : p.id
            calls.append(ToolCall(id: id, name: p.name, arguments: try Self.arguments(of: p)))
        }
        return calls
    }

    private static func arguments(of call: PartialToolCall) throws(TraciaError) -> JSONObject {
        if call.arguments.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }) { return [:] }
        let parsed = call.arguments.withUnsafeBytes { try? JSON(parsing: $0) }
        guard let object = parsed?.object else {
            let text = String(decoding: call.arguments, as: UTF8.self).prefix(200)
            throw TraciaError(.providerError, "tool call '\(call.name)' has arguments that are not a JSON object: \(text)")
        }
        return object
    }

    /// Rule zero of the normalisation: complete tool calls win unless the provider hit a length limit.
    var finishReason: FinishReason {
        if providerFinish == .maxTokens { return .maxTokens }
        if !partialCalls.isEmpty { return .toolCalls }
        return providerFinish == .toolCalls ? .toolCalls : .stop
    }
}
