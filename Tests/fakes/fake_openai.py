"""A fake OpenAI Chat Completions server that speaks the exact wire format and misbehaves on
demand. The scenario is chosen by the URL path, so tests stay independent and parallel:

    POST /s/<scenario>[/<args>...]/v1/chat/completions      (plain /v1/... is scenario "text")

Scenarios: text (echoes the last user message as the answer, word by word), bytewise (the same,
one byte per TCP send), crlf (CRLF line ends and SSE comments), tools (two parallel tool calls
with fragmented arguments), length (finish_reason length), status/<code> (an OpenAI error
body; 429 carries Retry-After), flaky/<code>/<n>/<token> (the first n requests of that token
fail with <code>, then text), drop-mid (text, then the connection closes without [DONE]),
drop-before-headers, malformed (text, then an event that is not JSON), midstream-error (text,
then an error event), stall (text, then silence until the client leaves), slow (one event
every 20 ms until the client leaves), long/<n> (n events of "lorem " written at once),
no-headers (never answers), truncated (the last event
has no blank line, then the connection closes). A body with "stream": false gets a
non-streaming chat.completion for text and tools.

The key it accepts is sk-test-key (anything else is 401). GET /_requests lists what it received
(path, headers, JSON body); GET /_closed lists, per path, when the client closed a connection
the server was still writing to (time.monotonic_ns()).
"""
import json
import select
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_KEY = "sk-test-key"


def chunk(delta=None, finish=None, usage=None, choices=True):
    body = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1764030000, "model": "gpt-4.1-mini"}
    body["choices"] = [{"index": 0, "delta": delta or {}, "finish_reason": finish}] if choices else []
    body["usage"] = usage
    return body


def words(text):
    parts = text.split(" ")
    return [p + " " for p in parts[:-1]] + [parts[-1]]


def last_user_text(request):
    for message in reversed(request.get("messages", [])):
        if message.get("role") == "user" and isinstance(message.get("content"), str):
            return message["content"]
    return "Hello from the fake server"


def usage_for(text):
    return {"prompt_tokens": 9, "completion_tokens": len(words(text)), "total_tokens": 9 + len(words(text)),
            "prompt_tokens_details": {"cached_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": 0}}


def text_events(request, finish="stop"):
    text = last_user_text(request)
    events = [chunk({"role": "assistant", "content": "", "refusal": None})]
    events += [chunk({"content": w}) for w in words(text)]
    events.append(chunk({}, finish))
    if request.get("stream_options", {}).get("include_usage"):
        events.append(chunk(usage=usage_for(text), choices=False))
    return events


