import Testing

@testable import TraciaCore

private func request(_ json: String) throws -> RunRequest { try RunRequest.parse(json: json) }

private let hi = #""messages":[{"role":"user","content":"hi"}]"#

@Test func stopListIsLeftOutWhenEmpty() throws {
    #expect(RequestPieces.stopList(try request(#"{"model":"m",\#(hi)}"#)) == nil)
    #expect(RequestPieces.stopList(try request(#"{"model":"m",\#(hi),"stop_sequences":[]}"#)) == nil)
    #expect(RequestPieces.stopList(try request(#"{"model":"m",\#(hi),"stop_sequences":["a","b"]}"#)) == ["a", "b"])
}

@Test func toolPieceTakesTheProvidersSchemaKey() {
    let bare = ToolDefinition(name: "w")
    #expect(RequestPieces.tool(bare, schemaKey: "parameters").serialized() == #"{"name":"w"}"#)
    #expect(
        RequestPieces.tool(bare, schemaKey: "input_schema", defaultSchema: RequestPieces.emptySchema).serialized()
            == #"{"name":"w","input_schema":{"type":"object"}}"#)
    let full = ToolDefinition(name: "w", description: "weather", parameters: ["type": "object", "required": ["city"]])
    #expect(
        RequestPieces.tool(full, schemaKey: "parametersJsonSchema", defaultSchema: RequestPieces.emptySchema).serialized()
            == #"{"name":"w","description":"weather","parametersJsonSchema":{"type":"object","required":["city"]}}"#)
}

/// custom_options replace a body key where it stands and append the others, for every provider.
@Test func customOptionsAreSetOverEveryProvidersBody() throws {
    let r = try request(#"{"model":"m",\#(hi),"max_output_tokens":5,"custom_options":{"extra":{"k":[1]},"model":"n"}}"#)
    #expect(
        try OpenAIAdapter.body(for: r, officialHost: true).serialized()
            == #"{"model":"n","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":5,"extra":{"k":[1]}}"#)
    #expect(
        try AnthropicAdapter.body(for: r, samplingAllowed: true).serialized()
            == #"{"model":"n","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"extra":{"k":[1]}}"#)
    #expect(
        try GeminiAdapter.body(for: r).serialized()
            == #"{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"maxOutputTokens":5},"extra":{"k":[1]},"model":"n"}"#
    )
    #expect(
        try BedrockAdapter.body(for: r).serialized()
            == #"{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"maxTokens":5},"extra":{"k":[1]},"model":"n"}"#)
}

@Test func stopListGoesUnderEachProvidersKey() throws {
    let r = try request(#"{"model":"m",\#(hi),"stop_sequences":["END"]}"#)
    #expect(try OpenAIAdapter.body(for: r, officialHost: true).serialized().contains(#""stop":["END"]"#))
    #expect(try AnthropicAdapter.body(for: r, samplingAllowed: true).serialized().contains(#""stop_sequences":["END"]"#))
    #expect(try GeminiAdapter.body(for: r).serialized().contains(#""generationConfig":{"stopSequences":["END"]}"#))
    #expect(try BedrockAdapter.body(for: r).serialized().contains(#""inferenceConfig":{"stopSequences":["END"]}"#))
}

@Test func toolsInEveryProvidersShape() throws {
    let r = try request(
        #"{"model":"m",\#(hi),"tools":[{"name":"w","description":"d","parameters":{"type":"object","properties":{}}},{"name":"t"}]}"#)
    #expect(
        try OpenAIAdapter.body(for: r, officialHost: true).serialized().contains(
            #""tools":[{"type":"function","function":{"name":"w","description":"d","parameters":{"type":"object","properties":{}}}},{"type":"function","function":{"name":"t"}}]"#
        ))
    #expect(
        try AnthropicAdapter.body(for: r, samplingAllowed: true).serialized().contains(
            #""tools":[{"name":"w","description":"d","input_schema":{"type":"object","properties":{}}},{"name":"t","input_schema":{"type":"object"}}]"#
        ))
    #expect(
        try GeminiAdapter.body(for: r).serialized().contains(
            #""tools":[{"functionDeclarations":[{"name":"w","description":"d","parametersJsonSchema":{"type":"object","properties":{}}},{"name":"t"}]}]"#
        ))
    #expect(
        try BedrockAdapter.body(for: r).serialized().contains(
            #""toolConfig":{"tools":[{"toolSpec":{"name":"w","description":"d","inputSchema":{"json":{"type":"object","properties":{}}}}},{"toolSpec":{"name":"t","inputSchema":{"json":{"type":"object"}}}}]}"#
        ))
}

@Test func responseSchemaInEveryProvidersShape() throws {
    let r = try request(#"{"model":"m",\#(hi),"response_format":{"type":"json","name":"a","schema":{"type":"object","b":1}}}"#)
    #expect(
        try OpenAIAdapter.body(for: r, officialHost: true).serialized().contains(
            #""response_format":{"type":"json_schema","json_schema":{"name":"a","schema":{"type":"object","b":1}}}"#))
    #expect(
        try AnthropicAdapter.body(for: r, samplingAllowed: true).serialized().contains(
            #""output_config":{"format":{"type":"json_schema","schema":{"type":"object","b":1}}}"#))
    #expect(
        try GeminiAdapter.body(for: r).serialized().contains(
            #""generationConfig":{"responseMimeType":"application/json","responseJsonSchema":{"type":"object","b":1}}"#))
    // Converse takes the schema as text.
    #expect(
        try BedrockAdapter.body(for: r).serialized().contains(
            #""outputConfig":{"textFormat":{"type":"json_schema","structure":{"jsonSchema":{"schema":"{\"type\":\"object\",\"b\":1}","name":"a"}}}}"#
        ))
}

@Test func strictSchemaGoesToOpenAIOnly() throws {
    let r = try request(#"{"model":"m",\#(hi),"response_format":{"type":"json","schema":{"type":"object"},"strict":true}}"#)
    #expect(
        try OpenAIAdapter.body(for: r, officialHost: true).serialized().contains(
            #""response_format":{"type":"json_schema","json_schema":{"name":"response","schema":{"type":"object"},"strict":true}}"#))
    #expect(try !AnthropicAdapter.body(for: r, samplingAllowed: true).serialized().contains("strict"))
    #expect(try !GeminiAdapter.body(for: r).serialized().contains("strict"))
}
