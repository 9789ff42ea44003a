"""What a result says when the model did not simply stop, and the server tools a provider runs
itself, through the official SDK's API against the Anthropic fake."""
import pytest

from tracia import ServerToolPart, Tracia


@pytest.fixture
def anthropic(monkeypatch, provider_servers):
    def at(scenario):
        monkeypatch.setenv("ANTHROPIC_BASE_URL", provider_servers["anthropic"].url + "/s/" + scenario)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
    return at


MESSAGES = [{"role": "user", "content": "Weather in Paris?"}]


@pytest.mark.parametrize("stream", [False, True])
def test_a_refusal_is_a_content_filter_finish_with_its_text(anthropic, stream):
    anthropic("refusal")
    client = Tracia()
    if stream:
        s = client.run_local(model="claude-sonnet-4-5", messages=MESSAGES, stream=True)
        assert list(s) == []
        result = s.result.result()
    else:
        result = client.run_local(model="claude-sonnet-4-5", messages=MESSAGES)
    assert (result.finish_reason, result.stop_reason) == ("content_filter", "refusal")
    assert result.refusal == "This request triggered restrictions on violative cyber content."
    assert result.text == ""
    client.close()


def test_an_aborted_stream_has_no_finish_reason(anthropic):
    anthropic("text/hold")
    client = Tracia()
    s = client.run_local(model="claude-sonnet-4-5", messages=MESSAGES, stream=True)
    next(iter(s))
    s.abort()
    result = s.result.result()
    assert result.aborted and result.finish_reason is None and result.usage_complete is False
    client.close()


def test_server_tool_blocks_come_back_as_parts_and_go_back_unchanged(anthropic):
    anthropic("server-tools")
    client = Tracia()
    result = client.run_local(model="claude-sonnet-4-5", messages=MESSAGES)
    assert [c.id for c in result.tool_calls] == ["toolu_A"]
    server = [p for p in result.message.content if isinstance(p, ServerToolPart)]
    assert [p.block["type"] for p in server] == ["server_tool_use", "web_search_tool_result"]
    assert server[0].block["input"] == {"query": "weather Paris"}
    follow = MESSAGES + [result.message, {"role": "tool", "tool_call_id": "toolu_A", "content": "sunny"}]
    final = client.run_local(model="claude-sonnet-4-5", messages=follow)
    assert final.finish_reason == "stop"
    client.close()
