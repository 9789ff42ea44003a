"""TLS is verified and stays verified, and keys never reach the CLI's output.

A fake OpenAI server behind TLS with a self-signed certificate: the call fails unless the client
is told to trust that certificate (`ca_file`), a certificate for another host name fails even
then, and environment variables that turn verification off in other tools change nothing."""
import os
import ssl
import subprocess
import sys
import threading

import pytest

from conftest import CLI, ROOT

sys.path.insert(0, os.path.join(ROOT, "Tests", "fakes"))
from fake_openai import FakeOpenAI  # noqa: E402

# Variables that disable or weaken TLS verification in curl's tool, Python, Node and friends.
INSECURE_ENVIRONMENT = {
    "CURL_INSECURE": "1", "CURL_SSL_NO_VERIFY": "1", "PYTHONHTTPSVERIFY": "0", "NODE_TLS_REJECT_UNAUTHORIZED": "0",
    "TRACIA_INSECURE": "1", "TRACIA_TLS_VERIFY": "0", "SSL_VERIFY": "false", "GIT_SSL_NO_VERIFY": "1",
    "REQUESTS_CA_BUNDLE": "", "CURL_CA_BUNDLE": "",
}


def certificate(tmp_path, name, san):
    key, cert = tmp_path / f"{name}.key", tmp_path / f"{name}.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
                    "-addext", f"subjectAltName={san}", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return str(cert), str(key)


def tls_server(cert, key):
    server = FakeOpenAI()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def loopback_cert(tmp_path):
    return certificate(tmp_path, "loopback", "IP:127.0.0.1")


def call(library, options, base_url):
    client = library.lib.tracia_client_new(__import__("json").dumps(options).encode())
    assert client, library.lib.tracia_last_error()
    try:
        return library.run(client, {"model": "gpt-4o", "base_url": base_url, "stream": True,
                                    "messages": [{"role": "user", "content": "over TLS"}]})
    finally:
        library.lib.tracia_client_free(client)


def test_self_signed_certificate_is_refused_unless_trusted(library, loopback_cert, tmp_path):
    server = tls_server(*loopback_cert)
    base = f"https://127.0.0.1:{server.server_address[1]}/v1"
    options = {"openai_api_key": "sk-test-key", "spans_file": str(tmp_path / "spans.jsonl"), "max_retries": 0}
    try:
        refused = call(library, options, base)
        assert refused["error"]["code"] == "NETWORK_ERROR" and "TLS" in refused["error"]["message"], refused
        trusted = call(library, dict(options, ca_file=loopback_cert[0]), base)
        assert trusted["text"] == "over TLS" and "error" not in trusted
    finally:
        server.shutdown()


def test_host_name_is_verified(library, tmp_path):
    cert = certificate(tmp_path, "elsewhere", "DNS:elsewhere.example")
    server = tls_server(*cert)
    try:
        result = call(library, {"openai_api_key": "sk-test-key", "spans_file": str(tmp_path / "s.jsonl"), "max_retries": 0,
                                "ca_file": cert[0]}, f"https://127.0.0.1:{server.server_address[1]}/v1")
        assert result["error"]["code"] == "NETWORK_ERROR" and "TLS" in result["error"]["message"], result
    finally:
        server.shutdown()


def test_environment_cannot_turn_verification_off(loopback_cert, tmp_path):
    server = tls_server(*loopback_cert)
    env = dict(os.environ, **INSECURE_ENVIRONMENT, OPENAI_API_KEY="sk-test-key",
               OPENAI_BASE_URL=f"https://127.0.0.1:{server.server_address[1]}/v1", TRACIA_API_KEY="",
               TRACIA_SPANS_FILE=str(tmp_path / "spans.jsonl"))
    try:
        out = subprocess.run([CLI, "run", "--model", "gpt-4o", "over TLS"], env=env, capture_output=True, text=True, timeout=30)
    finally:
        server.shutdown()
    assert out.returncode != 0 and "over TLS" not in out.stdout
    assert "TLS" in out.stderr, out.stderr


@pytest.mark.parametrize("scenario", ["text", "echo/401", "echo/500", "drop-mid", "malformed"])
def test_cli_output_never_shows_the_key(tmp_path, scenario):
    server = FakeOpenAI()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    key = "sk-test-key-sentinel-c11c11c11c11c11c11c1"
    env = dict(os.environ, OPENAI_API_KEY=key, OPENAI_BASE_URL=f"{server.url}/s/{scenario}/v1", TRACIA_API_KEY="",
               TRACIA_SPANS_FILE=str(tmp_path / "spans.jsonl"))
    outputs = []
    try:
        for argv in (["run", "--model", "gpt-4o", "hello"], ["run", "--json", "--model", "gpt-4o", "hello"], ["spans"]):
            out = subprocess.run([CLI] + argv, env=env, capture_output=True, text=True, timeout=30)
            outputs.append(out.stdout + out.stderr)
    finally:
        server.shutdown()
    for argv, output in zip(("run", "run --json", "spans"), outputs):
        assert "sentinel" not in output, (argv, output)
    if scenario.startswith("echo"):  # the server repeated the key, and it was scrubbed
        assert "[REDACTED]" in outputs[0], outputs[0]
    assert "sentinel" not in (tmp_path / "spans.jsonl").read_text()
