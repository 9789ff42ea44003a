"""A fake Tracia span collector: POST /api/v1/spans with `Authorization: Bearer tr-test-key` (or a
sentinel variant, see fake_provider.py).

GET /_spans lists the spans received (each once per delivery, so duplicates show);
POST /v1/traces takes an OTLP/HTTP JSON export, and GET /_traces lists those received;
POST /_fail {"count": N, "status": S} makes the next N posts fail with status S (the error body
repeats the request headers, credentials included);
POST /_hang {"seconds": S} makes posts hang for S seconds before answering.

The Tracia REST API in the official shapes (fake_tracia_api.py): /api/v1/prompts (list, create,
get, update, delete, run) and /api/v1/spans (list, get, evaluations), with the API's error bodies
{"error": {"code", "message"}}; spans posted above are the ones listed and fetched. A call
for the prompt slug "hold" answers after HOLD_SECONDS (for aborts in flight).
"""
import json
import threading
import time

from fake_provider import JSONHandler, QuietServer, key_matches
from fake_tracia_api import TraciaAPI

API_KEY = "tr-test-key"
HOLD_SECONDS = 5


class FakeCollector(QuietServer):
    def __init__(self, address=("127.0.0.1", 0)):
        super().__init__(address, Handler)
        self.lock = threading.Lock()
        self.spans = []
        self.traces = []
        self.attempts = 0
        self.fail_count = 0
        self.fail_status = 500
        self.hang_seconds = 0.0
        self.api = TraciaAPI(self.spans)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(JSONHandler):
    def api(self, method, body=b""):
        if self.path != "/_api_requests" and not key_matches(self.headers.get("Authorization", "").removeprefix("Bearer "), API_KEY):
            return self.reply(401, {"error": {"code": "UNAUTHORIZED", "message": "Invalid API key"}})
        if self.path.startswith("/api/v1/prompts/hold"):
            time.sleep(HOLD_SECONDS)
        with self.server.lock:
            status, value = self.server.api.handle(method, self.path, body, self.headers.get("User-Agent", ""))
        if status == 204:
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return self.reply(status, value)

    def do_PUT(self):
        self.api("PUT", self.rfile.read(int(self.headers.get("Content-Length", "0"))))

    def do_DELETE(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.api("DELETE")

    def do_GET(self):
        if self.path.startswith("/api/v1/") or self.path == "/_api_requests":
            return self.api("GET")
        if self.path == "/_spans":
            with self.server.lock:
                return self.reply(200, {"spans": self.server.spans, "attempts": self.server.attempts})
        if self.path == "/_traces":
            with self.server.lock:
                return self.reply(200, {"traces": self.server.traces})
        self.reply(404, {"error": {"code": "NOT_FOUND", "message": self.path}})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        server = self.server
        if self.path == "/_fail":
            control = json.loads(body)
            with server.lock:
                server.fail_count, server.fail_status = control["count"], control.get("status", 500)
            return self.reply(200, {})
        if self.path == "/_hang":
            with server.lock:
                server.hang_seconds = json.loads(body)["seconds"]
            return self.reply(200, {})
        if self.path == "/v1/traces":
            with server.lock:
                server.traces.append(json.loads(body))
            return self.reply(200, {})
        if self.path.startswith("/api/v1/") and self.path != "/api/v1/spans":
            return self.api("POST", body)
        if self.path != "/api/v1/spans":
            return self.reply(404, {"error": {"code": "NOT_FOUND", "message": self.path}})
        with server.lock:
            server.attempts += 1
            hang = server.hang_seconds
            failing = server.fail_count > 0
            if failing:
                server.fail_count -= 1
        if hang:
            time.sleep(hang)
        if not key_matches(self.headers.get("Authorization", "").removeprefix("Bearer "), API_KEY):
            return self.reply(401, {"error": {"code": "UNAUTHORIZED", "message": "bad key"}})
        if failing:
            headers = "; ".join(f"{k}: {v}" for k, v in self.headers.items())
            return self.reply(server.fail_status, {"error": {"code": "UNKNOWN", "message": "fake failure; " + headers}})
        try:
            span = json.loads(body)
        except ValueError:
            return self.reply(400, {"error": {"code": "INVALID_REQUEST", "message": "not JSON"}})
        with server.lock:
            server.spans.append(span)
        self.reply(200, {"id": "span-" + span.get("spanId", "?"), "spanId": span.get("spanId"), "traceId": span.get("traceId")})
