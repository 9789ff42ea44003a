"""What the official SDK accepts is accepted here: any trace id, messages made for other SDKs
(unknown keys dropped, OpenAI's tool_calls read), OpenAI's and Anthropic's tool_choice and
response_format shapes, and its own refusals of a missing model or messages, in its words."""
import gc
import json
import warnings

import pytest

from tracia import ResponseFormatJsonSchema, Tracia, TraciaError, TraciaErrorCode
from tracia._types import MESSAGE_KEYS, PART_KEYS

TOOLS = [{"name": "get_weather", "description": "d", "parameters": {"type": "object", "properties": {}}}]


def sent(server, tag):
    return [r for r in server.requests if f"/{tag}/" in r["path"]][-1]["body"]


@pytest.fixture
def client():
    with Tracia() as c:
        yield c


def run(client, server, tag, **kwargs):
    kwargs.setdefault("messages", [{"role": "user", "content": "hi"}])
    return client.run_local(model="gpt-4o", base_url=f"{server.url}/s/text/{tag}/v1", **kwargs)


def test_any_trace_and_parent_id(client, openai_server, spans_file):
    result = run(client, openai_server, "py-trace", trace_id="conversation 42", parent_span_id="step-3")
    assert result.trace_id == "conversation 42"
    session = client.create_session(trace_id="my-trace")
    assert session.run_local(model="mock/x", messages=[{"role": "user", "content": "a"}]).trace_id == "my-trace"
    client.flush()
    span = [json.loads(line) for line in spans_file.read_text().splitlines()][0]
    assert (span["traceId"], span["parentSpanId"]) == ("conversation 42", "step-3")
    for bad in ("", "a\nb"):
        with pytest.raises(TraciaError) as e:
            run(client, openai_server, "py-trace", trace_id=bad)
        assert e.value.code == TraciaErrorCode.INVALID_REQUEST and "trace_id" in e.value.message


def test_messages_from_other_sdks_drop_unknown_keys(client, openai_server):
    messages = [
        {"role": "system", "content": "Be brief.", "name": "sys"},
        {"role": "user", "content": [{"type": "text", "text": "Weather?", "annotations": []}], "audio": None,
         "refusal": None},
        {"role": "assistant", "content": None, "refusal": None, "annotations": [], "function_call": None, "audio": None,
         "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "21C", "extra": 1},
    ]
    assert run(client, openai_server, "py-msgs", messages=messages, tools=TOOLS).text
    body = sent(openai_server, "py-msgs")["messages"]
    assert body[0]["content"] == "Be brief." and set(body[0]) <= {"role", "content", "name"}
    assert body[1] == {"role": "user", "content": "Weather?"}  # one text part: sent as text
    assert body[2]["tool_calls"] == [{"id": "call_1", "type": "function",
                                      "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}}]
    assert body[3] == {"role": "tool", "tool_call_id": "call_1", "content": "21C"}


def test_the_c_boundary_stays_strict_and_the_key_lists_match_it():
    """The dropped keys are dropped by the binding only: the library refuses them. Every key the
    binding keeps, the library takes (the lists are the library's, not a guess)."""
    from tracia import _ffi

    client = _ffi.client_new(b'{"spans_file": "/dev/null"}')
    try:
        def refused(message):
            body = json.dumps({"model": "mock/x", "messages": [message]}).encode()
            stream = _ffi.run_local(client, body)
            if stream:
                _ffi.stream_free(stream)
                return None
            return _ffi.last_exception().message

        assert "refusal" in refused({"role": "user", "content": "x", "refusal": None})
        keep = {"name": "n", "tool_call_id": "c", "toolCallId": "c", "tool_name": "t", "toolName": "t", "cache_control": {"type": "ephemeral"}}
        for key in MESSAGE_KEYS:
            if key not in ("role", "content"):
                assert refused({"role": "tool", "content": "x", "tool_call_id": "c", key: keep[key]}) is None, key
        for kind, keys in PART_KEYS.items():
            part = {"text": {"type": "text", "text": "x"}, "tool_call": {"type": "tool_call", "id": "c", "name": "f", "arguments": {}}}[kind]
            part.update((k, {"type": "ephemeral"}) for k in keys if k == "cache_control")
            assert refused({"role": "assistant", "content": [part]}) is None, kind
            assert "annotations" in refused({"role": "assistant", "content": [dict(part, annotations=[])]})
    finally:
        _ffi.client_free(client)


@pytest.mark.parametrize("choice", [
    {"tool": "get_weather"}, {"type": "function", "function": {"name": "get_weather"}},
    {"type": "function", "name": "get_weather"}, {"type": "tool", "name": "get_weather"}])
def test_tool_choice_of_one_tool_in_every_sdks_shape(client, openai_server, choice):
    run(client, openai_server, "py-choice", tools=TOOLS, tool_choice=choice)
    assert sent(openai_server, "py-choice")["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}


@pytest.mark.parametrize("choice,wire", [("auto", "auto"), ({"type": "none"}, "none"), ({"type": "any"}, "required"),
                                         ({"type": "required"}, "required")])
def test_tool_choice_words(client, openai_server, choice, wire):
    run(client, openai_server, "py-words", tools=TOOLS, tool_choice=choice)
    assert sent(openai_server, "py-words")["tool_choice"] == wire


def test_a_tool_choice_nobody_spells_is_refused_by_name(client, openai_server):
    with pytest.raises(TraciaError) as e:
        run(client, openai_server, "py-bad", tools=TOOLS, tool_choice={"type": "function", "function": {}})
    assert e.value.code == TraciaErrorCode.INVALID_REQUEST and "tool_choice" in e.value.message


SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}}


@pytest.mark.parametrize("given,wire", [
    ({"type": "json_object"}, {"type": "json_object"}),
    ({"type": "json"}, {"type": "json_object"}),
    ({"type": "json_schema", "json_schema": {"name": "city", "schema": SCHEMA, "strict": True}},
     {"type": "json_schema", "json_schema": {"name": "city", "schema": SCHEMA, "strict": True}}),
    ({"type": "json", "schema": SCHEMA, "description": "a city"},
     {"type": "json_schema", "json_schema": {"name": "response", "description": "a city", "schema": SCHEMA}}),
    (ResponseFormatJsonSchema(schema=SCHEMA, name="c"), {"type": "json_schema", "json_schema": {"name": "c", "schema": SCHEMA}}),
])
def test_response_formats(client, openai_server, given, wire):
    run(client, openai_server, "py-format", response_format=given)
    assert sent(openai_server, "py-format")["response_format"] == wire


@pytest.mark.parametrize("kwargs,message", [
    ({"messages": None}, "messages is required and cannot be empty"),
    ({"messages": []}, "messages is required and cannot be empty"),
    ({"model": "   "}, "model is required and cannot be empty"),
    ({"model": ""}, "model is required and cannot be empty"),
    ({"model": None}, "model is required and cannot be empty"),
])
def test_missing_model_or_messages_in_the_official_words(client, kwargs, message):
    args = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], **kwargs}
    with pytest.raises(TraciaError) as e:
        client.run_local(**args)
    assert e.value.code == TraciaErrorCode.INVALID_REQUEST and e.value.message == message


def test_an_unclosed_client_is_a_resource_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = Tracia()
        del client
        gc.collect()
        with Tracia():
            pass
        closed = Tracia()
        closed.close()
        del closed
        gc.collect()
    resource = [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert [str(w.message) for w in resource] == ["Unclosed Tracia client. Use 'client.close()' or 'with Tracia(...) as client:'."]
