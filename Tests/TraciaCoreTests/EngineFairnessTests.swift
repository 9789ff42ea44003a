import Glibc
import Testing

@testable import TraciaCore

// One stream of a client cannot hold back the others: a response is decoded a share per turn
// of the engine, and work whose length depends on the response (assembling tens of thousands
// of tool calls, rendering their span) runs on the engine's worker, not on the engine thread.

private func temporaryPath() -> String { "/tmp/tracia-fair-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).jsonl" }

private func client(spansFile: String) throws -> TraciaClient {
    try TraciaClient(
        options: ClientOptions.resolve(
            json: #"{"openai_api_key":"sk-test","spans_file":"\#(spansFile)"}"#, environment: { _ in nil }))
}

private func mockRequest(_ extra: String = "") throws -> RunRequest {
    try RunRequest.parse(json: #"{"model":"mock/test","stream":true,"messages":[{"role":"user","content":"one two"}]\#(extra)}"#)
}

/// Holds the worker in a job until opened.
private final class Gate: @unchecked Sendable {
    private let opened: ReadyFD

    init(holding worker: Worker) throws {
        opened = try ReadyFD()
        worker.submit { [self] in _ = opened.wait() }
    }

    func open() { opened.set() }
}

private func drain(_ stream: CallStream) throws -> String {
    var text = ""
    while let chunk = try stream.nextChunk({ String(decoding: $0, as: UTF8.self) }) { text += chunk }
    return text
}

@Test func aResponseWrittenAtOnceIsDecodedAShareAtATurn() throws {
    // About 1 MB of tool calls, ten to an event, in the client's socket before it reads.
    let calls = 12_000
    var body = ""
    for first in stride(from: 0, to: calls, by: 10) {
        let batch = (first..<first + 10).map { #"{"index":\#($0),"id":"c\#($0)","function":{"name":"f","arguments":"{}"}}"# }
        body += #"data: {"choices":[{"index":0,"delta":{"tool_calls":[\#(batch.joined(separator: ","))]}}]}"# + "\n\n"
    }
    body += #"data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"# + "\n\ndata: [DONE]\n\n"
    let server = try LoopbackServer(contentType: "text/event-stream", body: Array(body.utf8))
    let c = try client(spansFile: "/dev/null")
    defer { c.close() }
    let turnsBefore = c.engine.turn
    let stream = try c.run(
        try RunRequest.parse(
            json:
                #"{"model":"gpt-4.1-mini","stream":true,"send_trace":false,"base_url":"http://127.0.0.1:\#(server.port)/v1","messages":[{"role":"user","content":"hi"}]}"#
        ))
    let result = stream.waitForResult()
    server.join()
    #expect(result.error == nil)
    #expect(result.toolCalls.count == calls)
    // One share per turn would take body.count / share turns; half of that leaves room for
    // the reads curl makes smaller than its buffer. Without shares curl reads all it can in
    // a turn, a handful of turns for the whole body.
    let turns = c.engine.turn - turnsBefore
    #expect(turns >= body.utf8.count / HTTPCall.turnShareBytes / 2, "\(turns) turns for \(body.utf8.count) bytes")
}

@Test func spansAreRenderedOnTheWorkerWhileTheEngineGoesOn() throws {
    let path = temporaryPath()
    defer { unlink(path) }
    let c = try client(spansFile: path)
    defer { c.close() }
    let gate = try Gate(holding: c.engine.worker)
    let first = try c.run(try mockRequest())
    #expect(try drain(first) == "one two")
    // A whole second call runs through the engine's turns while the first one's span waits
    // for the worker.
    let second = try c.run(try mockRequest(#","send_trace":false"#))
    #expect(try drain(second) == "one two")
    #expect(c.spanStats.pending == 1 && c.spanStats.delivered == 0)
    gate.open()
    #expect(c.flush(timeoutMS: 5000) == nil)
    #expect(c.spanStats.delivered == 1)
}

@Test func aLongToolCallAssemblyEndsTheCallOnTheWorker() throws {
    let c = try client(spansFile: "/dev/null")
    defer { c.close() }
    let gate = try Gate(holding: c.engine.worker)
    let many = (0..<2000).map { #"{"name":"f","arguments":{"n":\#($0)}}"# }.joined(separator: ",")
    // The engine runs the long call's mock to its last event before it starts the short one;
    // the long call's end waits for the worker, the short one's does not.
    let long = try c.run(try mockRequest(#","send_trace":false,"mock_tool_calls":[\#(many)]"#))
    let short = try c.run(try mockRequest(#","send_trace":false,"mock_tool_calls":[{"name":"f"}]"#))
    #expect(short.waitForResult().toolCalls.count == 1)
    #expect(!long.isFinished)
    gate.open()
    let result = long.waitForResult()
    #expect(result.error == nil && result.toolCalls.count == 2000)
    #expect(result.toolCalls[1999].arguments == ["n": 1999])
}
