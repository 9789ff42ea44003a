"""provider openai_compatible against a server the project did not write: LiteLLM's proxy with
a mock_response model, started without a master key, so no key is sent or needed."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import CLI

ANSWER = "Hello from the proxy, streamed word by word."
CONFIG = f"""model_list:
  - model_name: mock-gpt
    litellm_params:
      model: openai/gpt-4o
      mock_response: "{ANSWER}"
      api_key: unused
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    litellm = shutil.which("litellm", path=os.path.dirname(sys.executable))
    assert litellm, "the litellm proxy is not installed in this environment (Tests/integration/run.sh installs it)"
    config = tmp_path_factory.mktemp("litellm") / "config.yaml"
    config.write_text(CONFIG)
    port = free_port()
    env = dict(os.environ, LITELLM_DANGEROUSLY_PERMIT_WEAK_OR_UNSET_MASTER_KEY="true", LITELLM_LOG="ERROR")
    process = subprocess.Popen([litellm, "--config", str(config), "--host", "127.0.0.1", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(url + "/health/liveliness", timeout=1)
            break
        except OSError:
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                pytest.fail("the LiteLLM proxy did not start: " + process.stderr.read().decode()[-2000:])
            time.sleep(0.5)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.parametrize("stream", [True, False])
def test_call_through_the_proxy(library, proxy, tmp_path, stream):
    client = library.client({"spans_file": str(tmp_path / "spans.jsonl")})
    result = library.run(client, {"model": "mock-gpt", "provider": "openai_compatible", "base_url": proxy + "/v1",
                                  "stream": stream, "messages": [{"role": "user", "content": "hi"}]})
    assert library.lib.tracia_flush(client, 5000) == 0
    library.lib.tracia_client_free(client)
    assert "error" not in result, result
    assert result["text"] == ANSWER
    assert result["provider"] == "openai_compatible"
    assert result["finish_reason"] == "stop"
    assert result["usage"]["total_tokens"] == result["usage"]["input_tokens"] + result["usage"]["output_tokens"] > 0
    span = (tmp_path / "spans.jsonl").read_text()
    assert '"provider":"openai"' in span and ANSWER in span


def test_missing_base_url_is_a_clear_error(library, tmp_path):
    client = library.client({"spans_file": str(tmp_path / "spans.jsonl")})
    stream = library.lib.tracia_run_local(client, b'{"model":"m","provider":"openai_compatible","messages":[{"role":"user","content":"x"}]}')
    assert not stream
    assert b"needs the server's URL" in library.lib.tracia_last_error()
    library.lib.tracia_client_free(client)


def test_cli_streams_from_the_proxy(proxy, tmp_path):
    env = dict(os.environ, TRACIA_SPANS_FILE=str(tmp_path / "spans.jsonl"), TRACIA_API_KEY="")
    out = subprocess.run([CLI, "run", "--provider", "openai_compatible", "--base-url", proxy + "/v1", "--model", "mock-gpt", "hi"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ANSWER
    assert "tokens" in out.stderr and "span sp_" in out.stderr
