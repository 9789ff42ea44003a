import CJansson

/// OpenAI Chat Completions (and servers that speak it).
struct OpenAIAdapter: ProviderAdapter {
    static let defaultBaseURL = "https://api.openai.com/v1"

    func httpRequest(for call: ResolvedCall) throws(TraciaError) -> HTTPRequest {
        let base = call.baseURL ?? Self.defaultBaseURL
        var headers = ["Content-Type: application/json", "Accept: " + (call.request.stream ? "text/event-stream" : "application/json")]
        if let key = call.apiKey { headers.append("Authorization: Bearer \(key)") }
        let body = try Self.body(for: call.request, officialHost: base.contains("api.openai.com") || base.contains(".openai.azure.com"))
        return HTTPRequest(url: base + "/chat/completions", headers: headers, body: body.serializedBytes())
    }

    func decoder(for call: ResolvedCall) -> any ResponseDecoder {
        call.request.stream ? SSEDecoder<OpenAIEvents>() : JSONBodyDecoder<OpenAIBody>(limit: call.maxResponseBytes)
    }

    func error(status: Int, body: [UInt8]) -> TraciaError {
        httpError(status: status, message: Self.errorMessage(body) ?? bodyText(body))
    }

    /// `{"error":{"message"}}`, `{"error":"text"}` or `{"object":"error","message"}`.
    static func errorMessage(_ body: [UInt8]) -> String? {
        guard let doc = body.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }) else { return nil }
        return errorMessage(in: doc.root)
    }

    static func errorMessage(in root: JSONRef) -> String? {
        if let error = root["error"] {
            if let s = error.string { return s }
            if let m = error["message"]?.string { return m }
            return error.serialized()
        }
        if root["object"]?.string == "error" { return root["message"]?.string ?? "unknown error" }
        return nil
    }

    static func body(for r: RunRequest, officialHost: Bool) throws(TraciaError) -> JSONValue {
        let body = JSONValue.object()
        body.set("model", r.model)
        let messages = JSONValue.array()
        for m in r.messages { messages.append(try message(m, officialHost: officialHost)) }
        body.set("messages", messages)
        if r.stream {
            body.set("stream", true)
            let options = JSONValue.object()
            options.set("include_usage", true)
            body.set("stream_options", options)
        }
        if let t = r.temperature { body.set("temperature", t) }
        if let p = r.topP { body.set("top_p", p) }
        if let n = r.maxOutputTokens { body.set(officialHost ? "max_completion_tokens" : "max_tokens", n) }
        if let stop = r.stopSequences, !stop.isEmpty {
            let list = JSONValue.array()
            for s in stop { list.append(s) }
            body.set("stop", list)
        }
        if !r.tools.isEmpty {
            let tools = JSONValue.array()
            for t in r.tools {
                let fn = JSONValue.object()
                fn.set("name", t.name)
                if let d = t.description { fn.set("description", d) }
                if let p = t.parametersJSON, let params = JSONValue.parsed(p) { fn.set("parameters", params) }
                let tool = JSONValue.object()
                tool.set("type", "function")
                tool.set("function", fn)
                tools.append(tool)
            }
            body.set("tools", tools)
        }
        if let choice = r.toolChoice {
            switch choice {
            case .auto: body.set("tool_choice", "auto")
            case .none: body.set("tool_choice", "none")
            case .required: body.set("tool_choice", "required")
            case .tool(let name):
                let fn = JSONValue.object()
                fn.set("name", name)
                let c = JSONValue.object()
                c.set("type", "function")
                c.set("function", fn)
                body.set("tool_choice", c)
            }
        }
        if let format = r.responseFormat {
            let f = JSONValue.object()
            if let schema = format.schemaJSON, let s = JSONValue.parsed(schema) {
                f.set("type", "json_schema")
                let js = JSONValue.object()
                js.set("name", format.name ?? "response")
                if let d = format.description { js.set("description", d) }
                js.set("schema", s)
                f.set("json_schema", js)
            } else {
                f.set("type", "json_object")
            }
            body.set("response_format", f)
        }
        if let custom = r.customOptionsJSON, let extra = JSONValue.parsed(custom) {
            for (key, value) in extra.ref.entries { body.set(key, value) }
        }
        return body
    }

    private static func message(_ m: Message, officialHost: Bool) throws(TraciaError) -> JSONValue {
        let out = JSONValue.object()
        switch m.role {
        case .developer: out.set("role", officialHost ? "developer" : "system")
        default: out.set("role", m.role.rawValue)
        }
        switch m.role {
        case .assistant:
            let calls = m.toolCalls
            let text = m.text
            if calls.isEmpty || !text.isEmpty { out.set("content", text) } else { out.setNull("content") }
            if !calls.isEmpty {
                let list = JSONValue.array()
                for c in calls {
                    let fn = JSONValue.object()
                    fn.set("name", c.name)
                    fn.set("arguments", c.argumentsJSON)
                    let call = JSONValue.object()
                    call.set("id", c.id)
                    call.set("type", "function")
                    call.set("function", fn)
                    list.append(call)
                }
                out.set("tool_calls", list)
            }
        case .tool:
            out.set("tool_call_id", m.toolCallID ?? "")
            out.set("content", m.text)
        default:
            out.set("content", m.text)
        }
        return out
    }
}

