"""OpenAI's Responses API and Azure OpenAI through the binding, against the project's fakes: a
stateless tool follow-up that carries the reasoning item back, Azure's paths, credentials and
content filter, and the official openai SDK reading the fakes' streams (so that the fakes speak
the wire format the SDK was written for)."""
import asyncio
import json
import urllib.request

import pytest

from tracia import LLMProvider, ReasoningPart, Tracia, TraciaError

TOOLS = [{"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}]
REASONING_TEXT = "Réflexion — 思考 🤔 step by step."


def recorded(server, fragment):
    with urllib.request.urlopen(server.url + "/_requests") as r:
        return [q for q in json.loads(r.read()) if fragment in q["path"]][-1]


@pytest.mark.parametrize("stream", [False, True])
def test_responses_tool_follow_up_carries_the_reasoning_item(openai_server, stream):
    client = Tracia()
    base = openai_server.url + "/s/thinking-tools/v1"
    messages = [{"role": "user", "content": "Weather?"}]
    first = client.run_local(model="gpt-5", api="responses", base_url=base, messages=messages, tools=TOOLS, stream=stream,
                             reasoning={"effort": "low"})
    result = first.result.result() if stream else first
    assert result.finish_reason == "tool_calls"
    assert [c.arguments for c in result.tool_calls] == [{"city": "Paris"}, {"city": "Rome"}]
    reasoning = [p for p in result.message.content if isinstance(p, ReasoningPart)]
    assert [(p.id, p.text) for p in reasoning] == [("rs_fake_tools", REASONING_TEXT)]
    assert reasoning[0].signature.startswith("qkQW9VJr")
    assert recorded(openai_server, "thinking-tools")["body"]["store"] is False

    messages.append(result.message)
    for call in result.tool_calls:
        messages.append({"role": "tool", "tool_call_id": call.id, "content": "21C"})
    final = client.run_local(model="gpt-5", api="responses", base_url=base, messages=messages, tools=TOOLS)
    assert final.text == "Weather?"
    sent = recorded(openai_server, "thinking-tools")["body"]["input"]
    assert [item.get("type") for item in sent] == [None, "reasoning", "function_call", "function_call", "function_call_output",
                                                   "function_call_output"]

    # The reasoning item without its encrypted content: the stateless service's 404.
    reasoning[0].signature = None
    with pytest.raises(TraciaError) as refused:
        client.run_local(model="gpt-5", api="responses", base_url=base, messages=messages, tools=TOOLS)
    assert "Items are not persisted when `store` is set to false" in str(refused.value)
    client.close()


def test_azure_through_the_binding(azure_server, monkeypatch):
    monkeypatch.delenv("AZURE_OPENAI_AD_TOKEN", raising=False)
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", azure_server.url)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "azure-test-key")
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-10-21")
    client = Tracia()
    result = client.run_local(model="gpt-4o-mini", provider=LLMProvider.AZURE, messages=[{"role": "user", "content": "Il fait beau"}])
    assert (result.text, result.provider, result.usage.total_tokens) == ("Il fait beau", "azure", 12)
    assert recorded(azure_server, "/openai/")["path"] == "/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21"

    async def filtered():
        stream = await client.arun_local(model="gpt-4o-mini", provider="azure", stream=True,
                                         base_url=azure_server.url + "/s/content-filter",
                                         messages=[{"role": "user", "content": "Il fait beau"}])
        text = "".join([chunk async for chunk in stream])
        return text, await stream.result

    text, streamed = asyncio.run(filtered())
    assert (text, streamed.finish_reason) == ("Il fait beau", "content_filter")

    with pytest.raises(TraciaError) as refused:
        client.run_local(model="gpt-4o-mini", provider="azure", base_url=azure_server.url + "/s/prompt-filtered",
                         messages=[{"role": "user", "content": "x"}])
    assert "content_filter: The response was filtered" in str(refused.value)
    assert "(filtered: violence (medium))" in str(refused.value)
    client.close()


def test_official_sdk_reads_the_fake_responses_stream(openai_server):
    import openai  # installed by bindings/python/run-tests.sh
    from openai.types.responses import ResponseFunctionCallArgumentsDeltaEvent, ResponseReasoningItem

    sdk = openai.OpenAI(api_key="sk-test-key", base_url=openai_server.url + "/s/thinking-tools/v1", max_retries=0)
    with sdk.responses.stream(model="gpt-5", input="Weather?", store=False, include=["reasoning.encrypted_content"]) as stream:
        events = list(stream)
        final = stream.get_final_response()
    assert any(isinstance(e, ResponseFunctionCallArgumentsDeltaEvent) for e in events)
    # Every event parsed into one of the SDK's event types (some wrapped by its stream helper).
    assert all(type(e).__module__.startswith(("openai.types.responses.", "openai.lib.streaming.responses")) for e in events)
    assert {e.type for e in events} >= {"response.created", "response.output_item.added", "response.reasoning_summary_text.delta",
                                        "response.output_item.done", "response.function_call_arguments.done", "response.completed"}
    assert isinstance(final.output[0], ResponseReasoningItem) and final.output[0].encrypted_content.startswith("qkQW9VJr")
    assert [(o.type, getattr(o, "call_id", None)) for o in final.output[1:]] == [("function_call", "call_A"), ("function_call", "call_B")]

    sdk = openai.OpenAI(api_key="sk-test-key", base_url=openai_server.url + "/s/thinking/v1", max_retries=0)
    whole = sdk.responses.create(model="gpt-5", input="Il fait beau", store=False)
    assert whole.output_text == "Il fait beau" and whole.usage.output_tokens_details.reasoning_tokens == 41


def test_official_azure_client_reads_the_fake_azure_stream(azure_server, monkeypatch):
    import openai

    monkeypatch.delenv("AZURE_OPENAI_AD_TOKEN", raising=False)
    sdk = openai.AzureOpenAI(api_key="azure-test-key", azure_endpoint=azure_server.url, api_version="2024-10-21", max_retries=0)
    chunks = list(sdk.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Il fait beau"}],
                                              stream=True, stream_options={"include_usage": True}))
    assert chunks[0].choices == [] and chunks[0].id == ""
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Il fait beau"
    assert chunks[-1].usage.total_tokens == 12
