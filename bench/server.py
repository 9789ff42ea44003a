"""Loopback server for benchmarks: answers every POST with a pre-rendered OpenAI stream
written in large blocks, so the server is never the bottleneck.

Path /n/<events>/... selects the number of text events (default 100000). It prints its port.
/paced/<ms>/<events>/... sends the text events one every <ms> ms.
/hostile/<calls>/... sends a stream of <calls> distinct tool-call indexes, ten to an event (40000
make 3 MB), in large blocks.
GET /_closed returns the times (monotonic ns) at which clients closed streams early.
"""
import json
import select
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_streams = {}
_closed = []


def render(events):
    if events not in _streams:
        head = b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n'
        event = b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"tok "},"finish_reason":null}]}\n\n'
        tail = (b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
                b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":%d,"total_tokens":%d}}\n\n'
                % (events, events + 5) + b"data: [DONE]\n\n")
        _streams[events] = head + event * events + tail
    return _streams[events]


def render_hostile(calls):
    """Ten tool calls per event, each its own index, id and arguments."""
    key = ("hostile", calls)
    if key not in _streams:
        call = '{"index":%d,"id":"c%d","function":{"name":"f","arguments":"{}"}}'
        events = []
        for first in range(0, calls, 10):
            batch = ",".join(call % (i, i) for i in range(first, min(first + 10, calls)))
            events.append('data: {"choices":[{"index":0,"delta":{"tool_calls":[%s]}}]}\n\n' % batch)
        tail = 'data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}\n\ndata: [DONE]\n\n'
        _streams[key] = ("".join(events) + tail).encode()
    return _streams[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        body = json.dumps(_closed).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        parts = self.path.split("/")
        events = int(parts[2]) if len(parts) > 2 and parts[1] == "n" else 100000
        slow = "slow" in parts
        paced_ms = int(parts[2]) if len(parts) > 3 and parts[1] == "paced" else 0
        if paced_ms:
            events = int(parts[3])
        body = render_hostile(int(parts[2])) if len(parts) > 2 and parts[1] == "hostile" else render(events)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            if slow:
                # One event every 10 ms until the client goes away; the close is seen at once
                # by waiting on the socket rather than on the next write (abort latency).
                event = body[body.index(b"\n\n") + 2:]
                event = event[:event.index(b"\n\n") + 2]
                self.connection.setblocking(True)
                while True:
                    self.wfile.write(event)
                    self.wfile.flush()
                    readable, _, _ = select.select([self.connection], [], [], 0.01)
                    if readable and not self.connection.recv(1, socket.MSG_PEEK):
                        _closed.append(time.monotonic_ns())
                        return
            elif paced_ms:
                # The head, then one event per period at fixed times (no drift), then the tail.
                first = body.index(b"\n\n") + 2
                event_length = body.index(b"\n\n", first) + 2 - first
                self.wfile.write(body[:first])
                self.wfile.flush()
                due = time.monotonic()
                for i in range(events):
                    due += paced_ms / 1000
                    time.sleep(max(0, due - time.monotonic()))
                    self.wfile.write(body[first + i * event_length:first + (i + 1) * event_length])
                    self.wfile.flush()
                self.wfile.write(body[first + events * event_length:])
            else:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            _closed.append(time.monotonic_ns())


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 2048


if __name__ == "__main__":
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), server.shutdown()), daemon=True).start()
    server.serve_forever()
