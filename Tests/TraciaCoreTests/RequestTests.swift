import Testing

@testable import TraciaCore

private func parseError(_ json: String) -> TraciaError? {
    do {
        _ = try RunRequest.parse(json: json)
        return nil
    } catch {
        return error
    }
}

@Test(arguments: [
    ("{", "invalid JSON"),
    ("[]", "request must be a JSON object"),
    (#"{"messages":[{"role":"user","content":"x"}]}"#, "'model' is required"),
    (#"{"model":"m"}"#, "'messages' is required"),
    (#"{"model":"m","messages":[]}"#, "non-empty array"),
    (#"{"model":"m","messages":[{"role":"robot","content":"x"}]}"#, "unknown role 'robot'"),
    (#"{"model":"m","messages":[{"role":"tool","content":"x"}]}"#, "needs 'tool_call_id'"),
    (#"{"model":"m","messages":[{"role":"user","content":"x"}],"bogus":1}"#, "unknown key 'bogus'"),
    (#"{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":"hot"}"#, "must be a number"),
    (#"{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":7}"#, "between 0"),
    (#"{"model":"m","messages":[{"role":"user","content":"x"}],"max_output_tokens":1.5}"#, "must be an integer"),
    (#"{"model":"m","messages":[{"role":"user","content":"x"}],"span_id":"nope"}"#, "'span_id' must look like"),
    (#"{"model":"m","messages":[{"role":"user","content":"x"}],"stream":"yes"}"#, "true or false"),
    (#"{"model":"m","messages":[{"role":"user","content":7}]}"#, "'content' must be a string"),
    (#"{"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"maybe"}"#, "'tool_choice' must be"),
    (#"{"model":"m","messages":[{"role":"user","content":"a\u0000b"}]}"#, "invalid JSON"),
    (#"{"model":"m","model":"n","messages":[{"role":"user","content":"x"}]}"#, "invalid JSON"),
])
func invalidRequests(json: String, fragment: String) {
    let error = parseError(json)
    #expect(error?.code == .invalidRequest)
    #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error")")
}

@Test func validRequestKeepsEverything() throws {
    let r = try RunRequest.parse(
        json: #"""
            {"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"stream":true,"tags":["a"],"user_id":"u",
             "session_id":"s","span_id":"sp_0123456789abcdef","trace_id":"tr_0123456789abcdef","send_trace":false,
             "top_p":0.5,"timeout_ms":1000}
            """#)
    #expect(r.stream && r.tags == ["a"] && r.userID == "u" && r.sessionID == "s")
    #expect(r.spanID == "sp_0123456789abcdef" && r.traceID == "tr_0123456789abcdef" && !r.sendTrace)
    #expect(r.topP == 0.5 && r.timeoutMS == 1000)
}

@Test func providerResolution() {
    #expect(ProviderKind.resolve(model: "gpt-4.1-mini") == .openai)
    #expect(ProviderKind.resolve(model: "o3-mini") == .openai)
    #expect(ProviderKind.resolve(model: "claude-sonnet-4-5") == .anthropic)
    #expect(ProviderKind.resolve(model: "gemini-2.5-flash") == .google)
    #expect(ProviderKind.resolve(model: "us.anthropic.claude-3-5-sonnet-20240620-v1:0") == .amazonBedrock)
    #expect(ProviderKind.resolve(model: "mock/echo") == .mock)
    #expect(ProviderKind.resolve(model: "llama3") == nil)
}

@Test func mockWordsKeepSpaces() {
    #expect(MockBehaviour.words(of: "a b  c") == ["a ", "b ", " ", "c"])
}

@Test func redactionRemovesKeysAndHeaders() {
    let text = "bad key sk-abcdefghijklmnopqrstuvwxyz123 and Bearer abc.def and Authorization: xyz and mysecretvalue"
    let out = Redaction.scrub(text, secrets: ["mysecretvalue"])
    #expect(!out.contains("sk-abcdef") && !out.contains("abc.def") && !out.contains("xyz") && !out.contains("mysecretvalue"))
    #expect(out.contains("[REDACTED]"))
}

@Test func accumulatorFinishRuleZero() {
    var a = Accumulator()
    Array("{}".utf8).withUnsafeBufferPointer { a.appendArguments(index: 0, $0) }
    a.startToolCall(index: 0, id: "c", name: "f")
    a.setFinish(FinishReasons.anthropic.finish("end_turn"))
    #expect(a.finishReason == .toolCalls)
    a.setFinish(FinishReasons.anthropic.finish("brand_new_reason"))
    #expect(a.finishReason == .toolCalls)
    a.setFinish(FinishReasons.anthropic.finish("max_tokens"))
    #expect(a.finishReason == .maxTokens)
}

@Test func optionsRejectUnknownKeysAndReadEnvironment() throws {
    let env = ["OPENAI_API_KEY": "sk-env", "TRACIA_API_KEY": "tr-key", "HOME": "/home/x"]
    let o = try ClientOptions.resolve(json: #"{"idle_timeout_ms":500}"#, environment: { env[$0] })
    #expect(o.providerKeys[.openai] == "sk-env" && o.apiKey == "tr-key" && o.idleTimeoutMS == 500 && o.spansFile == nil)
    let local = try ClientOptions.resolve(json: nil, environment: { $0 == "HOME" ? "/home/x" : nil })
    #expect(local.spansFile == "/home/x/.local/state/tracia/spans.jsonl")
    #expect(throws: TraciaError.self) { try ClientOptions.resolve(json: #"{"nope":1}"#, environment: { _ in nil }) }
}
