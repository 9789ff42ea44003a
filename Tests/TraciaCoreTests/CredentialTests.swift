import Glibc
import Synchronization
import Testing

@testable import TraciaCore

/// A source whose fetches the test completes by hand, counting them.
private final class ManualSource: CredentialSource, @unchecked Sendable {
    let cacheKey = "manual"
    let refreshAheadMS: Int64 = 300_000
    let mandatoryRefreshMS: Int64 = 60_000
    var fetches = 0
    var pending: [(Result<Credential, TraciaError>) -> Void] = []

    func fetch(using fetcher: CredentialFetcher, done: @escaping (Result<Credential, TraciaError>) -> Void) {
        fetches += 1
        pending.append(done)
    }

    func complete(_ result: Result<Credential, TraciaError>) { pending.removeFirst()(result) }
}

private func token(_ text: String, expiresAtMS: Int64?) -> Credential { Credential(value: .bearer(text), expiresAtMS: expiresAtMS) }

private func withCache(_ body: (CredentialCache) throws -> Void) throws {
    let client = try TraciaClient(options: ClientOptions.resolve(json: #"{"spans_file":"/dev/null"}"#, environment: { _ in nil }))
    defer { client.close() }
    try body(CredentialCache(fetcher: CredentialFetcher(engine: client.engine)))
}

@Test func callsWaitingForOneCredentialShareOneFetch() throws {
    try withCache { cache in
        let source = ManualSource()
        var got: [String] = []
        for _ in 0..<3 { cache.credential(from: source, now: 0) { if case .success(let c) = $0 { got.append("\(c.value)") } } }
        #expect(source.fetches == 1)
        #expect(got.isEmpty)
        source.complete(.success(token("a", expiresAtMS: 3_600_000)))
        #expect(got.count == 3)
        cache.credential(from: source, now: 1000) { if case .success(let c) = $0 { got.append("\(c.value)") } }
        #expect(got.count == 4, "a fresh credential is handed out at once")
        #expect(source.fetches == 1)
    }
}

@Test func aCredentialNearItsExpiryIsRefreshedWhileCallsGoOnUsingIt() throws {
    try withCache { cache in
        let source = ManualSource()
        cache.credential(from: source, now: 0) { _ in }
        source.complete(.success(token("old", expiresAtMS: 1_000_000)))
        // 200 s left: under the advisory bound, over the mandatory one.
        var used: Credential?
        cache.credential(from: source, now: 800_000) { used = try? $0.get() }
        #expect(used == token("old", expiresAtMS: 1_000_000))
        #expect(source.fetches == 2, "a background refresh started")
        cache.credential(from: source, now: 800_001) { _ in }
        #expect(source.fetches == 2, "one refresh at a time")
        source.complete(.success(token("new", expiresAtMS: 5_000_000)))
        cache.credential(from: source, now: 800_002) { used = try? $0.get() }
        #expect(used?.value == .bearer("new"))
    }
}

@Test func aCredentialPastTheMandatoryBoundIsNotUsed() throws {
    try withCache { cache in
        let source = ManualSource()
        cache.credential(from: source, now: 0) { _ in }
        source.complete(.success(token("old", expiresAtMS: 100_000)))
        var result: Result<Credential, TraciaError>?
        cache.credential(from: source, now: 50_000) { result = $0 }
        #expect(result == nil, "50 s left is under the mandatory 60 s: the call waits")
        source.complete(.failure(TraciaError(.unauthorized, "refused")))
        #expect(throws: TraciaError.self) { try result?.get() }
        // A failed fetch is not cached: the next call tries again.
        cache.credential(from: source, now: 50_001) { result = $0 }
        #expect(source.fetches == 3)
    }
}

@Test func anInvalidatedCredentialIsFetchedAgain() throws {
    try withCache { cache in
        let source = ManualSource()
        let first = token("first", expiresAtMS: nil)
        cache.credential(from: source, now: 0) { _ in }
        source.complete(.success(first))
        cache.invalidate(token("other", expiresAtMS: nil), of: source)
        cache.credential(from: source, now: 0) { _ in }
        #expect(source.fetches == 1, "invalidating a credential the cache no longer holds changes nothing")
        cache.invalidate(first, of: source)
        cache.credential(from: source, now: 0) { _ in }
        #expect(source.fetches == 2)
    }
}

@Test func aProgramsOutputAndStatusAreCollected() throws {
    let result = try ProcessJob(argv: ["sh", "-c", "printf out; printf err >&2; exit 3"], timeoutMS: 10_000).run().get()
    #expect(result.exitStatus == 3)
    #expect(String(decoding: result.stdout, as: UTF8.self) == "out")
    #expect(String(decoding: result.stderr, as: UTF8.self) == "err")
}

@Test func aProgramThatOutlivesItsTimeIsKilled() throws {
    let started = Clock.nowMS()
    #expect(throws: TraciaError.self) { try ProcessJob(argv: ["sleep", "30"], timeoutMS: 200).run().get() }
    #expect(Clock.nowMS() - started < 10_000)
}

@Test func aMissingProgramIsAClearError() {
    let result = ProcessJob(argv: ["/nonexistent/tracia-helper"], timeoutMS: 1000).run()
    guard case .failure(let error) = result else { return #expect(Bool(false), "it ran") }
    #expect(error.message.contains("/nonexistent/tracia-helper"))
}

@Test(arguments: [
    ("https://api.openai.com/v1", "api.openai.com"), ("http://127.0.0.1:8080/x?y", "127.0.0.1:8080"),
    ("https://user:secret@host.example/p", "host.example"), ("http://[::1]:9/", "[::1]:9"),
])
func messagesNameTheHostOfAURL(url: String, host: String) {
    #expect(Curl.host(of: url) == host)
}

@Test func aFetchOverHTTPGetsTheWholeReply() throws {
    let server = try LoopbackServer(contentType: "application/json", body: Array(#"{"token":"t"}"#.utf8))
    let got = try fetchOnAnEngine(
        method: "GET", url: "http://127.0.0.1:\(server.port)/token", headers: ["Metadata-Flavor: Google"]
    )?.get()
    #expect(got?.status == 200)
    #expect(got.map { String(decoding: $0.body, as: UTF8.self) } == #"{"token":"t"}"#)
    server.join()
}

@Test func aFetchFromAClosedPortNamesTheHost() throws {
    let reply = try fetchOnAnEngine(method: "PUT", url: "http://127.0.0.1:1/latest/api/token", headers: [])
    guard case .failure(let error) = reply else { return #expect(Bool(false), "no failure") }
    #expect(error.code == .networkError)
    #expect(error.message.contains("127.0.0.1:1"))
}

/// One fetch by CredentialFetcher on a new client's engine thread, waited for; nil when it did not end in time.
private func fetchOnAnEngine(method: String, url: String, headers: [String]) throws -> Result<CredentialFetcher.Reply, TraciaError>? {
    let client = try TraciaClient(options: ClientOptions.resolve(json: #"{"spans_file":"/dev/null"}"#, environment: { _ in nil }))
    defer { client.close() }
    let reply = Mutex<Result<CredentialFetcher.Reply, TraciaError>?>(nil)
    let done = try ReadyFDBox()
    client.engine.perform {
        CredentialFetcher(engine: client.engine).http(method: method, url: url, headers: headers, body: [], timeoutMS: 5000) { result in
            reply.withLock { $0 = result }
            done.set()
        }
    }
    #expect(done.wait(timeoutMS: 10_000))
    return reply.withLock { $0 }
}

/// A readiness flag the test thread waits on.
private final class ReadyFDBox: Sendable {
    let fd: Int32
    init() throws { fd = try ReadyFD.make(set: false) }
    deinit { close(fd) }
    func set() { ReadyFD.set(fd) }
    func wait(timeoutMS: Int32) -> Bool { ReadyFD.wait(fd, timeoutMS: timeoutMS) }
}

@Test func aShortLivedCredentialIsRefreshedInTheSecondHalfOfItsLife() throws {
    try withCache { cache in
        let source = ManualSource()
        let now = Clock.nowMS()
        cache.credential(from: source, now: now) { _ in }
        // Given for 240 s: within the 300 s advisory window from the start, so refreshed
        // halfway to the 60 s mandatory bound (at 150 s left) rather than on every call.
        source.complete(.success(token("short", expiresAtMS: now + 240_000)))
        cache.credential(from: source, now: now + 60_000) { _ in }
        #expect(source.fetches == 1)
        cache.credential(from: source, now: now + 91_000) { _ in }
        #expect(source.fetches == 2)
    }
}
