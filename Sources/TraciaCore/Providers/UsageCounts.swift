/// Token counts as providers report them, read so that no value a server sends can trap.
///
/// A count is a JSON integer. jansson refuses integers outside Int64 (`2^63`, 400 digits) and
/// reals that overflow (`1e400`) when it parses, so such an event fails as malformed; a count
/// that is not an integer (`1.5`, a string) is read as absent. A negative count is read as 0:
/// tokens cannot be negative, and a server's sign bug must not make a total smaller than its
/// parts or reach a span as a negative number. Sums saturate at `Int.max`.
extension JSONRef {
    var tokenCount: Int? { int.map { Swift.max(0, $0) } }
}

extension Usage {
    /// The provider's total when it sends one (clamped like any count), else input + output.
    static func reported(input: Int, output: Int, total: Int?) -> Usage {
        Usage(inputTokens: input, outputTokens: output, totalTokens: total ?? input.saturatingAdding(output))
    }

    /// The cache counts, which are parts of the input: a part is never more than what is left of
    /// the whole (reads first), so a server's inconsistent counts cannot make a negative rest.
    func withCacheParts(read: Int?, write: Int?) -> Usage {
        var usage = self
        usage.cacheReadTokens = read.map { Swift.min($0, inputTokens) }
        usage.cacheWriteTokens = write.map { Swift.min($0, inputTokens - (usage.cacheReadTokens ?? 0)) }
        return usage
    }
}

enum TokenCounts {
    /// The sum of the counts present, saturating.
    static func sum(_ counts: Int?...) -> Int { counts.reduce(0) { $0.saturatingAdding($1 ?? 0) } }
}
