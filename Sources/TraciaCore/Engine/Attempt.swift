/// What one try of a provider call has seen. Each try starts from a fresh one, so nothing
/// of a failed try leaks into the next.
struct Attempt {
    static let errorBodyLimit = 65536

    /// The HTTP status; 0 until a status line (or curl) gives it.
    var status = 0
    var hints = RetryHints()
    /// The start of an error response's body, for the provider's error text and retry hint.
    private(set) var errorBody: [UInt8] = []
    /// Whether body bytes of a successful response reached the decoder.
    var bodyStarted = false
    var receivedBytes = 0
    /// A failure of our own (a limit, the decoder) that ends the transfer.
    var failure: TraciaError?
    /// Until the response starts only the total deadline applies: a model may think for a
    /// long time before its first byte. From then on silence longer than the idle timeout ends it.
    var idleDeadline = Int64.max
    var decoder: any ResponseDecoder

    init(decoder: any ResponseDecoder) { self.decoder = decoder }

    var succeeded: Bool { (200..<300).contains(status) }

    /// Takes one header line. A status line starts a new response (after "100 Continue", say),
    /// whose hints replace the previous one's.
    mutating func take(headerLine line: String) {
        if line.prefix(5).lowercased() == "http/" {
            // Split on any whitespace: without a reason phrase the code ends in CRLF.
            status = Int(line.split(whereSeparator: \.isWhitespace).dropFirst().first ?? "") ?? 0
            hints = RetryHints()
        } else {
            hints.take(headerLine: line)
        }
    }

    mutating func keepErrorBody(_ bytes: UnsafeRawBufferPointer) {
        guard errorBody.count < Self.errorBodyLimit else { return }
        errorBody.append(contentsOf: bytes.prefix(Self.errorBodyLimit - errorBody.count))
    }

    /// How this try ended, for the retry policy.
    func outcome(transportFailure: TransportFailure?) -> AttemptOutcome {
        AttemptOutcome(status: status == 0 ? nil : status, transportFailure: transportFailure, hints: hints, bodyStarted: bodyStarted)
    }
}
