"""A fake OpenAI Responses API (POST .../v1/responses), served by the OpenAI fake beside Chat
Completions, in the exact wire format: named SSE events (`event: <type>` and a `data:` object
repeating the type, with a sequence_number), no `[DONE]`, the stream ending after
response.completed, response.incomplete or response.failed; OpenAI error bodies. The key it
accepts is sk-test-key. Scenarios: see fake_provider.py.

It checks requests as the service does: Chat's `messages` gets the real 400 ("Unsupported
parameter: 'messages'. In the Responses API, this parameter has moved to 'input'."), any other
unknown parameter "Unknown parameter", function tools must be flat (`name` at the top), and a
reasoning item sent back without its encrypted_content when `store` is false gets the real 404
("Item with id 'rs_…' not found. Items are not persisted when `store` is set to false. …").

Scenarios: text, length (response.incomplete, max_output_tokens), tools (two function calls,
output indexes 0 and 1, arguments in fragments), thinking (a reasoning item: summary deltas,
encrypted_content in output_item.done, then the answer), thinking-tools (the reasoning item,
then the two calls; a follow-up with the function_call_output items must send the reasoning
item back unchanged, id, summary and encrypted_content, before the calls), cached (usage with
input_tokens_details.cached_tokens), filtered (text, then response.incomplete content_filter),
failed (response.failed with a server_error), midstream-error (text, then an `error` event and
response.failed, as the service sends them), and the shared misbehaviours. Usage counts
output_tokens_details.reasoning_tokens."""
from fake_cache import CACHE_READ, PROMPT
from fake_media import data_url, description, image_at, inline, parts_of, referenced
from fake_provider import compact_json, key_matches, last_user_text, words
from fake_reasoning import OPENAI_REASONING_TOKENS, REASONING_PIECES, REASONING_TEXT, THINKING_SIGNATURE, THINKING_TOOLS_SIGNATURE

API_KEY = "sk-test-key"
MODEL = "gpt-5"

MOVED_MESSAGES = "Unsupported parameter: 'messages'. In the Responses API, this parameter has moved to 'input'."
NOT_PERSISTED = ("Item with id '{id}' not found. Items are not persisted when `store` is set to false. "
                 "Try again with `store` set to true, or remove this item from your input.")
PARAMETERS = {"model", "input", "instructions", "stream", "store", "include", "temperature", "top_p", "max_output_tokens", "tools",
              "tool_choice", "text", "reasoning", "parallel_tool_calls", "previous_response_id", "metadata", "truncation",
              "service_tier", "user", "safety_identifier", "prompt_cache_key", "prompt_cache_retention", "stream_options",
              "background", "max_tool_calls", "top_logprobs", "conversation", "prompt"}

REASONING_IDS = {"thinking": "rs_fake_thinking", "thinking-tools": "rs_fake_tools"}
SIGNATURES = {"thinking": THINKING_SIGNATURE, "thinking-tools": THINKING_TOOLS_SIGNATURE}
CALLS = [("fc_fake_A", "call_A", ["{\"ci", "ty\": \"Paris\"}"]), ("fc_fake_B", "call_B", ["{\"city\": \"Rome\"}"])]
IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")


def event(body):
    return b"event: " + body["type"].encode() + b"\ndata: " + compact_json(body) + b"\n\n"


def usage(output, reasoning=0, cached=None, prompt=9):
    return {"input_tokens": prompt, "input_tokens_details": {"cached_tokens": cached or 0}, "output_tokens": output + reasoning,
            "output_tokens_details": {"reasoning_tokens": reasoning}, "total_tokens": prompt + output + reasoning}


def response(status="in_progress", output=None, use=None, **extra):
    body = {"id": "resp_fake", "object": "response", "created_at": 1764030000, "status": status, "model": MODEL,
            "output": output or [], "usage": use, "error": None, "incomplete_details": None}
    body.update(extra)
    return body


def message_item(text, status="completed"):
    return {"id": "msg_fake", "type": "message", "status": status, "role": "assistant",
            "content": [{"type": "output_text", "text": text, "annotations": []}]}


def reasoning_item(name, done=True):
    item = {"id": REASONING_IDS[name], "type": "reasoning", "summary": []}
    if done:
        item["summary"] = [{"type": "summary_text", "text": REASONING_TEXT}]
        item["encrypted_content"] = SIGNATURES[name]
    else:
        item["encrypted_content"] = SIGNATURES[name][:40]  # may be incomplete until output_item.done (SDK)
    return item


def call_item(index, done=True):
    item_id, call_id, pieces = CALLS[index]
    return {"id": item_id, "type": "function_call", "status": "completed" if done else "in_progress",
            "arguments": "".join(pieces) if done else "", "call_id": call_id, "name": "get_weather"}


