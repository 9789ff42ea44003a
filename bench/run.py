"""libtracia's benchmarks over loopback, each against a baseline measured in the same run.

    python3 bench/run.py chunk [--events 100000] [--rounds 7]   per-chunk cost vs libcurl+jansson
    python3 bench/run.py events [--events 100000] [--rounds 7]  per-event cost of next_event vs next, on a text stream;
                                                                then stream.events() vs iteration in Python (--no-python: C only)
    python3 bench/run.py ttfb [--rounds 200]                    time to first chunk vs raw libcurl
    python3 bench/run.py concurrency [--streams 1000]           N streams on one client, one reader
    python3 bench/run.py abort [--rounds 50]                    abort() to connection closed, at the server
    python3 bench/run.py spans [--events 5000] [--rounds 5]     span export to a loopback collector vs raw libcurl
    python3 bench/run.py starvation [--events 400] [--rounds 5] [--calls 40000]
                                                                a steady stream's chunk gaps while hostile responses
                                                                (CALLS tool-call indexes, 3 MB) decode on the same client
    python3 bench/run.py python [--events 100000] [--rounds 5]  the Python binding vs the openai SDK (python_bench.py)

Per-chunk cost is marginal: (cost of a N-event stream - cost of a 1-event stream) / N, so
process start-up and connection set-up cancel out.

--against DIR (chunk, events, ttfb, concurrency, abort, starvation) runs the same programs a second time, interleaved,
with the libtracia.so found in DIR (a build of another commit), and prints the two side by side.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "build", "bench")


def build():
    os.makedirs(OUT, exist_ok=True)
    lib = os.path.join(ROOT, "build", "lib")
    subprocess.check_call(["cc", "-O2", "-o", os.path.join(OUT, "baseline"), os.path.join(HERE, "baseline.c"), "-lcurl", "-ljansson"])
    for program in ["tracia_stream", "ttfb", "concurrency", "abort", "spans", "starvation"]:
        subprocess.check_call(["cc", "-O2", "-I", os.path.join(ROOT, "include"), "-o", os.path.join(OUT, program), "-pthread",
                               os.path.join(HERE, program + ".c"), "-L", lib, "-ltracia", "-lcurl", "-Wl,-rpath," + lib])


class Server:
    def __enter__(self):
        self.process = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py")], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        self.base = f"http://127.0.0.1:{int(self.process.stdout.readline())}"
        return self

    def __exit__(self, *exc):
        self.process.stdin.close()
        self.process.wait()

    def closed_times(self):
        import json
        import urllib.request
        return json.load(urllib.request.urlopen(self.base + "/_closed"))


def save(name, figures):
    """Keeps a figure's medians in build/bench/NAME.json, for bench/plot.py."""
    import json
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(figures, f, indent=1)


def library_env(lib_dir):
    """The environment that makes the benchmark programs load libtracia from lib_dir (None: build/lib)."""
    if lib_dir is None:
        return None
    return dict(os.environ, LD_LIBRARY_PATH=os.path.abspath(lib_dir))


def libraries(args):
    """The libraries a figure runs against: this build, then --against's, labelled."""
    return [("", None)] + ([(" [against]", args.against)] if args.against else [])


