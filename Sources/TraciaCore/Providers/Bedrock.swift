/// Amazon Bedrock Converse and ConverseStream.
struct BedrockAdapter: ProviderAdapter {
    func httpRequest(for call: ResolvedCall) throws(TraciaError) -> HTTPRequest {
        let endpoint = call.baseURL ?? "https://bedrock-runtime.\(call.awsRegion).amazonaws.com"
        let modelID = Self.regionalModelID(call.request.model, region: call.awsRegion)
        // The id is one path segment: ':' and '/' are percent-encoded, as the AWS SDKs do.
        let modelSegment = SigV4.uriEncode(modelID, keepSlash: false)
        let tail = "/model/\(modelSegment)/" + (call.request.stream ? "converse-stream" : "converse")
        let body = Self.body(for: call.request).serializedBytes()
        var headers = ["Content-Type: application/json"]
        if call.request.stream { headers.append("Accept: application/vnd.amazon.eventstream") }
        if let key = call.apiKey {
            headers.append("Authorization: Bearer \(key)")
        } else if let credentials = call.awsCredentials {
            guard let (host, basePath) = Self.hostAndPath(endpoint) else {
                throw TraciaError(.invalidRequest, "cannot sign a request to '\(endpoint)'")
            }
            headers += SigV4.headers(
                host: host, path: basePath + tail, body: body, credentials: credentials, region: call.awsRegion, service: "bedrock")
        }
        return HTTPRequest(url: endpoint + tail, headers: headers, body: body)
    }

    func decoder(for call: ResolvedCall) -> any ResponseDecoder {
        call.request.stream ? BedrockStreamDecoder() : JSONBodyDecoder<BedrockBody>(limit: call.maxResponseBytes)
    }

    func error(status: Int, body: [UInt8]) -> TraciaError {
        guard let doc = body.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }) else {
            return httpError(status: status, message: bodyText(body))
        }
        let message = doc.root["message"]?.string ?? doc.root["Message"]?.string ?? bodyText(body)
        let type = doc.root["__type"]?.string.map { String($0.split(separator: "#").last ?? "") + ": " } ?? ""
        return httpError(status: status, message: type + message)
    }

    /// Tracia's rule: the model id gets the region's geography as its prefix (eu-central-1 → eu.).
    /// Ids that already name a geography keep it; global and apac profiles and ARNs are left alone.
    static func regionalModelID(_ model: String, region: String) -> String {
        guard !model.hasPrefix("arn:") else { return model }
        let geography = String(region.split(separator: "-").first ?? "")
        let geographies = ["us", "eu", "ap", "sa", "ca", "me", "af", "us-gov", "jp", "au", "apac", "global"]
        if let dot = model.firstIndex(of: "."), geographies.contains(String(model[..<dot])) { return model }
        return geography.isEmpty ? model : "\(geography).\(model)"
    }

    static func hostAndPath(_ url: String) -> (String, String)? {
        let scheme = url.hasPrefix("https://") ? 8 : (url.hasPrefix("http://") ? 7 : 0)
        guard scheme > 0 else { return nil }
        let rest = url.dropFirst(scheme)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let host = String(rest[..<slash])
        return host.isEmpty ? nil : (host, String(rest[slash...]))
    }

    static func body(for r: RunRequest) -> JSONObject {
        let conversation = Conversation(r.messages)
        var body = JSONObject()
        if let system = conversation.system { body["system"] = [["text": .string(system)]] }
        var usesTools = false
        body["messages"] = .array(
            conversation.turns.map { turn in
                let content = turn.parts.map { part -> JSON in
                    if case .text = part {} else { usesTools = true }
                    return block(part)
                }
                return ["role": turn.fromAssistant ? "assistant" : "user", "content": .array(content)]
            })
        var inference = JSONObject()
        inference["maxTokens"] = r.maxOutputTokens.map(JSON.init)
        inference["temperature"] = r.temperature.map(JSON.double)
        inference["topP"] = r.topP.map(JSON.double)
        inference["stopSequences"] = RequestPieces.stopList(r)
        if !inference.isEmpty { body["inferenceConfig"] = .object(inference) }
        // Converse has no "none": without tool history the tools are left out; with it they stay, on auto.
        if !r.tools.isEmpty && (r.toolChoice != ToolChoice.none || usesTools) {
            var config: JSONObject = ["tools": .array(r.tools.map(toolSpec))]
            config["toolChoice"] = r.toolChoice.map(toolChoice)
            body["toolConfig"] = .object(config)
        }
        if let format = r.responseFormat, let schema = format.schema {
            // Converse takes the schema as JSON text.
            var jsonSchema: JSONObject = ["schema": .string(schema.serialized())]
            jsonSchema["name"] = format.name.map(JSON.string)
            body["outputConfig"] = ["textFormat": ["type": "json_schema", "structure": ["jsonSchema": .object(jsonSchema)]]]
        }
        return RequestPieces.applyingCustomOptions(of: r, to: body)
    }

    private static func block(_ part: Conversation.Part) -> JSON {
        switch part {
        case .text(let text):
            return ["text": .string(text)]
        case .toolCall(let call):
            return ["toolUse": ["toolUseId": .string(call.id), "name": .string(call.name), "input": .object(call.arguments)]]
        case .toolResult(let id, _, let text):
            // A result that is a JSON object goes as one; any other text as text.
            let content: JSON =
                if let object = JSON.lenientlyParsed(text)?.object { ["json": .object(object)] } else { ["text": .string(text)] }
            return ["toolResult": ["toolUseId": .string(id), "content": [content], "status": "success"]]
        }
    }

    private static func toolSpec(_ t: ToolDefinition) -> JSON {
        let schema = JSON.object(t.parameters ?? RequestPieces.emptySchema)
        var spec = RequestPieces.tool(t, schemaKey: "inputSchema")
        spec["inputSchema"] = ["json": schema]
        return ["toolSpec": .object(spec)]
    }

    private static func toolChoice(_ choice: ToolChoice) -> JSON {
        switch choice {
        case .required: ["any": [:]]
        case .tool(let name): ["tool": ["name": .string(name)]]
        case .auto, .none: ["auto": [:]]
        }
    }

    static func usage(_ u: JSONRef) -> Usage {
        let input = u["inputTokens"]?.int ?? 0
        let output = u["outputTokens"]?.int ?? 0
        return Usage(inputTokens: input, outputTokens: output, totalTokens: u["totalTokens"]?.int ?? input + output)
    }
}

