"""The binding's own promises: declarations match the header, import stays cheap, blocking
calls release the GIL."""
import os
import re
import subprocess
import sys
import threading
import time

import tracia
from tracia import Tracia, _ffi

HEADER = os.path.join(os.path.dirname(__file__), "..", "..", "..", "include", "tracia.h")


def test_declarations_match_the_header():
    header = open(HEADER).read()
    declared = set(re.findall(r"\b(tracia_[a-z_]+)\(", header))
    bound = {name for name in dir(_ffi.lib) if name.startswith("tracia_")}
    source = open(_ffi.__file__).read()
    used = set(re.findall(r'_declare\("(tracia_[a-z_]+)"', source))
    assert used == declared, (declared - used, used - declared)
    # Each declaration carries the header's prototype above it.
    for name in declared:
        prototype = re.search(r"^(?!\s*\*)[^\n]*\b" + name + r"\([^)]*\);", header, re.M)
        assert prototype, name
        text = " ".join(prototype.group(0).replace("TRACIA_WARN_UNUSED ", "").split())
        assert "# " + text in " ".join(source.split()), name
    assert bound <= declared


def test_import_is_cheap():
    code = "import sys, time; t = time.perf_counter(); import tracia; print(time.perf_counter() - t); " \
           "print(' '.join(m for m in ('asyncio', 'concurrent.futures', 'pydantic', 'httpx') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(tracia.__file__))).stdout.split("\n")
    assert float(out[0]) < 0.5
    assert out[1].strip() == "", f"heavy modules imported: {out[1]}"


def test_blocking_next_releases_the_gil(openai_server):
    client = Tracia()
    stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "slow"}], stream=True,
                              base_url=openai_server.url + "/s/slow/v1")
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.01)

    thread = threading.Thread(target=ticker)
    thread.start()
    deadline = time.monotonic() + 0.5
    for _ in stream:
        if time.monotonic() > deadline:
            stream.abort()
    stop.set()
    thread.join()
    assert len(ticks) > 20  # the other thread ran while this one waited in next()
    client.close()


def test_first_call_is_as_fast_as_later_ones():
    client = Tracia()
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        stream = client.run_local(model="gpt-4o", messages=[{"role": "user", "content": "x"}], stream=True)
        timings.append(time.perf_counter() - start)
        list(stream)
    assert timings[0] < 0.05, timings
    client.close()
