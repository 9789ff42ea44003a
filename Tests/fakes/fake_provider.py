"""The machinery every fake provider shares: scenarios chosen by URL path, requests recorded,
and misbehaviour on demand. A dialect supplies the provider's own wire format.

    POST .../s/<scenario>[/<args>...]/<the provider's path>    (no /s/...: scenario "text")

Scenarios: text (the last user message as the answer, word by word), bytewise (the same, one
byte per TCP send), crlf (CRLF line ends and SSE comments; SSE dialects only), tools (two parallel
tool calls with fragmented arguments; a request that already carries tool results gets a text
answer, as a model would), length (stopped at the token limit), status/<code> (the
provider's error body), flaky/<code>/<n>/<token> (the first n requests of that token fail with
<code>, then text), drop-mid (text, then the connection closes before the end), drop-before-headers,
malformed (text, then an event that cannot be decoded), midstream-error (text, then the provider's
error event), stall (text, then silence until the client leaves), slow (one event every 20 ms until
the client leaves), keepalive (SSE dialects: no content at all, only what keeps a connection
busy, every 50 ms until the client leaves: SSE comments and empty deltas for OpenAI, `ping`
events after message_start for Anthropic, chunks of empty text with usage for Gemini; Bedrock's
event stream has no keep-alive), long/<n> (n events written at once), no-headers (never answers), truncated
(everything but the final bytes, then the connection closes), echo/<code> (the provider's error
body whose message repeats every request header, credentials included, as a careless server might),
describe (a text answer listing the request's images and documents: kind, media type, decoded
size or URL; fake_media.py).

Every dialect checks the images and documents of any request as its service does (shape,
base64, media types, where they may appear) and answers a malformed one with its 400.

Reasoning scenarios (each dialect's module says how its provider spells them; fake_reasoning.py
holds the text, the signatures and the token counts): thinking (reasoning, then the answer as in
text), thinking-field (OpenAI dialect: the same with `reasoning` instead of `reasoning_content`),
thinking-tools (reasoning, then the two tool calls of tools), redacted-thinking (Anthropic and
Bedrock: redacted reasoning, then the two tool calls). A request to thinking-tools or
redacted-thinking that already carries tool results is checked as the provider checks it (the
reasoning sent back unchanged) and gets a text answer, or the provider's 400. An answer scenario
(text, length, tools, the reasoning ones) followed by /bytewise (e.g. /s/thinking/bytewise/...)
streams one byte per TCP send; followed by /hold, it streams all but the closing events, then
waits until the client leaves (an answer that cannot end before an abort).

Anthropic only (fake_anthropic.py): server-tools (a web search the service runs, its result, text and
a client tool call; a tool-result follow-up must carry the server blocks back unchanged), refusal
(a refusal stop with its stop_details), tool-cut (a tool call cut by max_tokens), pause-turn (text,
then stop_reason pause_turn).

Prompt caching (fake_cache.py): cached (the answer of text, its usage reporting 3000 of 4512 input
tokens read from the cache and, where the provider says, 1500 written to it, in each provider's
shape). Anthropic and Bedrock check the cache marks of every request as the services do.

Each dialect accepts its test key, and also that key followed by "-sentinel-" and anything, so
secret-hygiene tests can search every output for a string that only a key contains.

GET /_requests lists what was received (path, headers, JSON body); GET /_closed lists, per path,
when the client closed a connection the server was still writing to (time.monotonic_ns()).
"""
import json
import select
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def quiet_handle_error(server, request, client_address):
    """Clients that leave early (aborts, killed processes) are part of the tests, not errors."""
    if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
        server.handle_error(request, client_address)


class QuietServer(ThreadingHTTPServer):
    """A threaded server whose clients may leave early (see quiet_handle_error)."""
    daemon_threads = True

    def handle_error(self, request, client_address):
        quiet_handle_error(super(), request, client_address)


