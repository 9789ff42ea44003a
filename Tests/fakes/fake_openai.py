"""A fake OpenAI Chat Completions server (POST .../v1/chat/completions), in the exact wire
format: SSE `data:` chunks, a usage chunk with empty choices when asked, `data: [DONE]`, and
OpenAI error bodies. The key it accepts is sk-test-key. Scenarios: see fake_provider.py.

Reasoning, as OpenAI-compatible servers stream it: scenario `thinking` sends
`delta.reasoning_content` (DeepSeek, xAI: "" first, null once the content starts), then the
content; `thinking-field` the same with `delta.reasoning` (vLLM, Ollama, Groq); `thinking-tools`
reasoning_content, then the two tool calls. Whole answers carry `message.reasoning_content` /
`message.reasoning`. Usage counts completion_tokens_details.reasoning_tokens. `thinking-tools`
stands for DeepSeek's thinking mode: its tool-result follow-up must send the reasoning back as
the tool-calling assistant message's reasoning_content.

Scenario `no-usage` is the text answer without any usage, streamed or whole, as a server that
ignores stream_options.

Prompt caching: scenario `cached` answers as `text` with prompt_tokens_details.cached_tokens in
its usage (OpenAI caches on its own: the request carries no marks).

The same server answers the Responses API at .../v1/responses (fake_openai_responses.py). A model
only Responses serves (the -pro models of o1, o3 and gpt-5*, codex, computer-use, deep-research)
sent to /chat/completions gets the service's 404."""
from fake_cache import openai_usage
from fake_media import data_url, description, image_at, inline, parts_of, referenced
from fake_openai_responses import IMAGE_TYPES, ResponsesDialect
from fake_provider import Dialects, FakeProvider, key_matches, last_user_text, sse, words
from fake_reasoning import OPENAI_REASONING_TOKENS, REASONING_PIECES, REASONING_TEXT

API_KEY = "sk-test-key"
RESPONSES_ONLY = "This model is only supported in v1/responses and not in v1/chat/completions."


def responses_only(model):
    m = model.lower() if isinstance(model, str) else ""
    if "codex" in m or m.startswith("computer-use") or "deep-research" in m:
        return True
    return m.startswith(("o1", "o3", "gpt-5")) and (m.endswith("-pro") or "-pro-" in m)


def chunk(delta=None, finish=None, usage=None, choices=True):
    body = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1764030000, "model": "gpt-4.1-mini"}
    body["choices"] = [{"index": 0, "delta": delta or {}, "finish_reason": finish}] if choices else []
    body["usage"] = usage
    return body


def usage_for(text):
    n = len(words(text))
    return {"prompt_tokens": 9, "completion_tokens": n, "total_tokens": 9 + n,
            "prompt_tokens_details": {"cached_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": 0}}


