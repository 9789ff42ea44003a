"""The tracia command through a real pseudo-terminal: streaming, Ctrl-C, the span table."""
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time

import pytest

from conftest import CLI, ROOT

sys.path.insert(0, os.path.join(ROOT, "Tests", "fakes"))
from fake_openai import FakeOpenAI  # noqa: E402


def serving(server):
    """Runs a fake server in a thread for a fixture: yields it, then shuts it down."""
    import threading

    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def openai_server():
    yield from serving(FakeOpenAI())


def environment(tmp_path, openai_server, scenario="text"):
    return dict(os.environ, OPENAI_API_KEY="sk-test-key", OPENAI_BASE_URL=f"{openai_server.url}/s/{scenario}/v1",
                TRACIA_SPANS_FILE=str(tmp_path / "spans.jsonl"), TRACIA_API_KEY="")


def read_until(fd, needle, timeout=10):
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
    return seen


def test_streams_to_a_terminal_and_ctrl_c_aborts(tmp_path, openai_server):
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(CLI, [CLI, "run", "--model", "gpt-4o", "start of a long answer"], environment(tmp_path, openai_server, "slow"))
    seen = read_until(fd, b"xxx")
    assert b"start of xxx" in seen.replace(b"\r", b"")
    os.write(fd, b"\x03")  # the terminal turns Ctrl-C into SIGINT for the foreground process
    seen += read_until(fd, b"aborted")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.WEXITSTATUS(status) == 130, seen
    assert b"span sp_" in seen and b"aborted" in seen
    span = json.loads((tmp_path / "spans.jsonl").read_text())
    assert span["status"] == "ERROR" and span["error"] == "Stream aborted" and span["output"].startswith("start of x")


