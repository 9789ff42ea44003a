"""Waiting for a library descriptor with the asyncio event loop, without a thread."""
from __future__ import annotations

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    import asyncio


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
