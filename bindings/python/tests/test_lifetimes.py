"""Who frees what, and when: streams as context managers, close() that aborts and frees once,
readers removed from the event loop however a wait ends, session ids linked at the start, and
handles left alone by a forked child."""
import asyncio
import gc
import json
import os
import select
import time

import pytest

from tracia import Tracia, _ffi
from tracia._waiting import wait_readable


@pytest.fixture
def frees(monkeypatch):
    """Counts the library's frees, each still done for real."""
    counted = {"stream": 0, "client": 0}

    def counting(kind, free):
        def wrapper(ptr):
            counted[kind] += 1
            free(ptr)

        return wrapper

    monkeypatch.setattr(_ffi, "stream_free", counting("stream", _ffi.stream_free))
    monkeypatch.setattr(_ffi, "client_free", counting("client", _ffi.client_free))
    return counted


def closed_paths(server, token):
    return [c for c in server.closed if token in c["path"]]


def wait_until(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_stream_as_context_manager_reads_to_the_end_and_frees(frees):
    client = Tracia()
    with client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "inside a with block"}],
                          stream=True) as stream:
        assert "".join(stream) == "inside a with block"
        assert frees["stream"] == 0
    assert frees["stream"] == 1
    result = stream.result.result(timeout=5)
    assert result.text == "inside a with block" and not result.aborted and result.span_id == stream.span_id
    client.close()


def test_close_aborts_an_unfinished_stream_and_frees_it(openai_server, frees):
    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "slow"}], stream=True,
                              base_url=openai_server.url + "/s/slow/close-sync/v1")
    chunks = iter(stream)
    received = next(chunks) + next(chunks)
    start = time.monotonic()
    stream.close()
    assert time.monotonic() - start < 0.5  # the slow stream would run for 30 s
    assert frees["stream"] == 1
    assert list(chunks) == []  # iteration after close ends at once
    result = stream.result.result(timeout=0)  # kept by close: no wait, no handle needed
    assert result.aborted and result.text.startswith(received)
    assert wait_until(lambda: closed_paths(openai_server, "close-sync")), "the connection stayed open"
    client.close()


def test_close_is_idempotent_and_keeps_the_result(frees):
    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "closed twice"}], stream=True)
    future = stream.result
    assert list(stream) == ["closed ", "twice"]
    stream.close()
    stream.close()
    assert frees["stream"] == 1
    assert future.result(timeout=0).text == "closed twice" and not future.result().aborted
    client.close()
    client.close()
    assert frees["client"] == 1


def test_closed_before_reading_yields_nothing_and_the_result_is_aborted(frees):
    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "never read"}], stream=True)
    span_id = stream.span_id
    stream.close()
    assert list(stream) == []
    result = stream.result.result(timeout=0)
    assert result.span_id == span_id and frees["stream"] == 1
    client.close()


def test_async_stream_as_context_manager_and_no_reader_left(openai_server, frees):
    async def main():
        client = Tracia()
        loop = asyncio.get_running_loop()
        async with await client.arun_local(model="gpt-4o", messages=[{"role": "user", "content": "slow"}], stream=True,
                                           base_url=openai_server.url + "/s/slow/close-async/v1") as stream:
            fd = stream._call.fd
            done_fd = stream._call.done_fd
            result = stream.result  # awaited apart from iteration: the end descriptor is watched
            await asyncio.sleep(0)  # the watch is under way
            async for chunk in stream:
                break
        final = await asyncio.wait_for(result, 5)  # settled by close
        assert final.aborted and final.text.startswith(chunk)
        # The watch held the handle past close, so the loop never watched a freed descriptor.
        assert frees["stream"] == 0
        for _ in range(500):
            if frees["stream"]:
                break
            await asyncio.sleep(0.01)
        assert frees["stream"] == 1
        # Nothing is left on the loop for descriptors whose numbers the next streams reuse.
        assert not loop.remove_reader(fd) and not loop.remove_reader(done_fd)
        await client.aclose()

    asyncio.run(main())
    assert wait_until(lambda: closed_paths(openai_server, "close-async")), "the connection stayed open"


def test_async_close_from_another_task_ends_the_iteration(openai_server, frees):
    async def main():
        client = Tracia()
        stream = await client.arun_local(model="gpt-4o", messages=[{"role": "user", "content": "slow"}], stream=True,
                                         base_url=openai_server.url + "/s/slow/close-task/v1")
        first = asyncio.Event()

        async def read():
            count = 0
            async for _ in stream:
                count += 1
                first.set()
            return count

        reader = asyncio.create_task(read())
        await first.wait()
        stream.close()  # the reader is waiting on the stream's descriptor: the free waits for it
        count = await asyncio.wait_for(reader, 5)
        assert count >= 1 and frees["stream"] == 1
        assert (await asyncio.wait_for(stream.result, 5)).aborted
        await client.aclose()

    asyncio.run(main())


