import Glibc

/// An embedding span, as the official SDK records it: kind EMBEDDING, the texts as input, and
/// `{"dimensions": d, "count": n}` as output.
struct FinishedEmbedding: FinishedSpan {
    let request: EmbeddingRequest
    let provider: EmbeddingProvider
    let spanID: String
    let traceID: String
    let embedded: Embedded?
    let error: String?
    let latencyMS: Int
    let startUnixNS: Int64
    let endUnixNS: Int64

    func render(_ format: SpanDestination.Format) -> [UInt8] {
        switch format {
        case .tracia: payload(withTimes: false)
        case .traciaLine: payload(withTimes: true)
        case .otlp(let serviceName): otlp(serviceName: serviceName)
        }
    }

    private var tokens: Int { embedded?.totalTokens ?? 0 }

    private func payload(withTimes: Bool) -> [UInt8] {
        var span: JSONObject = ["spanId": .string(spanID), "model": .string(request.model), "provider": .string(provider.rawValue)]
        span["input"] = ["text": JSON(request.texts)]
        if let embedded {
            span["output"] = .string("{\"dimensions\": \(embedded.vectors.first?.count ?? 0), \"count\": \(embedded.vectors.count)}")
        }
        span["status"] = error == nil ? "SUCCESS" : "ERROR"
        span["error"] = error.map(JSON.string)
        span["latencyMs"] = JSON(latencyMS)
        span["inputTokens"] = JSON(tokens)
        span["outputTokens"] = 0
        span["totalTokens"] = JSON(tokens)
        span["tags"] = request.tags.map(JSON.init)
        span["userId"] = request.userID.map(JSON.string)
        span["sessionId"] = request.sessionID.map(JSON.string)
        span["traceId"] = .string(traceID)
        span["parentSpanId"] = request.parentSpanID.map(JSON.string)
        span["spanKind"] = "EMBEDDING"
        if withTimes {
            span["startTime"] = .string(SpanPayload.rfc3339(unixNS: startUnixNS))
            span["endTime"] = .string(SpanPayload.rfc3339(unixNS: endUnixNS))
        }
        return span.serializedBytes()
    }

    /// OTLP/HTTP JSON with the GenAI conventions' `embeddings` operation.
    private func otlp(serviceName: String) -> [UInt8] {
        func str(_ s: String) -> JSON { ["stringValue": .string(s)] }
        func int(_ i: Int) -> JSON { ["intValue": .string(String(i))] }
        var attributes: [(String, JSON)] = [
            ("gen_ai.operation.name", str("embeddings")), ("gen_ai.provider.name", str(provider.openTelemetryName)),
            ("gen_ai.request.model", str(request.model)), ("gen_ai.usage.input_tokens", int(tokens)),
            ("tracia.span_id", str(spanID)), ("tracia.trace_id", str(traceID)),
        ]
        if let d = request.dimensions { attributes.append(("gen_ai.embeddings.dimension.count", int(d))) }
        if let error { attributes.append(("error.type", str(error.hasPrefix("the request was aborted") ? "ABORTED" : "PROVIDER_ERROR"))) }
        var span: JSONObject = [
            "traceId": .string(W3CIDs.traceID(traceID)), "spanId": .string(W3CIDs.spanID(spanID)),
            "name": .string("embeddings \(request.model)"), "kind": 3,
            "startTimeUnixNano": .string(String(startUnixNS)), "endTimeUnixNano": .string(String(endUnixNS)),
            "attributes": .array(attributes.map { ["key": .string($0.0), "value": $0.1] }),
            "status": error.map { ["code": 2, "message": .string($0)] } ?? ["code": 1],
        ]
        span["parentSpanId"] = request.parentSpanID.map { .string(W3CIDs.spanID($0)) }
        let resource: JSON = ["attributes": [["key": "service.name", "value": str(serviceName)]]]
        let scope: JSON = ["scope": ["name": "libtracia", "version": .string(TraciaVersion.string)], "spans": [.object(span)]]
        return JSON.object(["resourceSpans": [["resource": resource, "scopeSpans": [scope]]]]).serializedBytes()
    }
}

extension EmbeddingProvider {
    var openTelemetryName: String {
        switch self {
        case .openai: "openai"
        case .google: "gcp.gemini"
        case .amazonBedrock: "aws.bedrock"
        case .voyage: "voyage_ai"
        }
    }
}

/// One embedding run: its requests one after another on the engine, then the result and the span.
final class EmbeddingRun: @unchecked Sendable {
    let request: EmbeddingRequest
    private var plan: EmbeddingPlan
    /// The client's and the request's custom headers.
    private let headers: [CustomHeader]
    let pending: PendingRequest
    let exporter: SpanExporter
    let spanID: String
    let traceID: String
    let deadline: Int64
    let spec: ExchangeSpec
    private let started = Clock.nowMS()
    private let startedUnixNS = Clock.unixNS()
    /// Engine thread only, once started.
    private var embedded = Embedded()
    /// One span per run, whether the end or an abort records it.
    private let recorded = Locked(false)

