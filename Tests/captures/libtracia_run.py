"""libtracia's side: one call per capture through the C API of build/lib/libtracia.so (the ctypes
declarations of bindings/python/tracia/_ffi.py), its chunks read with tracia_stream_next and its
result JSON with tracia_stream_result."""
from __future__ import annotations

import ctypes
import json
import os
import sys

from captures import Capture
from outcome import Outcome, Usage, failed

PROVIDERS = {"openai": "openai", "openai_compatible": "openai_compatible", "anthropic": "anthropic",
             "gemini": "google", "bedrock": "amazon_bedrock"}
REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


class Libtracia:
    def __init__(self, library: str, spans_file: str):
        os.environ["TRACIA_LIBRARY"] = library  # the loader then loads exactly this file
        sys.path.insert(0, os.path.join(REPO, "bindings", "python"))
        from tracia import _ffi

        self.ffi = _ffi
        options = {
            "spans_file": spans_file, "max_retries": 0, "timeout_ms": 60000, "idle_timeout_ms": 30000,
            "openai_api_key": "sk-replay", "anthropic_api_key": "replay-key", "google_api_key": "replay-key",
            "openai_compatible_api_key": "replay-key", "aws_access_key_id": "AKIDREPLAY",
            "aws_secret_access_key": "replay-secret", "aws_region": "us-east-1",
        }
        self.client = _ffi.client_new(json.dumps(options).encode())
        if not self.client:
            raise _ffi.last_exception()

    def close(self) -> None:
        self.ffi.client_free(self.client)

    def run(self, capture: Capture, base_url: str) -> Outcome:
        ffi = self.ffi
        request = {"model": capture.model, "messages": [{"role": "user", "content": "Hi"}], "stream": capture.stream,
                   "provider": PROVIDERS[capture.provider], "base_url": base_url}
        stream = ffi.run_local(self.client, json.dumps(request).encode())
        if not stream:
            error = json.loads(ffi.last_error())
            return failed(error["code"], "tracia_run_local: " + error["message"])
        try:
            chunk, length, pieces = ctypes.c_void_p(), ctypes.c_size_t(), []
            while ffi.stream_next(stream, ctypes.byref(chunk), ctypes.byref(length)) == 1:
                pieces.append(ctypes.string_at(chunk.value, length.value))
            result = json.loads(ffi.take_string(ffi.stream_result(stream)))
        finally:
            ffi.stream_free(stream)
        return outcome_of(result, b"".join(pieces).decode("utf-8"))


def outcome_of(result: dict, chunks: str) -> Outcome:
    content = result["message"]["content"] if result.get("message") else None
    reasoning_parts = [p for p in content if p.get("type") == "reasoning"] if isinstance(content, list) else []
    usage = result["usage"]
    error = result.get("error")
    return Outcome(
        text=chunks, result_text=result["text"], reasoning=result.get("reasoning") or "",
        signatures=[p["signature"] for p in reasoning_parts if p.get("signature")],
        redacted=[p["redacted_data"] for p in reasoning_parts if p.get("redacted_data")],
        tool_calls=[{"id": c["id"], "name": c["name"], "arguments": c["arguments"]} for c in result["tool_calls"]],
        usage=Usage(usage["input_tokens"], usage["output_tokens"], usage["total_tokens"], usage.get("reasoning_tokens"),
                    usage.get("cache_read_input_tokens"), usage.get("cache_write_input_tokens")),
        finish_reason=result["finish_reason"], error=error["code"] if error else None,
        status=error.get("status_code") if error else None, note=error["message"] if error else "")
