import Testing

@testable import TraciaCore

private func named(_ events: [String]) -> String {
    events.map { json in
        let type = json.split(separator: "\"")[3]
        return "event: \(type)\ndata: \(json)\n\n"
    }.joined()
}

/// Two summary paragraphs, the encrypted content only in output_item.done, a call whose
/// arguments come only with its final form, then text.
private let reasoningStream = named([
    #"{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","status":"in_progress","output":[]}}"#,
    #"{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[],"encrypted_content":"gAAA-partial"}}"#,
    #"{"type":"response.reasoning_summary_text.delta","sequence_number":2,"item_id":"rs_1","output_index":0,"summary_index":0,"delta":"First","obfuscation":"x"}"#,
    #"{"type":"response.reasoning_summary_text.delta","sequence_number":3,"item_id":"rs_1","output_index":0,"summary_index":1,"delta":"Second"}"#,
    #"{"type":"response.output_item.done","sequence_number":4,"output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"First"},{"type":"summary_text","text":"Second"}],"encrypted_content":"gAAA+whole/="}}"#,
    #"{"type":"response.output_item.added","sequence_number":5,"output_index":1,"item":{"id":"fc_1","type":"function_call","arguments":"","call_id":"call_1","name":"lookup"}}"#,
    #"{"type":"response.output_item.done","sequence_number":6,"output_index":1,"item":{"id":"fc_1","type":"function_call","arguments":"{\"q\":1}","call_id":"call_1","name":"lookup"}}"#,
    #"{"type":"response.output_text.delta","sequence_number":7,"item_id":"msg_1","output_index":2,"content_index":0,"delta":"Hé 🎉"}"#,
    #"{"type":"response.output_text.done","sequence_number":8,"item_id":"msg_1","output_index":2,"content_index":0,"text":"Hé 🎉"}"#,
    #"{"type":"response.output_item.done","sequence_number":9,"output_index":2,"item":{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"output_text","text":"Hé 🎉","annotations":[]}]}}"#,
    #"{"type":"response.completed","sequence_number":10,"response":{"id":"resp_1","status":"completed","output":[],"usage":{"input_tokens":20,"input_tokens_details":{"cached_tokens":8},"output_tokens":30,"output_tokens_details":{"reasoning_tokens":25},"total_tokens":50}}}"#,
])

@Test(arguments: [1, 7, 100_000])
func responsesStreamKeepsReasoningItemsForTheReplay(pieceSize: Int) throws {
    var decoder = SSEDecoder<OpenAIResponsesEvents>()
    let sink = TestSink()
    try feed(&decoder, reasoningStream, pieceSize: pieceSize, sink: sink)
    try decoder.finish(into: sink)
    #expect(sink.texts.joined() == "Hé 🎉")
    #expect(sink.accumulator.reasoningText == "FirstSecond")
    #expect(
        sink.accumulator.usage
            == Usage(inputTokens: 20, outputTokens: 30, totalTokens: 50, reasoningTokens: 25, cacheReadTokens: 8))
    let calls = try sink.accumulator.toolCalls()
    #expect(calls == [ToolCall(id: "call_1", name: "lookup", arguments: ["q": 1])])
    #expect(sink.accumulator.finishReason == .toolCalls)

    let message = sink.accumulator.message(toolCalls: calls, provider: .openai)
    #expect(
        message.reasoning == [
            ReasoningPart(provider: .openai, text: "First", id: "rs_1"),
            ReasoningPart(provider: .openai, text: "Second", signature: "gAAA+whole/=", id: "rs_1"),
        ])

    // Sent back: one reasoning item, its paragraphs and encrypted content as they came, then the
    // call and the text in their order.
    var follow = RunRequest(model: "gpt-5", messages: [Message(role: .user, text: "q"), message])
    follow.messages.append(Message(role: .tool, parts: [.text("42")], toolCallID: "call_1"))
    let input = try #require(JSON.object(try OpenAIResponses.body(for: follow, provider: .openai, media: .openAI))["input"]?.array)
    #expect(input.count == 5)
    #expect(input[1]["type"] == "reasoning" && input[1]["id"] == "rs_1" && input[1]["encrypted_content"] == "gAAA+whole/=")
    #expect(input[1]["summary"]?.array?.compactMap { $0["text"]?.string } == ["First", "Second"])
    #expect(input[2]["type"] == "function_call" && input[2]["call_id"] == "call_1" && input[2]["arguments"] == #"{"q":1}"#)
    #expect(input[3]["content"]?[0]?["type"] == "output_text" && input[3]["content"]?[0]?["text"] == "Hé 🎉")
    #expect(input[4]["type"] == "function_call_output" && input[4]["output"] == "42")

    // To another provider the items are left out.
    let other = try OpenAIResponses.body(for: follow, provider: .azure, media: .openAI)
    #expect(JSON.object(other)["input"]?.array?.contains { $0["type"] == "reasoning" } == false)
}