/// The events of a Chat Completions stream: `data:` chunks until `[DONE]`.
struct OpenAIEvents: SSEEvents {
    private var text: [UInt8] = []

    mutating func handle(event: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, sink: some EventSink) throws(TraciaError) -> Bool {
        if data.starts(with: "[DONE]".utf8) { return true }
        text.removeAll(keepingCapacity: true)
        if OpenAITextDelta.read(data, into: &text) {
            if !text.isEmpty { text.withUnsafeBufferPointer { sink.text($0) } }
            return false
        }
        let doc = try Self.json(data)
        let root = doc.root
        if let message = OpenAIAdapter.errorMessage(in: root) {
            throw TraciaError(.providerError, "error event in stream: \(message)")
        }
        if let choice = root["choices"]?[0] {
            if let delta = choice["delta"] { Self.emitDelta(delta, sink: sink) }
            if let reason = choice["finish_reason"]?.string { sink.finish(FinishReasons.openAI.finish(reason)) }
        }
        if let usage = root["usage"], usage.isObject { sink.usage(Self.usageOf(usage)) }
        return false
    }

    static func emitDelta(_ delta: JSONRef, sink: some EventSink) {
        if let text = delta["content"]?.stringBytes, !text.isEmpty { sink.text(text) }
        guard let calls = delta["tool_calls"], calls.isArray else { return }
        for (position, call) in calls.array.enumerated() {
            let index = call["index"]?.int ?? position
            let fn = call["function"]
            let id = call["id"]?.string
            let name = fn?["name"]?.string
            if id != nil || name != nil { sink.toolCallStart(index: index, id: id, name: name) }
            if let args = fn?["arguments"]?.stringBytes, !args.isEmpty {
                sink.toolCallArguments(index: index, fragment: args)
            } else if let args = fn?["arguments"], args.isObject {
                Array(args.serialized().utf8).withUnsafeBufferPointer { sink.toolCallArguments(index: index, fragment: $0) }
            }
        }
    }

    static func usageOf(_ u: JSONRef) -> Usage {
        let input = u["prompt_tokens"]?.int ?? 0
        let output = u["completion_tokens"]?.int ?? 0
        return Usage(inputTokens: input, outputTokens: output, totalTokens: u["total_tokens"]?.int ?? input + output)
    }
}

/// A non-streaming `chat.completion` body.
enum OpenAIBody: BodyParser {
    static func parse(_ root: JSONRef, sink: some EventSink) throws(TraciaError) {
        if let message = OpenAIAdapter.errorMessage(in: root) { throw TraciaError(.providerError, message) }
        guard let choice = root["choices"]?[0], let message = choice["message"] else {
            throw TraciaError(.providerError, "response has no choices")
        }
        OpenAIEvents.emitDelta(message, sink: sink)
        if let reason = choice["finish_reason"]?.string { sink.finish(FinishReasons.openAI.finish(reason)) }
        if let usage = root["usage"], usage.isObject { sink.usage(OpenAIEvents.usageOf(usage)) }
    }
}
