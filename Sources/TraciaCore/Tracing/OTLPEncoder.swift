/// One call as an OTLP/HTTP JSON export request, with the OpenTelemetry GenAI semantic
/// conventions. W3C ids come from the Tracia ids (`W3CIDs`).
enum OTLPEncoder {
    static func encode(_ f: FinishedCall, serviceName: String) -> [UInt8] {
        let r = f.call.request
        var span: JSONObject = ["traceId": .string(W3CIDs.traceID(f.traceID)), "spanId": .string(W3CIDs.spanID(f.spanID))]
        span["parentSpanId"] = r.parentSpanID.map { .string(W3CIDs.spanID($0)) }
        span["name"] = "chat \(r.model)"
        span["kind"] = 3  // SPAN_KIND_CLIENT
        span["startTimeUnixNano"] = .string(String(f.startUnixNS))
        span["endTimeUnixNano"] = .string(String(f.endUnixNS))

        var attributes: [(String, JSON)] = [
            ("gen_ai.operation.name", str("chat")),
            ("gen_ai.provider.name", str(f.call.provider.descriptor.openTelemetryName)),
            ("gen_ai.system", str(f.call.provider.descriptor.openTelemetryName)),
            ("gen_ai.request.model", str(r.model)),
            ("gen_ai.usage.input_tokens", int(f.usage.inputTokens)),
            ("gen_ai.usage.output_tokens", int(f.usage.outputTokens)),
            ("tracia.span_id", str(f.spanID)),
            ("tracia.trace_id", str(f.traceID)),
        ]
        if let t = r.temperature { attributes.append(("gen_ai.request.temperature", double(t))) }
        if let p = r.topP { attributes.append(("gen_ai.request.top_p", double(p))) }
        if let m = r.maxOutputTokens { attributes.append(("gen_ai.request.max_tokens", int(m))) }
        if let stops = r.stopSequences { attributes.append(("gen_ai.request.stop_sequences", stringArray(stops))) }
        if let session = r.sessionID { attributes.append(("gen_ai.conversation.id", str(session))) }
        if f.outcome == .success {
            attributes.append(("gen_ai.response.finish_reasons", stringArray([f.accumulator.finishReason.rawValue])))
        }
        if !f.toolCalls.isEmpty { attributes.append(("gen_ai.response.tool_calls", int(f.toolCalls.count))) }
        // The convention's attribute for streaming requests, in seconds.
        if r.stream, let ms = f.timeToFirstTokenMS {
            attributes.append(("gen_ai.response.time_to_first_chunk", double(Double(ms) / 1000)))
        }
        if let n = f.usage.reasoningTokens { attributes.append(("gen_ai.usage.reasoning.output_tokens", int(n))) }
        // Parts of gen_ai.usage.input_tokens, as the conventions want them.
        if let n = f.usage.cacheReadTokens { attributes.append(("gen_ai.usage.cache_read.input_tokens", int(n))) }
        if let n = f.usage.cacheWriteTokens { attributes.append(("gen_ai.usage.cache_creation.input_tokens", int(n))) }

        let status: JSON
        switch f.outcome {
        case .success:
            status = ["code": 1]  // STATUS_CODE_OK
        case .failure(let error):
            status = ["code": 2, "message": .string(Redaction.scrub(error.message, secrets: f.call.secrets))]  // STATUS_CODE_ERROR
            attributes.append(("error.type", str(error.code.name)))
        case .aborted:
            status = ["code": 2, "message": "Stream aborted"]
            attributes.append(("error.type", str("ABORTED")))
            attributes.append(("tracia.aborted", ["boolValue": true]))
        }
        span["attributes"] = keyValues(attributes)
        span["status"] = status

        let resource: JSON = [
            "attributes": keyValues([
                ("service.name", str(serviceName)), ("telemetry.sdk.name", str("libtracia")),
                ("telemetry.sdk.language", str("swift")), ("telemetry.sdk.version", str(TraciaVersion.string)),
            ])
        ]
        let scopeSpans: JSON = [
            "scope": ["name": "libtracia", "version": .string(TraciaVersion.string)], "spans": [.object(span)],
        ]
        let request: JSON = ["resourceSpans": [["resource": resource, "scopeSpans": [scopeSpans]]]]
        return request.serializedBytes()
    }

    private static func keyValues(_ pairs: [(String, JSON)]) -> JSON {
        .array(pairs.map { key, value in ["key": .string(key), "value": value] })
    }

    // OTLP/JSON encodes 64-bit integers as strings.
    private static func int(_ i: Int) -> JSON { ["intValue": .string(String(i))] }
    private static func str(_ s: String) -> JSON { ["stringValue": .string(s)] }
    private static func double(_ d: Double) -> JSON { ["doubleValue": .double(d)] }
    private static func stringArray(_ values: [String]) -> JSON { ["arrayValue": ["values": .array(values.map(str))]] }
}