FIRST_CALL = {"tool_calls": [{"index": 0, "id": "call_A", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}
CALL_DELTAS = [
    chunk({"tool_calls": [{"index": 0, "function": {"arguments": "{\"ci"}}]}),
    chunk({"tool_calls": [{"index": 0, "function": {"arguments": "ty\": \"Paris\"}"}}]}),
    chunk({"tool_calls": [{"index": 1, "id": "call_B", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}),
    chunk({"tool_calls": [{"index": 1, "function": {"arguments": "{\"city\": \"Rome\"}"}}]}),
    chunk({}, "tool_calls"),
]
TOOL_EVENTS = [chunk(dict({"role": "assistant", "content": None}, **FIRST_CALL))] + CALL_DELTAS + [
    chunk(usage={"prompt_tokens": 61, "completion_tokens": 38, "total_tokens": 99}, choices=False),
]
TOOL_CALLS = [{"id": "call_A", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
              {"id": "call_B", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Rome\"}"}}]

# The reasoning field each scenario streams.
REASONING_FIELDS = {"thinking": "reasoning_content", "thinking-field": "reasoning", "thinking-tools": "reasoning_content"}
REASONING_NOT_PASSED_BACK = "The reasoning_content in the thinking mode must be passed back to the API."


def reasoning_chunks(field):
    return ([chunk({"role": "assistant", "content": None, field: ""})]
            + [chunk({"content": None, field: piece}) for piece in REASONING_PIECES])


def reasoning_usage(prompt, answer):
    completion = answer + OPENAI_REASONING_TOKENS
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": OPENAI_REASONING_TOKENS}}


def media_of(messages):
    """(problem, descriptions): Chat Completions' image_url and file parts, only in user messages;
    images by http(s) URL or base64 data: URL of IMAGE_TYPES, documents as a PDF data: URL with
    a filename, or a file_id."""
    found = []
    for where, message, part, kind in parts_of(messages, ("image_url", "file"), "messages"):
        if message.get("role") != "user":
            return f"Invalid '{where}': {kind} parts are only allowed in user messages.", found
        if kind == "image_url":
            image = part.get("image_url") if isinstance(part.get("image_url"), dict) else {}
            if image.get("detail", "auto") not in ("auto", "low", "high"):
                return f"Invalid '{where}.image_url.detail': expected auto, low or high.", found
            described = image_at(image.get("url"), IMAGE_TYPES)
            if described is None:
                return f"Invalid '{where}.image_url.url': expected an http(s) URL or a base64 data URL of {', '.join(IMAGE_TYPES)}.", found
            found.append(described)
            continue
        file = part.get("file")
        file = file if isinstance(file, dict) else {}
        if "file_id" in file and "file_data" not in file and isinstance(file["file_id"], str):
            found.append(referenced("document", file["file_id"]))
            continue
        inline_data = data_url(file.get("file_data"))
        if not inline_data or inline_data[0] != "application/pdf":
            return f"Invalid '{where}.file.file_data': expected a base64 data URL of application/pdf.", found
        if not isinstance(file.get("filename"), str) or not file["filename"]:
            return f"Missing required parameter: '{where}.file.filename'.", found
        found.append(inline("document", *inline_data))
    return None, found


def reasoning_problem(messages):
    """The thinking-mode rule: the assistant message that called the tools sends back its reasoning
    as it came. Stricter than the service, which can only see whether reasoning_content is there."""
    calls = [m for m in messages if isinstance(m, dict) and m.get("role") == "assistant" and m.get("tool_calls")]
    return REASONING_NOT_PASSED_BACK if calls and calls[-1].get("reasoning_content") != REASONING_TEXT else None


class OpenAIDialect:
    content_type = "text/event-stream"
    partial_events = 3  # role chunk and two words
    closing_events = 3  # the finish chunk, the usage chunk, [DONE]
    truncate_bytes = 2

    def endpoint(self, parts):
        return 3 if parts[-3:] == ["v1", "chat", "completions"] else None

    def check(self, handler, request, raw):
        if not key_matches(handler.headers.get("Authorization", "").removeprefix("Bearer "), API_KEY):
            return 401, "Incorrect API key provided: " + handler.headers.get("Authorization", "(none)")[-6:]
        if handler.headers.get("Content-Type") != "application/json":
            return 400, "body must be JSON with model and messages"
        return self.body_problem(request)

    def body_problem(self, request):
        if not isinstance(request, dict) or "model" not in request or "messages" not in request:
            return 400, "body must be JSON with model and messages"
        if responses_only(request["model"]):
            return 404, RESPONSES_ONLY
        problem, _ = media_of(request["messages"])
        return (400, problem) if problem else None

    def describe(self, request):
        return description(media_of(request["messages"])[1])

    def replay_problem(self, name, request):
        """What the service would refuse in the assistant turn a tool-result follow-up carries back."""
        problem = reasoning_problem(request["messages"]) if name == "thinking-tools" else None
        return (400, problem) if problem else None

    def streaming(self, path, request):
        return bool(request.get("stream"))

    def events(self, name, request):
        include_usage = request.get("stream_options", {}).get("include_usage") and name != "no-usage"
        if name == "tools":
            chunks = TOOL_EVENTS
        elif name == "thinking-tools":
            chunks = reasoning_chunks("reasoning_content") + [chunk(FIRST_CALL)] + CALL_DELTAS
            chunks += [chunk(usage=reasoning_usage(61, 38), choices=False)] if include_usage else []
        elif name in REASONING_FIELDS:
            field, text = REASONING_FIELDS[name], last_user_text(request)
            chunks = reasoning_chunks(field) + [chunk({"content": w, field: None}) for w in words(text)] + [chunk({}, "stop")]
            chunks += [chunk(usage=reasoning_usage(9, len(words(text))), choices=False)] if include_usage else []
        else:
            text = last_user_text(request)
            chunks = [chunk({"role": "assistant", "content": "", "refusal": None})]
            chunks += [chunk({"content": w}) for w in words(text)]
            chunks.append(chunk({}, "length" if name == "length" else "stop"))
            if include_usage:
                usage = openai_usage(len(words(text))) if name == "cached" else usage_for(text)
                chunks.append(chunk(usage=usage, choices=False))
        return [sse(c) for c in chunks] + [b"data: [DONE]\n\n"]

    def text_event(self, text):
        return sse(chunk({"content": text}))

    def keepalive_opening(self):
        return sse(chunk({"role": "assistant", "content": "", "refusal": None}))

    def keepalive_event(self, i):
        return b": keep-alive\n\n" if i % 2 == 0 else sse(chunk({"content": ""}))

    def malformed_event(self):
        return b"data: {\"choices\":[{\"index\":0,\n\n"

    def error_event(self):
        return sse({"error": {"message": "The server had an error while processing your request.", "type": "server_error",
                              "param": None, "code": None}})

    def error_body(self, status, message):
        kind = "server_error" if status >= 500 else "invalid_request_error"
        body = {"error": {"message": message, "type": kind, "param": None, "code": "invalid_api_key" if status == 401 else None}}
        return body, ({"Retry-After": "0.05"} if status == 429 else {})

    def body(self, name, request):
        if name == "tools":
            message = {"role": "assistant", "content": None, "refusal": None, "tool_calls": TOOL_CALLS}
            finish, usage = "tool_calls", {"prompt_tokens": 61, "completion_tokens": 12, "total_tokens": 73}
        elif name == "thinking-tools":
            message = {"role": "assistant", "content": None, "reasoning_content": REASONING_TEXT, "refusal": None, "tool_calls": TOOL_CALLS}
            finish, usage = "tool_calls", reasoning_usage(61, 12)
        elif name in REASONING_FIELDS:
            text = last_user_text(request)
            message = {"role": "assistant", "content": text, REASONING_FIELDS[name]: REASONING_TEXT, "refusal": None}
            finish, usage = "stop", reasoning_usage(9, len(words(text)))
        else:
            text = last_user_text(request)
            message = {"role": "assistant", "content": text, "refusal": None}
            finish, usage = ("length" if name == "length" else "stop"), usage_for(text)
            if name == "cached":
                usage = openai_usage(len(words(text)))
        body = {"id": "chatcmpl-fake", "object": "chat.completion", "created": 1764030000, "model": "gpt-4.1-mini",
                "choices": [{"index": 0, "message": message, "finish_reason": finish}], "usage": usage}
        if name == "no-usage":
            del body["usage"]
        return body


def FakeOpenAI(address=("127.0.0.1", 0)):
    return FakeProvider(Dialects(OpenAIDialect(), ResponsesDialect()), address)
