"""stream.events(): typed events for LocalStream and AsyncLocalStream, in the provider's order;
reasoning parts of a result, passed back unchanged in a follow-up; reasoning usage."""
import asyncio
import json
import os
import re
import sys
import threading

import pytest

from tracia import (LLMProvider, ReasoningDelta, ReasoningPart, StreamResult, TextDelta, ToolCallDelta, ToolCallEnd,
                    ToolCallPart, ToolCallStart, Tracia, TraciaError, TraciaErrorCode, _ffi)
from tracia._types import result_from_json

HEADER = os.path.join(os.path.dirname(__file__), "..", "..", "..", "include", "tracia.h")
MOCK_TOOLS = [{"id": "t1", "name": "lookup", "arguments": {"q": "a"}}, {"name": "fetch", "arguments": {}}]
MOCK_TURN = [TextDelta("Hel"), TextDelta("lo"), ToolCallStart(0, "t1", "lookup"), ToolCallDelta(0, '{"q":"a"}'),
             ToolCallStart(1, "call_mock_1", "fetch"), ToolCallDelta(1, "{}"), ToolCallEnd(0), ToolCallEnd(1)]


def mock_stream(client, **extra):
    return client.run_local(model="mock/test", messages=[{"role": "user", "content": "x"}], stream=True,
                            mock_response=["Hel", "lo"], mock_tool_calls=MOCK_TOOLS, **extra)


def test_event_types_are_the_headers():
    found = dict(re.findall(r"^#define TRACIA_EVENT_([A-Z_]+) (\d+)$", open(HEADER).read(), re.M))
    assert {name: int(value) for name, value in found.items()} == {
        "END": _ffi.EVENT_END, "TEXT": _ffi.EVENT_TEXT, "REASONING": _ffi.EVENT_REASONING,
        "TOOL_CALL_START": _ffi.EVENT_TOOL_CALL_START, "TOOL_CALL_DELTA": _ffi.EVENT_TOOL_CALL_DELTA,
        "TOOL_CALL_END": _ffi.EVENT_TOOL_CALL_END}


def test_sync_events_in_the_providers_order():
    client = Tracia()
    stream = mock_stream(client)
    events = list(stream.events())
    assert events == MOCK_TURN
    result = stream.result.result()
    assert isinstance(result, StreamResult) and result.text == "Hello"
    assert [call.id for call in result.tool_calls] == ["t1", "call_mock_1"]
    assert result.usage.reasoning_tokens is None and result.reasoning is None
    client.close()


def test_sync_events_from_a_thread_other_than_the_main_one():
    client = Tracia()
    stream = mock_stream(client, mock_chunk_delay_ms=5)
    events = []
    reader = threading.Thread(target=lambda: events.extend(stream.events()))
    reader.start()
    reader.join(10)
    assert events == MOCK_TURN
    client.close()


def test_events_of_parallel_tool_calls_join_into_the_results_arguments(openai_server):
    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "Weather?"}], stream=True,
                              base_url=openai_server.url + "/s/tools/v1")
    events = list(stream.events())
    assert events == [ToolCallStart(0, "call_A", "get_weather"), ToolCallDelta(0, '{"ci'), ToolCallDelta(0, 'ty": "Paris"}'),
                      ToolCallStart(1, "call_B", "get_weather"), ToolCallDelta(1, '{"city": "Rome"}'), ToolCallEnd(0),
                      ToolCallEnd(1)]
    result = stream.result.result()
    for call_index, call in enumerate(result.tool_calls):
        joined = "".join(e.arguments for e in events if isinstance(e, ToolCallDelta) and e.index == call_index)
        assert json.loads(joined) == call.arguments
    client.close()


def test_async_events():
    async def main():
        async with Tracia() as client:
            stream = await client.arun_local(model="mock/test", messages=[{"role": "user", "content": "x"}], stream=True,
                                             mock_response=["Hel", "lo"], mock_tool_calls=MOCK_TOOLS, mock_chunk_delay_ms=5)
            events = [event async for event in stream.events()]
            return events, await stream.result

    events, result = asyncio.run(main())
    assert events == MOCK_TURN
    assert result.text == "Hello" and not result.aborted


