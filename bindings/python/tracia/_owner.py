"""The owner of one library handle: freed once, and only by the process that made it."""
from __future__ import annotations

import _thread
import os
from _weakrefset import WeakSet  # what weakref.WeakSet is, without importing weakref's extras

from ._errors import TraciaError, TraciaErrorCode

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, TypeVar

    _Self = TypeVar("_Self", bound="Owner")

# Every live owner, so that a forked child can forget all their handles at once: a use of one
# then finds no handle on the path it already checks, and costs a chunk nothing extra.
_live: WeakSet[Owner] = WeakSet()

# Set on the library's engine thread while it runs a span-error callback. A free from there (an
# owner collected by a garbage collection the callback's allocations started, or a handler that
# closes its client) would wait on the engine thread from itself: it is handed to a new thread.
in_engine_callback = _thread._local()


class Owner:
    """Holds a handle in `_ptr` and frees it with `_free` on close(), on leaving a `with`
    block, or when collected. A forked child inherits the pointer but not the library's
    threads: there the handle is forgotten, never freed, and a use of it raises
    `forked_error()` rather than waiting for threads that do not exist."""

    __slots__ = ("_ptr", "_pid", "__weakref__")

    def __init__(self, ptr: Any) -> None:
        self._ptr = ptr
        self._pid = os.getpid()
        _live.add(self)

    def _free(self, ptr: Any) -> None:
        raise NotImplementedError

    def _owned(self) -> bool:
        """Whether the handle is still held, by the process that made it."""
        return bool(self._ptr) and self._pid == os.getpid()

    def _forked(self) -> bool:
        return self._pid != os.getpid()

    def close(self) -> None:
        """Frees the handle. Idempotent."""
        owned = self._owned()
        # Cleared before the free, so a second close (from __del__, or reentrant) is a no-op.
        ptr, self._ptr = self._ptr, None
        if owned:
            self._release(ptr)

    def _release(self, ptr: Any) -> None:
        if getattr(in_engine_callback, "active", False):
            _thread.start_new_thread(self._free, (ptr,))
        else:
            self._free(ptr)

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - at interpreter shutdown the modules may be gone
            pass


def forked_error(kind: str = "client") -> TraciaError:
    return TraciaError(TraciaErrorCode.INVALID_REQUEST,
                       f"this Tracia {kind} was created in another process (before os.fork()); "
                       f"create a new client in this process")


def _forget_all() -> None:
    for owner in list(_live):
        owner._ptr = None
    _live.clear()


os.register_at_fork(after_in_child=_forget_all)
