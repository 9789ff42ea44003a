"""client.spans: the Tracia spans API (create, get, list, evaluate), sync and async, with the
official SDK's models and method names."""
from __future__ import annotations

from . import _rest
from ._api_types import CreateSpanPayload, CreateSpanResult, EvaluateOptions, EvaluateResult, ListSpansOptions, ListSpansResult, Span, SpanListItem
from ._api_models import build, validate
from ._types import _MISSING

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, Dict, Optional

_COUNTS = (("latency_ms", "latencyMs", _MISSING), ("input_tokens", "inputTokens", _MISSING),
           ("output_tokens", "outputTokens", _MISSING), ("total_tokens", "totalTokens", _MISSING))


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