def test_a_failure_is_raised_after_the_events_before_it():
    client = Tracia()
    stream = client.run_local(model="mock/test", messages=[{"role": "user", "content": "one two three"}], stream=True,
                              mock_error={"code": "TIMEOUT", "message": "slow", "after_chunks": 1})
    events = []
    with pytest.raises(TraciaError) as raised:
        for event in stream.events():
            events.append(event)
    assert raised.value.code is TraciaErrorCode.TIMEOUT
    assert events == [TextDelta("one ")]

    async def main():
        async with Tracia() as aclient:
            astream = await aclient.arun_local(model="mock/test", messages=[{"role": "user", "content": "a b"}], stream=True,
                                               mock_error={"message": "boom", "after_chunks": 1})
            seen = []
            with pytest.raises(TraciaError):
                async for event in astream.events():
                    seen.append(event)
            return seen

    assert asyncio.run(main()) == [TextDelta("a ")]
    client.close()


def test_a_stream_is_read_once_either_as_text_or_as_events():
    client = Tracia()
    stream = mock_stream(client)
    assert next(iter(stream)) == "Hel"
    with pytest.raises(RuntimeError, match="already consumed"):
        stream.events()
    stream.close()
    stream = mock_stream(client)
    assert next(stream.events()) == TextDelta("Hel")
    with pytest.raises(RuntimeError, match="already consumed"):
        iter(stream)
    stream.close()
    client.close()


def test_cancelling_an_async_events_reader_aborts_the_call():
    async def main():
        async with Tracia() as client:
            stream = await client.arun_local(model="mock/test", messages=[{"role": "user", "content": "a b c"}], stream=True,
                                             mock_chunk_delay_ms=60000)

            async def read():
                return [event async for event in stream.events()]

            task = asyncio.ensure_future(read())
            await asyncio.sleep(0.05)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return await stream.result

    assert asyncio.run(main()).aborted


def test_events_are_small_values():
    assert ToolCallStart(1, "id", "name") == ToolCallStart(index=1, id="id", name="name")
    assert ToolCallStart(1, "id", "name") != ToolCallStart(2, "id", "name")
    assert TextDelta("a") != ReasoningDelta("a")
    assert repr(ToolCallDelta(0, "{}")) == "ToolCallDelta(index=0, arguments='{}')"
    assert len({TextDelta("a"), TextDelta("a"), ToolCallEnd(0)}) == 2
    with pytest.raises(AttributeError):
        TextDelta("a").other = 1  # type: ignore[attr-defined]


# -- reasoning in results ------------------------------------------------------------------------

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "Tests", "fakes"))
from fake_reasoning import ANTHROPIC_THINKING_TOKENS, REASONING_TEXT, THINKING_TOOLS_SIGNATURE  # noqa: E402


def first_turn_result():
    """A result as the library gives it for the Anthropic `thinking-tools` reply: the thinking
    block first, then the two tool calls."""
    return {
        "text": "", "span_id": "sp_0123456789abcdef", "trace_id": "tr_0123456789abcdef", "latency_ms": 5,
        "usage": {"input_tokens": 61, "output_tokens": 71 + ANTHROPIC_THINKING_TOKENS,
                  "total_tokens": 132 + ANTHROPIC_THINKING_TOKENS, "reasoning_tokens": ANTHROPIC_THINKING_TOKENS},
        "cost": None, "provider": "anthropic", "model": "claude-sonnet-4-5", "finish_reason": "tool_calls",
        "tool_calls": [{"id": "toolu_A", "name": "get_weather", "arguments": {"city": "Paris"}},
                       {"id": "toolu_B", "name": "get_weather", "arguments": {"city": "Rome"}}],
        "message": {"role": "assistant", "content": [
            {"type": "reasoning", "provider": "anthropic", "text": REASONING_TEXT, "signature": THINKING_TOOLS_SIGNATURE},
            {"type": "tool_call", "id": "toolu_A", "name": "get_weather", "arguments": {"city": "Paris"}},
            {"type": "tool_call", "id": "toolu_B", "name": "get_weather", "arguments": {"city": "Rome"}}]},
        "reasoning": REASONING_TEXT, "aborted": False,
    }


