"""A fake Gemini API server (POST .../v1beta/models/{model}:generateContent and
:streamGenerateContent?alt=sse), in the exact wire format: `data:` GenerateContentResponse chunks
with no terminal marker, whole function calls, usageMetadata, Google error bodies. The key it
accepts is gemini-test-key (header x-goog-api-key). Scenarios: see fake_provider.py."""
from fake_provider import FakeProvider, key_matches, last_user_text, sse, words

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


TOOL_PARTS = [
    {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}, "thoughtSignature": "c2lnbmF0dXJl"},
    {"functionCall": {"name": "get_weather", "args": {"city": "Rome"}}},
]


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
        if not isinstance(request, dict) or "contents" not in request:
            return 400, "contents is required"
        return None

    def replay_problem(self, name, request):
        """What the service would refuse in the assistant turn a tool-result follow-up carries back."""
        return None

    def streaming(self, path, request):
        return ":streamGenerateContent" in path and "alt=sse" in path

    def events(self, name, request):
        if name == "tools":
            return [sse(response(TOOL_PARTS, "STOP", {"promptTokenCount": 40, "candidatesTokenCount": 22, "totalTokenCount": 62}))]
        parts = words(last_user_text(request))
        chunks = [response([{"text": w}], usage=usage(i + 1)) for i, w in enumerate(parts)]
        chunks.append(response([{"text": ""}], "MAX_TOKENS" if name == "length" else "STOP", usage(len(parts))))
        return [sse(c) for c in chunks]

    def text_event(self, text):
        return sse(response([{"text": text}]))

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
        text = last_user_text(request)
        return response([{"text": text}], "MAX_TOKENS" if name == "length" else "STOP", usage(len(words(text))))


def FakeGemini(address=("127.0.0.1", 0)):
    return FakeProvider(GeminiDialect(), address)
