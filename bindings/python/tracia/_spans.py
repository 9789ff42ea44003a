"""client.spans: the Tracia spans API (create, get, list, evaluate), sync and async, with the
official SDK's models and method names."""
from __future__ import annotations

from . import _rest
from ._api_models import build, validate
from ._types import _MISSING, _Model

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, Dict, Optional, Union

_COUNTS = (("latency_ms", "latencyMs", _MISSING), ("input_tokens", "inputTokens", _MISSING),
           ("output_tokens", "outputTokens", _MISSING), ("total_tokens", "totalTokens", _MISSING))


class CreateSpanPayload(_Model):
    _fields = (("span_id", "spanId", _MISSING), ("model", "model", _MISSING), ("provider", "provider", _MISSING),
               ("input", "input", _MISSING), ("variables", "variables", None), ("output", "output", None),
               ("status", "status", _MISSING), ("error", "error", None)) + _COUNTS + (
               ("tags", "tags", None), ("user_id", "userId", None), ("session_id", "sessionId", None),
               ("temperature", "temperature", None), ("max_output_tokens", "maxOutputTokens", None),
               ("top_p", "topP", None), ("tools", "tools", None), ("tool_calls", "toolCalls", None),
               ("trace_id", "traceId", None), ("parent_span_id", "parentSpanId", None), ("span_kind", "spanKind", None))


class CreateSpanResult(_Model):
    _fields = (("id", "id", _MISSING), ("span_id", "spanId", _MISSING), ("trace_id", "traceId", _MISSING))


class SpanListItem(_Model):
    _fields = (("id", "id", _MISSING), ("span_id", "spanId", _MISSING), ("trace_id", "traceId", None),
               ("prompt_slug", "promptSlug", None), ("model", "model", _MISSING), ("status", "status", _MISSING)
               ) + _COUNTS + (("cost", "cost", None), ("created_at", "createdAt", _MISSING))


class Span(_Model):
    _fields = (("id", "id", _MISSING), ("span_id", "spanId", _MISSING), ("trace_id", "traceId", None),
               ("parent_span_id", "parentSpanId", None), ("prompt_slug", "promptSlug", None),
               ("prompt_version", "promptVersion", None), ("model", "model", _MISSING), ("provider", "provider", _MISSING),
               ("input", "input", _MISSING), ("variables", "variables", None), ("output", "output", None),
               ("status", "status", _MISSING), ("error", "error", None)) + _COUNTS + (
               ("cost", "cost", None), ("tags", "tags", list), ("user_id", "userId", None),
               ("session_id", "sessionId", None), ("created_at", "createdAt", _MISSING))


class ListSpansOptions(_Model):
    _fields = (("prompt_slug", "promptSlug", None), ("status", "status", None), ("start_date", "startDate", None),
               ("end_date", "endDate", None), ("user_id", "userId", None), ("session_id", "sessionId", None),
               ("tags", "tags", None), ("limit", "limit", None), ("cursor", "cursor", None))


class ListSpansResult(_Model):
    _fields = (("spans", "spans", _MISSING), ("cursor", "cursor", None), ("has_more", "hasMore", False))


class EvaluateOptions(_Model):
    _fields = (("evaluator", "evaluator", _MISSING), ("value", "value", _MISSING), ("note", "note", None))
    evaluator: str
    value: Union[int, float]
    note: Optional[str]


class EvaluateResult(_Model):
    _fields = (("id", "id", _MISSING), ("evaluator_key", "evaluatorKey", _MISSING),
               ("evaluator_name", "evaluatorName", _MISSING), ("value", "value", _MISSING), ("source", "source", _MISSING),
               ("note", "note", None), ("created_at", "createdAt", _MISSING))


def _list_query(options: Optional[ListSpansOptions]) -> Optional[Dict[str, Any]]:
    if options is None:
        return None
    o = validate(ListSpansOptions, options)
    query: Dict[str, Any] = {}
    for name, alias, _ in ListSpansOptions._fields:
        value = getattr(o, name)
        if value is None or (name == "tags" and not value):
            continue
        if name in ("start_date", "end_date"):
            value = value.isoformat()
        elif name == "tags":
            value = ",".join(value)
        query[alias] = value
    return query or None


def _list_result(data: Dict[str, Any]) -> ListSpansResult:
    return build(ListSpansResult, data, {"spans": lambda ss: [build(SpanListItem, s) for s in ss]})


def _evaluation(options: EvaluateOptions) -> Dict[str, Any]:
    o = validate(EvaluateOptions, options)
    body: Dict[str, Any] = {"evaluatorKey": o.evaluator, "value": o.value}
    if o.note is not None:
        body["note"] = o.note
    return body


class Spans:
    """Spans kept in Tracia, and their evaluations."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def create(self, payload: CreateSpanPayload) -> CreateSpanResult:
        body = validate(CreateSpanPayload, payload).model_dump(by_alias=True, exclude_none=True, mode="json")
        return build(CreateSpanResult, _rest.call(self._client, "POST", "/api/v1/spans", body))

    async def acreate(self, payload: CreateSpanPayload) -> CreateSpanResult:
        body = validate(CreateSpanPayload, payload).model_dump(by_alias=True, exclude_none=True, mode="json")
        return build(CreateSpanResult, await _rest.acall(self._client, "POST", "/api/v1/spans", body))

    def get(self, span_id: str) -> Span:
        return build(Span, _rest.call(self._client, "GET", "/api/v1/spans/" + _rest.segment(span_id)))

    async def aget(self, span_id: str) -> Span:
        return build(Span, await _rest.acall(self._client, "GET", "/api/v1/spans/" + _rest.segment(span_id)))

    def list(self, options: Optional[ListSpansOptions] = None) -> ListSpansResult:
        return _list_result(_rest.call(self._client, "GET", "/api/v1/spans", query=_list_query(options)))

    async def alist(self, options: Optional[ListSpansOptions] = None) -> ListSpansResult:
        return _list_result(await _rest.acall(self._client, "GET", "/api/v1/spans", query=_list_query(options)))

    def evaluate(self, span_id: str, options: EvaluateOptions) -> EvaluateResult:
        path = f"/api/v1/spans/{_rest.segment(span_id)}/evaluations"
        return build(EvaluateResult, _rest.call(self._client, "POST", path, _evaluation(options)))

    async def aevaluate(self, span_id: str, options: EvaluateOptions) -> EvaluateResult:
        path = f"/api/v1/spans/{_rest.segment(span_id)}/evaluations"
        return build(EvaluateResult, await _rest.acall(self._client, "POST", path, _evaluation(options)))
