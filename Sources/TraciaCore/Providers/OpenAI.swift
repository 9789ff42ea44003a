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
        call.request.stream ? OpenAIStreamDecoder() : OpenAIResponseDecoder(limit: call.maxResponseBytes)
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

/// Decodes `data:` chunks of a Chat Completions stream until `[DONE]`.
struct OpenAIStreamDecoder: ResponseDecoder {
    private var framer = SSEFramer()
    private var sawDone = false

    mutating func consume(_ bytes: UnsafeRawBufferPointer, into sink: some EventSink) throws(TraciaError) {
        var done = sawDone
        let failure = framer.feed(bytes) { _, data in
            if done { return nil }
            if data.starts(with: "[DONE]".utf8) {
                done = true
                return nil
            }
            do throws(TraciaError) { try Self.handle(data, sink: sink) } catch { return error }
            return nil
        }
        sawDone = done
        if let failure { throw failure }
    }

    mutating func finish(into sink: some EventSink) throws(TraciaError) {
        if !sawDone { throw TraciaError(.networkError, "the stream ended before its [DONE] event (connection closed early)") }
    }

    static func handle(_ data: UnsafeRawBufferPointer, sink: some EventSink) throws(TraciaError) {
        guard let doc = JSONDocument.parse(bytes: data), doc.root.isObject else {
            throw TraciaError(.providerError, "malformed stream event: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        let root = doc.root
        if let message = OpenAIAdapter.errorMessage(in: root) {
            throw TraciaError(.providerError, "error event in stream: \(message)")
        }
        if let choice = root["choices"]?[0] {
            if let delta = choice["delta"] { emitDelta(delta, sink: sink) }
            if let reason = choice["finish_reason"]?.string { sink.finish(finish(reason)) }
        }
        if let usage = root["usage"], usage.isObject { sink.usage(usageOf(usage)) }
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
                let text = Array(args.serialized().utf8)
                text.withUnsafeBufferPointer { sink.toolCallArguments(index: index, fragment: $0) }
            }
        }
    }

    static func finish(_ reason: String) -> ProviderFinish {
        switch reason {
        case "length": .maxTokens
        case "tool_calls", "function_call": .toolCalls
        default: .stop
        }
    }

    static func usageOf(_ u: JSONRef) -> Usage {
        let input = u["prompt_tokens"]?.int ?? 0
        let output = u["completion_tokens"]?.int ?? 0
        return Usage(inputTokens: input, outputTokens: output, totalTokens: u["total_tokens"]?.int ?? input + output)
    }
}

/// Decodes a non-streaming `chat.completion` body at its end.
struct OpenAIResponseDecoder: ResponseDecoder {
    let limit: Int
    private var body: [UInt8] = []

    init(limit: Int) { self.limit = limit }

    mutating func consume(_ bytes: UnsafeRawBufferPointer, into sink: some EventSink) throws(TraciaError) {
        guard body.count + bytes.count <= limit else { throw TraciaError(.providerError, "response larger than \(limit) bytes") }
        body.append(contentsOf: bytes)
    }

    mutating func finish(into sink: some EventSink) throws(TraciaError) {
        guard let doc = body.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }), doc.root.isObject else {
            throw TraciaError(.providerError, "malformed response body: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        if let message = OpenAIAdapter.errorMessage(in: doc.root) { throw TraciaError(.providerError, message) }
        guard let choice = doc.root["choices"]?[0], let message = choice["message"] else {
            throw TraciaError(.providerError, "response has no choices")
        }
        OpenAIStreamDecoder.emitDelta(message, sink: sink)
        if let reason = choice["finish_reason"]?.string { sink.finish(OpenAIStreamDecoder.finish(reason)) }
        if let usage = doc.root["usage"], usage.isObject { sink.usage(OpenAIStreamDecoder.usageOf(usage)) }
    }
}
