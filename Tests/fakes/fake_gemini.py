"""A fake Gemini API server (POST .../v1beta/models/{model}:generateContent and
:streamGenerateContent?alt=sse), in the exact wire format: `data:` GenerateContentResponse chunks
with no terminal marker, whole function calls, usageMetadata, Google error bodies. The key it
accepts is gemini-test-key (header x-goog-api-key). Scenarios: see fake_provider.py.

Thinking, as Gemini 3 does it: scenario `thinking` sends thought summaries (`"thought": true`
parts), then the text, then an empty text part carrying the thoughtSignature with STOP;
`thinking-tools` thought summaries, then two parallel functionCall parts of which only the first
carries the thoughtSignature, then an empty text part with STOP. usageMetadata counts
thoughtsTokenCount apart from candidatesTokenCount. A tool-result follow-up of `thinking-tools`
must carry the signature back on the first functionCall part, byte for byte.

Prompt caching: scenario `cached` answers as `text` with cachedContentTokenCount (part of
promptTokenCount) and cacheTokensDetails in its usageMetadata (implicit caching: the request
carries no marks)."""
from fake_cache import gemini_usage
from fake_media import decoded, description, inline, referenced
from fake_provider import FakeProvider, key_matches, last_user_text, sse, words
from fake_reasoning import GEMINI_THOUGHTS_TOKENS, REASONING_PIECES, REASONING_TEXT, THINKING_SIGNATURE, THINKING_TOOLS_SIGNATURE

API_KEY = "gemini-test-key"
STATUSES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
            429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}


