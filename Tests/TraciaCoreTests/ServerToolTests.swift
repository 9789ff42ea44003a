import Testing

@testable import TraciaCore

/// A web search Anthropic runs itself, then a client tool call, in one streamed turn (the shape
/// of the recorded web-search responses: the call's input streams as input_json_delta).
private let searchThenClientCall = sseEvents([
    ("message_start", #"{"type":"message_start","message":{"usage":{"input_tokens":10,"output_tokens":1}}}"#),
    (
        "content_block_start",
        #"{"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}"#
    ),
    ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"query\": "}}"#),
    ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\"weather\"}"}}"#),
    ("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
    (
        "content_block_start",
        #"{"type":"content_block_start","index":1,"content_block":{"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[{"type":"web_search_result","url":"https://example.com","title":"Weather","encrypted_content":"Eo8B"}]}}"#
    ),
    ("content_block_stop", #"{"type":"content_block_stop","index":1}"#),
    ("content_block_start", #"{"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}}"#),
    ("content_block_delta", #"{"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"Sunny."}}"#),
    (
        "content_block_start",
        #"{"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_1","name":"save","input":{}}}"#
    ),
    ("content_block_delta", #"{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{\"v\":1}"}}"#),
    ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":30}}"#),
    ("message_stop", #"{"type":"message_stop"}"#),
])

@Test func anthropicServerToolsStayInTheMessageAndOutOfToolCalls() throws {
    var decoder = SSEDecoder<AnthropicEvents>()
    let sink = TestSink()
    try feed(&decoder, searchThenClientCall, pieceSize: 7, sink: sink)
    let calls = try sink.accumulator.toolCalls()
    #expect(calls == [ToolCall(id: "toolu_1", name: "save", arguments: ["v": 1])])
    #expect(sink.accumulator.finishReason == .toolCalls)
    let message = sink.accumulator.message(toolCalls: calls, provider: .anthropic)
    guard message.parts.count == 4, case .serverTool(let use) = message.parts[0], case .serverTool(let result) = message.parts[1]
    else {
        Issue.record("parts: \(message.parts)")
        return
    }
    #expect(use.provider == .anthropic && use.block["type"] == "server_tool_use" && use.block["input"] == ["query": "weather"])
    #expect(result.block["type"] == "web_search_tool_result" && result.block["content"]?[0]?["encrypted_content"] == "Eo8B")
    #expect(message.parts[2] == .text("Sunny.") && message.toolCalls.map(\.id) == ["toolu_1"])

    // Sent back: the blocks as they came, to Anthropic; left out for another provider.
    var request = RunRequest(model: "claude-sonnet-4-5", messages: [Message(role: .user, text: "q"), message])
    let body = try AnthropicAdapter.body(for: request, samplingAllowed: true)
    let content = body["messages"]?[1]?["content"]
    #expect(content?[0] == .object(use.block) && content?[1] == .object(result.block))
    #expect(content?[3]?["type"] == "tool_use")
    request.model = "anthropic.claude-sonnet-4-5"
    let bedrock = try BedrockAdapter.body(for: request)
    #expect(bedrock["messages"]?[1]?["content"]?.array?.count == 2)  // the text and the client call
}

@Test func aResponseOfOnlyServerToolsEndsByItsStopReason() throws {
    var body = JSONBodyDecoder<AnthropicBody>(limit: 1 << 20)
    let sink = TestSink()
    try feed(
        &body,
        #"{"type":"message","content":[{"type":"mcp_tool_use","id":"mcptoolu_1","name":"ask","server_name":"wiki","input":{"q":"x"}},{"type":"mcp_tool_result","tool_use_id":"mcptoolu_1","is_error":false,"content":[{"type":"text","text":"y"}]},{"type":"text","text":"Done."}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":2}}"#,
        pieceSize: 50, sink: sink)
    try body.finish(into: sink)
    #expect(try sink.accumulator.toolCalls().isEmpty && sink.accumulator.finishReason == .stop)
    #expect(sink.accumulator.serverTools.map { $0.assembled["type"] } == ["mcp_tool_use", "mcp_tool_result"])
}

@Test func bedrockServerToolUseAndItsResultAreAssembled() throws {
    var decoder = BedrockStreamDecoder()
    let sink = TestSink()
    let frames: [(String, String)] = [
        ("messageStart", #"{"role":"assistant"}"#),
        (
            "contentBlockStart",
            #"{"contentBlockIndex":0,"start":{"toolUse":{"name":"nova_code_interpreter","toolUseId":"tooluse_A","type":"server_tool_use"}}}"#
        ),
        ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"toolUse":{"input":"{\"snippet\":\"1+1\"}"}}}"#),
        (
            "contentBlockStart",
            #"{"contentBlockIndex":1,"start":{"toolResult":{"status":"success","toolUseId":"tooluse_A","type":"nova_code_interpreter_result"}}}"#
        ),
        ("contentBlockDelta", #"{"contentBlockIndex":1,"delta":{"toolResult":[{"json":{"stdOut":"2","exitCode":0}}]}}"#),
        ("contentBlockDelta", #"{"contentBlockIndex":2,"delta":{"text":"It is 2."}}"#),
        ("messageStop", #"{"stopReason":"end_turn"}"#),
        ("metadata", #"{"usage":{"inputTokens":5,"outputTokens":3,"totalTokens":8}}"#),
    ]
    try feed(&decoder, frames.flatMap { EventStreamFrame.event($0.0, payload: $0.1) }, pieceSize: 9, sink: sink)
    try decoder.finish(into: sink)
    #expect(try sink.accumulator.toolCalls().isEmpty && sink.accumulator.finishReason == .stop)
    let blocks = sink.accumulator.serverTools.map(\.assembled)
    #expect(blocks[0]["toolUse"]?["input"] == ["snippet": "1+1"])
    #expect(blocks[1]["toolResult"]?["content"] == [["json": ["stdOut": "2", "exitCode": 0]]])
    #expect(sink.accumulator.textString == "It is 2.")
}

@Test func serverToolPartsParseAsAssistantPartsOnly() throws {
    let part = #"{"type":"server_tool","provider":"anthropic","block":{"type":"server_tool_use","id":"s","name":"web_search","input":{}}}"#
    let request = try RunRequest.parse(
        json: #"{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"q"},{"role":"assistant","content":[\#(part)]}]}"#)
    #expect(request.messages[1].parts.count == 1)
    #expect(throws: TraciaError.self) {
        try RunRequest.parse(json: #"{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":[\#(part)]}]}"#)
    }
    #expect(throws: TraciaError.self) {
        try RunRequest.parse(
            json: #"{"model":"m","messages":[{"role":"assistant","content":[{"type":"server_tool","provider":"anthropic"}]}]}"#)
    }
}
