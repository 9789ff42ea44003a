/// A client: configuration, an engine thread, and a span exporter. Share it freely.
public final class TraciaClient: @unchecked Sendable {
    public let options: ClientOptions
    let engine: Engine
    private let exporter: SpanExporter

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
        guard let provider = request.provider?.descriptor ?? ProviderRegistry.descriptor(forModel: request.model) else {
            throw TraciaError(
                .unsupportedModel,
                "cannot tell the provider of model '\(request.model)'; pass 'provider' (\(ProviderRegistry.nameList))")
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
        // A call to a base URL of the caller's choosing may go to a server that needs no key.
        if provider.requiresKey && key == nil && chosenURL == nil && !(settings?.signsRequests ?? false) {
            throw TraciaError(
                .missingProviderAPIKey, "no API key for \(provider.name): set \(provider.missingKeyHint) or pass provider_api_key")
        }
        var secrets = options.secrets
        if let key, key.count >= 4 { secrets.append(key) }
        return ResolvedCall(
            request: request, provider: provider.kind, apiKey: key, baseURL: chosenURL ?? provider.defaultBaseURL,
            timeoutMS: request.timeoutMS ?? options.timeoutMS, idleTimeoutMS: options.idleTimeoutMS,
            connectTimeoutMS: options.connectTimeoutMS, caFile: options.caFile, maxRetries: options.maxRetries,
            maxResponseBytes: options.maxResponseBytes, providerSettings: settings, secrets: secrets)
    }
}

/// `{{name}}` placeholders in message text, as the Tracia SDKs fill them (tool messages are left alone).
enum Interpolation {
    static func apply(_ variables: [(String, String)], to messages: [Message]) -> [Message] {
        messages.map { message in
            guard message.role != .tool else { return message }
            var m = message
            m.parts = m.parts.map { part in
                guard case .text(var text) = part else { return part }
                for (name, value) in variables { text = text.replacingAll("{{\(name)}}", with: value) }
                return .text(text)
            }
            return m
        }
    }
}
