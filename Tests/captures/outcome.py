"""What one client made of a response, in libtracia's normalised terms, and the tables that turn
an SDK's raw values into those terms: finish reasons (include/tracia.h, the stop-reason tables of
Sources/TraciaCore/Providers/FinishReasons.swift and the rule that complete client tool calls win
over a plain stop) and error codes by HTTP status (include/tracia.h, TRACIA_E_*)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Usage:
    input: int = 0
    output: int = 0
    total: int = 0
    reasoning: int | None = None  # None: the client reports no reasoning count
    cache_read: int | None = None  # None: the client reports no prompt-cache count
    cache_write: int | None = None


@dataclass
class Outcome:
    text: str = ""
    reasoning: str = ""  # every reasoning block's text, joined
    signatures: list[str | bytes] = field(default_factory=list)  # bytes where the SDK decodes base64
    redacted: list[str | bytes] = field(default_factory=list)
    tool_calls: list[dict] = field(default_factory=list)  # {"id", "name", "arguments"}
    # The types of the provider's server-side tool blocks (server_tool_use, web_search_tool_result, ...), in order.
    server_blocks: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    finish_reason: str = "stop"
    stop_reason: str | None = None  # the provider's raw reason
    refusal: str | None = None
    error: str | None = None  # a TRACIA_E_* name without the prefix
    status: int | None = None  # the HTTP status of an error response
    note: str = ""  # the error's message, for the report
    result_text: str | None = None  # libtracia only: the result's text, next to the streamed chunks


# libtracia's arguments of a call it marks incomplete (cut off by the output budget): not compared.
INCOMPLETE = "<incomplete>"


def failed(code: str, note: str, status: int | None = None) -> Outcome:
    return Outcome(error=code, status=status, note=note)


def code_for_status(status: int) -> str:
    return {401: "UNAUTHORIZED", 403: "UNAUTHORIZED", 404: "NOT_FOUND", 408: "TIMEOUT"}.get(status, "PROVIDER_ERROR")


_TOOL_CALLS = {"openai": {"tool_calls", "function_call"}, "anthropic": {"tool_use"}, "bedrock": {"tool_use"},
               "gemini": set()}
_MAX_TOKENS = {"openai": {"length"}, "anthropic": {"max_tokens", "model_context_window_exceeded"},
               "bedrock": {"max_tokens", "model_context_window_exceeded"}, "gemini": {"MAX_TOKENS"}}
_FILTERED = {"openai": {"content_filter"}, "anthropic": {"refusal"},
             "bedrock": {"guardrail_intervened", "content_filtered"},
             "gemini": {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
                        "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "MODEL_ARMOR"}}
_PAUSED = {"openai": set(), "anthropic": {"pause_turn"}, "bedrock": set(), "gemini": set()}
_STOP = {"openai": {"stop"}, "anthropic": {"end_turn", "stop_sequence"}, "bedrock": {"end_turn", "stop_sequence"},
         "gemini": {"STOP"}}
# Server-side tool blocks of an Anthropic message: kept in libtracia's message, never tool calls.
ANTHROPIC_SERVER_BLOCKS = ("server_tool_use", "mcp_tool_use", "mcp_tool_result")


def is_server_block(block_type: str) -> bool:
    return block_type in ANTHROPIC_SERVER_BLOCKS or (block_type.endswith("_tool_result") and block_type != "tool_result")


def finish_reason(provider: str, raw: str | None, has_tool_calls: bool, refused: bool = False) -> str:
    family = "openai" if provider == "openai_compatible" else provider
    if raw in _MAX_TOKENS[family]:
        return "max_tokens"
    if raw in _FILTERED[family] or refused:
        return "content_filter"
    if raw in _PAUSED[family]:
        return "pause_turn"
    if has_tool_calls or raw in _TOOL_CALLS[family]:
        return "tool_calls"
    if raw is None or raw in _STOP[family]:
        return "stop"
    return "other"


def arguments(text: str) -> object:
    """Arguments sent as JSON text, parsed; none at all is {}; text that does not parse stays text."""
    import json

    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return text
