"""The recorded responses: the manifest's entries, and for each the bytes a server sends, framed
the way its provider frames them."""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))
from fake_bedrock import event as bedrock_event  # noqa: E402

SSE = "text/event-stream"
EVENT_STREAM = "application/vnd.amazon.eventstream"
JSON = "application/json"


@dataclass(frozen=True)
class Capture:
    name: str
    provider: str  # openai, openai_compatible, anthropic, gemini, bedrock
    format: str  # raw, jsonl, json
    stream: bool
    status: int
    content_type: str | None
    model: str
    path: str
    terminate: bool
    expect_libtracia_error: str | None
    exercises: str


def load(directory: str) -> list[Capture]:
    with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as f:
        entries = json.load(f)
    return [Capture(name=e["name"], provider=e["provider"], format=e["format"], stream=e["stream"], status=e["status"],
                    content_type=e["content_type"], model=e["model"], path=os.path.join(directory, e["file"]),
                    terminate=bool(e["terminate"]), expect_libtracia_error=e["expect_libtracia_error"],
                    exercises=e["exercises"])
            for e in entries]


def content_type(capture: Capture) -> str:
    """The recorded type; where none was recorded, the one the provider sends for such a body."""
    if capture.content_type:
        return capture.content_type
    if capture.format == "json":
        return JSON
    return EVENT_STREAM if capture.provider == "bedrock" else SSE


def body(capture: Capture) -> bytes:
    with open(capture.path, "rb") as f:
        data = f.read()
    if capture.format == "json":
        return data
    if capture.format == "raw":
        return _terminated(data) if capture.terminate else data
    lines = [line for line in data.splitlines() if line.strip()]
    return FRAMINGS[capture.provider](lines)


def _terminated(data: bytes) -> bytes:
    """The blank line that ends the last SSE event, which the trimmed file lacks."""
    if data.endswith(b"\n\n") or data.endswith(b"\r\n\r\n"):
        return data
    return data + (b"\n" if data.endswith(b"\n") else b"\n\n")


def _openai(lines: list[bytes]) -> bytes:
    return b"".join(b"data: " + line + b"\n\n" for line in lines) + b"data: [DONE]\n\n"


def _anthropic(lines: list[bytes]) -> bytes:
    return b"".join(b"event: " + json.loads(line)["type"].encode() + b"\ndata: " + line + b"\n\n" for line in lines)


def _gemini(lines: list[bytes]) -> bytes:
    return b"".join(b"data: " + line + b"\r\n\r\n" for line in lines)


def _bedrock(lines: list[bytes]) -> bytes:
    frames = []
    for line in lines:
        ((kind, payload),) = json.loads(line).items()
        frames.append(bedrock_event(kind, json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()))
    return b"".join(frames)


FRAMINGS = {"openai": _openai, "openai_compatible": _openai, "anthropic": _anthropic, "gemini": _gemini,
            "bedrock": _bedrock}
