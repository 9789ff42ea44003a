"""Requests that are not streams (Tracia API calls, embeddings): started in the library, waited
for with a blocking result call (sync) or on the request's descriptor (async)."""
from __future__ import annotations

from . import _ffi
from ._encode import dumps
from ._owner import Owner
from ._waiting import wait_readable

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, Optional


class Request(Owner):
    """One tracia_request; freed (and aborted if unfinished) on close."""

    __slots__ = ()

    def _free(self, ptr: Any) -> None:
        _ffi.request_free(ptr)

    def result(self) -> Any:
        """Waits for the end; the result JSON as Python values, or raises its TraciaError."""
        import json

        return json.loads(_ffi.take_string(_ffi.request_result(self._ptr)))

    async def aresult(self) -> Any:
        import asyncio

        try:
            await wait_readable(asyncio.get_running_loop(), _ffi.request_fd(self._ptr))
        except BaseException:
            _ffi.request_abort(self._ptr)
            raise
        return self.result()


def start(client: Any, start_fn: Callable[[Any, bytes], Any], request: Dict[str, Any]) -> Request:
    ptr = client._use()
    try:
        handle = start_fn(ptr, dumps(request).encode())
    finally:
        client._done()
    if not handle:
        raise _ffi.last_exception()
    return Request(handle)


def call(client: Any, method: str, path: str, body: Any = None, query: Optional[Dict[str, Any]] = None) -> Any:
    """A Tracia API call; the response's JSON body (None for 204)."""
    with start(client, _ffi.api_request, _api_request(method, path, body, query)) as request:
        return request.result()["body"]


async def acall(client: Any, method: str, path: str, body: Any = None, query: Optional[Dict[str, Any]] = None) -> Any:
    with start(client, _ffi.api_request, _api_request(method, path, body, query)) as request:
        return (await request.aresult())["body"]


def _api_request(method: str, path: str, body: Any, query: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    request: Dict[str, Any] = {"method": method, "path": path}
    if body is not None:
        request["body"] = body
    if query:
        request["query"] = query
    return request


def segment(value: str) -> str:
    """A path segment, percent-encoded as the official SDK does (quote with safe='')."""
    from urllib.parse import quote

    return quote(value, safe="")


def parse_time(value: Any) -> Any:
    """An ISO 8601 time from the API as a datetime, as the SDK's models give it."""
    if not isinstance(value, str):
        return value
    from datetime import datetime

    return datetime.fromisoformat(value.replace("Z", "+00:00"))
