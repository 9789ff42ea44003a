"""Vertex AI configured as users configure it for the google-genai and anthropic[vertex] SDKs
(credentials file, project and location in the environment), against the fake Vertex AI and its
fake Google token endpoint."""
import json

import pytest

from conftest import fetch
from tracia import LLMProvider, Tracia, TraciaError, TraciaErrorCode


@pytest.fixture
def service_account(vertex, tmp_path, monkeypatch):
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps(fetch(vertex.url + "/_service_account")))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    monkeypatch.setenv("GOOGLE_CLOUD_LOCATION", "europe-west4")
    monkeypatch.setenv("GOOGLE_GENAI_USE_VERTEXAI", "true")
    monkeypatch.setenv("GOOGLE_VERTEX_BASE_URL", vertex.url + "/s/tools")
    return path


TOOLS = [{"name": "get_weather", "description": "Weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}]


@pytest.mark.parametrize("model, provider", [("gemini-2.5-flash", None), ("claude-sonnet-4-5@20250929", LLMProvider.VERTEX)])
@pytest.mark.parametrize("stream", [False, True])
def test_tool_call_and_follow_up(vertex, service_account, model, provider, stream):
    client = Tracia()
    messages = [{"role": "user", "content": "Weather in Paris?"}]
    if stream:
        first = client.run_local(model=model, provider=provider, messages=messages, tools=TOOLS, stream=True)
        list(first)
        result = first.result.result()
    else:
        result = client.run_local(model=model, provider=provider, messages=messages, tools=TOOLS)
    assert result.provider == "vertex"
    assert result.finish_reason == "tool_calls"
    assert [call.arguments for call in result.tool_calls] == [{"city": "Paris"}, {"city": "Rome"}]
    messages.append(result.message)
    for call in result.tool_calls:
        messages.append({"role": "tool", "tool_call_id": call.id, "tool_name": call.name, "content": "21C"})
    final = client.run_local(model=model, provider=provider, messages=messages, tools=TOOLS)
    assert final.finish_reason == "stop" and final.text == "Weather in Paris?"
    publisher = "anthropic" if provider else "google"
    seen = [r for r in fetch(vertex.url + "/_requests") if f"/publishers/{publisher}/models/{model}:" in r["path"]]
    assert seen and "/projects/fake-project/locations/europe-west4/" in seen[-1]["path"]
    assert seen[-1]["headers"]["Authorization"].startswith("Bearer ya29.fake-")
    client.close()


def test_a_stray_credentials_file_fails_vertex_calls_only(vertex, tmp_path, monkeypatch, openai_server):
    path = tmp_path / "external.json"
    path.write_text(json.dumps({"type": "external_account", "audience": "//iam.googleapis.com/x"}))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    client = Tracia()
    assert client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "still fine"}]).text == "still fine"
    with pytest.raises(TraciaError) as refused:
        client.run_local(model="gemini-2.5-flash", provider=LLMProvider.VERTEX, messages=[{"role": "user", "content": "x"}])
    assert refused.value.code == TraciaErrorCode.INVALID_REQUEST
    assert "external_account" in refused.value.message and str(path) in refused.value.message
    client.close()


def test_a_refused_refresh_token_is_unauthorized(vertex, tmp_path, monkeypatch):
    user = dict(fetch(vertex.url + "/_authorized_user"), refresh_token="1//not-the-right-one-s3cr3t")
    path = tmp_path / "adc.json"
    path.write_text(json.dumps(user))
    client = Tracia(google_application_credentials=str(path), google_token_uri=vertex.url + "/token", vertex_base_url=vertex.url)
    with pytest.raises(TraciaError) as refused:
        client.run_local(model="gemini-2.5-flash", provider=LLMProvider.VERTEX, messages=[{"role": "user", "content": "x"}])
    assert refused.value.code == TraciaErrorCode.UNAUTHORIZED
    assert str(path) in refused.value.message and "invalid_grant" in refused.value.message
    assert "s3cr3t" not in refused.value.message and "fake-client-secret" not in refused.value.message
    client.close()
