"""Shared pieces of the integration tests: the built library through ctypes, the CLI, a
recording HTTP collector and the project's fake OpenAI server on loopback."""
import ctypes
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LIBRARY = os.path.join(ROOT, "build", "lib", "libtracia.so")
CLI = os.path.join(ROOT, "build", "bin", "tracia")
sys.path[:0] = [os.path.join(ROOT, "Tests"), os.path.join(ROOT, "Tests", "fakes")]


class Library:
    """The few C functions these tests need, declared as in include/tracia.h."""

    def __init__(self):
        lib = ctypes.CDLL(LIBRARY)
        lib.tracia_client_new.restype = ctypes.c_void_p
        lib.tracia_client_new.argtypes = [ctypes.c_char_p]
        lib.tracia_client_free.argtypes = [ctypes.c_void_p]
        lib.tracia_flush.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.tracia_run_local.restype = ctypes.c_void_p
        lib.tracia_run_local.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.tracia_stream_result.restype = ctypes.c_void_p
        lib.tracia_stream_result.argtypes = [ctypes.c_void_p]
        lib.tracia_stream_free.argtypes = [ctypes.c_void_p]
        lib.tracia_free.argtypes = [ctypes.c_void_p]
        lib.tracia_last_error.restype = ctypes.c_char_p
        self.lib = lib

    def client(self, options):
        client = self.lib.tracia_client_new(json.dumps(options).encode())
        assert client, self.lib.tracia_last_error()
        return client

    def run(self, client, request):
        stream = self.lib.tracia_run_local(client, json.dumps(request).encode())
        assert stream, self.lib.tracia_last_error()
        raw = self.lib.tracia_stream_result(stream)
        result = json.loads(ctypes.string_at(raw))
        self.lib.tracia_free(raw)
        self.lib.tracia_stream_free(stream)
        return result


@pytest.fixture(scope="session")
def library():
    return Library()


class Collector:
    """Records every POST (path, headers, body) it receives."""

    def __init__(self):
        self.requests = []
        collector = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                collector.requests.append((self.path, dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def collector():
    c = Collector()
    yield c
    c.close()


@pytest.fixture(scope="session")
def openai_server():
    from fake_openai import FakeOpenAI

    server = FakeOpenAI()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
