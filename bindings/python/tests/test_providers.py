"""The official SDK's tool-calling example, unchanged but for the model name, against each of the
four providers' fake servers (configured the way users configure the real ones: keys and base
URLs in the environment)."""
import json

import pytest

from tracia import Tracia

MODELS = ["gpt-4o", "claude-sonnet-4-5", "gemini-2.5-flash", "anthropic.claude-3-haiku-20240307-v1:0"]


@pytest.fixture
def tool_scenario(monkeypatch, openai_server, provider_servers):
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.url + "/s/tools/v1")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", provider_servers["anthropic"].url + "/s/tools")
    monkeypatch.setenv("GOOGLE_API_KEY", "gemini-test-key")
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", provider_servers["google"].url + "/s/tools")
    monkeypatch.setenv("BEDROCK_API_KEY", "bedrock-test-key")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", provider_servers["bedrock"].url + "/s/tools")


def get_weather(location):
    return {"location": location, "temperature_c": 21}


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("stream", [False, True])
def test_tool_calling_example_on_every_provider(tool_scenario, model, stream):
    client = Tracia()
    tools = [{
        "name": "get_weather",
        "description": "Get the current weather for a location",
        "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]},
    }]
    messages = [{"role": "user", "content": "What's the weather in Paris?"}]

    if stream:
        first = client.run_local(model=model, messages=messages, tools=tools, stream=True)
        assert list(first) in ([], ["Checking."])
        result = first.result.result()
    else:
        result = client.run_local(model=model, messages=messages, tools=tools)

    assert result.finish_reason == "tool_calls"
    assert [call.arguments for call in result.tool_calls] == [{"city": "Paris"}, {"city": "Rome"}]
    messages.append(result.message)
    for call in result.tool_calls:
        messages.append({"role": "tool", "tool_call_id": call.id, "tool_name": call.name,
                         "content": json.dumps(get_weather(call.arguments["city"]))})

    final = client.run_local(model=model, messages=messages, tools=tools)
    assert final.finish_reason == "stop"
    assert final.text == "What's the weather in Paris?"  # the fake answers with the question
    assert final.usage.total_tokens > 0
    client.close()


def test_bedrock_keys_from_an_aws_profile(tmp_path, monkeypatch, provider_servers):
    """A profile in the shared credentials file, as `aws configure` writes it: the call is signed
    with the profile's keys (the fake checks the signature), region from the config file."""
    (tmp_path / "credentials").write_text(
        "[default]\naws_access_key_id = AKIAWRONGPROFILE\naws_secret_access_key = nope\n\n"
        "[work]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n"
        "aws_session_token = SESSIONTOKEN\n")
    (tmp_path / "config").write_text("[profile work]\nregion = us-west-2\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_PROFILE", "work")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "BEDROCK_API_KEY",
                 "AWS_BEARER_TOKEN_BEDROCK", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    url = provider_servers["bedrock"].url
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", url)
    with Tracia() as client:
        result = client.run_local(model="anthropic.claude-3-haiku-20240307-v1:0",
                                  messages=[{"role": "user", "content": "hello from a profile"}])
    assert result.text == "hello from a profile"
    import urllib.request
    seen = json.loads(urllib.request.urlopen(url + "/_requests").read())[-1]
    assert "Credential=AKIDEXAMPLE/" in seen["headers"]["Authorization"]
    assert "/us-west-2/bedrock/" in seen["headers"]["Authorization"]
    # The region's geography prefix, from the profile's region.
    assert "/model/us.anthropic.claude-3-haiku" in seen["path"]
