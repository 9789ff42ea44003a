"""Fixtures: the project's fake servers (OpenAI, the other providers, Vertex AI, the embedding
endpoints, the span collector), in this process, on loopback."""
import json
import os
import sys
import threading
import urllib.request

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Tests", "fakes"))

from fake_anthropic import FakeAnthropic  # noqa: E402
from fake_azure import FakeAzure  # noqa: E402
from fake_bedrock import FakeBedrock  # noqa: E402
from fake_collector import FakeCollector  # noqa: E402
from fake_embeddings import FakeEmbeddings  # noqa: E402
from fake_gemini import FakeGemini  # noqa: E402
from fake_openai import FakeOpenAI  # noqa: E402
from fake_vertex import FakeVertex  # noqa: E402


def _serve(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def openai_server():
    server = _serve(FakeOpenAI())
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def provider_servers():
    servers = {"anthropic": _serve(FakeAnthropic()), "google": _serve(FakeGemini()), "bedrock": _serve(FakeBedrock())}
    yield servers
    for server in servers.values():
        server.shutdown()


@pytest.fixture(scope="session")
def azure_server():
    server = _serve(FakeAzure())
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def vertex():
    """The fake Vertex AI and its token endpoint, one for each test module."""
    server = _serve(FakeVertex())
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def embeddings():
    """The base URL of the fake embedding endpoints, one server for each test module."""
    server = _serve(FakeEmbeddings())
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def fetch(url):
    """The JSON a fake answers at url."""
    with urllib.request.urlopen(url) as reply:
        return json.load(reply)


@pytest.fixture(scope="session")
def collector():
    server = _serve(FakeCollector())
    yield server
    server.shutdown()


@pytest.fixture(autouse=True)
def environment(monkeypatch, tmp_path, openai_server):
    """Each test sees the fake OpenAI server as OPENAI_BASE_URL and a private span file."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.url + "/v1")
    monkeypatch.setenv("TRACIA_SPANS_FILE", str(tmp_path / "spans.jsonl"))
    monkeypatch.delenv("TRACIA_API_KEY", raising=False)
    yield


@pytest.fixture
def spans_file(tmp_path):
    return tmp_path / "spans.jsonl"


def scenario_url(server, scenario):
    return f"{server.url}/{scenario}/v1"
