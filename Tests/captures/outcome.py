"""What one client made of a response, in libtracia's normalised terms, and the tables that turn
an SDK's raw values into those terms: finish reasons (README "Requests and results", the stop-reason
tables of Sources/TraciaCore/Providers/FinishReasons.swift and the rule that complete tool calls win
unless a length limit was hit) and error codes by HTTP status (include/tracia.h, TRACIA_E_*)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Usage:
    input: int = 0
    output: int = 0
    total: int = 0
    reasoning: int | None = None  # None: the client reports no reasoning count
    cache_read: int | None = None  # the parts of input read from and written to the cache; None: not reported
    cache_write: int | None = None


@dataclass
class Outcome:
    text: str = ""
    reasoning: str = ""  # every reasoning block's text, joined
    signatures: list[str | bytes] = field(default_factory=list)  # bytes where the SDK decodes base64
    redacted: list[str | bytes] = field(default_factory=list)
    tool_calls: list[dict] = field(default_factory=list)  # {"id", "name", "arguments"}
    usage: Usage = field(default_factory=Usage)
    finish_reason: str = "stop"
    error: str | None = None  # a TRACIA_E_* name without the prefix
    status: int | None = None  # the HTTP status of an error response
    note: str = ""  # the error's message, for the report
    result_text: str | None = None  # libtracia only: the result's text, next to the streamed chunks


def failed(code: str, note: str, status: int | None = None) -> Outcome:
    return Outcome(error=code, status=status, note=note)


def code_for_status(status: int) -> str:
    return {401: "UNAUTHORIZED", 403: "UNAUTHORIZED", 404: "NOT_FOUND", 408: "TIMEOUT"}.get(status, "PROVIDER_ERROR")


_TOOL_CALLS = {"openai": {"tool_calls", "function_call"}, "anthropic": {"tool_use"}, "bedrock": {"tool_use"},
               "gemini": set()}
_MAX_TOKENS = {"openai": {"length"}, "anthropic": {"max_tokens", "model_context_window_exceeded"},
               "bedrock": {"max_tokens", "model_context_window_exceeded"}, "gemini": {"MAX_TOKENS"}}
# Gemini finish reasons for which libtracia fails the call (the provider withheld the answer).
GEMINI_BLOCKED = {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
                  "IMAGE_PROHIBITED_CONTENT"}


def finish_reason(provider: str, raw: str | None, has_tool_calls: bool) -> str:
    family = "openai" if provider == "openai_compatible" else provider
    if raw in _MAX_TOKENS[family]:
        return "max_tokens"
    if has_tool_calls or raw in _TOOL_CALLS[family]:
        return "tool_calls"
    return "stop"


def arguments(text: str) -> object:
    """Arguments sent as JSON text, parsed; none at all is {}; text that does not parse stays text."""
    import json

    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return text