def response(parts, finish=None, usage=None):
    candidate = {"content": {"parts": parts, "role": "model"}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    body = {"candidates": [candidate], "modelVersion": "gemini-2.5-flash", "responseId": "resp-fake"}
    if usage:
        body["usageMetadata"] = usage
    return body


def usage(output):
    return {"promptTokenCount": 8, "candidatesTokenCount": output, "totalTokenCount": 8 + output}


def thinking_usage(output=None):
    """Usage of a thinking answer; chunks before the first answer token have no candidatesTokenCount."""
    counted = {"candidatesTokenCount": output} if output is not None else {}
    return dict({"promptTokenCount": 8}, **counted, totalTokenCount=8 + (output or 0) + GEMINI_THOUGHTS_TOKENS,
                thoughtsTokenCount=GEMINI_THOUGHTS_TOKENS)


def function_calls(signature):
    """Two parallel calls: only the first carries the signature."""
    return [{"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}, "thoughtSignature": signature},
            {"functionCall": {"name": "get_weather", "args": {"city": "Rome"}}}]


TOOL_PARTS = function_calls("c2lnbmF0dXJl")
THOUGHT_CHUNKS = [response([{"text": piece, "thought": True}], usage=thinking_usage()) for piece in REASONING_PIECES]
THOUGHT_PART = {"text": REASONING_TEXT, "thought": True}
TOOL_OUTPUT_TOKENS = 22

# Both fields at once is refused (provider-wire-formats-2.md §1.2, from a secondary source); the
# wording is quoted in third-party notes, not verified against the service.
BUDGET_AND_LEVEL = "Unable to submit request because thinking_budget and thinking_level are not supported together."
# Verbatim from the service; which index "position" counts is not documented, so this fake
# names the model turn's index in `contents`.
SIGNATURE_MISSING = ("Function call is missing a thought_signature in functionCall parts. This is required for tools to work "
                     "correctly, and missing thought_signature may lead to degraded model performance. Additional data, "
                     "function call `default_api:{name}` , position {position}. Please refer to "
                     "https://ai.google.dev/gemini-api/docs/thought-signatures for more details.")


def thinking_config(request):
    config = (request.get("generationConfig") or {}).get("thinkingConfig") or {}
    return config if isinstance(config, dict) else {}


def signature_problem(contents):
    """The 400 message when the model turn before the tool results lacks the signature issued on its
    first functionCall part. Stricter than the service, which has accepted a URL-safe re-encoding:
    a client must send the signature back as it came."""
    turns = [i for i, c in enumerate(contents) if isinstance(c, dict) and c.get("role") == "model"]
    calls = [p for p in (contents[turns[-1]].get("parts") or []) if isinstance(p, dict) and "functionCall" in p] if turns else []
    if not calls or calls[0].get("thoughtSignature") == THINKING_TOOLS_SIGNATURE:
        return None
    return SIGNATURE_MISSING.format(name=calls[0]["functionCall"].get("name"), position=turns[-1])


MEDIA_TYPES = ("image/png", "image/jpeg", "image/webp", "image/heic", "image/heif", "application/pdf", "text/plain")


def media_of(contents):
    """(problem, descriptions): inlineData (base64 of MEDIA_TYPES) and fileData (a URI) parts of
    user turns."""
    found = []
    for i, content in enumerate(contents if isinstance(contents, list) else []):
        parts = content.get("parts") if isinstance(content, dict) else None
        for j, part in enumerate(parts if isinstance(parts, list) else []):
            blob, file = part.get("inlineData"), part.get("fileData")
            if blob is None and file is None:
                continue
            where = f"contents[{i}].parts[{j}]"
            if content.get("role") != "user":
                return f"Invalid value at '{where}': media parts are only allowed in user turns", found
            if blob is not None:
                mime = blob.get("mimeType")
                if mime not in MEDIA_TYPES:
                    return f"Unsupported MIME type: {mime}", found
                data = decoded(blob.get("data"))
                if data is None:
                    return f"Invalid value at '{where}.inline_data.data' (TYPE_BYTES), Base64 decoding failed", found
                found.append(inline("document" if mime in ("application/pdf", "text/plain") else "image", mime, data))
            else:
                uri, mime = file.get("fileUri"), file.get("mimeType")
                if not isinstance(uri, str) or not uri.startswith(("https://", "http://", "gs://")):
                    return f"Invalid value at '{where}.file_data.file_uri': {uri!r}", found
                if mime is not None and mime not in MEDIA_TYPES:
                    return f"Unsupported MIME type: {mime}", found
                found.append(referenced("image" if (mime or "").startswith("image/") else "file", uri))
    return None, found


class GeminiDialect:
    content_type = "text/event-stream"
    partial_events = 2  # two words
    closing_events = 1  # the chunk with the finish reason
    truncate_bytes = 2

    def endpoint(self, parts):
        if len(parts) >= 3 and parts[-3] == "v1beta" and parts[-2] == "models" and ":" in parts[-1]:
            return 3
        return None

    def check(self, handler, request, raw):
        if not key_matches(handler.headers.get("x-goog-api-key"), API_KEY):
            return 403, "API key not valid. Please pass a valid API key."
        return self.check_body(request)

    def check_body(self, request):
        """What the service checks of a body (contents, thinking config, media)."""
        if not isinstance(request, dict) or "contents" not in request:
            return 400, "contents is required"
        config = thinking_config(request)
        if {"thinkingBudget", "thinking_budget"} & set(config) and {"thinkingLevel", "thinking_level"} & set(config):
            return 400, BUDGET_AND_LEVEL
        problem, _ = media_of(request["contents"])
        return (400, problem) if problem else None

    def describe(self, request):
        return description(media_of(request["contents"])[1])

    def replay_problem(self, name, request):
        """What the service would refuse in the assistant turn a tool-result follow-up carries back."""
        problem = signature_problem(request["contents"]) if name == "thinking-tools" else None
        return (400, problem) if problem else None

    def streaming(self, path, request):
        return ":streamGenerateContent" in path and "alt=sse" in path

    def events(self, name, request):
        if name == "tools":
            return [sse(response(TOOL_PARTS, "STOP", {"promptTokenCount": 40, "candidatesTokenCount": 22, "totalTokenCount": 62}))]
        if name == "thinking-tools":
            chunks = THOUGHT_CHUNKS + [response(function_calls(THINKING_TOOLS_SIGNATURE), usage=thinking_usage(TOOL_OUTPUT_TOKENS)),
                                       response([{"text": ""}], "STOP", thinking_usage(TOOL_OUTPUT_TOKENS))]
            return [sse(c) for c in chunks]
        parts = words(last_user_text(request))
        if name == "thinking":
            chunks = THOUGHT_CHUNKS + [response([{"text": w}], usage=thinking_usage(i + 1)) for i, w in enumerate(parts)]
            chunks.append(response([{"text": "", "thoughtSignature": THINKING_SIGNATURE}], "STOP", thinking_usage(len(parts))))
            return [sse(c) for c in chunks]
        counts = gemini_usage if name == "cached" else usage
        chunks = [response([{"text": w}], usage=counts(i + 1)) for i, w in enumerate(parts)]
        chunks.append(response([{"text": ""}], "MAX_TOKENS" if name == "length" else "STOP", counts(len(parts))))
        return [sse(c) for c in chunks]

    def text_event(self, text):
        return sse(response([{"text": text}]))

    def keepalive_opening(self):
        return b""

    def keepalive_event(self, i):
        return sse(response([{"text": ""}], usage={"promptTokenCount": 8, "totalTokenCount": 8}))

    def malformed_event(self):
        return b"data: {\"candidates\":[{\"content\":\n\n"

    def error_event(self):
        return sse({"error": {"code": 500, "message": "An internal error has occurred.", "status": "INTERNAL"}})

    def error_body(self, status, message):
        error = {"code": status, "message": message, "status": STATUSES.get(status, "UNKNOWN")}
        if status == 429:
            error["details"] = [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.05s"}]
        return {"error": error}, {}

    def body(self, name, request):
        if name == "tools":
            return response(TOOL_PARTS, "STOP", {"promptTokenCount": 40, "candidatesTokenCount": 22, "totalTokenCount": 62})
        if name == "thinking-tools":
            return response([THOUGHT_PART] + function_calls(THINKING_TOOLS_SIGNATURE), "STOP", thinking_usage(TOOL_OUTPUT_TOKENS))
        text = last_user_text(request)
        if name == "thinking":
            parts = [THOUGHT_PART, {"text": text}, {"text": "", "thoughtSignature": THINKING_SIGNATURE}]
            return response(parts, "STOP", thinking_usage(len(words(text))))
        counts = gemini_usage if name == "cached" else usage
        return response([{"text": text}], "MAX_TOKENS" if name == "length" else "STOP", counts(len(words(text))))


def FakeGemini(address=("127.0.0.1", 0)):
    return FakeProvider(GeminiDialect(), address)
