"""A fake Anthropic Messages server (POST .../v1/messages), in the exact wire format: named SSE
events from message_start to message_stop, ping, error events, and Anthropic error bodies. The
key it accepts is sk-ant-test-key; anthropic-version must be sent. Scenarios: see
fake_provider.py.

Extended thinking: scenario `thinking` streams a thinking block (thinking_delta pieces, one
signature_delta) before the text block; `thinking-tools` a thinking block before two tool_use
blocks; `redacted-thinking` a redacted_thinking block (complete in content_block_start), a thinking
block, then the two tool_use blocks. Usage reports output_tokens_details.thinking_tokens. A request
that asks for thinking is checked as the service checks it (budget, temperature, tool_choice), and
a tool-result follow-up of the last two scenarios must carry the blocks back unchanged
(fake_claude_thinking.py has the rules and the error texts).

Prompt caching: scenario `cached` answers as `text` with cache_creation_input_tokens and
cache_read_input_tokens (and cache_creation by ttl) in its usage; every request's cache_control
marks are checked as the service checks them (shape, at most 4, no 1h after a 5m, none on a
thinking block), fake_cache.py holding the counts and the texts."""
from fake_cache import anthropic_problem, anthropic_usage
from fake_claude_thinking import INTERLEAVED_BETA, parameter_problem, replay_problem
from fake_media import decoded, description, inline, is_web_url, referenced
from fake_provider import FakeProvider, key_matches, last_user_text, sse, words
from fake_reasoning import (ANTHROPIC_THINKING_TOKENS, REASONING_PIECES, REASONING_TEXT, REDACTED_THINKING_DATA,
                            REDACTED_THINKING_SIGNATURE, THINKING_SIGNATURE, THINKING_TOOLS_SIGNATURE)

API_KEY = "sk-ant-test-key"
ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
               404: "not_found_error", 429: "rate_limit_error", 500: "api_error", 529: "overloaded_error"}


def event(kind, **fields):
    return sse(dict(type=kind, **fields), kind)


def delta(index, **d):
    return event("content_block_delta", index=index, delta=d)


def message_start(input_tokens=12, usage=None):
    return event("message_start", message={
        "id": "msg_fake", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5", "content": [],
        "stop_reason": None, "stop_sequence": None,
        "usage": usage or {"input_tokens": input_tokens, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
                           "output_tokens": 1}})


def message_end(reason, output_tokens, usage_details=None):
    usage = dict({"output_tokens": output_tokens}, **(usage_details or {}))
    return [event("message_delta", delta={"stop_reason": reason, "stop_sequence": None}, usage=usage), event("message_stop")]


def tool_use_events(first):
    """The two get_weather calls, as blocks `first` and `first + 1`."""
    return [
        event("content_block_start", index=first, content_block={"type": "tool_use", "id": "toolu_A", "name": "get_weather", "input": {}}),
        delta(first, type="input_json_delta", partial_json=""),
        delta(first, type="input_json_delta", partial_json="{\"city\": \"Par"),
        delta(first, type="input_json_delta", partial_json="is\"}"),
        event("content_block_stop", index=first),
        event("content_block_start", index=first + 1, content_block={"type": "tool_use", "id": "toolu_B", "name": "get_weather", "input": {}}),
        delta(first + 1, type="input_json_delta", partial_json="{\"city\": \"Rome\"}"),
        event("content_block_stop", index=first + 1),
    ]


TOOL_EVENTS = [
    message_start(61),
    event("content_block_start", index=0, content_block={"type": "text", "text": ""}),
    delta(0, type="text_delta", text="Checking."),
    event("content_block_stop", index=0),
] + tool_use_events(1) + message_end("tool_use", 71)
TOOL_USE_BLOCKS = [{"type": "tool_use", "id": "toolu_A", "name": "get_weather", "input": {"city": "Paris"}},
                   {"type": "tool_use", "id": "toolu_B", "name": "get_weather", "input": {"city": "Rome"}}]

# Scenario `server-tools`: a web search Anthropic runs itself (its input streamed in pieces), its
# result, then text and a client tool call. A follow-up must carry the two server blocks back
# exactly as assembled here.
SERVER_TOOL_USE = {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "weather Paris"}}
SERVER_TOOL_RESULT = {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1",
                      "content": [{"type": "web_search_result", "url": "https://example.com/paris", "title": "Paris",
                                   "encrypted_content": "EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5", "page_age": None}]}
