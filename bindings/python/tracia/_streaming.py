"""LocalStream and AsyncLocalStream: chunks (or typed events) as they arrive, abort, and the result."""
from __future__ import annotations

from . import _ffi
from ._call import Call
from ._types import StreamResult, result_from_json
from ._waiting import in_main_thread, wait_readable

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    import asyncio
    from concurrent.futures import Future
    from typing import Any, AsyncIterator, Callable, Iterator, Optional, Tuple, TypeVar

    from ._events import StreamEvent

    _S = TypeVar("_S", bound="_Stream")
    _T = TypeVar("_T")
    _Take = Callable[[], Tuple[int, Any]]


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


class _Stream:
    """What both streams share: their call, its ids, abort, and close."""

    def __init__(self, call: Call) -> None:
        self._call = call
        self._consumed = False

    @property
    def span_id(self) -> str:
        return self._call.span_id

    @property
    def trace_id(self) -> str:
        return self._call.trace_id

    def _consume(self) -> None:
        if self._consumed:
            raise RuntimeError("Stream already consumed")
        self._consumed = True

    def abort(self) -> None:
        """Stops the call from any thread; iteration ends and the result keeps the text so far."""
        self._call.abort()

    def close(self) -> None:
        """Aborts the call if it is still running and frees it; `result` still resolves (the
        text so far, aborted). Idempotent; iteration after it ends at once."""
        if self._call.finish():
            self._settle_now()
        self._release()

    def _settle_now(self) -> None:
        """Resolves a result already handed out, now that the call has ended."""

    def _release(self) -> None:
        self._call.close()

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class LocalStream(_Stream):
    """Synchronous stream of a run_local(stream=True) call."""

    def __init__(self, call: Call) -> None:
        super().__init__(call)
        # Made on first use: concurrent.futures costs the first call several ms to import.
        self._result_future: Optional[Future[StreamResult]] = None

    @property
    def result(self) -> Future[StreamResult]:
        """Resolves to the StreamResult once the call has ended (aborted, failed or not)."""
        if self._result_future is None:
            self._result_future = result_future(self._call)
        return self._result_future

    def __iter__(self) -> Iterator[str]:
        self._consume()
        return self._read(self._call.poll, self._call.next)

    def events(self) -> Iterator[StreamEvent]:
        """The reply as typed events, in the order the provider sent them: TextDelta,
        ReasoningDelta, ToolCallStart, ToolCallDelta and ToolCallEnd. A stream is read once:
        either iterated (text) or through events()."""
        self._consume()
        return self._read(self._call.poll_event, self._call.next_event)

    def _read(self, poll: _Take, next: _Take) -> Iterator[Any]:
        call = self._call
        # The main thread never blocks in the library, where Ctrl-C would wait for the next
        # chunk: it takes what is ready and waits on the descriptor between.
        take = poll if in_main_thread() else next
        while True:
            rc, item = take()
            if rc == 1:
                yield item
                continue
            if rc == _ffi.AGAIN:
                call.wait_ready()
                continue
            self._settle_now()
            if rc < 0:
                raise call.error()
            return

    def _settle_now(self) -> None:
        if self._result_future is not None:
            settle(self._result_future, self._call)


class AsyncLocalStream(_Stream):
    """Asynchronous stream of an arun_local(stream=True) call. It waits on the stream's
    readiness descriptor with the event loop; no thread is used."""

    def __init__(self, call: Call, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(call)
        self._loop = loop
        self._result_future: asyncio.Future[StreamResult] = loop.create_future()
        self._end_watch: Optional[asyncio.Task[None]] = None
        # Waits under way on the call's descriptors: while one is, the handle (and with it the
        # descriptor the loop watches) is freed by the wait's end rather than by close().
        self._waits = 0
        self._closed = False

    @property
    def result(self) -> asyncio.Future[StreamResult]:
        # Iteration settles the result at the end; only a result awaited apart from iteration
        # needs the end descriptor watched.
        if not self._result_future.done() and self._end_watch is None:
            self._end_watch = self._loop.create_task(self._settle_at_end(self._call.done_fd))
        return self._result_future

    async def _settle_at_end(self, done_fd: int) -> None:
        await self._wait(done_fd)
        self._settle_now()

    async def _wait(self, fd: int) -> None:
        if self._closed:
            return  # the call has ended, and its descriptor numbers may already be another file's
        self._waits += 1
        try:
            await wait_readable(self._loop, fd)
        finally:
            self._waits -= 1
            if self._closed:
                self._release()

    def __aiter__(self) -> AsyncIterator[str]:
        self._consume()
        return self._read(self._call.poll)

    def events(self) -> AsyncIterator[StreamEvent]:
        """The reply as typed events, for `async for` (see LocalStream.events)."""
        self._consume()
        return self._read(self._call.poll_event)

    async def _read(self, poll: _Take) -> AsyncIterator[Any]:
        call = self._call
        while True:
            rc, item = poll()
            if rc == _ffi.AGAIN:
                try:
                    await self._wait(call.fd)
                except BaseException:
                    # The consumer is gone (task cancelled): stop the call rather than pay for it.
                    call.abort()
                    raise
                continue
            if rc == 1:
                yield item
                continue
            if rc < 0:
                error = call.error()
                self._settle_now()
                if self._result_future.done():
                    self._result_future.exception()  # the caller sees the error here
                raise error
            self._settle_now()
            return

    def _settle_now(self) -> None:
        if not self._result_future.done():
            settle(self._result_future, self._call)

    def _release(self) -> None:
        self._closed = True
        if not self._waits:
            self._call.close()

    async def __aenter__(self) -> AsyncLocalStream:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()