@Test func responsesErrorEventsInBothShapesKeepTheirCode() {
    let shapes = [
        #"{"type":"error","sequence_number":2,"error":{"type":"insufficient_quota","code":"insufficient_quota","message":"You exceeded your current quota.","param":null}}"#,
        #"{"type":"error","sequence_number":2,"code":"insufficient_quota","message":"You exceeded your current quota.","param":null}"#,
    ]
    for shape in shapes {
        var decoder = SSEDecoder<OpenAIResponsesEvents>()
        let sink = TestSink()
        var failure: TraciaError?
        do throws(TraciaError) { try feed(&decoder, named([shape]), pieceSize: 5, sink: sink) } catch { failure = error }
        #expect(failure?.code == .providerError)
        #expect(failure?.message == "error event in stream: insufficient_quota: You exceeded your current quota.")
    }
}

@Test func responsesIncompleteReasonsAreStopReasons() throws {
    for (reason, expected) in [("max_output_tokens", FinishReason.maxTokens), ("content_filter", .contentFilter), ("new", .other)] {
        let body = #"{"status":"incomplete","incomplete_details":{"reason":"\#(reason)"},"output":[]}"#
        var decoder = JSONBodyDecoder<OpenAIResponsesBody>(limit: 1 << 16)
        let sink = TestSink()
        try feed(&decoder, body, pieceSize: 100, sink: sink)
        try decoder.finish(into: sink)
        #expect(sink.accumulator.finishReason == expected, "\(reason)")
        #expect(sink.finishes.last?.raw == reason)
    }
}

@Test func responsesOnlyModelsAreTheTablesOnes() {
    for model in [
        "o1-pro", "o3-pro-2025-06-10", "gpt-5-pro", "gpt-5.2-pro", "gpt-5-codex", "gpt-5.1-codex-max", "codex-mini-latest",
        "computer-use-preview", "o3-deep-research", "o4-mini-deep-research",
    ] {
        #expect(OpenAIAPI.isResponsesOnly(model), "\(model)")
    }
    for model in ["gpt-5", "gpt-4o", "o3", "o3-mini", "gpt-5-mini", "gpt-4.1-pro-ish", "claude-opus-4-5"] {
        #expect(!OpenAIAPI.isResponsesOnly(model), "\(model)")
    }
    let codex = RunRequest(model: "gpt-5-codex", messages: [Message(role: .user, text: "q")])
    #expect(OpenAIAPI.of(codex, provider: .openai) == .responses)
    #expect(OpenAIAPI.of(codex, provider: .azure) == .responses)
    // Compatible servers (OpenRouter and the like) serve such models by Chat Completions.
    #expect(OpenAIAPI.of(codex, provider: .openaiCompatible) == .chat)
    var forced = codex
    forced.api = .chat
    #expect(OpenAIAPI.of(forced, provider: .openai) == .chat)
}

@Test func azureErrorsNameTheCodeAndTheFilteredCategories() {
    let adapter = AzureAdapter(api: .chat)
    let filtered = Array(
        #"{"error":{"message":"The response was filtered.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":false,"severity":"safe"},"violence":{"filtered":true,"severity":"medium"},"jailbreak":{"filtered":true,"detected":true}}}}}"#
            .utf8)
    let e = adapter.error(status: 400, body: filtered)
    #expect(e.code == .providerError)
    #expect(e.message == "HTTP 400: content_filter: The response was filtered. (filtered: jailbreak, violence (medium))")
    let missing = Array(#"{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}"#.utf8)
    let notFound = adapter.error(status: 404, body: missing)
    #expect(notFound.code == .notFound)
    #expect(notFound.message == "HTTP 404: DeploymentNotFound: The API deployment for this resource does not exist.")
}
