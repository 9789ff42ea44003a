import Glibc
import Testing

@testable import TraciaCore

private func client(spansFile: String) throws -> TraciaClient {
    try TraciaClient(options: ClientOptions.resolve(json: #"{"spans_file":"\#(spansFile)"}"#, environment: { _ in nil }))
}

private func mockRequest(_ extra: String = "") throws -> RunRequest {
    try RunRequest.parse(json: #"{"model":"mock/test","stream":true,"messages":[{"role":"user","content":"one two three"}]\#(extra)}"#)
}

private func temporaryPath() -> String { "/tmp/tracia-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).jsonl" }

@Test func asyncIterationYieldsChunksAndResult() async throws {
    let path = temporaryPath()
    defer { unlink(path) }
    let c = try client(spansFile: path)
    let stream = try c.run(try mockRequest(#","mock_chunk_delay_ms":2"#))
    var chunks: [String] = []
    for try await chunk in stream { chunks.append(chunk) }
    #expect(chunks == ["one ", "two ", "three"])
    let result = try await stream.result
    #expect(result.text == "one two three" && !result.aborted && result.usage.outputTokens == 3)
    #expect(c.flush(timeoutMS: 2000) == nil)
    c.close()
}

@Test func asyncFailureIsThrownFromIterationAndResult() async throws {
    let c = try client(spansFile: temporaryPath())
    let stream = try c.run(try mockRequest(#","mock_error":{"code":"PROVIDER_ERROR","message":"boom","after_chunks":1}"#))
    var chunks: [String] = []
    do {
        for try await chunk in stream { chunks.append(chunk) }
        Issue.record("iteration should throw")
    } catch let error as TraciaError {
        #expect(error.code == .providerError && error.message == "boom")
    }
    #expect(chunks == ["one "])
    await #expect(throws: TraciaError(.providerError, "boom")) { _ = try await stream.result }
    #expect(stream.waitForResult().text == "one ")
    c.close()
}

// The first word comes after ten minutes: however late a loaded machine runs the cancel (the
// tests share a cooperative pool as wide as the cores, and long synchronous tests hold it),
// only the abort can end the iteration before then. The time limit turns a cancel that does
// not abort into a failure rather than a ten-minute wait.
@Test(.timeLimit(.minutes(1))) func cancellingTheTaskAbortsTheCall() async throws {
    let c = try client(spansFile: temporaryPath())
    let stream = try c.run(try mockRequest(#","mock_chunk_delay_ms":600000"#))
    let task = Task {
        var count = 0
        for try await _ in stream { count += 1 }
        return count
    }
    try await Task.sleep(for: .milliseconds(50))
    task.cancel()
    #expect(try await task.value == 0)
    let result = try await stream.result
    #expect(result.aborted)
    c.close()
}
