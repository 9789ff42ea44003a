"""Non-streaming calls, tools, errors, sessions and span delivery through the binding."""
import asyncio
import json

import pytest

from tracia import (JsonSchemaProperty, LLMProvider, LocalPromptMessage, RunLocalResult, Tracia, TraciaError,
                    TraciaErrorCode, ToolCall, ToolDefinition, ToolParameters)


def weather_tools_as_classes():
    return [
        ToolDefinition(
            name="get_weather",
            description="Get the current weather",
            parameters=ToolParameters(
                properties={"location": JsonSchemaProperty(type="string", description="City name")},
                required=["location"],
            ),
        )
    ]


def test_quick_start_non_streaming():
    client = Tracia(api_key=None)
    result = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "Hello!"}])
    print(result.text)
    print(f"Tokens: {result.usage.total_tokens}")
    assert isinstance(result, RunLocalResult)
    assert result.text == "Hello!" and result.usage.total_tokens == 10
    assert result.provider == LLMProvider.OPENAI and result.model == "gpt-4o"
    client.close()


@pytest.mark.parametrize("as_classes", [True, False])
def test_tool_calling_with_the_follow_up_call(openai_server, as_classes):
    client = Tracia()
    tools = weather_tools_as_classes() if as_classes else [
        {"name": "get_weather", "description": "Get the current weather",
         "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}]
    messages = [{"role": "user", "content": "What's the weather in Paris and Rome?"}]
    result = client.run_local(model="gpt-4o", messages=messages, tools=tools, tool_choice="auto",
                              base_url=openai_server.url + "/s/tools/v1")
    assert result.finish_reason == "tool_calls"
    assert [(c.id, c.name, c.arguments) for c in result.tool_calls] == [
        ("call_A", "get_weather", {"city": "Paris"}), ("call_B", "get_weather", {"city": "Rome"})]
    if result.tool_calls:
        for call in result.tool_calls:
            print(f"Tool: {call.name}, Args: {call.arguments}")

    messages.append(result.message)
    for call in result.tool_calls:
        messages.append({"role": "tool", "tool_call_id": call.id, "tool_name": call.name,
                         "content": json.dumps({"temp_c": 21})})
    messages.append({"role": "user", "content": "Thanks"})
    follow = client.run_local(model="gpt-4o", messages=messages, tools=tools,
                              base_url=openai_server.url + "/s/text/follow-py/v1")
    assert follow.text == "Thanks"
    body = [r for r in openai_server.requests if "/follow-py/" in r["path"]][-1]["body"]
    assistant = body["messages"][1]
    assert assistant["role"] == "assistant" and assistant["content"] is None
    assert [c["function"]["arguments"] for c in assistant["tool_calls"]] == ['{"city":"Paris"}', '{"city":"Rome"}']
    assert body["messages"][2] == {"role": "tool", "tool_call_id": "call_A", "content": '{"temp_c": 21}'}
    assert body["tools"][0]["function"]["parameters"]["properties"]["location"]["type"] == "string"
    client.close()


def test_streamed_tool_calls_and_message_object(openai_server):
    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[LocalPromptMessage(role="user", content="weather?")],
                              stream=True, tools=weather_tools_as_classes(), base_url=openai_server.url + "/s/tools/v1")
    assert list(stream) == []
    result = stream.result.result()
    assert result.tool_calls[1] == ToolCall(id="call_B", name="get_weather", arguments={"city": "Rome"})
    assert result.message.role == "assistant" and result.message.content[0].type == "tool_call"
    client.close()


@pytest.mark.parametrize("scenario,code,status", [
    ("s/status/401", TraciaErrorCode.UNAUTHORIZED, 401),
    ("s/status/429", TraciaErrorCode.PROVIDER_ERROR, 429),
    ("s/status/500", TraciaErrorCode.PROVIDER_ERROR, 500),
])
def test_http_errors_are_precise(openai_server, scenario, code, status):
    client = Tracia(max_retries=0)
    with pytest.raises(TraciaError) as raised:
        client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "x"}],
                         base_url=f"{openai_server.url}/{scenario}/v1")
    assert raised.value.code == code and raised.value.status_code == status
    assert str(raised.value).startswith(f"[{code.value}]")
    client.close()


def test_wrong_key_is_unauthorized():
    client = Tracia(openai_api_key="sk-not-the-right-key-0123456789")
    with pytest.raises(TraciaError) as raised:
        client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    assert raised.value.code == TraciaErrorCode.UNAUTHORIZED and raised.value.status_code == 401
    assert "0123456789" not in raised.value.message
    client.close()


def test_timeout_is_timeout(openai_server):
    client = Tracia(idle_timeout_ms=300)
    with pytest.raises(TraciaError) as raised:
        list(client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "a b c"}], stream=True,
                              base_url=openai_server.url + "/s/stall/v1"))
    assert raised.value.code == TraciaErrorCode.TIMEOUT
    client.close()