def measure(argv, expect_chunks, env=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(argv, check=True, capture_output=True, text=True, env=env).stdout.split()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if int(out[0]) != expect_chunks:
        sys.exit(f"{argv[0]} returned {out[0]} chunks, expected {expect_chunks}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def chunk(args):
    samples = {}
    with Server() as server:
        base = server.base
        clients = {"baseline (libcurl+jansson)": (lambda n: [os.path.join(OUT, "baseline"), f"{base}/n/{n}/chat/completions"], None)}
        for label, lib_dir in libraries(args):
            env = library_env(lib_dir)
            clients["libtracia C API, tracing off" + label] = (lambda n: [os.path.join(OUT, "tracia_stream"), f"{base}/n/{n}"], env)
            clients["libtracia C API, tracing on" + label] = (lambda n: [os.path.join(OUT, "tracia_stream"), f"{base}/n/{n}", "trace"], env)
        samples = {name: {"cpu": [], "wall": []} for name in clients}
        for _ in range(args.rounds):
            for name, (argv, env) in clients.items():
                cpu_n, wall_n = measure(argv(args.events), args.events, env)
                cpu_1, wall_1 = measure(argv(1), 1, env)
                samples[name]["cpu"].append((cpu_n - cpu_1) / args.events * 1e6)
                samples[name]["wall"].append((wall_n - wall_1) / args.events * 1e6)
    baseline = list(samples)[0]
    base_cpu = statistics.median(samples[baseline]["cpu"])
    base_wall = statistics.median(samples[baseline]["wall"])
    print(f"per-chunk cost, {args.events} events, median of {args.rounds} interleaved rounds")
    print(f"{'client':42} {'CPU µs/chunk':>13} {'ratio':>6} {'wall µs/chunk':>14} {'ratio':>6}")
    figures = {}
    for name in samples:
        cpu = statistics.median(samples[name]["cpu"])
        wall = statistics.median(samples[name]["wall"])
        figures[name] = {"cpu": cpu, "wall": wall}
        print(f"{name:42} {cpu:13.3f} {cpu / base_cpu:6.2f} {wall:14.3f} {wall / base_wall:6.2f}")
    save("chunk", figures)


def events(args):
    """The same text stream read with tracia_stream_next() and with tracia_stream_next_event(),
    interleaved; the figure is the ratio of their marginal CPU per chunk."""
    readers = {"next": [], "next_event": ["events"]}
    with Server() as server:
        runs = {(label, reader): (library_env(lib_dir), extra) for label, lib_dir in libraries(args) for reader, extra in readers.items()}
        samples = {run: {"cpu": [], "wall": []} for run in runs}
        for _ in range(args.rounds):
            for (label, reader), (env, extra) in runs.items():
                argv = lambda n: [os.path.join(OUT, "tracia_stream"), f"{server.base}/n/{n}"] + extra
                cpu_n, wall_n = measure(argv(args.events), args.events, env)
                cpu_1, wall_1 = measure(argv(1), 1, env)
                samples[(label, reader)]["cpu"].append((cpu_n - cpu_1) / args.events * 1e6)
                samples[(label, reader)]["wall"].append((wall_n - wall_1) / args.events * 1e6)
    print(f"per-event cost on a text stream, {args.events} events, median of {args.rounds} interleaved rounds")
    print(f"{'reader':42} {'CPU µs/chunk':>13} {'ratio':>6} {'wall µs/chunk':>14} {'ratio':>6}")
    figures = {}
    for label, _ in libraries(args):
        base_cpu = statistics.median(samples[(label, "next")]["cpu"])
        base_wall = statistics.median(samples[(label, "next")]["wall"])
        for reader in readers:
            cpu = statistics.median(samples[(label, reader)]["cpu"])
            wall = statistics.median(samples[(label, reader)]["wall"])
            name = f"tracia_stream_{reader}{label}"
            figures[name] = {"cpu": cpu, "wall": wall}
            print(f"{name:42} {cpu:13.3f} {cpu / base_cpu:6.2f} {wall:14.3f} {wall / base_wall:6.2f}")
    if not args.no_python:
        sys.path.insert(0, HERE)
        import python_bench
        figures.update(python_bench.events_run(events=args.events, rounds=args.rounds))
    save("events", figures)


def ttfb(args):
    print(f"time to first chunk, median of {args.rounds} interleaved calls, connection reused")
    with Server() as server:
        for label, lib_dir in libraries(args):
            out = subprocess.run([os.path.join(OUT, "ttfb"), f"{server.base}/n/10", str(args.rounds)], check=True,
                                 capture_output=True, text=True, env=library_env(lib_dir)).stdout.split()
            curl, tracia = float(out[0]), float(out[1])
            print(f"raw libcurl {curl:.0f} µs, libtracia{label} {tracia:.0f} µs: {tracia - curl:+.0f} µs ({tracia / curl:.2f}x)")


def concurrency(args):
    counts = [125, 250, 500, 1000, 2000] if args.scale else [args.streams]
    figures = []
    with Server() as server:
        for n, (label, lib_dir) in ((n, lib) for n in counts for lib in libraries(args)):
            out = subprocess.run([os.path.join(OUT, "concurrency"), f"{server.base}/n/{args.events}", str(n)],
                                 check=True, capture_output=True, text=True, env=library_env(lib_dir)).stdout.split()
            ok, wall, threads, rss = int(out[0]), float(out[1]), int(out[2]), int(out[3])
            if not label:
                figures.append({"streams": n, "ok": ok, "wall_ms": wall, "threads": threads, "rss_mb": rss / 1024})
            print(f"{n} concurrent streams{label} of {args.events} events on one client, one reader thread polling their fds: "
                  f"completed {ok}/{n}, wall {wall:.0f} ms, process threads {threads} (one is the caller), "
                  f"peak RSS {rss / 1024:.1f} MB")
    save("concurrency", figures)


def abort(args):
    for label, lib_dir in libraries(args):
        with Server() as server:
            out = subprocess.run([os.path.join(OUT, "abort"), f"{server.base}/slow", str(args.rounds)], check=True,
                                 capture_output=True, text=True, env=library_env(lib_dir)).stdout.split()
            time.sleep(0.2)
            closed = server.closed_times()
        aborts = [int(x) for x in out]
        if len(closed) != len(aborts):
            sys.exit(f"server saw {len(closed)} closes for {len(aborts)} aborts")
        latencies = sorted((c - a) / 1e6 for a, c in zip(aborts, closed))
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(f"abort() to connection closed at the server{label}, {len(latencies)} aborts")
        print(f"median {statistics.median(latencies):.2f} ms, p99 {p99:.2f} ms, max {latencies[-1]:.2f} ms")


def spans(args):
    """N traced mock calls exported to a keep-alive collector, against the same calls untraced
    and against libcurl POSTing N span-sized bodies over 8 connections."""
    collector = subprocess.Popen([sys.executable, os.path.join(HERE, "collector.py")], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{int(collector.stdout.readline())}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACIA_")}
    modes = {"libcurl POSTs (baseline)": "curl", "libtracia, calls untraced": "untraced", "libtracia, calls traced": "tracia"}
    samples = {name: {"wall": [], "cpu": []} for name in modes}
    try:
        for _ in range(args.rounds):
            for name, mode in modes.items():
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                out = subprocess.run([os.path.join(OUT, "spans"), mode, base, str(args.events)], check=True,
                                     capture_output=True, text=True, env=env).stdout.split()
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                samples[name]["wall"].append(float(out[1]))
                samples[name]["cpu"].append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    finally:
        collector.stdin.close()
        collector.wait()
    n = args.events
    median = {name: {k: statistics.median(v) for k, v in s.items()} for name, s in samples.items()}
    print(f"{n} spans, median of {args.rounds} interleaved rounds")
    print(f"{'':28} {'wall ms':>8} {'per second':>11} {'CPU µs each':>12}")
    for name in modes:
        wall, cpu = median[name]["wall"], median[name]["cpu"]
        print(f"{name:28} {wall:8.0f} {n / wall * 1000:11.0f} {cpu / n * 1e6:12.1f}")
    traced, untraced = median["libtracia, calls traced"], median["libtracia, calls untraced"]
    export_cpu = (traced["cpu"] - untraced["cpu"]) / n * 1e6
    base_cpu = median["libcurl POSTs (baseline)"]["cpu"] / n * 1e6
    print(f"export alone (traced - untraced): {export_cpu:.1f} µs CPU per span, {export_cpu / base_cpu:.2f}x the baseline's POST")


def starvation(args):
    """Chunks every 5 ms on one stream; hostile responses back to back on another stream of
    the same client, against the steady stream alone, interleaved rounds."""
    period_ms = 5
    samples = {}
    with Server() as server:
        steady = f"{server.base}/paced/{period_ms}/{args.events}"
        hostile = f"{server.base}/hostile/{args.calls}"
        runs = [(f"steady stream alone{label}", "-", lib_dir) for label, lib_dir in libraries(args)]
        runs += [(f"with hostile responses{label}", hostile, lib_dir) for label, lib_dir in libraries(args)]
        runs += [(f"with hostile responses, untraced{label}", hostile, lib_dir) for label, lib_dir in libraries(args)]
        for _ in range(args.rounds):
            for name, other, lib_dir in runs:
                traced = [] if "untraced" not in name else ["untraced"]
                out = subprocess.run([os.path.join(OUT, "starvation"), steady, other, str(args.calls)] + traced, check=True,
                                     capture_output=True, text=True, env=library_env(lib_dir)).stdout.split()
                samples.setdefault(name, []).append((float(out[1]), float(out[2]), int(out[3])))
    print(f"gaps between a steady stream's chunks (one every {period_ms} ms, {args.events} chunks), "
          f"median of {args.rounds} interleaved rounds; hostile: {args.calls} tool-call indexes per response, "
          f"one after another on the same client")
    print(f"{'':46} {'max gap ms':>11} {'p99 gap ms':>11} {'hostile responses':>18}")
    figures = {}
    for name, rows in samples.items():
        worst = statistics.median(r[0] for r in rows)
        p99 = statistics.median(r[1] for r in rows)
        responses = statistics.median(r[2] for r in rows)
        figures[name] = {"max_gap_ms": worst, "p99_gap_ms": p99, "hostile_responses": responses}
        print(f"{name:46} {worst:11.2f} {p99:11.2f} {responses:18.0f}")
    save("starvation", figures)


def python(args):
    sys.path.insert(0, HERE)
    import python_bench
    python_bench.run(events=args.events, rounds=args.rounds, streams=args.streams)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("figure", choices=["chunk", "events", "ttfb", "concurrency", "abort", "spans", "starvation", "python"])
    parser.add_argument("--events", type=int)
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=40000, help="starvation: tool-call indexes per hostile response")
    parser.add_argument("--scale", action="store_true", help="concurrency: 125 to 2000 streams")
    parser.add_argument("--no-python", action="store_true", help="events: the C figures only")
    parser.add_argument("--against", metavar="DIR", help="also run with the libtracia.so in DIR, interleaved")
    args = parser.parse_args()
    defaults = {"chunk": (100000, 7), "events": (100000, 7), "ttfb": (10, 200), "concurrency": (100, 1), "abort": (0, 50), "spans": (5000, 5), "starvation": (400, 5), "python": (100000, 5)}
    events, rounds = defaults[args.figure]
    args.events = args.events or events
    args.rounds = args.rounds or rounds
    if args.figure != "python":  # the Python figures need only the library and a venv
        build()
    globals()[args.figure](args)


if __name__ == "__main__":
    main()