class JSONHandler(BaseHTTPRequestHandler):
    """An HTTP/1.1 handler that logs nothing and answers JSON with reply()."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, value):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def key_matches(given, key):
    return given == key or (given or "").startswith(key + "-sentinel-")


def words(text):
    parts = text.split(" ")
    return [p + " " for p in parts[:-1]] + [parts[-1]]


# Where scenario describe puts the answer it makes for a request.
ANSWER = "_fake_answer"


def last_user_text(request, default="Hello from the fake server"):
    """The text of the last user turn, in any of the dialects' request shapes."""
    if ANSWER in request:
        return request[ANSWER]
    if isinstance(request.get("input"), str):
        return request["input"]
    items = request.get("input") if isinstance(request.get("input"), list) else []
    for message in reversed(request.get("messages") or request.get("contents") or items):
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content", message.get("parts"))
        if isinstance(content, str):
            return content
        for part in content or []:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                return part["text"]
    return default


# Scenarios that answer with tool calls; a request that already carries tool results has its
# assistant turn checked by the dialect, as the real service checks it, then gets a text answer.
TOOL_SCENARIOS = ("tools", "thinking-tools", "redacted-thinking", "server-tools")

# How each wire format spells a tool result in a request.
TOOL_RESULT_MARKERS = (b'"role":"tool"', b'"role": "tool"', b'"tool_result"', b'"functionResponse"', b'"toolResult"',
                       b'"function_call_output"')


class Dialects:
    """Several wire formats on one server, told apart by their paths (OpenAI's Chat Completions
    and Responses); a path none of them knows gets the first one's 404."""

    def __init__(self, *dialects):
        self.dialects = dialects

    def endpoint(self, parts):
        return next((n for n in (d.endpoint(parts) for d in self.dialects) if n is not None), None)

    def select(self, parts):
        return next(d for d in self.dialects if d.endpoint(parts) is not None)

    def error_body(self, status, message):
        return self.dialects[0].error_body(status, message)


