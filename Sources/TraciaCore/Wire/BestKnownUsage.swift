/// The usage a call reports: the provider's final count when it came; otherwise the best known,
/// which is the provider's count so far, with at least one output token a content delta received
/// (a lower bound: about one token a delta for OpenAI and servers like it, often several a delta
/// for Anthropic, Gemini and Bedrock), and the input as reported, else 0.
extension Accumulator {
    /// Whether `usage` is the provider's final count: the call completed and that count came.
    func usageIsComplete(_ outcome: Outcome?) -> Bool { outcome == .success && usageIsFinal }

    func bestKnownUsage(_ outcome: Outcome?) -> Usage {
        var best = usage
        guard !usageIsComplete(outcome), contentDeltas > best.outputTokens else { return best }
        best.totalTokens = best.totalTokens.saturatingAdding(contentDeltas - best.outputTokens)
        best.outputTokens = contentDeltas
        return best
    }
}