SERVER_TOOL_EVENTS = [
    message_start(61),
    event("content_block_start", index=0, content_block=dict(SERVER_TOOL_USE, input={})),
    delta(0, type="input_json_delta", partial_json="{\"query\": \"weather"),
    delta(0, type="input_json_delta", partial_json=" Paris\"}"),
    event("content_block_stop", index=0),
    event("content_block_start", index=1, content_block=SERVER_TOOL_RESULT),
    event("content_block_stop", index=1),
    event("content_block_start", index=2, content_block={"type": "text", "text": ""}),
    delta(2, type="text_delta", text="Sunny."),
    event("content_block_stop", index=2),
    event("content_block_start", index=3, content_block={"type": "tool_use", "id": "toolu_A", "name": "get_weather", "input": {}}),
    delta(3, type="input_json_delta", partial_json="{\"city\": \"Paris\"}"),
    event("content_block_stop", index=3),
] + message_end("tool_use", 90, {"server_tool_use": {"web_search_requests": 1}})
SERVER_TOOL_BLOCKS = [SERVER_TOOL_USE, SERVER_TOOL_RESULT, {"type": "text", "text": "Sunny."}, TOOL_USE_BLOCKS[0]]

# Scenario `refusal`: no content, then a refusal stop with its details.
REFUSAL_DETAILS = {"type": "refusal", "category": "cyber",
                   "explanation": "This request triggered restrictions on violative cyber content."}
# Scenario `tool-cut`: text, then a tool call whose input the output budget cuts.
TOOL_CUT_INPUT = "{\"city\": \"Par"

THINKING_USAGE = {"output_tokens_details": {"thinking_tokens": ANTHROPIC_THINKING_TOKENS}}


def text_block_events(index, parts):
    return ([event("content_block_start", index=index, content_block={"type": "text", "text": ""}), event("ping")]
            + [delta(index, type="text_delta", text=w) for w in parts] + [event("content_block_stop", index=index)])


def thinking_events(index, signature):
    return ([event("content_block_start", index=index, content_block={"type": "thinking", "thinking": "", "signature": ""}), event("ping")]
            + [delta(index, type="thinking_delta", thinking=piece) for piece in REASONING_PIECES]
            + [delta(index, type="signature_delta", signature=signature), event("content_block_stop", index=index)])


REDACTED_EVENTS = [event("content_block_start", index=0, content_block={"type": "redacted_thinking", "data": REDACTED_THINKING_DATA}),
                   event("content_block_stop", index=0)]

# What each scenario issues before its tool calls, as the assistant turn of the follow-up must carry it.
REASONING_BLOCKS = {
    "thinking": [{"type": "thinking", "thinking": REASONING_TEXT, "signature": THINKING_SIGNATURE}],
    "thinking-tools": [{"type": "thinking", "thinking": REASONING_TEXT, "signature": THINKING_TOOLS_SIGNATURE}],
    "redacted-thinking": [{"type": "redacted_thinking", "data": REDACTED_THINKING_DATA},
                          {"type": "thinking", "thinking": REASONING_TEXT, "signature": REDACTED_THINKING_SIGNATURE}],
}
REASONING_EVENTS = {
    "thinking-tools": thinking_events(0, THINKING_TOOLS_SIGNATURE) + tool_use_events(1),
    "redacted-thinking": REDACTED_EVENTS + thinking_events(1, REDACTED_THINKING_SIGNATURE) + tool_use_events(2),
}


def reasoning_view(block):
    """A content block as fake_claude_thinking reads it."""
    kind = block.get("type") if isinstance(block, dict) else None
    if kind == "thinking":
        return ("thinking", block.get("thinking"), block.get("signature"))
    if kind == "redacted_thinking":
        return ("redacted", block.get("data"))
    return ("other", kind)


def read_blocks(message):
    content = message.get("content")
    return [("other", "text")] if isinstance(content, str) else [reasoning_view(b) for b in content or []]


IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
IMAGE_BASE64_LIMIT = 5 * 1024 * 1024
# Verbatim from the service.
IMAGE_TOO_LARGE = "messages.{i}.content.{j}.image.source.base64: image exceeds 5 MB maximum: {n} bytes > 5242880 bytes"


def media_of(messages):
    """(problem, descriptions): image blocks (base64 of IMAGE_TYPES up to 5 MB of base64, or a URL)
    and document blocks (base64 PDF, plain text, or a URL), in user messages only."""
    found = []
    for i, message in enumerate(messages if isinstance(messages, list) else []):
        content = message.get("content") if isinstance(message, dict) else None
        for j, block in enumerate(content if isinstance(content, list) else []):
            kind = block.get("type") if isinstance(block, dict) else None
            if kind not in ("image", "document"):
                continue
            where = f"messages.{i}.content.{j}.{kind}.source"
            if message.get("role") != "user":
                return f"messages.{i}.content.{j}: {kind} blocks are only allowed in user messages", found
            source = block.get("source") if isinstance(block.get("source"), dict) else {}
            source_type, media_type = source.get("type"), source.get("media_type")
            if source_type == "url" and is_web_url(source.get("url")):
                found.append(referenced(kind, source["url"]))
            elif source_type == "text" and kind == "document" and media_type == "text/plain" and isinstance(source.get("data"), str):
                found.append(inline(kind, media_type, source["data"].encode()))
            elif source_type == "base64":
                allowed = IMAGE_TYPES if kind == "image" else ("application/pdf",)
                if media_type not in allowed:
                    return f"{where}.media_type: Input should be {' or '.join(repr(t) for t in allowed)}", found
                data = decoded(source.get("data"))
                if data is None:
                    return f"{where}.base64.data: invalid base64 data", found
                if kind == "image" and len(source["data"]) > IMAGE_BASE64_LIMIT:
                    return IMAGE_TOO_LARGE.format(i=i, j=j, n=len(source["data"])), found
                found.append(inline(kind, media_type, data))
            else:
                return f"{where}: unknown or malformed source", found
    return None, found


def forces_tool(request):
    choice = request.get("tool_choice")
    return isinstance(choice, dict) and choice.get("type") in ("any", "tool")


