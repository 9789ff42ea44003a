"""A fake Azure OpenAI resource: the OpenAI fakes' Chat Completions and Responses at Azure's
paths, with Azure's credentials, versions, content-filter annotations and error bodies.

    POST [/s/<scenario>/...]/openai/deployments/<deployment>/chat/completions?api-version=<date>
    POST [/s/<scenario>/...]/openai/responses?api-version=<date>        (the deployment in "model")
    POST [/s/<scenario>/...]/openai/v1/chat/completions                 (no api-version; "model")
    POST [/s/<scenario>/...]/openai/v1/responses

Credentials: `api-key: azure-test-key` (or that key followed by "-sentinel-…"), or
`Authorization: Bearer azure-ad-test-token` (an Entra ID token, also with "-sentinel-…"); on the v1 paths the key also
as a Bearer token, as the plain OpenAI client sends it. Anything else gets Azure's 401 body. The
deployment paths need an api-version (Azure's 404 "Resource not found" without one); the v1
paths take none but `preview`/`latest`. Deployments: gpt-4o-mini, gpt-5, gpt-5-codex; any other
gets the 404 DeploymentNotFound body.

Chat streams carry Azure's annotations: a first chunk with `choices: []`, an empty id and
`prompt_filter_results`, and `content_filter_results` in every choice. Azure-only scenarios:
content-filter (text, then finish_reason content_filter: the output was blocked),
prompt-filtered (the 400 content_filter error, violence filtered at medium severity). The other
scenarios are the OpenAI fakes' (fake_openai.py, fake_openai_responses.py)."""
import json
from urllib.parse import parse_qs, urlsplit

from fake_openai import OpenAIDialect
from fake_openai_responses import ResponsesDialect
from fake_provider import Dialects, FakeProvider, compact_json, key_matches, sse

API_KEY = "azure-test-key"
AD_TOKEN = "azure-ad-test-token"
DEPLOYMENTS = ("gpt-4o-mini", "gpt-5", "gpt-5-codex")
V1_VERSIONS = (None, "preview", "latest")

SAFE = {"hate": {"filtered": False, "severity": "safe"}, "self_harm": {"filtered": False, "severity": "safe"},
        "sexual": {"filtered": False, "severity": "safe"}, "violence": {"filtered": False, "severity": "safe"}}
PROMPT_FILTER = {"choices": [], "created": 0, "id": "", "model": "", "object": "",
                 "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": dict(SAFE, jailbreak={"filtered": False,
                                                                                                            "detected": False})}]}
# Azure's bodies, chosen by the message a check returns (Azure does not use OpenAI's envelope).
BODIES = {
    "azure:401": {"error": {"code": "401", "message": "Access denied due to invalid subscription key or wrong API endpoint. Make sure to "
                            "provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}},
    "azure:deployment": {"error": {"code": "DeploymentNotFound", "message": "The API deployment for this resource does not exist. If you "
                                   "created the deployment within the last 5 minutes, please wait a moment and try again."}},
    "azure:version": {"error": {"code": "404", "message": "Resource not found"}},
    "azure:filtered": {"error": {
        "message": "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify "
                   "your prompt and retry. To learn more about our content filtering policies please read our documentation: "
                   "https://go.microsoft.com/fwlink/?linkid=2198766",
        "type": None, "param": "prompt", "code": "content_filter", "status": 400,
        "innererror": {"code": "ResponsibleAIPolicyViolation",
                       "content_filter_result": dict(SAFE, violence={"filtered": True, "severity": "medium"})}}},
}


def annotated(event):
    """A Chat chunk with Azure's content_filter_results in each choice; other events unchanged."""
    if not event.startswith(b"data: {"):
        return event
    body = json.loads(event[len(b"data: "):])
    for choice in body.get("choices") or []:
        choice["content_filter_results"] = SAFE if choice.get("delta", {}).get("content") else {}
        choice["logprobs"] = None
    return sse(body)


class AzurePaths:
    """What the two Azure dialects share: the path's deployment and version, the credentials."""

    def azure_problem(self, handler, request, v1):
        key = handler.headers.get("api-key")
        bearer = handler.headers.get("Authorization", "").removeprefix("Bearer ")
        if not (key_matches(key, API_KEY) or key_matches(bearer, AD_TOKEN) or (v1 and key_matches(bearer, API_KEY))):
            return 401, "azure:401"
        version = parse_qs(urlsplit(handler.path).query).get("api-version", [None])[0]
        if (v1 and version not in V1_VERSIONS) or (not v1 and not version):
            return 404, "azure:version"
        parts = urlsplit(handler.path).path.strip("/").split("/")
        if parts[-5:-3] == ["openai", "deployments"]:
            deployment = parts[-3]
        else:
            deployment = request.get("model") if isinstance(request, dict) else None
        if deployment not in DEPLOYMENTS:
            return 404, "azure:deployment"
        return None

    def error_body(self, status, message):
        if message in BODIES:
            return BODIES[message], {}
        return super().error_body(status, message)


class AzureChatDialect(AzurePaths, OpenAIDialect):
    partial_events = 4  # the prompt-filter chunk, the role chunk, two words

    def endpoint(self, parts):
        if parts[-5:-3] == ["openai", "deployments"] and parts[-2:] == ["chat", "completions"]:
            return 5
        return 4 if parts[-4:] == ["openai", "v1", "chat", "completions"] else None

    def check(self, handler, request, raw):
        problem = self.azure_problem(handler, request, v1="/openai/v1/" in handler.path)
        if not problem and "/s/prompt-filtered/" in handler.path:
            problem = 400, "azure:filtered"
        return problem or self.body_problem(request)

    def events(self, name, request):
        events = super().events("text" if name == "content-filter" else name, request)
        if name == "content-filter":
            finish = json.loads(events[-3][len(b"data: "):])
            finish["choices"][0]["finish_reason"] = "content_filter"
            events[-3] = sse(finish)
        return [sse(compact_json(PROMPT_FILTER))] + [annotated(e) for e in events]

    def text_event(self, text):
        return annotated(super().text_event(text))

    def body(self, name, request):
        body = super().body("text" if name == "content-filter" else name, request)
        body["prompt_filter_results"] = PROMPT_FILTER["prompt_filter_results"]
        for choice in body["choices"]:
            choice["content_filter_results"] = SAFE
            if name == "content-filter":
                choice["finish_reason"] = "content_filter"
        return body


class AzureResponsesDialect(AzurePaths, ResponsesDialect):
    def endpoint(self, parts):
        if parts[-3:] == ["openai", "v1", "responses"]:
            return 3
        return 2 if parts[-2:] == ["openai", "responses"] else None

    def check(self, handler, request, raw):
        return self.azure_problem(handler, request, v1="/openai/v1/" in handler.path) or self.body_problem(request)


def FakeAzure(address=("127.0.0.1", 0)):
    return FakeProvider(Dialects(AzureChatDialect(), AzureResponsesDialect()), address)