    init(_ request: EmbeddingRequest, plan: EmbeddingPlan, pending: PendingRequest, exporter: SpanExporter, options: ClientOptions) {
        self.request = request
        self.plan = plan
        headers = CustomHeader.merged(client: options.headers, call: request.headers)
        self.plan.secrets += headers.filter { $0.secret && $0.value.count >= 4 }.map(\.value)
        self.pending = pending
        self.exporter = exporter
        spanID = request.spanID ?? Ids.span()
        traceID = request.traceID ?? Ids.trace()
        deadline = Clock.nowMS().saturatingAdding(Int64(request.timeoutMS ?? options.timeoutMS))
        spec = ExchangeSpec(
            method: "POST", url: "", headers: [], body: [], connectTimeoutMS: options.connectTimeoutMS, caFile: options.caFile,
            maxResponseBytes: options.maxResponseBytes, policy: .providerCalls(maxRetries: options.maxRetries))
    }

    func start() {
        pending.onAbort { [self] in record(nil, error: "the request was aborted") }
        guard let source = plan.credentialSource, let sign = plan.sign else { return send(0) }
        // The client's cached credential, else a fetch, on the engine thread (as for calls).
        let engine = pending.engine
        engine.perform { [self] in
            engine.credentials.credential(from: source) { [self] result in
                guard !pending.isDone else { return }
                do throws(TraciaError) {
                    let credential = try result.get()
                    plan.secrets += credential.secrets
                    plan.requests = try sign(credential)
                    send(0)
                } catch {
                    fail(error)
                }
            }
        }
    }

    private func send(_ index: Int) {
        guard index < plan.requests.count else { return succeed() }
        var one = spec
        one.url = plan.requests[index].url
        one.headers = plan.requests[index].headers
        if let taken = CustomHeader.conflict(headers, with: one.headers) {
            return fail(
                TraciaError(
                    .invalidRequest,
                    "custom header '\(taken.name)' is one the library sets for \(plan.provider.rawValue) embeddings; custom headers add to a request and never replace its own"
                ))
        }
        one.headers += headers.map(\.line)
        one.body = plan.requests[index].body
        pending.run(one, deadline: deadline) { [self] result in
            switch result {
            case .failure(let error): fail(error)
            case .success(let reply) where !(200..<300).contains(reply.status): fail(plan.error(reply.status, reply.body))
            case .success(let reply):
                guard let doc = reply.body.withUnsafeBytes({ JSONDocument.parse(bytes: $0) }) else {
                    return fail(TraciaError(.providerError, "the embedding response is not JSON"))
                }
                do throws(TraciaError) {
                    try plan.read(doc.root, &embedded)
                } catch {
                    return fail(error)
                }
                send(index + 1)
            }
        }
    }

    private var latencyMS: Int { Int(max(0, Clock.nowMS() - started)) }

    private func succeed() {
        guard embedded.vectors.count == request.texts.count else {
            return fail(
                TraciaError(.providerError, "the provider returned \(embedded.vectors.count) embeddings for \(request.texts.count) texts"))
        }
        let latency = latencyMS
        let vectors: [JSON] = embedded.vectors.enumerated().map { i, v in
            ["values": .array(v.map(JSON.double)), "index": JSON(i)]
        }
        let result: JSONObject = [
            "embeddings": .array(vectors), "span_id": .string(spanID), "trace_id": .string(traceID), "latency_ms": JSON(latency),
            "usage": ["total_tokens": JSON(embedded.totalTokens)], "cost": .null, "provider": .string(plan.provider.rawValue),
            "model": .string(request.model),
        ]
        // The span is queued before the end is visible, so a flush right after the result waits for it.
        guard !pending.isDone else { return }
        record(embedded, error: nil)
        pending.complete(.success(result.serialized()))
    }

    private func fail(_ error: TraciaError) {
        var scrubbed = error
        scrubbed.message = Redaction.scrub(error.message, secrets: plan.secrets)
        guard !pending.isDone else { return }
        record(nil, error: scrubbed.message)
        pending.complete(.failure(scrubbed))
    }

    private func record(_ embedded: Embedded?, error: String?) {
        guard request.sendTrace,
            recorded.withLock({ done in
                defer { done = true }
                return !done
            })
        else { return }
        exporter.enqueue(
            FinishedEmbedding(
                request: request, provider: plan.provider, spanID: spanID, traceID: traceID, embedded: embedded, error: error,
                latencyMS: latencyMS, startUnixNS: startedUnixNS, endUnixNS: Clock.unixNS()))
    }
}

extension TraciaClient {
    /// Starts an embedding request; returns at once.
    public func runEmbedding(json: String) throws(TraciaError) -> PendingRequest {
        let request = try EmbeddingRequest.parse(json: json)
        let plan = try EmbeddingPlan.make(request, options: options)
        let pending = try PendingRequest(engine: engine)
        EmbeddingRun(request, plan: plan, pending: pending, exporter: exporter, options: options).start()
        return pending
    }
}
