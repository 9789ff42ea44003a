"""Sessions: calls linked by one trace id, each the child of the previous one."""
from __future__ import annotations

import os

from ._streaming import AsyncLocalStream, LocalStream
TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers

if TYPE_CHECKING:
    from typing import Any, Optional
    from ._client import Tracia


class TraciaSession:
    def __init__(self, tracia: "Tracia", initial_trace_id: Optional[str] = None,
                 initial_parent_span_id: Optional[str] = None) -> None:
        self._tracia = tracia
        self._trace_id = initial_trace_id
        self._last_span_id = initial_parent_span_id

    @property
    def trace_id(self) -> Optional[str]:
        return self._trace_id

    @property
    def last_span_id(self) -> Optional[str]:
        return self._last_span_id

    def reset(self) -> None:
        self._trace_id = None
        self._last_span_id = None

    def _link(self, kwargs: dict) -> None:
        if self._trace_id is None:
            self._trace_id = "tr_" + os.urandom(8).hex()
        kwargs["trace_id"] = self._trace_id
        if self._last_span_id is not None:
            kwargs["parent_span_id"] = self._last_span_id

    def _update(self, trace_id: str, span_id: str) -> None:
        if self._trace_id is None:
            self._trace_id = trace_id
        self._last_span_id = span_id

    def _follow(self, future: Any) -> None:
        def on_done(f: Any) -> None:
            if not f.cancelled() and f.exception() is None:
                result = f.result()
                self._update(result.trace_id, result.span_id)

        future.add_done_callback(on_done)

    def run_local(self, *, messages: list, model: str, stream: bool = False, **kwargs: Any) -> Any:
        self._link(kwargs)
        result = self._tracia.run_local(messages=messages, model=model, stream=stream, **kwargs)
        if isinstance(result, LocalStream):
            self._follow(result.result)
        else:
            self._update(result.trace_id, result.span_id)
        return result

    async def arun_local(self, *, messages: list, model: str, stream: bool = False, **kwargs: Any) -> Any:
        self._link(kwargs)
        result = await self._tracia.arun_local(messages=messages, model=model, stream=stream, **kwargs)
        if isinstance(result, AsyncLocalStream):
            self._follow(result.result)
        else:
            self._update(result.trace_id, result.span_id)
        return result
