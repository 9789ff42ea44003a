/// What a provider's response decoder reports, in the order the provider sent it.
protocol EventSink: AnyObject {
    func text(_ bytes: UnsafeBufferPointer<UInt8>)
    /// A tool call at `index` begins, or repeats its id/name (repeats are no-ops).
    func toolCallStart(index: Int, id: String?, name: String?)
    func toolCallArguments(index: Int, fragment: UnsafeBufferPointer<UInt8>)
    /// The usage so far; the last report wins.
    func usage(_ usage: Usage)
    func finish(_ reason: ProviderFinish)
}

/// A provider's stop reason after normalisation, keeping whether it was a length stop.
enum ProviderFinish: Sendable, Equatable {
    case stop, toolCalls, maxTokens
}

/// Turns a provider response into events. Decoders see raw bytes as curl delivers them.
protocol ResponseDecoder {
    mutating func consume(_ bytes: UnsafeRawBufferPointer, into sink: some EventSink) throws(TraciaError)
    /// Called at the end of the body; throws when the response was incomplete.
    mutating func finish(into sink: some EventSink) throws(TraciaError)
}