class FakeProvider(QuietServer):
    request_queue_size = 1024

    def __init__(self, dialect, address=("127.0.0.1", 0), handler=None):
        super().__init__(address, handler or Handler)
        self.dialect = dialect
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
        dialect = self.server.dialect
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            request = json.loads(raw)
        except ValueError:
            request = None
        path = self.path.split("?")[0]
        with self.server.lock:
            self.server.requests.append({"path": self.path, "headers": dict(self.headers), "body": request, "raw": raw.decode("latin-1"),
                                         "t": time.monotonic_ns()})
        parts = path.strip("/").split("/")
        endpoint = dialect.endpoint(parts)
        if endpoint is None:
            return self.error(404, "unknown path " + path)
        self.dialect = dialect = dialect.select(parts) if isinstance(dialect, Dialects) else dialect
        scenario = ["text"]
        if parts[0] == "s":
            scenario = parts[1:len(parts) - endpoint]
        name, args = scenario[0], scenario[1:]
        if name == "drop-before-headers":
            return self.close_now()
        if name == "no-headers":
            return self.wait_for_close(path, 60)
        if name == "echo":
            return self.error(int(args[0]), "request headers: " + "; ".join(f"{k}: {v}" for k, v in self.headers.items()))
        problem = dialect.check(self, request, raw)
        if problem:
            return self.error(*problem)
        if name == "status":
            return self.error(int(args[0]), f"fake failure {args[0]}")
        if name == "describe":
            request, name = dict(request, **{ANSWER: dialect.describe(request)}), "text"
        if name in TOOL_SCENARIOS and any(marker in raw for marker in TOOL_RESULT_MARKERS):
            problem = dialect.replay_problem(name, request)
            if problem:
                return self.error(*problem)
            name = "text"
        if name == "flaky":
            code, failures, token = int(args[0]), int(args[1]), args[2]
            if self.server.attempt(token) <= failures:
                return self.error(code, f"fake failure {code}")
            name = "text"
        if not dialect.streaming(self.path, request):
            return self.whole(name, args, request, path)
        self.stream(name, args, request, path)

    def whole(self, name, args, request, path):
        """A non-streaming answer, misbehaving the same ways a stream can."""
        dialect = self.dialect
        if name == "long":
            request = dict(request, messages=[{"role": "user", "content": "lorem " * int(args[0])}],
                           input=[{"role": "user", "content": "lorem " * int(args[0])}],
                           contents=[{"role": "user", "parts": [{"text": "lorem " * int(args[0])}]}])
        body = json.dumps(dialect.body(name, request)).encode()
        if name == "midstream-error":
            return self.reply_json(200, dialect.error_body(500, "failed after it started")[0])
        if name == "malformed":
            body = body[: len(body) // 2]
            return self.reply_raw(200, body, len(body))
        if name in ("drop-mid", "truncated", "stall"):
            self.reply_raw(200, body[: len(body) // 2], len(body))
            if name == "stall":
                self.wait_for_close(path, 30)
            return self.close_now()
        self.reply_raw(200, body, len(body))

    def reply_raw(self, status, body, length):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def stream(self, name, args, request, path):
        dialect = self.dialect
        events = dialect.events(name, request)
        body = b"".join(events)
        partial = b"".join(events[:dialect.partial_events])
        self.send_response(200)
        self.send_header("Content-Type", dialect.content_type)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            if name == "bytewise" or args == ["bytewise"]:
                for i in range(len(body)):
                    self.send_bytes(body[i:i + 1])
            elif args == ["hold"]:
                self.send_bytes(b"".join(events[:-dialect.closing_events]))
                self.wait_for_close(path, 30)
            elif name == "crlf":
                framed = b": keep-alive\r\n\r\n" + body.replace(b"\n", b"\r\n")
                for i in range(0, len(framed), 7):
                    self.send_bytes(framed[i:i + 7])
            elif name == "drop-mid":
                self.send_bytes(partial)
            elif name == "malformed":
                self.send_bytes(partial + dialect.malformed_event())
                self.wait_for_close(path, 5)
            elif name == "midstream-error":
                self.send_bytes(partial + dialect.error_event())
            elif name == "stall":
                self.send_bytes(partial)
                self.wait_for_close(path, 30)
            elif name == "keepalive":
                self.send_bytes(dialect.keepalive_opening())
                for i in range(600):
                    self.send_bytes(dialect.keepalive_event(i))
                    if self.client_left(0.05):
                        return self.record_close(path)
            elif name == "slow":
                self.send_bytes(partial)
                for _ in range(1500):
                    self.send_bytes(dialect.text_event("x"))
                    if self.client_left(0.02):
                        return self.record_close(path)
            elif name == "long":
                self.send_bytes(partial + dialect.text_event("lorem ") * int(args[0]) + b"".join(events[-dialect.closing_events:]))
            elif name == "truncated":
                self.send_bytes(body[:-dialect.truncate_bytes])
            else:
                self.send_bytes(body)
        except (BrokenPipeError, ConnectionResetError):
            self.record_close(path)

    def send_bytes(self, data):
        self.wfile.write(data)
        self.wfile.flush()

    def error(self, status, message):
        body, headers = getattr(self, "dialect", self.server.dialect).error_body(status, message)
        self.reply_json(status, body, headers)

    def reply_json(self, status, value, headers=None):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, v in (headers or {}).items():
            self.send_header(name, v)
        self.end_headers()
        self.wfile.write(body)

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


def compact_json(value):
    """JSON as the services write it: no spaces, UTF-8 rather than \\u escapes."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def sse(data, event=None):
    """One SSE event; `data` is JSON-encoded unless it is bytes."""
    payload = data if isinstance(data, bytes) else compact_json(data)
    return (b"event: " + event.encode() + b"\n" if event else b"") + b"data: " + payload + b"\n\n"
