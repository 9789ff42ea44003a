"""The Python binding (package `tracia`) against the openai SDK, over the loopback server.

    python3 bench/python_bench.py [--events 100000] [--rounds 5] [--cold-rounds 20]
                                  [--streams 1000] [--stream-events 100] [--async-rounds 3]
    python3 bench/run.py python [--events N] [--rounds N] [--streams N]    (the same, via run.py)
    python3 bench/run.py events [--events N] [--rounds N]    (also: stream.events() against iteration)

Both clients run in build/venv-bench (created on first use: `openai` from PyPI, the binding
installed from bindings/python with build/lib/libtracia.so bundled, reinstalled every run).
Every measurement is made in fresh child processes, in interleaved rounds, and reported as
medians with the ratio to the openai SDK measured in the same run:

- per-chunk CPU and wall time, marginal: (stream of N events - stream of 1 event) / (N - 1);
  CPU is the child's getrusage(RUSAGE_SELF) user + sys (every thread, the library's included),
  wall is from the parent's time.time() just before the child starts to the stream's end;
- cold start: from the parent's time.time() just before the child starts (passed on argv) to
  the first text chunk, including the interpreter's start-up and the package's import;
- peak RSS (ru_maxrss) of the N-event child;
- events (`events_run`, from `bench/run.py events`): the same per-chunk figure for iterating the
  stream and for reading it with stream.events(), tracia only, no openai figures;
- asyncio: --streams concurrent streams of --stream-events events in one process (tracia's
  arun_local + async for; openai's AsyncOpenAI with a connection pool as large): wall time,
  peak number of threads (/proc/self/task, sampled while the streams run), peak RSS, CPU, and
  how many streams delivered their complete text.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV = os.path.join(ROOT, "build", "venv-bench")
LIBRARY = os.path.join(ROOT, "build", "lib", "libtracia.so")
MODEL = "gpt-4o-mini"

# What each child runs, as `python -c CHILD ...`: a few lines compiled at start rather than
# this whole file, so the cold start is the client's and not the harness's.
#   stream MODE BASE EVENTS T0          -> "chunks chars import_s first_s end_s cpu_s maxrss_kb"
#   async  MODE BASE EVENTS T0 STREAMS  -> "ok wall_s peak_threads cpu_s maxrss_kb"
# MODE: bare (the interpreter alone, for reference), tracia, tracia-trace, tracia-events, openai.
CHILD = r'''
import sys, time
kind, mode, base, events, t0 = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
messages = [{"role": "user", "content": "hi"}]

def usage():
    import resource
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss

if mode == "bare":
    now = time.time() - t0
    cpu, rss = usage()
    print(0, 0, now, now, now, cpu, rss)
elif kind == "stream":
    if mode.startswith("tracia"):
        from tracia import Tracia
        imported = time.time() - t0
        client = Tracia(openai_api_key="sk-bench", spans_file="/dev/null")
        stream = client.run_local(model="gpt-4o-mini", messages=messages, stream=True, base_url=base,
                                  send_trace=mode == "tracia-trace")
        if mode == "tracia-events":
            from tracia import TextDelta
            events = stream.events()
            text = next(events).text
            first = time.time() - t0
            count, size = 1, len(text)
            for event in events:
                if type(event) is TextDelta:
                    count += 1
                    size += len(event.text)
        else:
            chunks = iter(stream)
            text = next(chunks)
            first = time.time() - t0
            count, size = 1, len(text)
            for text in chunks:
                count += 1
                size += len(text)
    else:
        import openai
        imported = time.time() - t0
        client = openai.OpenAI(base_url=base, api_key="x")
        chunks = iter(client.chat.completions.create(model="gpt-4o-mini", messages=messages, stream=True))
        for chunk in chunks:
            if chunk.choices and chunk.choices[0].delta.content:
                break
        first = time.time() - t0
        count, size = 1, len(chunk.choices[0].delta.content)
        for chunk in chunks:
            if chunk.choices:
                text = chunk.choices[0].delta.content
                if text:
                    count += 1
                    size += len(text)
    end = time.time() - t0
    cpu, rss = usage()
    print(count, size, imported, first, end, cpu, rss)
else:
    import asyncio, os
    streams = int(sys.argv[6])
    expected = "tok " * events

    def threads():
        return len(os.listdir("/proc/self/task"))

    async def main():
        if mode.startswith("tracia"):
            from tracia import Tracia
            client = Tracia(openai_api_key="sk-bench", spans_file="/dev/null")

            async def one():
                stream = await client.arun_local(model="gpt-4o-mini", messages=messages, stream=True, base_url=base,
                                                 send_trace=mode == "tracia-trace")
                return "".join([text async for text in stream])
        else:
            import openai
            limits = type(openai.DEFAULT_CONNECTION_LIMITS)(max_connections=streams, max_keepalive_connections=streams)
            client = openai.AsyncOpenAI(base_url=base, api_key="x", http_client=openai.DefaultAsyncHttpxClient(limits=limits))

            async def one():
                stream = await client.chat.completions.create(model="gpt-4o-mini", messages=messages, stream=True)
                return "".join([c.choices[0].delta.content async for c in stream if c.choices and c.choices[0].delta.content])

        peak = threads()
        running = True

        async def sample():
            nonlocal peak
            while running:
                peak = max(peak, threads())
                await asyncio.sleep(0.005)

        sampler = asyncio.ensure_future(sample())
        start = time.perf_counter()
        results = await asyncio.gather(*(one() for _ in range(streams)), return_exceptions=True)
        wall = time.perf_counter() - start
        running = False
        await sampler
        peak = max(peak, threads())
        cpu, rss = usage()
        failures = [r for r in results if r != expected]
        if failures:
            sys.stderr.write(f"{len(failures)} failed, first: {failures[0]!r:.300}\n")
        print(streams - len(failures), wall, peak, cpu, rss)

    asyncio.run(main())
'''

NAMES = {
    "bare": "python -c pass (the interpreter alone)",
    "tracia": "tracia, tracing off",
    "tracia-trace": "tracia, tracing on (spans to /dev/null)",
    "tracia-events": "tracia, stream.events()",
    "openai": "openai SDK",
}


def ensure_venv():
    """build/venv-bench with openai from PyPI and the binding from this tree, its library bundled."""
    if not os.path.exists(LIBRARY):
        sys.exit(f"{LIBRARY} is missing: run `make build` first")
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.check_call(pip + ["openai"])
    # Reinstalled every run, so the figures are this tree's code and library.
    subprocess.check_call(pip + ["--force-reinstall", "--no-deps", os.path.join(ROOT, "bindings", "python")],
                          env=dict(os.environ, TRACIA_LIBRARY=LIBRARY))
    return python


def child(python, kind, mode, base, events, *extra):
    env = {k: v for k, v in os.environ.items() if k not in ("TRACIA_LIBRARY", "OPENAI_API_KEY", "OPENAI_BASE_URL")}
    argv = [python, "-c", CHILD, kind, mode, f"{base}/n/{events}", str(events)]
    t0 = time.time()
    done = subprocess.run(argv + [repr(t0)] + [str(x) for x in extra], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"{mode} {kind} child failed ({done.returncode}):\n{done.stderr}")
    if done.stderr.strip():
        sys.stderr.write(done.stderr)
    return [float(x) for x in done.stdout.split()]


def stream(python, mode, base, events):
    count, size, imported, first, end, cpu, rss = child(python, "stream", mode, base, events)
    if mode != "bare" and (count != events or size != 4 * events):
        sys.exit(f"{mode}: {count:.0f} chunks of {size:.0f} characters, expected {events} of {4 * events}")
    return {"import": imported, "first": first, "end": end, "cpu": cpu, "rss": rss / 1024}


def median(values):
    return statistics.median(values) if values else float("nan")


def spread(values):
    return "[" + ", ".join(f"{v:.2f}" for v in sorted(values)) + "]"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def events_run(events=100000, rounds=7):
    """Per-chunk CPU of iterating a text stream against reading it with stream.events()."""
    sys.path.insert(0, HERE)
    from run import Server

    python = ensure_venv()
    modes = ["tracia", "tracia-events"]
    per = {m: {"cpu": [], "wall": []} for m in modes}
    with Server() as server:
        for mode in modes:
            stream(python, mode, server.base, 1)
        for _ in range(rounds):
            for mode in modes:
                n = stream(python, mode, server.base, events)
                one = stream(python, mode, server.base, 1)
                per[mode]["cpu"].append((n["cpu"] - one["cpu"]) / (events - 1) * 1e6)
                per[mode]["wall"].append((n["end"] - one["end"]) / (events - 1) * 1e6)
    base_cpu, base_wall = median(per["tracia"]["cpu"]), median(per["tracia"]["wall"])
    print(f"\nPython: per-chunk cost, {events} events minus 1 event, median of {rounds} interleaved rounds\n")
    rows = [[NAMES[m], f"{median(per[m]['cpu']):.2f}", f"{median(per[m]['cpu']) / base_cpu:.2f}", f"{median(per[m]['wall']):.2f}",
             f"{median(per[m]['wall']) / base_wall:.2f}"] for m in modes]
    print(table(["reader", "CPU µs/chunk", "ratio", "wall µs/chunk", "ratio"], rows))
    for mode in modes:
        print(f"  {NAMES[mode]}: CPU µs/chunk per round {spread(per[mode]['cpu'])}")
    return {NAMES[m]: {"cpu": median(per[m]["cpu"]), "wall": median(per[m]["wall"])} for m in modes}


def run(events=100000, rounds=5, cold_rounds=20, streams=1000, stream_events=100, async_rounds=3):
    sys.path.insert(0, HERE)
    from run import Server

    python = ensure_venv()
    modes = ["tracia", "tracia-trace", "openai"]
    per = {m: {"cpu": [], "wall": [], "rss_n": [], "rss_1": []} for m in modes}
    cold = {m: {"import": [], "first": []} for m in ["bare"] + modes}
    conc = {m: {"ok": [], "wall": [], "threads": [], "cpu": [], "rss": []} for m in ["tracia", "openai"]}
    started = time.perf_counter()
    with Server() as server:
        for mode in modes:  # warm the page cache and the .pyc files; not counted
            stream(python, mode, server.base, 1)
        for r in range(rounds):
            for mode in modes:
                n = stream(python, mode, server.base, events)
                one = stream(python, mode, server.base, 1)
                per[mode]["cpu"].append((n["cpu"] - one["cpu"]) / (events - 1) * 1e6)
                per[mode]["wall"].append((n["end"] - one["end"]) / (events - 1) * 1e6)
                per[mode]["rss_n"].append(n["rss"])
                per[mode]["rss_1"].append(one["rss"])
            print(f"per-chunk round {r + 1}/{rounds} done ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        for r in range(cold_rounds):
            for mode in cold:
                one = stream(python, mode, server.base, 1)
                cold[mode]["import"].append(one["import"] * 1e3)
                cold[mode]["first"].append(one["first"] * 1e3)
        print(f"cold start done ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        for r in range(async_rounds):
            for mode in conc:
                ok, wall, threads, cpu, rss = child(python, "async", mode, server.base, stream_events, streams)
                for key, value in zip(["ok", "wall", "threads", "cpu", "rss"], [ok, wall * 1e3, threads, cpu, rss / 1024]):
                    conc[mode][key].append(value)
            print(f"asyncio round {r + 1}/{async_rounds} done ({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    def m(group, mode, key):
        return median(group[mode][key])

    def ratio(value, base):
        return f"{value / base:.3f}" if value / base < 0.1 else f"{value / base:.2f}"

    print(f"\nper-chunk cost, {events} events minus 1 event, median of {rounds} interleaved rounds; "
          "ratio = this client / openai SDK\n")
    rows = []
    for mode in modes:
        cpu, wall = m(per, mode, "cpu"), m(per, mode, "wall")
        rows.append([NAMES[mode], f"{cpu:.2f}", ratio(cpu, m(per, "openai", "cpu")), f"{wall:.2f}",
                     ratio(wall, m(per, "openai", "wall")), f"{m(per, mode, 'rss_n'):.1f}",
                     ratio(m(per, mode, "rss_n"), m(per, "openai", "rss_n")), f"{m(per, mode, 'rss_1'):.1f}"])
    print(table(["client", "CPU µs/chunk", "ratio", "wall µs/chunk", "ratio", f"peak RSS MB, {events} chunks",
                 "ratio", "peak RSS MB, 1 chunk"], rows))
    for mode in modes:
        print(f"  {NAMES[mode]}: CPU µs/chunk per round {spread(per[mode]['cpu'])}")

    print(f"\ncold start: process start to first chunk, fresh process, median of {cold_rounds} interleaved rounds\n")
    rows = []
    for mode in cold:
        first = m(cold, mode, "first")
        rows.append([NAMES[mode], "—" if mode == "bare" else f"{m(cold, mode, 'import'):.1f}", f"{first:.1f}",
                     "—" if mode == "bare" else ratio(first, m(cold, "openai", "first"))])
    print(table(["client", "import done, ms", "first chunk, ms", "ratio"], rows))
    for mode in cold:
        print(f"  {NAMES[mode]}: first chunk ms, min {min(cold[mode]['first']):.1f}, max {max(cold[mode]['first']):.1f}")

    print(f"\nasyncio: {streams} concurrent streams of {stream_events} events in one process, median of "
          f"{async_rounds} interleaved rounds\n")
    rows = []
    for mode in conc:
        wall, rss, cpu = m(conc, mode, "wall"), m(conc, mode, "rss"), m(conc, mode, "cpu")
        rows.append([NAMES[mode], f"{min(conc[mode]['ok']):.0f}/{streams}", f"{wall:.0f}",
                     ratio(wall, m(conc, "openai", "wall")), f"{cpu:.2f}", ratio(cpu, m(conc, "openai", "cpu")),
                     f"{max(conc[mode]['threads']):.0f}", f"{rss:.1f}", ratio(rss, m(conc, "openai", "rss"))])
    print(table(["client", "complete (worst round)", "wall ms", "ratio", "CPU s", "ratio",
                 "threads at peak (max)", "peak RSS MB", "ratio"], rows))
    for mode in conc:
        print(f"  {NAMES[mode]}: wall ms per round {spread(conc[mode]['wall'])}")
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    import json
    os.makedirs(os.path.join(ROOT, "build", "bench"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "bench", "python.json"), "w") as f:
        json.dump({"per_chunk": {mode: {"cpu": m(per, mode, "cpu"), "rss": m(per, mode, "rss_n")} for mode in modes},
                   "cold_ms": {mode: m(cold, mode, "first") for mode in cold},
                   "asyncio": {mode: {key: m(conc, mode, key) for key in conc[mode]} for mode in conc},
                   "streams": streams}, f, indent=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cold-rounds", type=int, default=20)
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--stream-events", type=int, default=100)
    parser.add_argument("--async-rounds", type=int, default=3)
    args = parser.parse_args()
    run(args.events, args.rounds, args.cold_rounds, args.streams, args.stream_events, args.async_rounds)


if __name__ == "__main__":
    main()
