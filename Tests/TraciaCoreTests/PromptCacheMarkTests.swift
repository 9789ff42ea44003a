import Testing

@testable import TraciaCore

// cache_control in a request: parsed on the request, messages, parts and tools; sent as
// Anthropic's cache_control and Bedrock's cachePoint blocks; not sent to OpenAI and Gemini;
// refused before anything is sent when the provider would refuse it.

private func request(_ json: String) throws -> RunRequest { try RunRequest.parse(json: json) }

private func json(_ text: String) throws -> JSON { try JSON(parsing: text) }

private func anthropic(_ r: RunRequest) throws -> JSONObject { try AnthropicAdapter.body(for: r, samplingAllowed: true) }

private func refusal(_ build: () throws -> Any) -> String? {
    do {
        _ = try build()
        return nil
    } catch let error as TraciaError {
        #expect(error.code == .invalidRequest)
        return error.message
    } catch {
        return "\(error)"
    }
}

private let weatherTool =
    #"{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}},"cache_control":{"type":"ephemeral"}}"#

/// A marked tool, a marked system prompt and a marked part of a user message, longer ttls first.
private let markedParts = """
    {"model":"claude-sonnet-4-5","tools":[\(weatherTool.replacing(#""ephemeral"}"#, with: #""ephemeral","ttl":"1h"}"#))],"messages":[
      {"role":"system","content":"Long rules.","cache_control":{"type":"ephemeral","ttl":"1h"}},
      {"role":"user","content":[{"type":"text","text":"<doc>","cache_control":{"type":"ephemeral","ttl":"5m"}},{"type":"text","text":"Question?"}]}]}
    """

/// Message-level marks: a string, an array whose last part is a tool call, a tool result; and
/// the request's own mark.
private let markedMessages = """
    {"model":"claude-sonnet-4-5","cache_control":{"type":"ephemeral"},"messages":[
      {"role":"user","content":"Weather in Paris?","cache_control":{"type":"ephemeral"}},
      {"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"tool_call","id":"toolu_A","name":"get_weather","arguments":{"city":"Paris"}}],"cache_control":{"type":"ephemeral"}},
      {"role":"tool","tool_call_id":"toolu_A","content":"21C","cache_control":{"type":"ephemeral","ttl":"5m"}}]}
    """

@Test func requestMarksAreParsedWhereTheyStand() throws {
    let r = try request(markedParts)
    #expect(r.messages[0].cacheMarks == [0: CacheMark(ttl: .oneHour)])
    #expect(r.messages[1].cacheMarks == [0: CacheMark(ttl: .fiveMinutes)])
    #expect(r.tools[0].cacheMark == CacheMark(ttl: .oneHour))
    #expect(r.cacheMark == nil)
    let m = try request(markedMessages)
    #expect(m.cacheMark == CacheMark())
    #expect(m.messages[1].cacheMarks == [1: CacheMark()])  // the last part
    #expect(m.messages[2].cacheMarks == [0: CacheMark(ttl: .fiveMinutes)])
}