class Events:
    """Builds one response's events, numbering them."""

    def __init__(self):
        self.out = []

    def add(self, kind, **fields):
        self.out.append(event(dict({"type": kind, "sequence_number": len(self.out)}, **fields)))

    def opening(self):
        self.add("response.created", response=response())
        self.add("response.in_progress", response=response())

    def message(self, index, pieces):
        self.add("response.output_item.added", output_index=index, item=dict(message_item("", "in_progress"), content=[]))
        self.add("response.content_part.added", item_id="msg_fake", output_index=index, content_index=0,
                 part={"type": "output_text", "text": "", "annotations": []})
        for piece in pieces:
            self.text(index, piece)

    def text(self, index, piece):
        self.add("response.output_text.delta", item_id="msg_fake", output_index=index, content_index=0, delta=piece,
                 logprobs=[], obfuscation="xYz")

    def message_end(self, index, text):
        self.add("response.output_text.done", item_id="msg_fake", output_index=index, content_index=0, text=text, logprobs=[])
        self.add("response.content_part.done", item_id="msg_fake", output_index=index, content_index=0,
                 part={"type": "output_text", "text": text, "annotations": []})
        self.add("response.output_item.done", output_index=index, item=message_item(text))

    def reasoning(self, name):
        item_id = REASONING_IDS[name]
        self.add("response.output_item.added", output_index=0, item=reasoning_item(name, done=False))
        self.add("response.reasoning_summary_part.added", item_id=item_id, output_index=0, summary_index=0,
                 part={"type": "summary_text", "text": ""})
        for piece in REASONING_PIECES:
            self.add("response.reasoning_summary_text.delta", item_id=item_id, output_index=0, summary_index=0, delta=piece,
                     obfuscation="aB")
        self.add("response.reasoning_summary_text.done", item_id=item_id, output_index=0, summary_index=0, text=REASONING_TEXT)
        self.add("response.reasoning_summary_part.done", item_id=item_id, output_index=0, summary_index=0,
                 part={"type": "summary_text", "text": REASONING_TEXT})
        self.add("response.output_item.done", output_index=0, item=reasoning_item(name))

    def calls(self, first_index):
        for n in range(len(CALLS)):
            item_id, _, pieces = CALLS[n]
            index = first_index + n
            self.add("response.output_item.added", output_index=index, item=call_item(n, done=False))
            for piece in pieces:
                self.add("response.function_call_arguments.delta", item_id=item_id, output_index=index, delta=piece)
            self.add("response.function_call_arguments.done", item_id=item_id, output_index=index, arguments="".join(pieces))
            self.add("response.output_item.done", output_index=index, item=call_item(n))


def output_of(name, request):
    """(output items, usage, status, incomplete reason) of a scenario's response."""
    text = last_user_text(request)
    n = len(words(text))
    if name == "tools":
        return [call_item(0), call_item(1)], usage(38, prompt=61), "completed", None
    if name == "thinking-tools":
        return [reasoning_item(name), call_item(0), call_item(1)], usage(38, OPENAI_REASONING_TOKENS, prompt=61), "completed", None
    if name == "thinking":
        return [reasoning_item(name), message_item(text)], usage(n, OPENAI_REASONING_TOKENS), "completed", None
    if name == "cached":
        return [message_item(text)], usage(n, cached=CACHE_READ, prompt=PROMPT), "completed", None
    if name == "length":
        return [message_item(text, "incomplete")], usage(n), "incomplete", "max_output_tokens"
    if name == "filtered":
        return [message_item(text, "incomplete")], usage(n), "incomplete", "content_filter"
    return [message_item(text)], usage(n), "completed", None


def finished(status, output, use, reason):
    return response(status, output, use, incomplete_details={"reason": reason} if reason else None)


def media_of(items):
    """(problem, descriptions): input_image and input_file parts, only in user messages."""
    found = []
    for where, item, part, kind in parts_of(items, ("input_image", "input_file"), "input"):
        if item.get("role") != "user":
            return f"Invalid '{where}': {kind} parts are only allowed in user messages.", found
        if "file_id" in part:
            found.append(referenced("image" if kind == "input_image" else "document", part["file_id"]))
            continue
        if kind == "input_image":
            image = image_at(part.get("image_url"), IMAGE_TYPES)
            if image is None:
                return f"Invalid '{where}.image_url': expected an http(s) URL or a base64 data URL of an image.", found
            found.append(image)
            continue
        if "file_url" in part:
            found.append(referenced("document", part["file_url"]))
            continue
        inline_data = data_url(part.get("file_data"))
        if not inline_data:
            return f"Invalid '{where}.file_data': expected a base64 data URL.", found
        if not part.get("filename"):
            return f"Missing required parameter: '{where}.filename'.", found
        found.append(inline("document", *inline_data))
    return None, found


