"""client.prompts: the Tracia prompts API (list, get, create, update, delete, run), sync and
async, with the official SDK's models and method names."""
from __future__ import annotations

from . import _rest
from ._api_types import CreatePromptOptions, Prompt, PromptListItem, PromptMessage, PromptVersion, RunOptions, RunResult, UpdatePromptOptions
from ._api_models import build, validate
from ._types import LocalPromptMessage, TokenUsage, ToolCall, message_from_json

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional


_PROMPT_SETTINGS = (("model", "model", None), ("provider", "provider", None), ("temperature", "temperature", None),
                    ("max_output_tokens", "maxOutputTokens", None), ("top_p", "topP", None),
                    ("stop_sequences", "stopSequences", None))


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
