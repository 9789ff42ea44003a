"""A fake Anthropic Messages server (POST .../v1/messages), in the exact wire format: named SSE
events from message_start to message_stop, ping, error events, and Anthropic error bodies. The
key it accepts is sk-ant-test-key; anthropic-version must be sent. Scenarios: see
fake_provider.py."""
from fake_provider import FakeProvider, key_matches, last_user_text, sse, words

API_KEY = "sk-ant-test-key"
ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
               404: "not_found_error", 429: "rate_limit_error", 500: "api_error", 529: "overloaded_error"}


def event(kind, **fields):
    return sse(dict(type=kind, **fields), kind)


def delta(index, **d):
    return event("content_block_delta", index=index, delta=d)


def message_start(input_tokens=12):
    return event("message_start", message={
        "id": "msg_fake", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5", "content": [],
        "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 1}})


def message_end(reason, output_tokens):
    return [event("message_delta", delta={"stop_reason": reason, "stop_sequence": None}, usage={"output_tokens": output_tokens}),
            event("message_stop")]


TOOL_EVENTS = [
    message_start(61),
    event("content_block_start", index=0, content_block={"type": "text", "text": ""}),
    delta(0, type="text_delta", text="Checking."),
    event("content_block_stop", index=0),
    event("content_block_start", index=1, content_block={"type": "tool_use", "id": "toolu_A", "name": "get_weather", "input": {}}),
    delta(1, type="input_json_delta", partial_json=""),
    delta(1, type="input_json_delta", partial_json="{\"city\": \"Par"),
    delta(1, type="input_json_delta", partial_json="is\"}"),
    event("content_block_stop", index=1),
    event("content_block_start", index=2, content_block={"type": "tool_use", "id": "toolu_B", "name": "get_weather", "input": {}}),
    delta(2, type="input_json_delta", partial_json="{\"city\": \"Rome\"}"),
    event("content_block_stop", index=2),
] + message_end("tool_use", 71)


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
        return None

    def replay_problem(self, name, request):
        """What the service would refuse in the assistant turn a tool-result follow-up carries back."""
        return None

    def streaming(self, path, request):
        return bool(request.get("stream"))

    def events(self, name, request):
        if name == "tools":
            return list(TOOL_EVENTS)
        text = last_user_text(request)
        parts = words(text)
        return ([message_start(), event("content_block_start", index=0, content_block={"type": "text", "text": ""}), event("ping")]
                + [delta(0, type="text_delta", text=w) for w in parts]
                + [event("content_block_stop", index=0)]
                + message_end("max_tokens" if name == "length" else "end_turn", len(parts)))

    def text_event(self, text):
        return delta(0, type="text_delta", text=text)

    def malformed_event(self):
        return b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\n\n"

    def error_event(self):
        return event("error", error={"type": "overloaded_error", "message": "Overloaded"})

    def error_body(self, status, message):
        body = {"type": "error", "error": {"type": ERROR_TYPES.get(status, "api_error"), "message": message}, "request_id": "req_fake"}
        return body, ({"retry-after": "0.05"} if status == 429 else {})

    def body(self, name, request):
        if name == "tools":
            content = [{"type": "text", "text": "Checking."},
                       {"type": "tool_use", "id": "toolu_A", "name": "get_weather", "input": {"city": "Paris"}},
                       {"type": "tool_use", "id": "toolu_B", "name": "get_weather", "input": {"city": "Rome"}}]
            reason, output = "tool_use", 71
        else:
            text = last_user_text(request)
            content, reason, output = [{"type": "text", "text": text}], ("max_tokens" if name == "length" else "end_turn"), len(words(text))
        return {"id": "msg_fake", "type": "message", "role": "assistant", "model": request.get("model"), "content": content,
                "stop_reason": reason, "stop_sequence": None,
                "usage": {"input_tokens": 12, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": output}}


def FakeAnthropic(address=("127.0.0.1", 0)):
    return FakeProvider(AnthropicDialect(), address)