@Test func anthropicSendsCacheControlOnTheSystemBlockThePartAndTheTool() throws {
    let body = try anthropic(request(markedParts))
    #expect(body["system"] == (try json(#"[{"type":"text","text":"Long rules.","cache_control":{"type":"ephemeral","ttl":"1h"}}]"#)))
    #expect(
        body["messages"]?[0]?["content"]
            == (try json(
                #"[{"type":"text","text":"<doc>","cache_control":{"type":"ephemeral","ttl":"5m"}},{"type":"text","text":"Question?"}]"#)))
    #expect(
        body["tools"]
            == (try json(
                #"[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}},"cache_control":{"type":"ephemeral","ttl":"1h"}}]"#
            )))
    #expect(body["cache_control"] == nil)
}

@Test func anthropicMarksTheLastBlockOfAMarkedMessageAndTheRequest() throws {
    let body = try anthropic(request(markedMessages))
    #expect(
        body["messages"]?[0]?["content"]
            == (try json(#"[{"type":"text","text":"Weather in Paris?","cache_control":{"type":"ephemeral"}}]"#)))
    #expect(
        body["messages"]?[1]?["content"]
            == (try json(
                #"[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_A","name":"get_weather","input":{"city":"Paris"},"cache_control":{"type":"ephemeral"}}]"#
            )))
    #expect(
        body["messages"]?[2]?["content"]
            == (try json(
                #"[{"type":"tool_result","tool_use_id":"toolu_A","content":"21C","cache_control":{"type":"ephemeral","ttl":"5m"}}]"#)))
    #expect(body["cache_control"] == ["type": "ephemeral"])
}

@Test func anUnmarkedSystemStaysAStringAndAMarkSplitsItWhereItStands() throws {
    let plain = try anthropic(request(#"{"model":"m","messages":[{"role":"system","content":"a"},{"role":"user","content":"q"}]}"#))
    #expect(plain["system"] == "a")
    // Marked in the middle: the pieces joined are the unmarked system text.
    let split = try request(
        """
        {"model":"m","messages":[{"role":"system","content":"a"},{"role":"developer","content":[{"type":"text","text":"b","cache_control":{"type":"ephemeral"}}]},
          {"role":"system","content":"c"},{"role":"user","content":"q"}]}
        """)
    let conversation = Conversation(split.messages)
    #expect(conversation.systemSegments.map(\.text).joined() == conversation.system)
    #expect(
        try anthropic(split)["system"]
            == (try json(#"[{"type":"text","text":"a\n\nb","cache_control":{"type":"ephemeral"}},{"type":"text","text":"\n\nc"}]"#)))
}

@Test func bedrockPutsACachePointAfterTheMarkedContent() throws {
    var r = try request(markedParts)
    r.model = "anthropic.claude-sonnet-4-5-20250929-v1:0"
    let body = try BedrockAdapter.body(for: r)
    #expect(body["system"] == (try json(#"[{"text":"Long rules."},{"cachePoint":{"type":"default","ttl":"1h"}}]"#)))
    #expect(
        body["messages"]?[0]?["content"]
            == (try json(#"[{"text":"<doc>"},{"cachePoint":{"type":"default","ttl":"5m"}},{"text":"Question?"}]"#)))
    #expect(
        body["toolConfig"]?["tools"]
            == (try json(
                #"[{"toolSpec":{"name":"get_weather","inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}}}}}},{"cachePoint":{"type":"default","ttl":"1h"}}]"#
            )))
}

@Test func bedrockTurnsTheRequestsMarkIntoACachePointAfterTheLastMessage() throws {
    let body = try BedrockAdapter.body(for: request(markedMessages))
    #expect(
        body["messages"]?[1]?["content"]
            == (try json(
                #"[{"text":"Checking."},{"toolUse":{"toolUseId":"toolu_A","name":"get_weather","input":{"city":"Paris"}}},{"cachePoint":{"type":"default"}}]"#
            )))
    // The tool result, its own mark, then the request's.
    #expect(
        body["messages"]?[2]?["content"]
            == (try json(
                #"[{"toolResult":{"toolUseId":"toolu_A","content":[{"text":"21C"}],"status":"success"}},{"cachePoint":{"type":"default","ttl":"5m"}},{"cachePoint":{"type":"default"}}]"#
            )))
    let systemOnly = try BedrockAdapter.body(
        for: request(
            #"{"model":"m","cache_control":{"type":"ephemeral"},"messages":[{"role":"system","content":"rules"},{"role":"user","content":""}]}"#
        ))
    #expect(systemOnly["system"] == (try json(#"[{"text":"rules"},{"cachePoint":{"type":"default"}}]"#)))
}

@Test func openAIAndGeminiCacheOnTheirOwnAndGetNoMarks() throws {
    let marked = try request(markedMessages)
    var unmarked = marked
    unmarked.cacheMark = nil
    for i in unmarked.messages.indices { unmarked.messages[i].cacheMarks = [:] }
    #expect(try OpenAIAdapter.body(for: marked, officialHost: true) == OpenAIAdapter.body(for: unmarked, officialHost: true))
    #expect(try GeminiAdapter.body(for: marked) == GeminiAdapter.body(for: unmarked))
    let five = try request(
        #"{"model":"m","cache_control":{"type":"ephemeral"},"messages":[{"role":"user","content":[{"type":"text","text":"a","cache_control":{"type":"ephemeral"}},{"type":"text","text":"b","cache_control":{"type":"ephemeral"}},{"type":"text","text":"c","cache_control":{"type":"ephemeral"}},{"type":"text","text":"d","cache_control":{"type":"ephemeral"}}]}]}"#
    )
    #expect(!(try OpenAIAdapter.body(for: five, officialHost: true).serialized().contains("cache")))
    #expect(!(try GeminiAdapter.body(for: five).serialized().contains("cache")))
}

@Test func moreThanFourBreakpointsAreRefusedForAnthropicAndBedrock() throws {
    // Four: the system, two parts and the tool.
    let four = try request(
        """
        {"model":"m","tools":[\(weatherTool)],"messages":[{"role":"system","content":"s","cache_control":{"type":"ephemeral"}},
          {"role":"user","content":[{"type":"text","text":"a","cache_control":{"type":"ephemeral"}},{"type":"text","text":"b","cache_control":{"type":"ephemeral"}}]}]}
        """)
    #expect(refusal { try anthropic(four) } == nil)
    #expect(refusal { try BedrockAdapter.body(for: four) } == nil)
    var five = four
    five.cacheMark = CacheMark()
    let expected = "takes at most 4 (the request's own cache_control counts as one)"
    #expect(refusal { try anthropic(five) }?.contains("5 cache breakpoints, Anthropic " + expected) == true)
    #expect(refusal { try BedrockAdapter.body(for: five) }?.contains("5 cache breakpoints, Bedrock " + expected) == true)
}

@Test(arguments: [
    (
        #"{"role":"user","content":"x","cache_control":{"type":"persistent"}}"#,
        "unknown cache_control type 'persistent' (expected ephemeral)"
    ),
    (
        #"{"role":"user","content":"x","cache_control":{"type":"ephemeral","ttl":"2h"}}"#,
        "unknown cache_control ttl '2h' (expected 5m or 1h)"
    ),
    (#"{"role":"user","content":"x","cache_control":{"ttl":"5m"}}"#, "'type' is required in messages[0].cache_control"),
    (
        #"{"role":"user","content":"x","cache_control":{"type":"ephemeral","scope":"org"}}"#,
        "unknown key 'scope' in messages[0].cache_control"
    ),
    (#"{"role":"user","content":"x","cache_control":"ephemeral"}"#, "messages[0].cache_control must be a JSON object"),
    (#"{"role":"user","content":"","cache_control":{"type":"ephemeral"}}"#, "cache_control on an empty text"),
    (#"{"role":"assistant","content":null,"cache_control":{"type":"ephemeral"}}"#, "cache_control on a message without content"),
    (
        #"{"role":"assistant","content":[{"type":"reasoning","provider":"anthropic","text":"t","signature":"s","cache_control":{"type":"ephemeral"}}]}"#,
        "a reasoning part cannot carry cache_control"
    ),
    (
        #"{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"reasoning","provider":"anthropic","text":"t"}],"cache_control":{"type":"ephemeral"}}"#,
        "the last part, a reasoning part, which providers cannot cache"
    ),
    (
        #"{"role":"user","content":[{"type":"text","text":"a","cache_control":{"type":"ephemeral"}}],"cache_control":{"type":"ephemeral"}}"#,
        "given both on the message and on its last part"
    ),
])
func invalidMarksAreRefusedBeforeAnythingIsSent(message: String, expected: String) {
    let text = #"{"model":"m","messages":[\#(message)]}"#
    let error = refusal { try request(text) }
    #expect(error?.contains(expected) == true, "\(error ?? "accepted")")
}

@Test func invalidMarksOnTheRequestAndOnToolsAreRefused() {
    #expect(
        refusal {
            try request(#"{"model":"m","cache_control":{"type":"ephemeral","ttl":"1d"},"messages":[{"role":"user","content":"x"}]}"#)
        }?
        .contains("request: unknown cache_control ttl '1d'") == true)
    #expect(
        refusal {
            try request(#"{"model":"m","tools":[{"name":"t","cache_control":{"type":"x"}}],"messages":[{"role":"user","content":"x"}]}"#)
        }?
        .contains("tools[0]: unknown cache_control type 'x'") == true)
    // A null mark is no mark, as for any key.
    #expect(
        refusal { try request(#"{"model":"m","cache_control":null,"messages":[{"role":"user","content":"x","cache_control":null}]}"#) }
            == nil)
}

@Test func aLongerTTLAfterAShorterOneIsRefusedInTheOrderToolsSystemMessages() throws {
    func marked(tool: String?, system: String?, user: String?) throws -> RunRequest {
        func mark(_ ttl: String?) -> String {
            ttl.map { #","cache_control":{"type":"ephemeral"\#($0.isEmpty ? "" : #","ttl":"\#($0)""#)}"# } ?? ""
        }
        return try request(
            #"{"model":"m","tools":[{"name":"t"\#(mark(tool))}],"messages":[{"role":"system","content":"s"\#(mark(system))},{"role":"user","content":"u"\#(mark(user))}]}"#
        )
    }
    let accepted = [
        try marked(tool: "1h", system: "1h", user: "5m"), try marked(tool: "1h", system: nil, user: ""),
        try marked(tool: "", system: "5m", user: ""),
    ]
    for r in accepted {
        #expect(refusal { try anthropic(r) } == nil)
        #expect(refusal { try BedrockAdapter.body(for: r) } == nil)
    }
    // No ttl is the 5 minutes of the default; the tools come first whatever the order of the keys.
    for r in [try marked(tool: "5m", system: "1h", user: nil), try marked(tool: "", system: nil, user: "1h")] {
        #expect(refusal { try anthropic(r) }?.contains("a ttl 1h breakpoint after a 5m one; Anthropic reads tools, then system") == true)
        #expect(refusal { try BedrockAdapter.body(for: r) }?.contains("Bedrock reads tools, then system, then messages") == true)
    }
}

@Test func bedrocksAutomaticPointPassesOverAnAssistantTurnEndingWithReasoning() throws {
    let r = try request(
        #"{"model":"m","cache_control":{"type":"ephemeral"},"messages":[{"role":"system","content":"rules"},{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"reasoning","provider":"amazon_bedrock","text":"t","signature":"s"}]}]}"#
    )
    let body = try BedrockAdapter.body(for: r)
    #expect(body["messages"]?[1]?["content"]?.array?.count == 1)
    #expect(body["system"] == (try json(#"[{"text":"rules"},{"cachePoint":{"type":"default"}}]"#)))
}
