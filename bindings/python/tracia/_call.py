"""One call in the library: the owner of a tracia_stream handle."""
from __future__ import annotations

import ctypes

from . import _ffi
from ._errors import TraciaError, error_from_json
from ._events import TextDelta, field_bytes, from_struct
from ._owner import Owner, forked_error
from ._waiting import in_main_thread, poller, wait

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, Optional, Tuple


def _event_reader(take: Any, doc: str) -> Any:
    """A Call method that reads the next event with `take` (next_event or poll_event). Text, the
    common event, is made here without a call more; a type this binding does not know (a newer
    library) is skipped."""
    new, text_type = object.__new__, _ffi.EVENT_TEXT

    def read(self: Call) -> Tuple[int, Any]:
        while True:
            rc = take(self._ptr, self._event_out) if self._ptr else self._closed_code()
            if rc != 1:
                return rc, None
            e = self._event
            data = e.data
            if e.type == text_type and len(data) == e.length:
                event = new(TextDelta)
                event.text = data.decode("utf-8")
                return 1, event
            typed = self._typed_event()
            if typed is not None:
                return 1, typed

    read.__doc__ = doc
    return read


class Call(Owner):
    """Owns a stream handle; frees it once, in the process that created it."""

    __slots__ = ("span_id", "trace_id", "fd", "_done_fd", "_chunk", "_length", "_out", "_event", "_event_out", "_result_text",
                 "_result", "_ready_watch", "_done_watch", "_client_keep")

    def __init__(self, ptr: Any, client_keep: Any = None) -> None:
        super().__init__(ptr)
        # What the client's C side calls into (its span-error callback): the C client lives
        # until its last stream is freed, so each stream keeps it alive as long as itself.
        self._client_keep = client_keep
        self.span_id = _ffi.stream_span_id(ptr).decode()
        self.trace_id = _ffi.stream_trace_id(ptr).decode()
        self.fd = _ffi.stream_fd(ptr)
        self._done_fd = -1
        # Chunks arrive NUL-terminated, so c_char_p reads them without another foreign call.
        self._chunk = ctypes.c_char_p()
        self._length = ctypes.c_size_t()
        self._out = (ctypes.byref(self._chunk), ctypes.byref(self._length))
        self._event = _ffi.Event()
        self._event_out = ctypes.byref(self._event)
        self._result_text: Optional[str] = None
        self._result: Optional[dict] = None
        self._ready_watch: Any = None
        self._done_watch: Any = None

    def _free(self, ptr: Any) -> None:
        _ffi.stream_free(ptr)

    @property
    def done_fd(self) -> int:
        """Readable once the call has ended. Made on first use: a stream that is only iterated
        holds one descriptor fewer."""
        if self._done_fd < 0:
            fd = _ffi.stream_done_fd(self._ptr)
            if fd < 0:
                raise _ffi.last_exception()
            self._done_fd = fd
        return self._done_fd

    def next(self) -> Tuple[int, Optional[str]]:
        """Blocks (without the GIL) for the next chunk: (1, text), (0, None) or (code < 0, None).
        Only in a thread other than the main one: there no signal handler has to run."""
        rc = _ffi.stream_next_fast(self._ptr, *self._out) if self._ptr else self._closed_code()
        return (1, self._text()) if rc == 1 else (rc, None)

    def wait_ready(self) -> None:
        """Waits until poll() has something, in slices that let Ctrl-C through; a KeyboardInterrupt
        (or any exception) during the wait aborts the call before it propagates."""
        if self._ready_watch is None:
            self._ready_watch = poller(self.fd)
        self._wait(self._ready_watch, None)

    def _wait(self, watch: Any, timeout: Optional[float]) -> bool:
        if self._forked():
            raise forked_error("stream")
        try:
            return wait(watch, timeout)
        except BaseException:
            self.abort()
            raise

    def poll(self) -> Tuple[int, Optional[str]]:
        """next() without the wait: (AGAIN, None) when nothing is ready."""
        rc = _ffi.stream_poll_fast(self._ptr, *self._out) if self._ptr else self._closed_code()
        return (1, self._text()) if rc == 1 else (rc, None)

    next_event = _event_reader(_ffi.stream_next_event_fast, "next() for a stream read as events: (1, event), (0, None) or "
                                                           "(code < 0, None).")
    poll_event = _event_reader(_ffi.stream_poll_event_fast, "next_event() without the wait: (AGAIN, None) when nothing is "
                                                           "ready.")

    def _typed_event(self) -> Any:
        e = self._event
        data = e.data or b""
        if len(data) != e.length:  # a NUL inside: read it by its length
            data = field_bytes(e, "data", e.length)
        return from_struct(e, data.decode("utf-8"))

    def _closed_code(self) -> int:
        """next() once the handle is gone: the end the kept result records, else the library's
        answer for a missing handle (MISUSE)."""
        if self._forked():
            raise forked_error("stream")
        if not self._has_result():
            return _ffi.stream_next(None, None, None)
        return -1 if self.result_json().get("error") else 0

    def _text(self) -> str:
        data = self._chunk.value or b""
        if len(data) != self._length.value:  # a NUL inside the chunk: read it by its length
            data = ctypes.string_at(ctypes.cast(self._chunk, ctypes.c_void_p).value or 0, self._length.value)
        return data.decode("utf-8")

    def error(self) -> TraciaError:
        """The failure of the call, from its result."""
        error = self.result_json().get("error")
        return error_from_json(error) if error else _ffi.last_exception()

    def result_json(self) -> dict:
        """The result; blocks until the call ends (without the GIL)."""
        if self._result is None:
            import json

            self._result = json.loads(self._fetch_result())
            self._result_text = None
        return self._result

    def _fetch_result(self) -> str:
        # Kept as text until asked for: parsing needs the json module, which only a reader of
        # the result should pay for.
        if self._result_text is None:
            if self._forked():
                raise forked_error("stream")
            if self._ptr and in_main_thread():
                self.ended(None)  # waits where Ctrl-C gets through, rather than in the library
            self._result_text = _ffi.take_string(_ffi.stream_result(self._ptr))
        return self._result_text

    def _has_result(self) -> bool:
        return self._result is not None or self._result_text is not None

    def ended(self, timeout: Optional[float] = 0) -> bool:
        """Whether the call has ended, waiting up to `timeout` seconds (None: no bound)."""
        if self._has_result():
            return True
        if self._forked():
            raise forked_error("stream")
        if self._done_watch is None:
            self._done_watch = poller(self.done_fd)
        return self._wait(self._done_watch, timeout)

    def abort(self) -> None:
        if self._ptr:
            _ffi.stream_abort(self._ptr)

    def finish(self) -> bool:
        """Ends the call: aborts it if it still runs and keeps its result (the text so far),
        so the result outlives the handle. Returns as soon as the aborted call has ended, with
        whether the result is kept (not in a forked child, which must not wait on the call)."""
        if self._owned():
            _ffi.stream_abort(self._ptr)
            if not self._has_result():
                self._fetch_result()
        return self._has_result()
