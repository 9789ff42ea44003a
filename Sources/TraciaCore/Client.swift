/// A client: configuration, an engine thread, and a span exporter. Share it freely.
public final class TraciaClient: @unchecked Sendable {
    public let options: ClientOptions
    let engine: Engine
    let exporter: SpanExporter

    public init(options: ClientOptions) throws(TraciaError) {
        self.options = options
        exporter = try SpanExporter(options: options)
        engine = try Engine(exporter: exporter)
    }

    /// Starts a call; returns at once. Fails for requests that cannot be sent.
    public func run(_ request: RunRequest) throws(TraciaError) -> CallStream {
        let call = try resolve(request)
        let stream = try CallStream(call: call, engine: engine, exporter: exporter)
        engine.submit(try call.provider.descriptor.makeTask(stream))
        return stream
    }

    /// Waits until queued spans are delivered; nil on success, else the error code.
    /// `.misuse` from the span-error callback: it runs on the engine thread, which a flush waits for.
    public func flush(timeoutMS: Int) -> ErrorCode? { exporter.flush(timeoutMS: timeoutMS) }

    public var spanStats: SpanStats { exporter.stats }

    public func onSpanError(_ fn: (@Sendable (String, TraciaError) -> Void)?) { exporter.setCallback(fn) }

    /// Flushes within the configured bound and lets the engine stop once no stream uses it;
    /// returns what that flush returned.
    @discardableResult public func close() -> ErrorCode? {
        let flushed = exporter.flush(timeoutMS: options.flushTimeoutMS)
        engine.releaseUser()
        return flushed
    }

    func resolve(_ request: RunRequest) throws(TraciaError) -> ResolvedCall {
        _ = try RunRequest.validated(model: request.model)
        guard var provider = request.provider?.descriptor ?? ProviderRegistry.descriptor(forModel: request.model) else {
            throw TraciaError(
                .unsupportedModel,
                "cannot tell the provider of model '\(request.model)'; pass 'provider' (\(ProviderRegistry.nameList))")
        }
        if let routed = provider.routedTo?(options) { provider = routed.descriptor }
        if request.api != nil && !provider.choosesOpenAIAPI {
            let takers = ProviderRegistry.all.filter(\.choosesOpenAIAPI).map(\.name).joined(separator: ", ")
            throw TraciaError(.invalidRequest, "'api' chooses an OpenAI API: it is for \(takers), not \(provider.name)")
        }
        var request = request
        if let variables = request.variables { request.messages = Interpolation.apply(variables, to: request.messages) }
        let key = request.providerAPIKey ?? options.providerKeys[provider.kind]
        let chosenURL = request.baseURL ?? options.providerBaseURLs[provider.kind]
        if provider.requiresBaseURL && chosenURL == nil {
            throw TraciaError(
                .invalidRequest,
                "\(provider.name) needs the server's URL: pass base_url or set the \(provider.optionPrefix ?? provider.name)_base_url option"
            )
        }
        let settings = options.providerSettings[provider.kind]
        // Also with a base URL: a proxy or gateway in front of the provider still wants its key,
        // and a request without one would only come back as a 401. Keyless servers are what
        // openai_compatible is for.
        if provider.requiresKey && key == nil && !(settings?.signsRequests ?? false) {
            throw .missingKey(for: provider.name, hint: provider.missingKeyHint)
        }
        var secrets = options.secrets + request.headers.filter { $0.secret && $0.value.count >= 4 }.map(\.value)
        if let key, key.count >= 4 { secrets.append(key) }
        var call = ResolvedCall(
            request: request, provider: provider.kind, apiKey: key, baseURL: chosenURL ?? provider.defaultBaseURL,
            timeoutMS: request.timeoutMS ?? options.timeoutMS, idleTimeoutMS: options.idleTimeoutMS,
            firstChunkTimeoutMS: request.firstChunkTimeoutMS ?? options.firstChunkTimeoutMS,
            connectTimeoutMS: options.connectTimeoutMS, caFile: options.caFile, maxRetries: options.maxRetries,
            maxResponseBytes: options.maxResponseBytes, providerSettings: settings, secrets: secrets)
        call.headers = CustomHeader.merged(client: options.headers, call: request.headers)
        return call
    }
}

/// `{{name}}` placeholders in message text, filled as the Tracia SDKs fill them: a name is word
/// characters (letters, digits, `_`), the text is read once from left to right, values are
/// inserted literally (a value holding `{{other}}` stays as it is), unknown names are left in
/// place, and tool messages are left alone. The work is linear in the text and the values.
enum Interpolation {
    static func apply(_ variables: [(String, String)], to messages: [Message]) -> [Message] {
        let table = Dictionary(variables, uniquingKeysWith: { _, last in last })
        return messages.map { message in
            guard message.role != .tool else { return message }
            var m = message
            m.parts = m.parts.map { part in
                guard case .text(let text) = part else { return part }
                return .text(fill(text, table))
            }
            return m
        }
    }

    static func fill(_ text: String, _ variables: [String: String]) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 5 else { return text }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "{", i + 1 < scalars.count, scalars[i + 1] == "{" {
                var end = i + 2
                while end < scalars.count && isWord(scalars[end]) { end += 1 }
                if end > i + 2, end + 1 < scalars.count, scalars[end] == "}", scalars[end + 1] == "}" {
                    var name = String.UnicodeScalarView()
                    name.append(contentsOf: scalars[(i + 2)..<end])
                    if let value = variables[String(name)] {
                        out.append(contentsOf: value.unicodeScalars)
                        i = end + 2
                        continue
                    }
                }
            }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }

    /// `\w` of the SDKs' pattern: letters, marks, digits and the connector `_`.
    private static func isWord(_ s: Unicode.Scalar) -> Bool {
        s == "_" || s.properties.isAlphabetic || s.properties.numericType == .decimal
    }
}