/// ConverseStream: event-stream frames whose `:event-type` names the event, until messageStop
/// (metadata with usage follows it).
struct BedrockStreamDecoder: ResponseDecoder {
    private var framer = EventStreamFramer()
    private var stopped = false

    mutating func consume(_ bytes: UnsafeRawBufferPointer, into sink: some EventSink) throws(TraciaError) {
        var state = self
        try framer.feed(bytes) { (message) throws(TraciaError) in try state.handle(message, sink: sink) }
        stopped = state.stopped
    }

    mutating func finish(into sink: some EventSink) throws(TraciaError) {
        if !stopped || framer.pendingBytes > 0 {
            throw TraciaError(.networkError, "the stream ended before its final event (connection closed early)")
        }
    }

    private mutating func handle(_ message: EventStreamFramer.Message, sink: some EventSink) throws(TraciaError) {
        switch message.headers[":message-type"] {
        case "exception":
            let text = message.payload.withUnsafeBytes { JSONDocument.parse(bytes: $0)?.root["message"]?.string } ?? ""
            throw TraciaError(.providerError, "error in stream: \(message.headers[":exception-type"] ?? "exception"): \(text)")
        case "error":
            throw TraciaError(
                .providerError, "error in stream: \(message.headers[":error-code"] ?? "error"): \(message.headers[":error-message"] ?? "")")
        default:
            break
        }
        guard let doc = message.payload.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }), doc.root.isObject else {
            throw TraciaError(.providerError, "malformed stream event: \(String(decoding: message.payload.prefix(200), as: UTF8.self))")
        }
        let root = doc.root
        let index = root["contentBlockIndex"]?.int ?? 0
        switch message.headers[":event-type"] {
        case "contentBlockStart":
            if let use = root["start"]?["toolUse"] {
                sink.toolCallStart(index: index, id: use["toolUseId"]?.string, name: use["name"]?.string)
            }
        case "contentBlockDelta":
            if let text = root["delta"]?["text"]?.stringBytes, !text.isEmpty {
                sink.text(text)
            } else if let input = root["delta"]?["toolUse"]?["input"]?.stringBytes, !input.isEmpty {
                sink.toolCallArguments(index: index, fragment: input)
            }
        case "messageStop":
            stopped = true
            if let reason = root["stopReason"]?.string { sink.finish(FinishReasons.bedrock.finish(reason)) }
        case "metadata":
            if let u = root["usage"] { sink.usage(BedrockAdapter.usage(u)) }
        default:
            break  // messageStart, contentBlockStop and event types added later
        }
    }
}

/// A non-streaming Converse response.
enum BedrockBody: BodyParser {
    static func parse(_ root: JSONRef, sink: some EventSink) throws(TraciaError) {
        guard let content = root["output"]?["message"]?["content"] else {
            throw TraciaError(.providerError, root["message"]?.string ?? "response has no output message")
        }
        for (index, block) in content.array.enumerated() {
            if let text = block["text"]?.stringBytes, !text.isEmpty {
                sink.text(text)
            } else if let use = block["toolUse"] {
                sink.toolCallStart(index: index, id: use["toolUseId"]?.string, name: use["name"]?.string)
                Array((use["input"]?.serialized() ?? "{}").utf8).withUnsafeBufferPointer {
                    sink.toolCallArguments(index: index, fragment: $0)
                }
            }
        }
        if let reason = root["stopReason"]?.string { sink.finish(FinishReasons.bedrock.finish(reason)) }
        if let u = root["usage"] { sink.usage(BedrockAdapter.usage(u)) }
    }
}
