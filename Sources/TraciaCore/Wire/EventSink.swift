/// What a provider's response decoder reports, in the order the provider sent it.
protocol EventSink: AnyObject {
    func text(_ bytes: UnsafeBufferPointer<UInt8>)
    /// A tool call at `index` begins, or repeats its id/name (repeats are no-ops).
    func toolCallStart(index: Int, id: String?, name: String?)
    func toolCallArguments(index: Int, fragment: UnsafeBufferPointer<UInt8>)
    /// The provider ended the tool call at `index`. Optional: a call not ended by its decoder
    /// ends when the response completes.
    func toolCallEnd(index: Int)
    /// Reasoning text of the provider's block `block` (any key that tells its blocks apart);
    /// never part of the answer's text.
    func reasoning(_ bytes: UnsafeBufferPointer<UInt8>, block: Int)
    /// A piece of the signature over reasoning block `block`, or (Gemini) of the part after it.
    func reasoningSignature(_ bytes: UnsafeBufferPointer<UInt8>, block: Int)
    /// A piece of a redacted reasoning block's encrypted data.
    func redactedReasoning(_ bytes: UnsafeBufferPointer<UInt8>, block: Int)
    /// The provider's id of the item reasoning block `block` belongs to (OpenAI Responses).
    func reasoningID(_ id: String, block: Int)
    /// The usage so far; the last report wins.
    func usage(_ usage: Usage)
    /// A count the provider follows with its final one (Anthropic's message_start, Gemini's
    /// chunks before the last): the best known until then.
    func provisionalUsage(_ usage: Usage)
    /// A piece of the model's refusal text (OpenAI `refusal`, Anthropic's refusal explanation);
    /// never part of the answer's text.
    func refusal(_ bytes: UnsafeBufferPointer<UInt8>)
    func finish(_ reason: ProviderFinish)
    /// A server-side tool's block begins at the provider's `index` (its own key, apart from tool
    /// calls'): `block` as the provider sends it back, with the JSON text of its input (at
    /// `inputPath`) and the items of its content (at `contentPath`) to follow, when they stream.
    func serverToolStart(index: Int, block: JSONObject, inputPath: [String], contentPath: [String])
    func serverToolInput(index: Int, fragment: UnsafeBufferPointer<UInt8>)
    func serverToolContent(index: Int, item: JSON)
}

extension EventSink {
    func toolCallEnd(index: Int) {}
    func reasoningID(_ id: String, block: Int) {}
    func serverToolStart(index: Int, block: JSONObject, inputPath: [String], contentPath: [String]) {}
    func serverToolInput(index: Int, fragment: UnsafeBufferPointer<UInt8>) {}
    func serverToolContent(index: Int, item: JSON) {}
    func provisionalUsage(_ usage: Usage) { self.usage(usage) }
}

/// A provider's stop reason: what it means, and the provider's own word for it.
struct ProviderFinish: Sendable, Equatable {
    var reason: FinishReason
    var raw: String
}

/// Turns a provider response into events. Decoders see raw bytes as curl delivers them.
protocol ResponseDecoder {
    mutating func consume(_ bytes: UnsafeRawBufferPointer, into sink: some EventSink) throws(TraciaError)
    /// Called at the end of the body; throws when the response was incomplete.
    mutating func finish(into sink: some EventSink) throws(TraciaError)
}
