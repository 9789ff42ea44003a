"""One call in the library: the owner of a tracia_stream handle."""
from __future__ import annotations

import ctypes
import os
TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, Optional, Tuple

from . import _ffi
from ._errors import TraciaError, error_from_json


class Call:
    """Owns a stream handle; frees it once, in the process that created it."""

    __slots__ = ("_ptr", "_pid", "span_id", "trace_id", "fd", "_done_fd", "_chunk", "_length", "_out", "_result")

    def __init__(self, ptr: Any) -> None:
        self._ptr = ptr
        self._pid = os.getpid()
        self.span_id = _ffi.stream_span_id(ptr).decode()
        self.trace_id = _ffi.stream_trace_id(ptr).decode()
        self.fd = _ffi.stream_fd(ptr)
        self._done_fd = -1
        # Chunks arrive NUL-terminated, so c_char_p reads them without another foreign call.
        self._chunk = ctypes.c_char_p()
        self._length = ctypes.c_size_t()
        self._out = (ctypes.byref(self._chunk), ctypes.byref(self._length))
        self._result: Optional[dict] = None

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
        """Blocks (without the GIL) for the next chunk: (1, text), (0, None) or (code < 0, None)."""
        rc = _ffi.stream_next_fast(self._ptr, *self._out) if self._ptr else _ffi.stream_next(None, None, None)
        return (1, self._text()) if rc == 1 else (rc, None)

    def poll(self) -> Tuple[int, Optional[str]]:
        """next() without the wait: (AGAIN, None) when nothing is ready."""
        rc = _ffi.stream_poll_fast(self._ptr, *self._out) if self._ptr else _ffi.stream_poll(None, None, None)
        return (1, self._text()) if rc == 1 else (rc, None)

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

            self._result = json.loads(_ffi.take_string(_ffi.stream_result(self._ptr)))
        return self._result

    def ended(self, timeout: Optional[float] = 0) -> bool:
        """Whether the call has ended, waiting up to `timeout` seconds (None: no bound)."""
        import select

        readable, _, _ = select.select([self.done_fd], [], [], timeout)
        return bool(readable)

    def abort(self) -> None:
        if self._ptr:
            _ffi.stream_abort(self._ptr)

    def close(self) -> None:
        ptr, self._ptr = self._ptr, None
        if ptr and self._pid == os.getpid():
            _ffi.stream_free(ptr)

    def __del__(self) -> None:
        self.close()
