"""The Tracia REST API's prompts, spans and evaluations endpoints, in the official SDK's shapes,
served by fake_collector.py. Scenarios by path: the slug "server-error" answers 500 with a
non-JSON body, "odd-error" an error code no SDK knows. GET /_api_requests lists what came
(method, path, body, user agent)."""
import json
import re
from urllib.parse import parse_qs, unquote, urlsplit

NOW = "2025-01-02T03:04:05.000Z"


def error(status, code, message):
    return status, {"error": {"code": code, "message": message}}


class TraciaAPI:
    def __init__(self, spans):
        self.spans = spans
        self.prompts = {}
        self.requests = []
        self.evaluations = 0

    def handle(self, method, target, body, user_agent):
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/_api_requests":
            return 200, {"requests": self.requests}
        try:
            data = json.loads(body) if body else None
        except ValueError:
            return error(400, "INVALID_REQUEST", "body is not JSON")
        self.requests.append({"method": method, "path": parts.path, "query": query, "body": data, "user_agent": user_agent})
        segments = [unquote(s) for s in parts.path.split("/")[3:]]
        if segments[:1] == ["prompts"]:
            return self.prompt_call(method, segments[1:], data)
        if segments[:1] == ["spans"]:
            return self.span_call(method, segments[1:], data, query)
        return error(404, "NOT_FOUND", f"no route {parts.path}")

    # -- prompts ---------------------------------------------------------------------------------

    @staticmethod
    def list_item(p):
        return {k: p[k] for k in ("id", "slug", "name", "description", "currentVersion", "createdAt", "updatedAt")}

    def version(self, options, number):
        return {"version": number, "messages": options["content"], "model": options.get("model", "gpt-4o"),
                "provider": options.get("provider", "openai"), "temperature": options.get("temperature"),
                "maxOutputTokens": options.get("maxOutputTokens"), "topP": options.get("topP"),
                "stopSequences": options.get("stopSequences"), "createdAt": NOW}

    def prompt_call(self, method, rest, data):
        if not rest:
            if method == "GET":
                return 200, {"prompts": [self.list_item(p) for p in self.prompts.values()]}
            if method == "POST":
                if not isinstance(data, dict) or "name" not in data or not data.get("content"):
                    return error(400, "INVALID_REQUEST", "name and content are required")
                slug = data.get("slug") or re.sub(r"[^a-z0-9]+", "-", data["name"].lower()).strip("-")
                if slug in self.prompts:
                    return error(409, "CONFLICT", f"A prompt with slug '{slug}' already exists")
                prompt = {"id": f"prm_{len(self.prompts) + 1}", "slug": slug, "name": data["name"],
                          "description": data.get("description"), "currentVersion": 1,
                          "versions": [self.version(data, 1)], "createdAt": NOW, "updatedAt": NOW}
                self.prompts[slug] = prompt
                return 201, prompt
        slug = rest[0]
        if slug == "server-error":
            return 500, "<html>Internal Server Error</html>"
        if slug == "odd-error":
            return error(418, "TEAPOT", "no SDK knows this code")
        prompt = self.prompts.get(slug)
        if prompt is None:
            return error(404, "NOT_FOUND", f"Prompt not found: {slug}")
        if len(rest) == 2 and rest[1] == "run" and method == "POST":
            return self.run(prompt, data or {})
        if method == "GET":
            return 200, prompt
        if method == "PUT":
            changed = dict(self.list_item(prompt), **{k: v for k, v in data.items() if k in ("name", "description")})
            prompt.update(changed)
            if "content" in data:
                prompt["currentVersion"] += 1
                prompt["versions"].append(self.version(data, prompt["currentVersion"]))
            if data.get("slug") and data["slug"] != slug:
                del self.prompts[slug]
                prompt["slug"] = data["slug"]
                self.prompts[data["slug"]] = prompt
            return 200, prompt
        if method == "DELETE":
            del self.prompts[slug]
            return 204, None
        return error(400, "INVALID_REQUEST", f"{method} not allowed")

    def run(self, prompt, data):
        version = prompt["versions"][data.get("version", prompt["currentVersion"]) - 1]
        variables = data.get("variables", {})
        text = " ".join(m["content"] for m in version["messages"])
        missing = sorted(set(re.findall(r"\{\{(\w+)\}\}", text)) - set(variables))
        if missing:
            return error(400, "MISSING_VARIABLES", f"Missing variables: {', '.join(missing)}")
        for name, value in variables.items():
            text = text.replace("{{" + name + "}}", value)
        n = len(self.spans) + 1
        span = {"spanId": f"sp_{n:016x}", "traceId": data.get("traceId", f"tr_{n:016x}"), "model": data.get("model", version["model"]),
                "provider": version["provider"], "input": {"messages": version["messages"]}, "output": text, "status": "SUCCESS",
                "latencyMs": 12, "inputTokens": 5, "outputTokens": 7, "totalTokens": 12, "tags": data.get("tags"),
                "userId": data.get("userId"), "sessionId": data.get("sessionId"), "promptSlug": prompt["slug"]}
        self.spans.append(span)
        return 200, {"text": text, "spanId": span["spanId"], "traceId": span["traceId"], "promptVersion": version["version"],
                     "latencyMs": 12, "usage": {"inputTokens": 5, "outputTokens": 7, "totalTokens": 12}, "cost": 0.0001,
                     "finishReason": "stop", "toolCalls": None, "structuredOutput": None, "messages": None}

    # -- spans -----------------------------------------------------------------------------------

    @staticmethod
    def full_span(s):
        return {"id": "span-" + s["spanId"], "spanId": s["spanId"], "traceId": s.get("traceId"),
                "parentSpanId": s.get("parentSpanId"), "promptSlug": s.get("promptSlug"), "promptVersion": None,
                "model": s["model"], "provider": s["provider"], "input": s["input"], "variables": s.get("variables"),
                "output": s.get("output"), "status": s["status"], "error": s.get("error"), "latencyMs": s["latencyMs"],
                "inputTokens": s["inputTokens"], "outputTokens": s["outputTokens"], "totalTokens": s["totalTokens"],
                "cost": None, "tags": s.get("tags") or [], "userId": s.get("userId"), "sessionId": s.get("sessionId"),
                "createdAt": NOW}

    def span_call(self, method, rest, data, query):
        if not rest and method == "GET":
            found = [s for s in self.spans
                     if all(query.get(k) in (None, s.get(k)) for k in ("promptSlug", "status", "userId", "sessionId"))
                     and all(t in (s.get("tags") or []) for t in filter(None, query.get("tags", "").split(",")))]
            start = int(query.get("cursor", "0"))
            limit = int(query.get("limit", "50"))
            page = found[start:start + limit]
            more = start + limit < len(found)
            items = [{k: v for k, v in self.full_span(s).items()
                      if k in ("id", "spanId", "traceId", "promptSlug", "model", "status", "latencyMs", "inputTokens",
                               "outputTokens", "totalTokens", "cost", "createdAt")} for s in page]
            return 200, {"spans": items, "cursor": str(start + limit) if more else None, "hasMore": more}
        span = next((s for s in self.spans if rest and s["spanId"] == rest[0]), None)
        if span is None:
            return error(404, "NOT_FOUND", f"Span not found: {rest[0] if rest else ''}")
        if len(rest) == 1 and method == "GET":
            return 200, self.full_span(span)
        if len(rest) == 2 and rest[1] == "evaluations" and method == "POST":
            if not isinstance(data, dict) or "evaluatorKey" not in data or not isinstance(data.get("value"), (int, float)):
                return error(400, "INVALID_REQUEST", "evaluatorKey and a numeric value are required")
            self.evaluations += 1
            return 201, {"id": f"ev_{self.evaluations}", "evaluatorKey": data["evaluatorKey"],
                         "evaluatorName": data["evaluatorKey"].replace("_", " ").title(), "value": float(data["value"]),
                         "source": "SDK", "note": data.get("note"), "createdAt": NOW}
        return error(400, "INVALID_REQUEST", f"{method} not allowed")
