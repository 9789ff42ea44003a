"""The fake Vertex AI and its token endpoint as the official clients see them: google-auth signs
and exchanges the service account's JWT at the fake endpoint, google-genai and anthropic's
AnthropicVertex parse the fake's answers, whole and streamed, and they reach the same paths as
libtracia does for the same project, location and models."""
import json

import anthropic  # the official clients, installed by run-tests.sh
from google import genai

from conftest import fetch
from tracia import Tracia

GEMINI, CLAUDE, LOCATION = "gemini-2.5-flash", "claude-sonnet-4-5@20250929", "europe-west4"


def paths(server, marker):
    return [r["path"] for r in fetch(server.url + "/_requests") if marker in r["path"]]


def test_official_clients_and_libtracia_agree_on_the_fake(vertex, tmp_path, monkeypatch):
    from google.auth.transport.requests import Request
    from google.genai import types
    from google.oauth2 import service_account

    info = fetch(vertex.url + "/_service_account")
    creds = service_account.Credentials.from_service_account_info(info, scopes=["https://www.googleapis.com/auth/cloud-platform"])
    official = genai.Client(vertexai=True, project=info["project_id"], location=LOCATION, credentials=creds,
                            http_options=types.HttpOptions(base_url=vertex.url + "/s/text/official", api_version="v1beta1"))
    whole = official.models.generate_content(model=GEMINI, contents="hello genai")
    assert whole.text == "hello genai" and whole.usage_metadata.total_token_count > 0
    streamed = "".join(chunk.text or "" for chunk in official.models.generate_content_stream(model=GEMINI, contents="streamed genai"))
    assert streamed == "streamed genai"

    creds.refresh(Request())
    claude = anthropic.AnthropicVertex(region=LOCATION, project_id=info["project_id"], access_token=creds.token,
                                       base_url=vertex.url + "/s/text/official/v1")
    message = claude.messages.create(model=CLAUDE, max_tokens=100, messages=[{"role": "user", "content": "hello claude"}])
    assert message.content[0].text == "hello claude" and message.usage.output_tokens > 0
    with claude.messages.stream(model=CLAUDE, max_tokens=100, messages=[{"role": "user", "content": "streamed claude"}]) as s:
        assert s.get_final_text() == "streamed claude"

    path = tmp_path / "service-account.json"
    path.write_text(json.dumps(info))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    monkeypatch.setenv("GOOGLE_CLOUD_LOCATION", LOCATION)
    monkeypatch.setenv("GOOGLE_VERTEX_BASE_URL", vertex.url + "/s/text/ours")
    with Tracia() as client:
        for model in (GEMINI, CLAUDE):
            assert client.run_local(model=model, provider="vertex", messages=[{"role": "user", "content": "hi"}]).text == "hi"
            stream = client.run_local(model=model, provider="vertex", stream=True, messages=[{"role": "user", "content": "hi there"}])
            assert "".join(stream) == "hi there"

    def tail(p):
        return p.split("/official", 1)[-1].split("/ours", 1)[-1]

    assert sorted(tail(p) for p in paths(vertex, "/ours/")) == sorted(tail(p) for p in paths(vertex, "/official/"))