def test_run_prints_usage_latency_and_span_on_stderr(tmp_path, openai_server):
    out = subprocess.run([CLI, "run", "--model", "gpt-4o", "--system", "Be brief.", "hello from the cli"],
                         env=environment(tmp_path, openai_server), capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "hello from the cli\n"
    assert "9 input + 4 output = 13 tokens" in out.stderr and " ms · span sp_" in out.stderr
    assert re.search(r"· (\d+) ms · first token (\d+) ms ·", out.stderr), out.stderr
    request = [r for r in openai_server.requests if r["body"] and r["body"]["messages"][-1]["content"] == "hello from the cli"][-1]
    assert request["body"]["messages"][0] == {"role": "system", "content": "Be brief."}


def test_prompt_from_stdin_tools_and_json(tmp_path, openai_server):
    tool = tmp_path / "weather.json"
    tool.write_text(json.dumps({"name": "get_weather", "description": "Weather", "parameters": {"type": "object"}}))
    out = subprocess.run([CLI, "run", "--model", "gpt-4o", "--tool", str(tool), "--json", "-"], input="from stdin",
                         env=environment(tmp_path, openai_server, "tools"), capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["finish_reason"] == "tool_calls" and result["tool_calls"][0]["name"] == "get_weather"
    body = [r for r in openai_server.requests if "/s/tools/" in r["path"]][-1]["body"]
    assert body["messages"][-1]["content"] == "from stdin" and body["tools"][0]["function"]["name"] == "get_weather"


def test_failures_exit_non_zero_with_a_clear_message(tmp_path, openai_server):
    out = subprocess.run([CLI, "run", "--model", "gpt-4o", "x"], env=environment(tmp_path, openai_server, "status/401"),
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 1 and "[UNAUTHORIZED]" in out.stderr
    out = subprocess.run([CLI, "run", "--model", "nonsense-model", "x"], env=environment(tmp_path, openai_server),
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 1 and "[UNSUPPORTED_MODEL]" in out.stderr
    out = subprocess.run([CLI, "run", "--bogus"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 2 and "unknown option" in out.stderr


def test_every_request_option_is_a_flag_named_in_errors(tmp_path, openai_server):
    env = environment(tmp_path, openai_server)
    out = subprocess.run([CLI, "run", "--model", "gpt-4o", "--temperature", "0.5", "--top-p", "0.9", "--max-output-tokens",
                          "50", "--stop", "END", "--stop", "STOP", "--var", "who=world", "--tag", "t1", "--session", "s-9",
                          "--user", "u-1", "--tool-choice", "none", "--reasoning", "low", "say hello {{who}}"],
                         env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    body = openai_server.requests[-1]["body"]
    assert body["temperature"] == 0.5 and body["top_p"] == 0.9 and body["stop"] == ["END", "STOP"]
    assert body["messages"][-1]["content"] == "say hello world" and body["reasoning_effort"] == "low"
    span = json.loads((tmp_path / "spans.jsonl").read_text().splitlines()[-1])
    assert span["tags"] == ["t1"] and span["sessionId"] == "s-9" and span["userId"] == "u-1"
    for argv, message in [(["--temperature", "3"], "--temperature must be between"),
                          (["--temperature", "warm"], "--temperature takes a number, not 'warm'"),
                          (["--var", "novalue"], "--var takes name=value"),
                          (["--reasoning", "lots"], "--reasoning takes low, medium, high or a token budget"),
                          (["--provider", "opnai"], "expected openai, anthropic, google, amazon_bedrock")]:
        out = subprocess.run([CLI, "run", "--model", "gpt-4o", *argv, "x"], env=env, capture_output=True, text=True, timeout=30)
        assert out.returncode in (1, 2) and message in out.stderr, (argv, out.stderr)
    for argv, message in [(["run", "x"], "missing --model"), (["run", "--model", "m", "a", "b"], "the prompt must be one argument")]:
        out = subprocess.run([CLI, *argv], capture_output=True, text=True, timeout=30)
        assert out.returncode == 2 and message in out.stderr and "usage:" not in out.stderr, out.stderr


def test_a_tool_call_answer_shows_its_calls(tmp_path, openai_server):
    env = environment(tmp_path, openai_server, "tools")
    tool = tmp_path / "weather.json"
    tool.write_text(json.dumps({"name": "get_weather", "parameters": {"type": "object"}}))
    out = subprocess.run([CLI, "run", "--model", "gpt-4o", "--tool", str(tool), "weather?"], env=env, capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert 'tool call get_weather({"city":"Paris"}) id call_A' in out.stdout
    assert 'tool call get_weather({"city":"Rome"}) id call_B' in out.stdout
    table = subprocess.run([CLI, "spans"], env=env, capture_output=True, text=True, check=True, timeout=30).stdout
    assert '→ get_weather({"city":"Paris"})' in table


def test_spans_table_keeps_long_model_names_whole(tmp_path):
    model = "anthropic.claude-3-5-sonnet-20240620-v1:0"
    env = dict(os.environ, TRACIA_SPANS_FILE=str(tmp_path / "spans.jsonl"), TRACIA_API_KEY="")
    subprocess.run([CLI, "run", "--model", "mock/" + model, "hi"], env=env, capture_output=True, check=True, timeout=30)
    table = subprocess.run([CLI, "spans"], env=env, capture_output=True, text=True, check=True, timeout=30).stdout
    assert "mock/" + model + " SUCCESS" in table


def test_show_reasoning_dims_it_on_a_terminal_and_sends_it_to_stderr_otherwise(tmp_path):
    env = dict(os.environ, TRACIA_SPANS_FILE=str(tmp_path / "spans.jsonl"), TRACIA_API_KEY="")
    argv = [CLI, "run", "--model", "mock/t", "--show-reasoning", "--mock-reasoning", "weigh\x1b[2J it", "the answer"]
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "the answer\n"
    assert out.stderr.startswith("weigh\\x1b[2J it\n")
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(CLI, argv, env)
    seen = read_until(fd, b"span sp_").replace(b"\r", b"")
    os.waitpid(pid, 0)
    os.close(fd)
    assert b"\x1b[2mweigh\\x1b[2J it\x1b[0m\n\nthe answer\n" in seen, seen
    # Without the flag the reasoning is not shown.
    out = subprocess.run(argv[:4] + argv[5:], env=env, capture_output=True, text=True, timeout=30)
    assert out.stdout == "the answer\n" and "weigh" not in out.stderr


def test_help_on_every_command():
    for argv in (["--help"], ["run", "--help"], ["spans", "--help"]):
        out = subprocess.run([CLI] + argv, capture_output=True, text=True, timeout=30)
        assert out.returncode == 0 and "usage: tracia" in out.stdout, argv


def test_spans_table_and_follow(tmp_path, openai_server):
    env = environment(tmp_path, openai_server)
    subprocess.run([CLI, "run", "--model", "gpt-4o", "first call"], env=env, capture_output=True, check=True, timeout=30)
    table = subprocess.run([CLI, "spans"], env=env, capture_output=True, text=True, check=True, timeout=30).stdout.splitlines()
    assert table[0].split()[:6] == ["TIME", "SPAN", "MODEL", "STATUS", "LATENCY", "TOKENS"]
    assert "gpt-4o" in table[1] and "SUCCESS" in table[1] and "first call" in table[1]
    line = json.loads((tmp_path / "spans.jsonl").read_text().splitlines()[0])
    assert line["startTime"] <= line["endTime"] and line["startTime"].endswith("Z")
    assert table[1].split()[0] == line["startTime"][11:19]

    follower = subprocess.Popen([CLI, "spans", "--follow"], env=env, stdout=subprocess.PIPE, text=True)
    try:
        os.set_blocking(follower.stdout.fileno(), False)
        subprocess.run([CLI, "run", "--model", "gpt-4o", "second call"], env=env, capture_output=True, check=True, timeout=30)
        seen, deadline = "", time.monotonic() + 10
        while "second call" not in seen and time.monotonic() < deadline:
            select.select([follower.stdout], [], [], 0.2)
            seen += follower.stdout.read() or ""
        assert "second call" in seen
    finally:
        follower.send_signal(signal.SIGTERM)
        follower.wait(timeout=10)


def test_spans_table_escapes_control_characters(tmp_path):
    """An answer (or any field) holding CR, ESC sequences, C1 controls or DEL cannot forge rows or
    reach the terminal as a command."""
    hostile = "ok\rsp_forged  gpt-4o  SUCCESS\x1b[2J\x1b]0;title\x07\x9b31m\x7fend"
    line = {"spanId": "sp_\x1b[31mred", "model": "gpt\r4o", "status": "SUCCESS", "latencyMs": 5, "totalTokens": 3,
            "output": hostile}
    (tmp_path / "spans.jsonl").write_text(json.dumps(line) + "\n")
    env = dict(os.environ, TRACIA_SPANS_FILE=str(tmp_path / "spans.jsonl"), TRACIA_API_KEY="")
    out = subprocess.run([CLI, "spans"], env=env, capture_output=True, timeout=30, check=True).stdout
    rows = out.split(b"\n")
    assert len(rows) == 3 and rows[2] == b"", rows
    controls = [b for b in out.decode().replace("\n", "") if ord(b) < 0x20 or 0x7F <= ord(b) < 0xA0]
    assert controls == [], out
    assert "\\x1b[2J" in out.decode() and "sp_\\x1b[31mred" in out.decode()


@pytest.fixture(scope="module")
def collector():
    from fake_collector import FakeCollector

    yield from serving(FakeCollector())


def closed_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_traced(tmp_path, tracia_key, base_url, model="mock/test", **extra):
    env = dict(os.environ, TRACIA_API_KEY=tracia_key, TRACIA_BASE_URL=base_url, **extra)
    env.pop("TRACIA_SPANS_FILE", None)
    env["HOME"] = str(tmp_path)
    return subprocess.run([CLI, "run", "--model", model, "traced prompt"], env=env, capture_output=True, text=True,
                          timeout=60)


def warnings(stderr):
    return [line for line in stderr.splitlines() if "warning" in line]


@pytest.mark.parametrize("case", ["closed port", "wrong key"])
def test_an_undelivered_span_is_named_in_one_warning(tmp_path, collector, case):
    key = "tr-wrong-secret-key-123"
    base_url = f"http://127.0.0.1:{closed_port()}" if case == "closed port" else collector.url
    out = run_traced(tmp_path, key, base_url)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "traced prompt\n"
    lines = warnings(out.stderr)
    assert len(lines) == 1, out.stderr
    assert f"span for {base_url}/api/v1/spans failed" in lines[0]
    assert ("could not connect" if case == "closed port" else "HTTP 401") in lines[0]
    assert key not in out.stderr


def test_a_span_file_that_cannot_be_written_is_named_in_one_warning(tmp_path):
    env = dict(os.environ, TRACIA_API_KEY="", TRACIA_SPANS_FILE="/dev/full")
    out = subprocess.run([CLI, "run", "--model", "mock/test", "to a full disk"], env=env, capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0, out.stderr
    lines = warnings(out.stderr)
    assert len(lines) == 1 and "span for file /dev/full failed" in lines[0] and "No space left" in lines[0], out.stderr
    assert "span written to" not in out.stderr


def test_a_delivered_span_gives_no_warning(tmp_path, collector):
    out = run_traced(tmp_path, "tr-test-key", collector.url)
    assert out.returncode == 0 and warnings(out.stderr) == [], out.stderr


def test_a_failed_call_keeps_its_exit_status_when_its_span_fails_too(tmp_path, collector):
    provider_down = dict(OPENAI_API_KEY="sk-test-key", OPENAI_BASE_URL=f"http://127.0.0.1:{closed_port()}/v1")
    traced = run_traced(tmp_path, "tr-wrong-secret-key-123", collector.url, model="gpt-4o", **provider_down)
    env = dict(os.environ, TRACIA_API_KEY="", TRACIA_SPANS_FILE=str(tmp_path / "spans.jsonl"), **provider_down)
    untraced = subprocess.run([CLI, "run", "--model", "gpt-4o", "x"], env=env, capture_output=True, text=True, timeout=60)
    assert untraced.returncode == 1 and warnings(untraced.stderr) == [], untraced.stderr
    assert traced.returncode == untraced.returncode
    assert len(warnings(traced.stderr)) == 1 and "NETWORK_ERROR" in traced.stderr, traced.stderr