def test_reasoning_parts_usage_and_text_of_a_result():
    result = result_from_json(first_turn_result(), stream=True)
    part = result.message.content[0]
    assert isinstance(part, ReasoningPart)
    assert part.provider is LLMProvider.ANTHROPIC and part.text == REASONING_TEXT
    assert part.signature == THINKING_TOOLS_SIGNATURE and part.redacted_data is None
    assert [type(p) for p in result.message.content[1:]] == [ToolCallPart, ToolCallPart]
    assert result.usage.reasoning_tokens == ANTHROPIC_THINKING_TOKENS
    assert result.reasoning == REASONING_TEXT
    # Attributes beyond the official SDK's fields, left out of model_dump(): its shape stays the SDK's.
    assert "reasoning" not in result.model_dump() and "reasoning_tokens" not in result.model_dump()["usage"]
    redacted = result_from_json(dict(first_turn_result(), message={"role": "assistant", "content": [
        {"type": "reasoning", "provider": "anthropic", "text": "", "redacted_data": "EmwKAhgBEgy"}]}), stream=False)
    assert redacted.message.content[0].redacted_data == "EmwKAhgBEgy"
    assert redacted.message.content[0].model_dump(by_alias=True, exclude_none=True, mode="json") == {
        "type": "reasoning", "provider": "anthropic", "text": "", "redactedData": "EmwKAhgBEgy"}


def test_a_reasoning_part_goes_back_unchanged_in_the_follow_up(monkeypatch, provider_servers):
    server = provider_servers["anthropic"]
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
    client = Tracia()
    result = result_from_json(first_turn_result(), stream=True)
    messages = [{"role": "user", "content": "What's the weather in Paris and Rome?"}, result.message]
    for call in result.tool_calls:
        messages.append({"role": "tool", "tool_call_id": call.id, "tool_name": call.name, "content": "21C"})
    # The fake refuses (400) an assistant turn whose thinking block is missing or altered, as Claude does.
    final = client.run_local(model="claude-sonnet-4-5", messages=messages, base_url=server.url + "/s/thinking-tools",
                             custom_options={"thinking": {"type": "enabled", "budget_tokens": 1024}},
                             tools=[{"name": "get_weather"}])
    assert final.finish_reason == "stop"
    sent = [r for r in server.requests if "/s/thinking-tools" in r["path"]][-1]["body"]
    assert sent["messages"][1]["content"][0] == {"type": "thinking", "thinking": REASONING_TEXT,
                                                 "signature": THINKING_TOOLS_SIGNATURE}
    client.close()


def test_reasoning_events_and_a_tool_follow_up_from_a_real_call(monkeypatch, provider_servers):
    """The drop-in path end to end: a streamed call with `reasoning=` yields the provider's
    reasoning as events before its tool calls, and its real `result.message` is accepted back."""
    server = provider_servers["anthropic"]
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
    client = Tracia()
    base = dict(model="claude-sonnet-4-5", base_url=server.url + "/s/thinking-tools", tools=[{"name": "get_weather"}],
                reasoning={"budget_tokens": 1024})
    messages = [{"role": "user", "content": "What's the weather in Paris and Rome?"}]
    stream = client.run_local(messages=messages, stream=True, **base)
    events = list(stream.events())
    reasoning = "".join(e.text for e in events if isinstance(e, ReasoningDelta))
    assert reasoning == REASONING_TEXT
    first_start = next(i for i, e in enumerate(events) if isinstance(e, ToolCallStart))
    assert all(not isinstance(e, ReasoningDelta) for e in events[first_start:])
    result = stream.result.result()
    assert result.reasoning == REASONING_TEXT and result.usage.reasoning_tokens == ANTHROPIC_THINKING_TOKENS
    assert server.requests[-1]["body"]["thinking"] == {"type": "enabled", "budget_tokens": 1024}
    messages.append(result.message)
    for call in result.tool_calls:
        messages.append({"role": "tool", "tool_call_id": call.id, "tool_name": call.name, "content": "21C"})
    assert client.run_local(messages=messages, **base).finish_reason == "stop"
    client.close()
