"""LocalStream and AsyncLocalStream: chunks as they arrive, abort, and the result."""
from __future__ import annotations

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers

from . import _ffi
from ._call import Call
from ._types import StreamResult, result_from_json

if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Iterator, Optional
    import asyncio
    from concurrent.futures import Future


def settle(future: Any, call: Call) -> None:
    """Resolves a future from the ended call, once."""
    if isinstance(future, _future_class or ()):
        future._settle()
    elif not future.done():
        resolve(future, call)


def resolve(future: Any, call: Call) -> None:
    """Sets the result of the ended call on a future, or the call's TraciaError."""
    result = call.result_json()
    error = result.get("error")
    if error:
        future.set_exception(call.error())
    else:
        future.set_result(result_from_json(result, stream=True))


_future_class: Any = None


def result_future(call: Call) -> "Future[StreamResult]":
    """A concurrent.futures.Future that resolves itself from the call when asked, so a stream
    that is left early still yields its result, without a thread per stream."""
    global _future_class
    if _future_class is None:
        from concurrent.futures import Future, TimeoutError

        class CallFuture(Future):  # type: ignore[type-arg]
            def __init__(self, call: Call) -> None:
                super().__init__()
                self._call = call

            def _settle(self) -> None:
                if not Future.done(self):
                    resolve(self, self._call)

            def _settle_if_ended(self, timeout: Optional[float]) -> None:
                if not Future.done(self) and self._call.ended(timeout):
                    self._settle()

            def done(self) -> bool:
                self._settle_if_ended(0)
                return super().done()

            def result(self, timeout: Optional[float] = None) -> Any:
                self._settle_if_ended(timeout)
                if not Future.done(self):
                    raise TimeoutError()
                return super().result(0)

            def exception(self, timeout: Optional[float] = None) -> Any:
                self._settle_if_ended(timeout)
                if not Future.done(self):
                    raise TimeoutError()
                return super().exception(0)

        _future_class = CallFuture
    return _future_class(call)


class LocalStream:
    """Synchronous stream of a run_local(stream=True) call."""

    def __init__(self, call: Call) -> None:
        self._call = call
        # Made on first use: concurrent.futures costs the first call several ms to import.
        self._result_future: "Optional[Future[StreamResult]]" = None
        self._consumed = False

    @property
    def span_id(self) -> str:
        return self._call.span_id

    @property
    def trace_id(self) -> str:
        return self._call.trace_id

    @property
    def result(self) -> "Future[StreamResult]":
        """Resolves to the StreamResult once the call has ended (aborted, failed or not)."""
        if self._result_future is None:
            self._result_future = result_future(self._call)
        return self._result_future

    def __iter__(self) -> Iterator[str]:
        if self._consumed:
            raise RuntimeError("Stream already consumed")
        self._consumed = True
        return self._chunks()

    def _chunks(self) -> Iterator[str]:
        call = self._call
        while True:
            rc, text = call.next()
            if rc == 1:
                yield text  # type: ignore[misc]
                continue
            if self._result_future is not None:
                settle(self._result_future, call)
            if rc < 0:
                raise call.error()
            return

    def abort(self) -> None:
        """Stops the call from any thread; iteration ends and the result keeps the text so far."""
        self._call.abort()


class AsyncLocalStream:
    """Asynchronous stream of an arun_local(stream=True) call. It waits on the stream's
    readiness descriptor with the event loop; no thread is used."""

    def __init__(self, call: Call, loop: "asyncio.AbstractEventLoop") -> None:
        self._call = call
        self._loop = loop
        self._result_future: "asyncio.Future[StreamResult]" = loop.create_future()
        self._consumed = False
        self._watching_end = False

    def _on_done(self) -> None:
        self._stop_watching()
        settle(self._result_future, self._call)

    def _stop_watching(self) -> None:
        if self._watching_end:
            self._watching_end = False
            self._loop.remove_reader(self._call.done_fd)

    @property
    def span_id(self) -> str:
        return self._call.span_id

    @property
    def trace_id(self) -> str:
        return self._call.trace_id

    @property
    def result(self) -> "asyncio.Future[StreamResult]":
        # Iteration settles the result at the end; only a result awaited apart from iteration
        # needs the end descriptor watched.
        if not self._result_future.done() and not self._watching_end:
            self._watching_end = True
            self._loop.add_reader(self._call.done_fd, self._on_done)
        return self._result_future

    def __aiter__(self) -> AsyncIterator[str]:
        if self._consumed:
            raise RuntimeError("Stream already consumed")
        self._consumed = True
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[str]:
        call = self._call
        while True:
            rc, text = call.poll()
            if rc == _ffi.AGAIN:
                try:
                    await self._readable()
                except BaseException:
                    # The consumer is gone (task cancelled): stop the call rather than pay for it.
                    call.abort()
                    raise
                continue
            if rc == 1:
                yield text  # type: ignore[misc]
                continue
            if rc < 0:
                error = call.error()
                self._on_done_now()
                if self._result_future.done():
                    self._result_future.exception()  # the caller sees the error here
                raise error
            self._on_done_now()
            return

    def _on_done_now(self) -> None:
        self._stop_watching()
        if not self._result_future.done():
            settle(self._result_future, self._call)

    async def _readable(self) -> None:
        waiter = self._loop.create_future()
        fd = self._call.fd

        def wake() -> None:
            if not waiter.done():
                waiter.set_result(None)

        self._loop.add_reader(fd, wake)
        try:
            await waiter
        finally:
            self._loop.remove_reader(fd)

    def abort(self) -> None:
        self._call.abort()
