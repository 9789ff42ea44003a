"""The binding inside real hosts: a span callback that outlives its client object, close() while
other threads call, a client used after os.fork(), Ctrl-C while a call waits, descriptors above
1023, and failed spans that are never silent."""
import os
import resource
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tracia import Tracia, TraciaError, TraciaErrorCode

MESSAGES = [{"role": "user", "content": "hello from the host"}]


def run_child(script, timeout=60, **kwargs):
    """Runs a script in a fresh interpreter, so that a crash or a hang fails the test."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True,
                          timeout=timeout, **kwargs)


def wait_for_child(pid, timeout):
    """The child's exit status, or None if it is still running after `timeout` (then killed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


# -- the span-error callback lives as long as the C client ---------------------------------------

def test_span_error_callback_outlives_a_closed_client_whose_stream_lives_on(collector):
    # The stream ends (and its span fails) after the client object is gone; thunks made in
    # between would take the freed callback's memory.
    out = run_child(f"""
        import gc, time
        from tracia import Tracia
        told = []
        client = Tracia(api_key="tr-wrong-key", base_url={collector.url!r}, span_max_attempts=1, span_retry_base_ms=0,
                        on_span_error=lambda error, span_id: told.append(("first", span_id, error.code.value)))
        stream = client.run_local(model="mock/x", messages=[{{"role": "user", "content": "late span"}}], stream=True,
                                  mock_chunk_delay_ms=200)
        client.close()
        del client
        gc.collect()
        others = [Tracia(spans_file="/dev/null", on_span_error=lambda error, span_id: told.append(("other", span_id)))
                  for _ in range(50)]
        assert "".join(stream) == "late span"
        deadline = time.monotonic() + 10
        while not told and time.monotonic() < deadline:
            time.sleep(0.01)
        print(told == [("first", stream.span_id, "UNAUTHORIZED")], told)
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("True"), out.stdout


# -- close() against calls in other threads ------------------------------------------------------

def test_close_while_threads_call_run_local_never_crashes():
    out = run_child("""
        import threading
        from tracia import Tracia, TraciaError, TraciaErrorCode
        messages = [{"role": "user", "content": "racing close"}]
        unexpected = []
        completed = 0

        def hammer(client, started):
            global completed
            started.set()
            while True:
                try:
                    result = client.run_local(model="mock/x", messages=messages)
                    assert result.text == "racing close", result.text
                    completed += 1
                except TraciaError as error:
                    if error.code != TraciaErrorCode.INVALID_REQUEST or "closed" not in error.message:
                        unexpected.append(repr(error))
                    return
                except BaseException as error:
                    unexpected.append(repr(error))
                    return

        for _ in range(20):
            client = Tracia(spans_file="/dev/null")
            events = [threading.Event() for _ in range(8)]
            threads = [threading.Thread(target=hammer, args=(client, e)) for e in events]
            for t in threads:
                t.start()
            for e in events:
                e.wait()
            client.close()
            for t in threads:
                t.join(30)
                assert not t.is_alive(), "a call hung after close"
        print("ok", completed, unexpected)
    """, timeout=120)
    assert out.returncode == 0, f"rc={out.returncode} {out.stderr[-2000:]}"
    assert out.stdout.startswith("ok") and out.stdout.rstrip().endswith("[]"), out.stdout


def test_calls_after_close_raise_a_clear_error():
    client = Tracia()
    client.close()
    for use in (lambda: client.run_local(model="mock/x", messages=MESSAGES), client.stats):
        with pytest.raises(TraciaError) as raised:
            use()
        assert raised.value.code == TraciaErrorCode.INVALID_REQUEST and "closed" in raised.value.message
    client.flush()  # nothing left to flush: a no-op, as before


# -- a client used in a forked child -------------------------------------------------------------

@pytest.mark.parametrize("use", ["run_local", "iterate", "result", "flush"])
def test_a_client_used_after_fork_raises_instead_of_hanging(use):
    client = Tracia()
    stream = client.run_local(model="mock/x", messages=MESSAGES, stream=True, mock_chunk_delay_ms=100)
    pid = os.fork()
    if pid == 0:
        code = 9
        try:
            if use == "run_local":
                client.run_local(model="mock/x", messages=MESSAGES)
            elif use == "iterate":
                list(stream)
            elif use == "result":
                stream.result.result()
            else:
                client.flush()
            code = 1  # no error
        except TraciaError as error:
            code = 0 if "created in another process (before os.fork())" in error.message else 2
        finally:
            os._exit(code)
    status = wait_for_child(pid, 10)
    assert status is not None, f"the child hung on {use}"
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"the child's exit: {status}"
    assert "".join(stream) == "hello from the host"  # the parent's client is untouched
    client.close()


# -- Ctrl-C while a call waits -------------------------------------------------------------------

CTRL_C_CHILD = """
import signal, sys, time
# A shell without job control starts background commands with SIGINT ignored, and Python then
# keeps it ignored: restore the handler that raises KeyboardInterrupt, as a terminal would have.
signal.signal(signal.SIGINT, signal.default_int_handler)
from tracia import Tracia
client = Tracia(spans_file="/dev/null")
mode = sys.argv[1]
messages = [{"role": "user", "content": "never soon"}]
stream = None
try:
    if mode == "run_local":
        print("waiting", flush=True)
        client.run_local(model="mock/x", messages=messages, mock_chunk_delay_ms=30000)
    else:
        stream = client.run_local(model="mock/x", messages=messages, stream=True, mock_chunk_delay_ms=30000)
        print("waiting", flush=True)
        if mode == "iterate":
            for chunk in stream:
                pass
        else:
            stream.result.result()
    print("not interrupted", flush=True)
except KeyboardInterrupt:
    caught = time.monotonic()
    aborted = stream.result.result(timeout=1).aborted if stream is not None else True
    print("interrupted", caught, aborted, flush=True)
"""


@pytest.mark.parametrize("mode", ["iterate", "run_local", "result"])
def test_ctrl_c_interrupts_a_waiting_call_at_once(mode):
    child = subprocess.Popen([sys.executable, "-c", CTRL_C_CHILD, mode], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "waiting"
        time.sleep(0.3)  # well inside the wait
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=10)
    finally:
        child.kill()
    words = out.split()
    assert words[:1] == ["interrupted"], out + err
    latency = float(words[1]) - sent
    print(f"Ctrl-C to KeyboardInterrupt ({mode}): {latency * 1000:.1f} ms")
    assert latency < 1.0
    assert words[2] == "True", "the call was not aborted"


# -- descriptors above 1023 ----------------------------------------------------------------------

@pytest.fixture
def high_descriptors():
    """Opens descriptors until the next one is above 1024, with the soft limit raised for it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1100:
        pytest.skip(f"the hard RLIMIT_NOFILE ({hard}) leaves no descriptor above 1024")
    wanted = 4096 if hard == resource.RLIM_INFINITY else min(4096, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
    opened = []
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        opened.append(null)
        while opened[-1] <= 1030:
            opened.append(os.dup(null))
        yield
    finally:
        for fd in opened:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_results_are_read_with_descriptors_above_1024(high_descriptors):
    client = Tracia()
    stream = client.run_local(model="mock/x", messages=MESSAGES, stream=True, mock_chunk_delay_ms=20)
    assert stream._call.fd > 1024
    assert stream.result.result(timeout=10).text == "hello from the host"  # the future waits on done_fd
    stream = client.run_local(model="mock/x", messages=MESSAGES, stream=True, mock_chunk_delay_ms=20)
    assert "".join(stream) == "hello from the host"
    assert stream.result.done() and stream.result.result().text == "hello from the host"
    assert client.run_local(model="mock/x", messages=MESSAGES, mock_chunk_delay_ms=20).text == "hello from the host"
    client.close()


# -- failed spans are never silent ---------------------------------------------------------------

def closed_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("where", ["wrong key", "collector down"])
def test_undelivered_spans_are_logged_once_without_the_key(where, collector, caplog):
    secret = "tr-secret-wrong-key-4711"
    base_url = collector.url if where == "wrong key" else f"http://127.0.0.1:{closed_port()}"
    client = Tracia(api_key=secret, base_url=base_url, span_max_attempts=1, span_retry_base_ms=0)
    with caplog.at_level("WARNING", logger="tracia"):
        for _ in range(3):
            client.run_local(model="mock/x", messages=MESSAGES)
        client.flush(10000)
    client.close()
    records = [r for r in caplog.records if r.name == "tracia"]
    assert len(records) == 1, [r.getMessage() for r in records]
    record = records[0]
    assert record.levelname == "WARNING" and "could not be delivered" in record.getMessage()
    expected = "UNAUTHORIZED" if where == "wrong key" else "NETWORK_ERROR"
    assert expected in record.getMessage(), record.getMessage()
    assert secret not in record.getMessage() and secret not in repr(record.args)


def test_on_span_error_replaces_the_log_and_a_raising_one_is_logged(collector, caplog):
    told = []
    client = Tracia(api_key="tr-wrong", base_url=collector.url, span_max_attempts=1, span_retry_base_ms=0,
                    on_span_error=lambda error, span_id: told.append(span_id))
    with caplog.at_level("WARNING", logger="tracia"):
        span = client.run_local(model="mock/x", messages=MESSAGES).span_id
        client.flush(10000)
    client.close()
    assert told == [span] and not [r for r in caplog.records if r.name == "tracia"]

    def raising(error, span_id):
        raise RuntimeError("a broken handler")

    client = Tracia(api_key="tr-wrong", base_url=collector.url, span_max_attempts=1, span_retry_base_ms=0,
                    on_span_error=raising)
    with caplog.at_level("WARNING", logger="tracia"):
        client.run_local(model="mock/x", messages=MESSAGES)
        client.flush(10000)
    client.close()
    messages = [r.getMessage() for r in caplog.records if r.name == "tracia"]
    assert len(messages) == 1 and "a broken handler" in messages[0] and "UNAUTHORIZED" in messages[0]


def test_a_handler_that_closes_its_client_on_the_engine_thread_neither_hangs_nor_crashes(collector):
    # The free is handed to another thread: on the engine thread its flush would wait for the
    # engine thread itself (until flush_timeout_ms, 5 s), and the free is undefined there.
    out = run_child(f"""
        import threading
        from tracia import Tracia
        closed = threading.Event()
        holder = {{}}

        def close_it(error, span_id):
            holder.pop("client").close()
            closed.set()

        holder["client"] = client = Tracia(api_key="tr-wrong", base_url={collector.url!r}, span_max_attempts=1,
                                           span_retry_base_ms=0, on_span_error=close_it)
        client.run_local(model="mock/x", messages=[{{"role": "user", "content": "x"}}])
        del client
        print(closed.wait(2))
    """, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"