def test_wait_readable_removes_its_reader_when_cancelled(monkeypatch):
    def no_select(*args):
        raise AssertionError("wait_readable must wait with the event loop, not select()")

    monkeypatch.setattr(select, "select", no_select)

    async def main():
        loop = asyncio.get_running_loop()
        r, w = os.pipe()
        try:
            waiting = asyncio.create_task(wait_readable(loop, r))
            await asyncio.sleep(0)
            assert loop._selector.get_key(r) is not None  # registered while it waits
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            assert not loop.remove_reader(r)

            done = asyncio.create_task(wait_readable(loop, r))
            await asyncio.sleep(0)
            os.write(w, b"x")
            await asyncio.wait_for(done, 5)
            assert not loop.remove_reader(r)
        finally:
            os.close(r)
            os.close(w)

    asyncio.run(main())


def test_non_streaming_arun_local_cancelled_aborts_and_leaves_no_reader(openai_server, frees):
    async def main():
        client = Tracia()
        watched = len(asyncio.get_running_loop()._selector.get_map())
        call = asyncio.create_task(client.arun_local(model="gpt-4o", messages=[{"role": "user", "content": "x"}],
                                                     base_url=openai_server.url + "/s/stall/cancel-call/v1"))
        await asyncio.sleep(0.2)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        assert frees["stream"] == 1
        assert len(asyncio.get_running_loop()._selector.get_map()) == watched
        await client.aclose()

    asyncio.run(main())
    assert wait_until(lambda: closed_paths(openai_server, "cancel-call")), "the connection stayed open"


def test_session_links_a_stream_before_its_first_chunk(spans_file):
    client = Tracia()
    session = client.create_session()
    first = session.run_local(model="gpt-4o", messages=[{"role": "user", "content": "first streamed"}], stream=True)
    assert session.last_span_id == first.span_id and session.trace_id == first.trace_id
    # The next call starts while the first has not been read at all.
    second = session.run_local(model="gpt-4o", messages=[{"role": "user", "content": "second"}])

    async def third():
        stream = await session.arun_local(model="gpt-4o", messages=[{"role": "user", "content": "third"}], stream=True)
        linked = session.last_span_id == stream.span_id
        text = "".join([chunk async for chunk in stream])
        return stream, linked, text

    stream3, linked, text = asyncio.run(third())
    assert linked and text == "third"
    assert "".join(first) == "first streamed"
    client.flush()
    spans = {s["spanId"]: s for s in map(json.loads, spans_file.read_text().splitlines())}
    assert spans[second.span_id]["parentSpanId"] == first.span_id
    assert spans[stream3.span_id]["parentSpanId"] == second.span_id
    assert {s["traceId"] for s in spans.values()} == {session.trace_id}
    client.close()


def test_a_forked_child_frees_nothing_and_the_parent_keeps_working(frees):
    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "still mine after the fork"}],
                              stream=True)
    pid = os.fork()
    if pid == 0:  # the child: collect both owners, then report whether either tried to free
        code = 3
        try:
            freed = []
            # Recorded only: a real free here would wait on threads the child does not have.
            _ffi.stream_free = _ffi.client_free = freed.append
            del stream, client
            gc.collect()
            code = 1 if freed else 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, "the child freed a handle it did not make"
    assert "".join(stream) == "still mine after the fork"
    stream.close()
    client.close()
    assert frees == {"stream": 1, "client": 1}


def test_dropping_the_last_reference_aborts_a_running_stream(openai_server, frees, spans_file):
    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "slow"}], stream=True,
                              base_url=openai_server.url + "/s/slow/dropped/v1")
    chunks = iter(stream)
    received = next(chunks) + next(chunks)
    span_id = stream.span_id
    del chunks, stream  # the slow stream would run for 30 s: nothing is left to read it
    assert frees["stream"] == 1
    assert wait_until(lambda: closed_paths(openai_server, "dropped")), "the connection stayed open"
    client.flush()
    span = [s for s in map(json.loads, spans_file.read_text().splitlines()) if s["spanId"] == span_id][0]
    assert span["status"] == "ERROR" and span["error"] == "Stream aborted" and span["output"].startswith(received)
    client.close()


def test_a_result_future_held_keeps_the_call_running(openai_server, frees):
    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "slow"}], stream=True,
                              base_url=openai_server.url + "/s/slow/future-held/v1")
    result = stream.result
    next(iter(stream))
    del stream
    time.sleep(0.3)
    assert frees["stream"] == 0 and not closed_paths(openai_server, "future-held")
    del result
    assert frees["stream"] == 1
    assert wait_until(lambda: closed_paths(openai_server, "future-held")), "the connection stayed open"
    client.close()
