"""Sessions: calls linked by one trace id, each the child of the previous one."""
from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, Optional, Protocol

    class _Runner(Protocol):
        """What a session needs of its client (the Tracia client, which imports this module)."""

        def run_local(self, *, messages: list, model: str, stream: bool = ..., **kwargs: Any) -> Any: ...

        async def arun_local(self, *, messages: list, model: str, stream: bool = ..., **kwargs: Any) -> Any: ...


class TraciaSession:
    def __init__(self, tracia: _Runner, initial_trace_id: Optional[str] = None,
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

    def _follow(self, call: Any) -> Any:
        """Makes the call the parent of the next one. A result and a stream both carry their
        ids, a stream from its start, so the next call can be made before this one ends."""
        if self._trace_id is None:
            self._trace_id = call.trace_id
        self._last_span_id = call.span_id
        return call

    def run_local(self, *, messages: list, model: str, stream: bool = False, **kwargs: Any) -> Any:
        self._link(kwargs)
        return self._follow(self._tracia.run_local(messages=messages, model=model, stream=stream, **kwargs))

    async def arun_local(self, *, messages: list, model: str, stream: bool = False, **kwargs: Any) -> Any:
        self._link(kwargs)
        return self._follow(await self._tracia.arun_local(messages=messages, model=model, stream=stream, **kwargs))

    def run_embedding(self, *, input: Any, model: str, **kwargs: Any) -> Any:
        self._link(kwargs)
        tracia: Any = self._tracia  # the client, whose keywords are checked there
        return self._follow(tracia.run_embedding(input=input, model=model, **kwargs))

    async def arun_embedding(self, *, input: Any, model: str, **kwargs: Any) -> Any:
        self._link(kwargs)
        tracia: Any = self._tracia
        return self._follow(await tracia.arun_embedding(input=input, model=model, **kwargs))
