"""client.prompts: the Tracia prompts API (list, get, create, update, delete, run), sync and
async, with the official SDK's models and method names."""
from __future__ import annotations

from . import _rest
from ._api_models import build, validate
from ._types import _MISSING, LocalPromptMessage, TokenUsage, ToolCall, _Model, message_from_json

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional


class PromptMessage(_Model):
    _fields = (("id", "id", _MISSING), ("role", "role", _MISSING), ("content", "content", _MISSING))


class PromptVersion(_Model):
    _fields = (("version", "version", _MISSING), ("messages", "messages", _MISSING), ("model", "model", _MISSING),
               ("provider", "provider", _MISSING), ("temperature", "temperature", None),
               ("max_output_tokens", "maxOutputTokens", None), ("top_p", "topP", None),
               ("stop_sequences", "stopSequences", None), ("created_at", "createdAt", _MISSING))


class Prompt(_Model):
    _fields = (("id", "id", _MISSING), ("slug", "slug", _MISSING), ("name", "name", _MISSING),
               ("description", "description", None), ("current_version", "currentVersion", _MISSING),
               ("versions", "versions", list), ("created_at", "createdAt", _MISSING), ("updated_at", "updatedAt", _MISSING))


class PromptListItem(_Model):
    _fields = (("id", "id", _MISSING), ("slug", "slug", _MISSING), ("name", "name", _MISSING),
               ("description", "description", None), ("current_version", "currentVersion", _MISSING),
               ("created_at", "createdAt", _MISSING), ("updated_at", "updatedAt", _MISSING))


_PROMPT_SETTINGS = (("model", "model", None), ("provider", "provider", None), ("temperature", "temperature", None),
                    ("max_output_tokens", "maxOutputTokens", None), ("top_p", "topP", None),
                    ("stop_sequences", "stopSequences", None))


class CreatePromptOptions(_Model):
    _fields = (("name", "name", _MISSING), ("slug", "slug", None), ("description", "description", None),
               ("content", "content", _MISSING)) + _PROMPT_SETTINGS


class UpdatePromptOptions(_Model):
    _fields = (("name", "name", None), ("slug", "slug", None), ("description", "description", None),
               ("content", "content", None)) + _PROMPT_SETTINGS


class RunOptions(_Model):
    _fields = (("model", "model", None), ("version", "version", None), ("tags", "tags", None),
               ("user_id", "userId", None), ("session_id", "sessionId", None), ("trace_id", "traceId", None),
               ("parent_span_id", "parentSpanId", None), ("messages", "messages", None))


class RunResult(_Model):
    _fields = (("text", "text", None), ("span_id", "spanId", _MISSING), ("trace_id", "traceId", _MISSING),
               ("prompt_version", "promptVersion", _MISSING), ("latency_ms", "latencyMs", _MISSING),
               ("usage", "usage", _MISSING), ("cost", "cost", _MISSING), ("finish_reason", "finishReason", None),
               ("tool_calls", "toolCalls", None), ("structured_output", "structuredOutput", None),
               ("messages", "messages", None))


def _version(data: Dict[str, Any]) -> PromptVersion:
    return build(PromptVersion, data, {"messages": lambda ms: [build(PromptMessage, m) for m in ms]})


def _prompt(data: Dict[str, Any]) -> Prompt:
    return build(Prompt, data, {"versions": lambda vs: [_version(v) for v in vs]})


def _run_result(data: Dict[str, Any]) -> RunResult:
    return build(RunResult, data, {
        "usage": lambda u: build(TokenUsage, u),
        "tool_calls": lambda cs: [build(ToolCall, c) for c in cs],
        "messages": lambda ms: [message_from_json(m) for m in ms],
    })


def _dump(options: Any, cls: type) -> Dict[str, Any]:
    return validate(cls, options).model_dump(by_alias=True, exclude_none=True, mode="json")


def _run_body(variables: Optional[Dict[str, str]], options: Optional[RunOptions]) -> Dict[str, Any]:
    body: Dict[str, Any] = {}
    if variables:
        body["variables"] = variables
    if options is not None:
        options = validate(RunOptions, options)
        for name, alias, _ in RunOptions._fields:
            value = getattr(options, name)
            if value is None:
                continue
            if name == "messages":
                value = [m.model_dump(by_alias=True, exclude_none=True, mode="json") if isinstance(m, LocalPromptMessage)
                         else m for m in value]
            body[alias] = value
    return body


class Prompts:
    """Prompt templates kept in Tracia."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def list(self) -> List[PromptListItem]:
        return [build(PromptListItem, p) for p in _rest.call(self._client, "GET", "/api/v1/prompts")["prompts"]]

    async def alist(self) -> List[PromptListItem]:
        data = await _rest.acall(self._client, "GET", "/api/v1/prompts")
        return [build(PromptListItem, p) for p in data["prompts"]]

    def get(self, slug: str) -> Prompt:
        return _prompt(_rest.call(self._client, "GET", "/api/v1/prompts/" + _rest.segment(slug)))

    async def aget(self, slug: str) -> Prompt:
        return _prompt(await _rest.acall(self._client, "GET", "/api/v1/prompts/" + _rest.segment(slug)))

    def create(self, options: CreatePromptOptions) -> Prompt:
        return _prompt(_rest.call(self._client, "POST", "/api/v1/prompts", _dump(options, CreatePromptOptions)))

    async def acreate(self, options: CreatePromptOptions) -> Prompt:
        return _prompt(await _rest.acall(self._client, "POST", "/api/v1/prompts", _dump(options, CreatePromptOptions)))

    def update(self, slug: str, options: UpdatePromptOptions) -> Prompt:
        path = "/api/v1/prompts/" + _rest.segment(slug)
        return _prompt(_rest.call(self._client, "PUT", path, _dump(options, UpdatePromptOptions)))

    async def aupdate(self, slug: str, options: UpdatePromptOptions) -> Prompt:
        path = "/api/v1/prompts/" + _rest.segment(slug)
        return _prompt(await _rest.acall(self._client, "PUT", path, _dump(options, UpdatePromptOptions)))

    def delete(self, slug: str) -> None:
        _rest.call(self._client, "DELETE", "/api/v1/prompts/" + _rest.segment(slug))

    async def adelete(self, slug: str) -> None:
        await _rest.acall(self._client, "DELETE", "/api/v1/prompts/" + _rest.segment(slug))

    def run(self, slug: str, variables: Optional[Dict[str, str]] = None, options: Optional[RunOptions] = None) -> RunResult:
        path = f"/api/v1/prompts/{_rest.segment(slug)}/run"
        return _run_result(_rest.call(self._client, "POST", path, _run_body(variables, options)))

    async def arun(self, slug: str, variables: Optional[Dict[str, str]] = None,
                   options: Optional[RunOptions] = None) -> RunResult:
        path = f"/api/v1/prompts/{_rest.segment(slug)}/run"
        return _run_result(await _rest.acall(self._client, "POST", path, _run_body(variables, options)))
