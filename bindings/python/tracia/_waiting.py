"""Waiting for a library descriptor: with the asyncio event loop, without a thread, or in a
thread with poll(2) (never select(), which fails for descriptors above 1023) in slices short
enough that Ctrl-C reaches the main thread at once."""
from __future__ import annotations

import _thread
import time

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    import asyncio
    import select
    from typing import Optional

# A signal the kernel gives another thread (the library's engine thread, say) runs its Python
# handler only when the main thread next runs Python code: a wait in the main thread returns to
# Python this often, so KeyboardInterrupt arrives within one slice.
SLICE_MS = 50

_main_ident: Optional[int] = None


def poller(fd: int) -> select.poll:
    """A poll object watching `fd` for reading."""
    import select

    watch = select.poll()
    watch.register(fd, select.POLLIN)
    return watch


def in_main_thread() -> bool:
    global _main_ident
    if _main_ident is None:
        import threading

        _main_ident = threading.main_thread().ident
    return _thread.get_ident() == _main_ident


def wait(watch: select.poll, timeout: Optional[float] = None) -> bool:
    """Whether the watched descriptor became readable within `timeout` seconds (None: no
    bound). Signal handlers run during the wait, so it may raise KeyboardInterrupt."""
    if timeout is not None and timeout <= 0:
        return bool(watch.poll(0))
    if not in_main_thread():  # no Python signal handler runs in this thread: wait in one go
        return bool(watch.poll(None if timeout is None else max(1, int(timeout * 1000))))
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        slice_ms = SLICE_MS
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                return bool(watch.poll(0))
            slice_ms = max(1, min(SLICE_MS, int(left * 1000)))
        if watch.poll(slice_ms):
            return True


async def wait_readable(loop: asyncio.AbstractEventLoop, fd: int) -> None:
    """Returns once `fd` is readable. The reader is removed however the wait ends, cancelled
    included: a reader left behind would fire for whatever descriptor reuses the number."""
    waiter = loop.create_future()
    loop.add_reader(fd, _wake, waiter)
    try:
        await waiter
    finally:
        loop.remove_reader(fd)


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