class AnthropicDialect:
    content_type = "text/event-stream"
    partial_events = 5  # message_start, block start, ping, two words
    closing_events = 2
    truncate_bytes = 2

    def endpoint(self, parts):
        return 2 if parts[-2:] == ["v1", "messages"] else None

    def check(self, handler, request, raw):
        if not key_matches(handler.headers.get("x-api-key"), API_KEY):
            return 401, "invalid x-api-key"
        if not handler.headers.get("anthropic-version"):
            return 400, "anthropic-version header is required"
        if not isinstance(request, dict) or not {"model", "max_tokens", "messages"} <= set(request):
            return 400, "model, max_tokens and messages are required"
        return self.check_body(handler, request)

    def check_body(self, handler, request):
        """What the service checks of a well-formed body (thinking, media, cache marks)."""
        interleaved = INTERLEAVED_BETA in handler.headers.get("anthropic-beta", "")
        problem = parameter_problem(request.get("thinking"), request.get("max_tokens"), request.get("temperature"),
                                    forces_tool(request), interleaved) or media_of(request["messages"])[0] or anthropic_problem(request)
        return (400, problem) if problem else None

    def describe(self, request):
        return description(media_of(request["messages"])[1])

    def replay_problem(self, name, request):
        """What the service would refuse in the assistant turn a tool-result follow-up carries back."""
        if name == "server-tools":
            turns = [m for m in request["messages"] if m.get("role") == "assistant"]
            content = turns[-1].get("content") if turns else None
            server = [b for b in content or [] if isinstance(b, dict) and b.get("type") in ("server_tool_use", "web_search_tool_result")]
            return None if server == SERVER_TOOL_BLOCKS[:2] else (400, "messages: server tool blocks must be passed back unchanged")
        if name not in REASONING_EVENTS:
            return None
        issued = [reasoning_view(b) for b in REASONING_BLOCKS[name]]
        problem = replay_problem(request["messages"], request.get("thinking"), issued, read_blocks)
        return (400, problem) if problem else None

    def streaming(self, path, request):
        return bool(request.get("stream"))

    def events(self, name, request):
        if name == "tools":
            return list(TOOL_EVENTS)
        if name in REASONING_EVENTS:
            return [message_start(61)] + REASONING_EVENTS[name] + message_end("tool_use", 71 + ANTHROPIC_THINKING_TOKENS, THINKING_USAGE)
        if name == "server-tools":
            return list(SERVER_TOOL_EVENTS)
        if name == "refusal":
            return [message_start(), event("message_delta", delta={"stop_reason": "refusal", "stop_sequence": None,
                                                                   "stop_details": REFUSAL_DETAILS}, usage={"output_tokens": 5}),
                    event("message_stop")]
        if name == "tool-cut":
            return ([message_start()] + text_block_events(0, ["Let ", "me ", "check."])
                    + [event("content_block_start", index=1, content_block={"type": "tool_use", "id": "toolu_C", "name": "get_weather", "input": {}}),
                       delta(1, type="input_json_delta", partial_json=TOOL_CUT_INPUT)]
                    + message_end("max_tokens", 16))
        parts = words(last_user_text(request))
        if name == "pause-turn":
            return [message_start()] + text_block_events(0, parts) + message_end("pause_turn", len(parts))
        if name == "cached":
            return [message_start(usage=anthropic_usage(1))] + text_block_events(0, parts) + message_end("end_turn", len(parts))
        if name == "thinking":
            return ([message_start()] + thinking_events(0, THINKING_SIGNATURE) + text_block_events(1, parts)
                    + message_end("end_turn", len(parts) + ANTHROPIC_THINKING_TOKENS, THINKING_USAGE))
        return [message_start()] + text_block_events(0, parts) + message_end("max_tokens" if name == "length" else "end_turn", len(parts))

    def text_event(self, text):
        return delta(0, type="text_delta", text=text)

    def keepalive_opening(self):
        return message_start() + event("content_block_start", index=0, content_block={"type": "text", "text": ""})

    def keepalive_event(self, i):
        return event("ping")

    def malformed_event(self):
        return b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\n\n"

    def error_event(self):
        return event("error", error={"type": "overloaded_error", "message": "Overloaded"})

    def error_body(self, status, message):
        body = {"type": "error", "error": {"type": ERROR_TYPES.get(status, "api_error"), "message": message}, "request_id": "req_fake"}
        return body, ({"retry-after": "0.05"} if status == 429 else {})

    def body(self, name, request):
        if name == "tools":
            return message([{"type": "text", "text": "Checking."}] + TOOL_USE_BLOCKS, "tool_use", 71, request)
        if name in REASONING_EVENTS:
            return message(REASONING_BLOCKS[name] + TOOL_USE_BLOCKS, "tool_use", 71 + ANTHROPIC_THINKING_TOKENS, request, THINKING_USAGE)
        if name == "server-tools":
            return message(SERVER_TOOL_BLOCKS, "tool_use", 90, request)
        if name == "refusal":
            return dict(message([], "refusal", 5, request), stop_details=REFUSAL_DETAILS)
        if name == "tool-cut":
            return message([{"type": "text", "text": "Let me check."}], "max_tokens", 16, request)
        text = last_user_text(request)
        if name == "pause-turn":
            return message([{"type": "text", "text": text}], "pause_turn", len(words(text)), request)
        if name == "cached":
            return message([{"type": "text", "text": text}], "end_turn", len(words(text)), request, anthropic_usage(len(words(text))))
        if name == "thinking":
            return message(REASONING_BLOCKS[name] + [{"type": "text", "text": text}], "end_turn",
                           len(words(text)) + ANTHROPIC_THINKING_TOKENS, request, THINKING_USAGE)
        return message([{"type": "text", "text": text}], "max_tokens" if name == "length" else "end_turn", len(words(text)), request)


def message(content, reason, output_tokens, request, usage_details=None):
    """A whole (non-streaming) Messages response."""
    usage = {"input_tokens": 12, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": output_tokens}
    return {"id": "msg_fake", "type": "message", "role": "assistant", "model": request.get("model"), "content": content,
            "stop_reason": reason, "stop_sequence": None, "usage": dict(usage, **(usage_details or {}))}


def FakeAnthropic(address=("127.0.0.1", 0)):
    return FakeProvider(AnthropicDialect(), address)