TOOL_EVENTS = [
    chunk({"role": "assistant", "content": None, "tool_calls": [
        {"index": 0, "id": "call_A", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}),
    chunk({"tool_calls": [{"index": 0, "function": {"arguments": "{\"ci"}}]}),
    chunk({"tool_calls": [{"index": 0, "function": {"arguments": "ty\": \"Paris\"}"}}]}),
    chunk({"tool_calls": [{"index": 1, "id": "call_B", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}),
    chunk({"tool_calls": [{"index": 1, "function": {"arguments": "{\"city\": \"Rome\"}"}}]}),
    chunk({}, "tool_calls"),
    chunk(usage={"prompt_tokens": 61, "completion_tokens": 38, "total_tokens": 99}, choices=False),
]


def sse(event):
    return b"data: " + json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode() + b"\n\n"


class FakeOpenAI(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def __init__(self, address=("127.0.0.1", 0)):
        super().__init__(address, Handler)
        self.lock = threading.Lock()
        self.requests = []
        self.closed = []
        self.counters = {}

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def attempt(self, token):
        with self.lock:
            self.counters[token] = self.counters.get(token, 0) + 1
            return self.counters[token]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/_requests":
            self.reply_json(200, self.server.requests)
        elif self.path == "/_closed":
            self.reply_json(200, self.server.closed)
        else:
            self.reply_json(404, {"error": {"message": "not found"}})

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            request = json.loads(raw)
        except ValueError:
            request = None
        path = self.path.split("?")[0]
        with self.server.lock:
            self.server.requests.append({"path": path, "headers": dict(self.headers), "body": request})
        parts = path.strip("/").split("/")
        if parts[-2:] != ["chat", "completions"]:
            return self.error(404, "unknown path " + path, "invalid_request_error")
        args = parts[1:parts.index("v1")] if parts[0] == "s" and "v1" in parts else ["text"]
        scenario, args = args[0], args[1:]
        if scenario == "drop-before-headers":
            return self.close_now()
        if scenario == "no-headers":
            return self.wait_for_close(path, 60)
        if self.headers.get("Authorization") != f"Bearer {API_KEY}":
            return self.error(401, "Incorrect API key provided: " + self.headers.get("Authorization", "(none)")[-6:],
                              "invalid_request_error", code="invalid_api_key")
        if self.headers.get("Content-Type") != "application/json" or not isinstance(request, dict) \
                or "model" not in request or "messages" not in request:
            return self.error(400, "body must be JSON with model and messages", "invalid_request_error")
        if scenario == "status":
            return self.error(int(args[0]), f"fake failure {args[0]}", "server_error" if int(args[0]) >= 500 else "invalid_request_error")
        if scenario == "flaky":
            code, failures, token = int(args[0]), int(args[1]), args[2]
            if self.server.attempt(token) <= failures:
                return self.error(code, f"fake failure {code}", "server_error")
            scenario = "text"
        if not request.get("stream"):
            return self.non_streaming(scenario, request)
        self.stream(scenario, args, request, path)

    # -- responses ---------------------------------------------------------------------------------

    def non_streaming(self, scenario, request):
        if scenario == "tools":
            message = {"role": "assistant", "content": None, "refusal": None, "tool_calls": [
                {"id": "call_A", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
                {"id": "call_B", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Rome\"}"}}]}
            finish, usage = "tool_calls", {"prompt_tokens": 61, "completion_tokens": 12, "total_tokens": 73}
        else:
            text = last_user_text(request)
            message = {"role": "assistant", "content": text, "refusal": None}
            finish, usage = ("length" if scenario == "length" else "stop"), usage_for(text)
        self.reply_json(200, {"id": "chatcmpl-fake", "object": "chat.completion", "created": 1764030000,
                              "model": "gpt-4.1-mini", "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                              "usage": usage})

    def stream(self, scenario, args, request, path):
        events = TOOL_EVENTS if scenario == "tools" else text_events(request, "length" if scenario == "length" else "stop")
        body = b"".join(sse(e) for e in events) + b"data: [DONE]\n\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        partial = b"".join(sse(e) for e in events[:3])
        try:
            if scenario == "bytewise":
                for i in range(len(body)):
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
            elif scenario == "crlf":
                framed = b": keep-alive\r\n\r\n" + body.replace(b"\n", b"\r\n").replace(b"data: [DONE]", b": ping\r\ndata: [DONE]")
                for i in range(0, len(framed), 7):
                    self.wfile.write(framed[i:i + 7])
                    self.wfile.flush()
            elif scenario == "drop-mid":
                self.wfile.write(partial)
                self.wfile.flush()
            elif scenario == "malformed":
                self.wfile.write(partial + b"data: {\"choices\":[{\"index\":0,\n\n")
                self.wfile.flush()
                self.wait_for_close(path, 5)
            elif scenario == "midstream-error":
                error = {"error": {"message": "The server had an error while processing your request.", "type": "server_error",
                                   "param": None, "code": None}}
                self.wfile.write(partial + sse(error))
                self.wfile.flush()
            elif scenario == "stall":
                self.wfile.write(partial)
                self.wfile.flush()
                self.wait_for_close(path, 30)
            elif scenario == "slow":
                self.wfile.write(partial)
                self.wfile.flush()
                for _ in range(1500):
                    self.wfile.write(sse(chunk({"content": "x"})))
                    self.wfile.flush()
                    if self.client_left(0.02):
                        self.record_close(path)
                        return
            elif scenario == "long":
                event = sse(chunk({"content": "lorem "}))
                self.wfile.write(partial + event * int(args[0]) + b"data: [DONE]\n\n")
                self.wfile.flush()
            elif scenario == "truncated":
                self.wfile.write(body[:-2])
                self.wfile.flush()
            else:
                self.wfile.write(body)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.record_close(path)

    def error(self, status, message, kind, code=None):
        headers = {"Retry-After": "0"} if status == 429 else {}
        self.reply_json(status, {"error": {"message": message, "type": kind, "param": None, "code": code}}, headers)

    def reply_json(self, status, value, headers=None):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, v in (headers or {}).items():
            self.send_header(name, v)
        self.end_headers()
        self.wfile.write(body)

    # -- connection helpers --------------------------------------------------------------------------

    def client_left(self, timeout):
        readable, _, _ = select.select([self.connection], [], [], timeout)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def wait_for_close(self, path, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.client_left(0.05):
                self.record_close(path)
                break
        self.close_connection = True

    def record_close(self, path):
        with self.server.lock:
            self.server.closed.append({"path": path, "t": time.monotonic_ns()})
        self.close_connection = True

    def close_now(self):
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)