def test_invalid_input_raises_at_once():
    client = Tracia()
    with pytest.raises(TraciaError) as raised:
        client.run_local(model="gpt-4o", messages=[{"role": "tool", "content": "no id"}])
    assert raised.value.code == TraciaErrorCode.INVALID_REQUEST
    with pytest.raises(TraciaError) as raised:
        client.run_local(model="gpt-4o", messages=[])
    assert raised.value.code == TraciaErrorCode.INVALID_REQUEST
    with pytest.raises(TraciaError) as raised:
        client.run_local(model="no-such-model", messages=[{"role": "user", "content": "x"}])
    assert raised.value.code == TraciaErrorCode.UNSUPPORTED_MODEL
    with pytest.raises(TraciaError) as raised:
        client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "x"}], span_id="bad")
    assert raised.value.code == TraciaErrorCode.INVALID_REQUEST
    with pytest.raises(TraciaError):
        Tracia(no_such_option=1)
    client.close()


def test_failed_non_streaming_call_records_an_error_span(openai_server, spans_file):
    client = Tracia(max_retries=0)
    with pytest.raises(TraciaError):
        client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "x"}],
                         base_url=openai_server.url + "/s/status/500/v1", span_id="sp_00000000000000e1")
    client.flush()
    span = json.loads(spans_file.read_text())
    assert span["spanId"] == "sp_00000000000000e1" and span["status"] == "ERROR" and "500" in span["error"]
    client.close()


def test_variables_and_options_reach_the_span(spans_file):
    client = Tracia()
    client.run_local(model="gpt-4o", messages=[{"role": "system", "content": "You are {{name}}."},
                                               {"role": "user", "content": "Hello!"}],
                     variables={"name": "Claude"}, temperature=0.7, max_output_tokens=1000, timeout_ms=30000,
                     tags=["production"], user_id="user_123", session_id="session_456", send_trace=True)
    client.flush()
    span = json.loads(spans_file.read_text())
    assert span["input"]["messages"][0]["content"] == "You are Claude."
    assert span["tags"] == ["production"] and span["userId"] == "user_123" and span["sessionId"] == "session_456"
    assert span["temperature"] == 0.7 and span["maxOutputTokens"] == 1000
    client.close()


def test_send_trace_false_writes_nothing(spans_file):
    client = Tracia()
    result = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "quiet"}], send_trace=False)
    assert result.span_id.startswith("sp_")
    client.flush()
    assert not spans_file.exists() or spans_file.read_text() == ""
    client.close()


def test_sessions_link_calls(spans_file):
    client = Tracia()
    session = client.create_session()
    r1 = session.run_local(model="gpt-4o", messages=[{"role": "user", "content": "My name is Alice"}])
    r2 = session.run_local(model="gpt-4o", messages=[
        {"role": "user", "content": "My name is Alice"},
        {"role": "assistant", "content": r1.text},
        {"role": "user", "content": "What's my name?"},
    ])
    stream = session.run_local(model="gpt-4o", messages=[{"role": "user", "content": "streamed"}], stream=True)
    list(stream)
    r3 = stream.result.result()

    async def fourth():
        return await session.arun_local(model="gpt-4o", messages=[{"role": "user", "content": "async"}])

    r4 = asyncio.run(fourth())
    assert r1.trace_id == r2.trace_id == r3.trace_id == r4.trace_id == session.trace_id
    client.flush()
    spans = {s["spanId"]: s for s in map(json.loads, spans_file.read_text().splitlines())}
    assert "parentSpanId" not in spans[r1.span_id]
    assert spans[r2.span_id]["parentSpanId"] == r1.span_id
    assert spans[r3.span_id]["parentSpanId"] == r2.span_id
    assert spans[r4.span_id]["parentSpanId"] == r3.span_id
    client.close()


def test_on_span_error_is_called_when_the_collector_keeps_failing(collector):
    import urllib.request

    errors = []
    request = urllib.request.Request(collector.url + "/_fail", data=b'{"count": 3, "status": 503}', method="POST")
    urllib.request.urlopen(request).read()
    client = Tracia(api_key="tr-test-key", base_url=collector.url, span_retry_base_ms=10,
                    on_span_error=lambda error, span_id: errors.append((error, span_id)))
    result = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "lost span"}])
    client.flush()
    assert len(errors) == 1
    error, span_id = errors[0]
    assert span_id == result.span_id and isinstance(error, TraciaError) and error.status_code == 503
    assert client.stats()["failed"] == 1
    client.close()


def test_spans_reach_the_collector(collector):
    client = Tracia(api_key="tr-test-key", base_url=collector.url)
    result = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "to the api"}])
    client.flush()
    assert [s for s in collector.spans if s["spanId"] == result.span_id][0]["output"] == "to the api"
    client.close()


def test_model_dump_matches_the_official_shape():
    client = Tracia()
    result = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "dump me"}])
    plain = result.model_dump()
    assert set(plain) == {"text", "span_id", "trace_id", "latency_ms", "usage", "cost", "provider", "model",
                          "tool_calls", "finish_reason", "message"}
    assert plain["usage"] == {"input_tokens": 9, "output_tokens": 2, "total_tokens": 11}
    assert plain["message"] == {"role": "assistant", "content": "dump me", "tool_call_id": None, "tool_name": None}
    aliased = result.model_dump(by_alias=True)
    assert aliased["spanId"] == result.span_id and aliased["usage"]["totalTokens"] == 11
    assert aliased["finishReason"] == "stop" and aliased["message"]["toolCallId"] is None
    assert json.loads(json.dumps(result.model_dump(mode="json")))["provider"] == "openai"
    client.close()


def test_context_managers_and_close_is_idempotent():
    with Tracia() as client:
        assert client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "ctx"}]).text == "ctx"
    client.close()
    with pytest.raises(TraciaError):
        client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "after close"}])