def replay_problem(items, name):
    """The follow-up of thinking-tools: the reasoning item and the two calls back, in order and
    unchanged, then an output per call."""
    items = items if isinstance(items, list) else []
    reasoning = [i for i in items if isinstance(i, dict) and i.get("type") == "reasoning"]
    if not reasoning:
        return 400, "The reasoning item of the function calls was not sent back (fake: the service would reason again)."
    item = reasoning[-1]
    if item.get("id") != REASONING_IDS[name] or item.get("summary") != [{"type": "summary_text", "text": REASONING_TEXT}]:
        return 400, "The reasoning item was changed: " + compact_json(item).decode()[:200]
    if item.get("encrypted_content") != SIGNATURES[name]:
        return 400, "Invalid 'encrypted_content': the reasoning item's encrypted content could not be verified."
    after = items[items.index(item) + 1:]
    calls = [(i.get("call_id"), i.get("name"), i.get("arguments")) for i in after if i.get("type") == "function_call"]
    if [c[0] for c in calls] != ["call_A", "call_B"]:
        return 400, "No function_call items call_A, call_B after the reasoning item: " + str(calls)
    outputs = {i.get("call_id") for i in after if i.get("type") == "function_call_output"}
    if outputs != {"call_A", "call_B"}:
        return 400, "No tool output found for function call call_A or call_B."
    return None


class ResponsesDialect:
    content_type = "text/event-stream; charset=utf-8"
    partial_events = 6  # created, in_progress, the message opened, two words
    closing_events = 4  # output_text.done, content_part.done, output_item.done, response.completed
    truncate_bytes = 2

    def endpoint(self, parts):
        return 2 if parts[-2:] == ["v1", "responses"] else None

    def check(self, handler, request, raw):
        if not key_matches(handler.headers.get("Authorization", "").removeprefix("Bearer "), API_KEY):
            return 401, "Incorrect API key provided: " + handler.headers.get("Authorization", "(none)")[-6:]
        return self.body_problem(request)

    def body_problem(self, request):
        if not isinstance(request, dict):
            return 400, "We could not parse the JSON body of your request."
        if "messages" in request:
            return 400, MOVED_MESSAGES
        unknown = sorted(set(request) - PARAMETERS)
        if unknown:
            return 400, f"Unknown parameter: '{unknown[0]}'."
        for key in ("model", "input"):
            if key not in request:
                return 400, f"Missing required parameter: '{key}'."
        for i, tool in enumerate(request.get("tools") or []):
            if tool.get("type") == "function" and "name" not in tool:
                return 400, f"Missing required parameter: 'tools[{i}].name'."
        items = request["input"] if isinstance(request["input"], list) else []
        for item in items:
            if isinstance(item, dict) and item.get("type") == "reasoning":
                if request.get("store") is False and not item.get("encrypted_content"):
                    return 404, NOT_PERSISTED.format(id=item.get("id"))
        problem, _ = media_of(items)
        return (400, problem) if problem else None

    def describe(self, request):
        return description(media_of(request["input"])[1])

    def replay_problem(self, name, request):
        return replay_problem(request["input"], name) if name == "thinking-tools" else None

    def streaming(self, path, request):
        return bool(request.get("stream"))

    def events(self, name, request):
        e = Events()
        e.opening()
        output, use, status, reason = output_of(name, request)
        if name == "failed":
            e.add("response.failed", response=response("failed", error={"code": "server_error",
                                                                         "message": "The server had an error processing your request."}))
            return e.out
        if name in REASONING_IDS:
            e.reasoning(name)
        first = 1 if name in REASONING_IDS else 0
        if name in ("tools", "thinking-tools"):
            e.calls(first)
        else:
            text = last_user_text(request)
            e.message(first, words(text))
            e.message_end(first, text)
        e.add("response.incomplete" if status == "incomplete" else "response.completed", response=finished(status, output, use, reason))
        return e.out

    def text_event(self, text):
        return event({"type": "response.output_text.delta", "sequence_number": 0, "item_id": "msg_fake", "output_index": 0,
                      "content_index": 0, "delta": text})

    def keepalive_opening(self):
        return event({"type": "response.created", "sequence_number": 0, "response": response()})

    def keepalive_event(self, i):
        return b": keep-alive\n\n"

    def malformed_event(self):
        return b"event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\n\n"

    def error_event(self):
        error = {"type": "server_error", "code": "server_error", "message": "The server had an error while processing your request.",
                 "param": None}
        failed = response("failed", error={"code": "server_error", "message": error["message"]})
        return event({"type": "error", "sequence_number": 5, "error": error}) + event(
            {"type": "response.failed", "sequence_number": 6, "response": failed})

    def error_body(self, status, message):
        kind = "server_error" if status >= 500 else "invalid_request_error"
        body = {"error": {"message": message, "type": kind, "param": None, "code": "invalid_api_key" if status == 401 else None}}
        return body, ({"Retry-After": "0.05"} if status == 429 else {})

    def body(self, name, request):
        if name == "failed":
            return response("failed", error={"code": "server_error", "message": "The server had an error processing your request."})
        output, use, status, reason = output_of(name, request)
        body = finished(status, output, use, reason)
        if name == "no-usage":
            body["usage"] = None
        return body
