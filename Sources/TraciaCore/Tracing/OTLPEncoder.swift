/// One call as an OTLP/HTTP JSON export request, with the OpenTelemetry GenAI semantic
/// conventions. W3C ids come from the Tracia ids: the span id is the 16 hex digits of the
/// Tracia span id; the trace id is those of the Tracia trace id, zero-extended to 32.
enum OTLPEncoder {
    static func encode(_ f: FinishedCall, serviceName: String) -> [UInt8] {
        let r = f.call.request
        let span = JSONValue.object()
        span.set("traceId", traceID(f.traceID))
        span.set("spanId", spanID(f.spanID))
        if let parent = r.parentSpanID { span.set("parentSpanId", spanID(parent)) }
        span.set("name", "chat \(r.model)")
        span.set("kind", 3)  // SPAN_KIND_CLIENT
        span.set("startTimeUnixNano", String(f.startUnixNS))
        span.set("endTimeUnixNano", String(f.endUnixNS))

        var attributes: [(String, JSONValue)] = [
            ("gen_ai.operation.name", str("chat")),
            ("gen_ai.provider.name", str(f.call.provider.descriptor.openTelemetryName)),
            ("gen_ai.system", str(f.call.provider.descriptor.openTelemetryName)),
            ("gen_ai.request.model", str(r.model)),
            ("gen_ai.response.finish_reasons", stringArray([f.accumulator.finishReason.rawValue])),
            ("gen_ai.usage.input_tokens", int(f.accumulator.usage.inputTokens)),
            ("gen_ai.usage.output_tokens", int(f.accumulator.usage.outputTokens)),
            ("tracia.span_id", str(f.spanID)),
            ("tracia.trace_id", str(f.traceID)),
        ]
        if let t = r.temperature { attributes.append(("gen_ai.request.temperature", double(t))) }
        if let p = r.topP { attributes.append(("gen_ai.request.top_p", double(p))) }
        if let m = r.maxOutputTokens { attributes.append(("gen_ai.request.max_tokens", int(m))) }
        if let stops = r.stopSequences { attributes.append(("gen_ai.request.stop_sequences", stringArray(stops))) }
        if let session = r.sessionID { attributes.append(("gen_ai.conversation.id", str(session))) }
        if !f.toolCalls.isEmpty { attributes.append(("gen_ai.response.tool_calls", int(f.toolCalls.count))) }

        let status = JSONValue.object()
        switch f.outcome {
        case .success:
            status.set("code", 1)  // STATUS_CODE_OK
        case .failure(let error):
            status.set("code", 2)  // STATUS_CODE_ERROR
            status.set("message", Redaction.scrub(error.message, secrets: f.call.secrets))
            attributes.append(("error.type", str(error.code.name)))
        case .aborted:
            status.set("code", 2)
            status.set("message", "Stream aborted")
            attributes.append(("error.type", str("ABORTED")))
            attributes.append(("tracia.aborted", typed("boolValue", .bool(true))))
        }
        span.set("attributes", keyValues(attributes))
        span.set("status", status)

        let spans = JSONValue.array()
        spans.append(span)
        let scope = JSONValue.object()
        scope.set("name", "libtracia")
        scope.set("version", TraciaVersion.string)
        let scopeSpans = JSONValue.object()
        scopeSpans.set("scope", scope)
        scopeSpans.set("spans", spans)
        let resource = JSONValue.object()
        resource.set(
            "attributes",
            keyValues([
                ("service.name", str(serviceName)), ("telemetry.sdk.name", str("libtracia")),
                ("telemetry.sdk.language", str("swift")), ("telemetry.sdk.version", str(TraciaVersion.string)),
            ]))
        let resourceSpans = JSONValue.object()
        resourceSpans.set("resource", resource)
        resourceSpans.set("scopeSpans", list([scopeSpans]))
        let request = JSONValue.object()
        request.set("resourceSpans", list([resourceSpans]))
        return request.serializedBytes()
    }

    static func traceID(_ tracia: String) -> String { String(repeating: "0", count: 16) + hexDigits(tracia) }
    static func spanID(_ tracia: String) -> String { hexDigits(tracia) }

    private static func hexDigits(_ id: String) -> String { String(id.dropFirst(3)).lowercased() }

    private static func keyValues(_ pairs: [(String, JSONValue)]) -> JSONValue {
        list(
            pairs.map { key, value in
                let kv = JSONValue.object()
                kv.set("key", key)
                kv.set("value", value)
                return kv
            })
    }

    private static func list(_ values: [JSONValue]) -> JSONValue {
        let l = JSONValue.array()
        for v in values { l.append(v) }
        return l
    }

    private static func typed(_ type: String, _ value: JSONValue) -> JSONValue {
        let v = JSONValue.object()
        v.set(type, value)
        return v
    }

    // OTLP/JSON encodes 64-bit integers as strings.
    private static func int(_ i: Int) -> JSONValue { typed("intValue", .string(String(i))) }
    private static func str(_ s: String) -> JSONValue { typed("stringValue", .string(s)) }
    private static func double(_ d: Double) -> JSONValue { typed("doubleValue", .number(d)) }
    private static func stringArray(_ values: [String]) -> JSONValue {
        let array = JSONValue.object()
        array.set("values", list(values.map { typed("stringValue", .string($0)) }))
        return typed("arrayValue", array)
    }
}
