"""OTLP export, decoded with the official OpenTelemetry protocol definitions."""
import base64
import json
import os
import subprocess

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Status

from conftest import CLI


def decode(body):
    """OTLP/JSON writes trace and span ids as hex where proto3 JSON expects base64."""
    doc = json.loads(body)
    for resource in doc["resourceSpans"]:
        for scope in resource["scopeSpans"]:
            for span in scope["spans"]:
                for key in ("traceId", "spanId", "parentSpanId"):
                    if key in span:
                        span[key] = base64.b64encode(bytes.fromhex(span[key])).decode()
    request = ExportTraceServiceRequest()
    json_format.ParseDict(doc, request)
    return request


def attributes(span):
    out = {}
    for kv in span.attributes:
        kind = kv.value.WhichOneof("value")
        value = getattr(kv.value, kind)
        if kind == "array_value":
            value = [v.string_value for v in value.values]
        out[kv.key] = value
    return out


def only_span(collector):
    posts = [r for r in collector.requests if r[0] == "/v1/traces"]
    assert len(posts) == 1, collector.requests
    path, headers, body = posts[0]
    assert headers["Content-Type"] == "application/json"
    request = decode(body)
    assert len(request.resource_spans) == 1
    resource = request.resource_spans[0]
    spans = resource.scope_spans[0].spans
    assert len(spans) == 1
    return resource, spans[0], headers


def test_successful_call_exports_genai_span(library, collector, tmp_path):
    client = library.client({"otlp_endpoint": collector.url + "/v1/traces", "service_name": "checkout",
                             "spans_file": str(tmp_path / "spans.jsonl")})
    result = library.run(client, {
        "model": "mock/chat", "stream": True, "temperature": 0.25, "top_p": 0.5, "max_output_tokens": 77,
        "stop_sequences": ["END"], "session_id": "s-1", "parent_span_id": "sp_00000000000000aa",
        "messages": [{"role": "user", "content": "one two three"}]})
    assert library.lib.tracia_flush(client, 5000) == 0
    library.lib.tracia_client_free(client)

    resource, span, _ = only_span(collector)
    resource_attrs = attributes(resource.resource)
    assert resource_attrs["service.name"] == "checkout"
    assert span.name == "chat mock/chat"
    assert span.kind == span.SPAN_KIND_CLIENT
    assert span.trace_id == bytes(8) + bytes.fromhex(result["trace_id"][3:])
    assert span.span_id == bytes.fromhex(result["span_id"][3:])
    assert span.parent_span_id == bytes.fromhex("00000000000000aa")
    assert span.end_time_unix_nano >= span.start_time_unix_nano > 1_600_000_000 * 10**9
    assert span.status.code == Status.STATUS_CODE_OK
    a = attributes(span)
    assert a["gen_ai.operation.name"] == "chat"
    assert a["gen_ai.provider.name"] == "mock"
    assert a["gen_ai.request.model"] == "mock/chat"
    assert a["gen_ai.request.temperature"] == 0.25
    assert a["gen_ai.request.top_p"] == 0.5
    assert a["gen_ai.request.max_tokens"] == 77
    assert a["gen_ai.request.stop_sequences"] == ["END"]
    assert a["gen_ai.response.finish_reasons"] == ["stop"]
    assert a["gen_ai.usage.input_tokens"] == result["usage"]["input_tokens"]
    assert a["gen_ai.usage.output_tokens"] == result["usage"]["output_tokens"] == 3
    assert a["gen_ai.conversation.id"] == "s-1"
    # The Tracia exporter runs alongside: the JSONL file holds the same call.
    line = json.loads((tmp_path / "spans.jsonl").read_text())
    assert line["spanId"] == result["span_id"]


def test_reasoning_tokens_are_exported(library, collector, tmp_path):
    client = library.client({"otlp_endpoint": collector.url + "/v1/traces", "spans_file": str(tmp_path / "s.jsonl")})
    result = library.run(client, {"model": "mock/think", "stream": True, "mock_reasoning": "weigh the options",
                                  "messages": [{"role": "user", "content": "an answer"}]})
    assert result["text"] == "an answer" and result["reasoning"] == "weigh the options"
    assert result["usage"]["reasoning_tokens"] == 3 and result["usage"]["output_tokens"] == 5
    assert result["message"]["content"][0] == {"type": "reasoning", "provider": "mock", "text": "weigh the options"}
    assert library.lib.tracia_flush(client, 5000) == 0
    library.lib.tracia_client_free(client)
    _, span, _ = only_span(collector)
    a = attributes(span)
    assert a["gen_ai.usage.reasoning.output_tokens"] == 3
    assert a["gen_ai.usage.output_tokens"] == 5


def test_failed_call_has_error_status(library, collector, tmp_path):
    client = library.client({"otlp_endpoint": collector.url + "/v1/traces", "spans_file": str(tmp_path / "s.jsonl")})
    result = library.run(client, {"model": "mock/x", "messages": [{"role": "user", "content": "hi"}],
                                  "mock_error": {"code": "PROVIDER_ERROR", "message": "upstream broke"}})
    assert result["error"]["code"] == "PROVIDER_ERROR"
    assert library.lib.tracia_flush(client, 5000) == 0
    library.lib.tracia_client_free(client)
    _, span, _ = only_span(collector)
    assert span.status.code == Status.STATUS_CODE_ERROR
    assert span.status.message == "upstream broke"
    assert attributes(span)["error.type"] == "PROVIDER_ERROR"


def test_standard_environment_variables_configure_the_exporter(collector, tmp_path):
    env = dict(os.environ, OTEL_EXPORTER_OTLP_ENDPOINT=collector.url, OTEL_SERVICE_NAME="cli-service",
               OTEL_EXPORTER_OTLP_HEADERS="x-team=llm%20ops,authorization=Bearer otel-token",
               TRACIA_SPANS_FILE=str(tmp_path / "s.jsonl"), TRACIA_API_KEY="")
    out = subprocess.run([CLI, "run", "--model", "mock/env", "hello"], env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    resource, span, headers = only_span(collector)
    assert attributes(resource.resource)["service.name"] == "cli-service"
    assert headers["x-team"] == "llm ops"
    assert headers["authorization"] == "Bearer otel-token"
    assert attributes(span)["gen_ai.request.model"] == "mock/env"
