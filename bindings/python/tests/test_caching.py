"""Prompt caching through the binding: cache_control marks in plain dict messages, tools and the
request, the cache counts of each provider's usage, and the refusal of a mark no provider takes."""
import pytest

from tracia import Tracia, TraciaError, TraciaErrorCode

# model, whether the provider counts cache writes (Tests/fakes/fake_cache.py)
MODELS = [("gpt-4o", False), ("claude-sonnet-4-5", True), ("gemini-2.5-flash", False),
          ("anthropic.claude-3-haiku-20240307-v1:0", True)]
EPHEMERAL = {"type": "ephemeral"}


@pytest.fixture
def cached_scenario(monkeypatch, openai_server, provider_servers):
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.url + "/s/cached/v1")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", provider_servers["anthropic"].url + "/s/cached")
    monkeypatch.setenv("GOOGLE_API_KEY", "gemini-test-key")
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", provider_servers["google"].url + "/s/cached")
    monkeypatch.setenv("BEDROCK_API_KEY", "bedrock-test-key")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", provider_servers["bedrock"].url + "/s/cached")
    return provider_servers


@pytest.mark.parametrize("model, counts_writes", MODELS)
@pytest.mark.parametrize("stream", [False, True])
def test_marked_request_and_cache_counts_on_every_provider(cached_scenario, model, counts_writes, stream):
    client = Tracia()
    messages = [{"role": "system", "content": "Long rules.", "cache_control": dict(EPHEMERAL, ttl="1h")},
                {"role": "user", "content": [{"type": "text", "text": "Read it again", "cache_control": EPHEMERAL}]}]
    tools = [{"name": "lookup", "description": "Look it up", "parameters": {"type": "object", "properties": {}},
              "cache_control": dict(EPHEMERAL, ttl="1h")}]
    call = client.run_local(model=model, messages=messages, tools=tools, cache_control=EPHEMERAL, stream=stream)
    result = call.result.result() if stream else call
    assert result.text == "Read it again"
    assert result.usage.input_tokens == 4512  # every input token, the cached ones included
    assert result.usage.cache_read_input_tokens == 3000
    assert result.usage.cache_write_input_tokens == (1500 if counts_writes else None)
    # The SDK's shape of the usage is kept: the counts it does not have stay out of model_dump().
    assert "cache_read_input_tokens" not in result.usage.model_dump()
    client.close()


def test_marks_reach_anthropic_as_cache_control(cached_scenario):
    client = Tracia()
    client.run_local(model="claude-sonnet-4-5", cache_control=EPHEMERAL,
                     messages=[{"role": "user", "content": "Read it again", "cache_control": dict(EPHEMERAL, ttl="5m")}])
    body = cached_scenario["anthropic"].requests[-1]["body"]
    assert body["messages"][0]["content"] == [{"type": "text", "text": "Read it again",
                                               "cache_control": {"type": "ephemeral", "ttl": "5m"}}]
    assert body["cache_control"] == {"type": "ephemeral"}
    client.close()


def test_a_mark_no_provider_takes_is_refused_before_the_call(cached_scenario):
    client = Tracia()
    before = len(cached_scenario["anthropic"].requests)
    with pytest.raises(TraciaError) as refused:
        client.run_local(model="claude-sonnet-4-5",
                         messages=[{"role": "user", "content": "x", "cache_control": {"type": "ephemeral", "ttl": "1d"}}])
    assert refused.value.code == TraciaErrorCode.INVALID_REQUEST
    assert "unknown cache_control ttl '1d'" in str(refused.value)
    assert len(cached_scenario["anthropic"].requests) == before
    client.close()
