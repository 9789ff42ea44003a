import CCurl
import Glibc
import Testing

@testable import TraciaCore

/// A URL prefix no other test uses, so an injected fault touches only this test's transfers.
private func faultyURL(_ name: String) -> String {
    "http://127.0.0.1:9/setup-fault-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
}

private func withSetupFault<T>(
    _ prefix: String, _ option: CURLoption, _ code: CURLcode, _ body: () throws -> T
) rethrows -> T {
    let fault = Curl.SetupFault(urlPrefix: prefix, option: option, code: code)
    Curl.setupFaults.withLock { $0.append(fault) }
    defer { Curl.setupFaults.withLock { faults in faults.removeAll { $0.urlPrefix == prefix } } }
    return try body()
}

private func nowMS() -> Int64 { Clock.nowMS() }

/// Options set by `Curl.configure` and by the provider call itself.
@Test(arguments: [
    (CURLOPT_URL, "CURLOPT_URL"),
    (CURLOPT_PROTOCOLS_STR, "CURLOPT_PROTOCOLS_STR"),
    (CURLOPT_HTTPHEADER, "CURLOPT_HTTPHEADER"),
    (CURLOPT_USERAGENT, "CURLOPT_USERAGENT"),
    (CURLOPT_WRITEFUNCTION, "CURLOPT_WRITEFUNCTION"),
    (CURLOPT_HEADERDATA, "CURLOPT_HEADERDATA"),
])
func aProviderCallWhoseSetupFailsEndsWithAClearError(option: CURLoption, name: String) throws {
    let base = faultyURL("call")
    let client = try TraciaClient(
        options: ClientOptions.resolve(json: #"{"openai_api_key":"sk-test","spans_file":"/dev/null"}"#, environment: { _ in nil }))
    defer { client.close() }
    let request = try RunRequest.parse(
        json: #"""
            {"model":"gpt-4.1-mini","stream":true,"base_url":"\#(base)/v1","timeout_ms":60000,"send_trace":false,
             "messages":[{"role":"user","content":"x"}]}
            """#)
    let result = try withSetupFault(base, option, CURLE_OUT_OF_MEMORY) {
        let start = nowMS()
        let result = try client.run(request).waitForResult()
        #expect(nowMS() - start < 5000, "a setup failure must end the call at once, not at its timeout")
        return result
    }
    let error = try #require(result.error)
    #expect(error.code == .unknown)
    #expect(error.message == "curl setup failed: \(name): Out of memory", "\(error.message)")
}

@Test func aSpanPostWhoseSetupFailsCountsAsFailed() throws {
    let base = faultyURL("span")
    let client = try TraciaClient(
        options: ClientOptions.resolve(
            json: #"{"api_key":"tr-test","base_url":"\#(base)","span_max_attempts":3,"span_retry_base_ms":0}"#,
            environment: { _ in nil }))
    defer { client.close() }
    let reports = Locked<[String]>([])
    client.onSpanError { _, error in reports.withLock { $0.append(error.message) } }
    try withSetupFault(base, CURLOPT_URL, CURLE_UNKNOWN_OPTION) {
        let stream = try client.run(try RunRequest.parse(json: #"{"model":"mock/x","messages":[{"role":"user","content":"x"}]}"#))
        #expect(stream.waitForResult().error == nil)
        #expect(client.flush(timeoutMS: 5000) == .networkError)
    }
    #expect(client.spanStats.failed == 1 && client.spanStats.delivered == 0 && client.spanStats.pending == 0)
    let messages = reports.withLock { $0 }
    #expect(messages.count == 1, "a setup failure is final, not retried")
    let prefix = "span for \(base)/api/v1/spans failed: curl setup failed: CURLOPT_URL: "
    #expect(messages.first?.hasPrefix(prefix) == true, "\(messages)")
}

@Test func curlNamesItsOptions() {
    #expect(Curl.name(of: CURLOPT_CONNECTTIMEOUT_MS) == "CURLOPT_CONNECTTIMEOUT_MS")
    #expect(Curl.name(of: CURLoption(rawValue: 999_999)) == "option 999999")
}

@Test func transportFailuresAsThePolicySeesThem() {
    #expect(Curl.transportFailure(CURLE_OK) == nil)
    #expect(Curl.transportFailure(CURLE_COULDNT_RESOLVE_HOST) == .connectFailed)
    #expect(Curl.transportFailure(CURLE_COULDNT_CONNECT) == .connectFailed)
    #expect(Curl.transportFailure(CURLE_OPERATION_TIMEDOUT) == .timedOut)
    #expect(Curl.transportFailure(CURLE_GOT_NOTHING) == .gotNothing)
    #expect(Curl.transportFailure(CURLE_SEND_ERROR) == .sendFailed)
    #expect(Curl.transportFailure(CURLE_RECV_ERROR) == .receiveFailed)
    #expect(Curl.transportFailure(CURLE_SSL_CONNECT_ERROR) == .tlsConnectFailed)
    #expect(Curl.transportFailure(CURLE_PARTIAL_FILE) == .other)
    #expect(Curl.transportFailure(CURLE_PEER_FAILED_VERIFICATION) == .other)
    #expect(Curl.transportFailure(CURLE_WRITE_ERROR) == .other)
}
