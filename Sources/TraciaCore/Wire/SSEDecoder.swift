/// What a provider's SSE stream means, event by event. The shared `SSEDecoder` does the framing.
protocol SSEEvents {
    init()
    /// Handles one event; returns true when it was the provider's last one.
    mutating func handle(event: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, sink: some EventSink) throws(TraciaError) -> Bool
}

extension SSEEvents {
    /// Parses an event's JSON payload, or fails the stream with the bytes that were not JSON.
    static func json(_ data: UnsafeRawBufferPointer) throws(TraciaError) -> JSONDocument {
        guard let doc = JSONDocument.parse(bytes: data), doc.root.isObject else {
            throw TraciaError(.providerError, "malformed stream event: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        return doc
    }
}

/// A streaming response: SSE framing, then the provider's events.
struct SSEDecoder<Events: SSEEvents>: ResponseDecoder {
    private var framer = SSEFramer()
    private var events = Events()
    private var ended = false

    mutating func consume(_ bytes: UnsafeRawBufferPointer, into sink: some EventSink) throws(TraciaError) {
        var events = self.events
        var ended = self.ended
        let failure = framer.feed(bytes) { name, data in
            if ended { return nil }
            do throws(TraciaError) { ended = try events.handle(event: name, data: data, sink: sink) } catch { return error }
            return nil
        }
        self.events = events
        self.ended = ended
        if let failure { throw failure }
    }

    mutating func finish(into sink: some EventSink) throws(TraciaError) {
        if !ended {
            throw TraciaError(.networkError, "the stream ended before its final event (connection closed early)")
        }
    }
}

/// What a provider's non-streaming response body means.
protocol BodyParser {
    static func parse(_ root: JSONRef, sink: some EventSink) throws(TraciaError)
}

/// A non-streaming response: the body, bounded, parsed at its end.
struct JSONBodyDecoder<Parser: BodyParser>: ResponseDecoder {
    let limit: Int
    private var body: [UInt8] = []

    init(limit: Int) { self.limit = limit }

    mutating func consume(_ bytes: UnsafeRawBufferPointer, into sink: some EventSink) throws(TraciaError) {
        guard body.count + bytes.count <= limit else { throw TraciaError(.providerError, "response larger than \(limit) bytes") }
        body.append(contentsOf: bytes)
    }

    mutating func finish(into sink: some EventSink) throws(TraciaError) {
        guard let doc = body.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }), doc.root.isObject else {
            throw TraciaError(.providerError, "malformed response body: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        try Parser.parse(doc.root, sink: sink)
    }
}

extension UnsafeRawBufferPointer {
    func equals(_ text: StaticString) -> Bool {
        count == text.utf8CodeUnitCount && elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
