"""libtracia's benchmarks over loopback, each against a baseline measured in the same run.

    python3 bench/run.py chunk [--events 100000] [--rounds 7]   per-chunk cost vs libcurl+jansson
    python3 bench/run.py ttfb [--rounds 200]                    time to first chunk vs raw libcurl
    python3 bench/run.py concurrency [--streams 1000]           N streams on one client, one reader
    python3 bench/run.py abort [--rounds 50]                    abort() to connection closed, at the server
    python3 bench/run.py python [--events 100000] [--rounds 5]  the Python binding vs the openai SDK (python_bench.py)

Per-chunk cost is marginal: (cost of a N-event stream - cost of a 1-event stream) / N, so
process start-up and connection set-up cancel out.
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
    for program in ["tracia_stream", "ttfb", "concurrency", "abort"]:
        subprocess.check_call(["cc", "-O2", "-I", os.path.join(ROOT, "include"), "-o", os.path.join(OUT, program),
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


def measure(argv, expect_chunks):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout.split()
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
        clients = {
            "baseline (libcurl+jansson)": lambda n: [os.path.join(OUT, "baseline"), f"{base}/n/{n}/chat/completions"],
            "libtracia C API, tracing off": lambda n: [os.path.join(OUT, "tracia_stream"), f"{base}/n/{n}"],
            "libtracia C API, tracing on": lambda n: [os.path.join(OUT, "tracia_stream"), f"{base}/n/{n}", "trace"],
        }
        samples = {name: {"cpu": [], "wall": []} for name in clients}
        for _ in range(args.rounds):
            for name, argv in clients.items():
                cpu_n, wall_n = measure(argv(args.events), args.events)
                cpu_1, wall_1 = measure(argv(1), 1)
                samples[name]["cpu"].append((cpu_n - cpu_1) / args.events * 1e6)
                samples[name]["wall"].append((wall_n - wall_1) / args.events * 1e6)
    baseline = list(samples)[0]
    base_cpu = statistics.median(samples[baseline]["cpu"])
    base_wall = statistics.median(samples[baseline]["wall"])
    print(f"per-chunk cost, {args.events} events, median of {args.rounds} interleaved rounds")
    print(f"{'client':32} {'CPU µs/chunk':>13} {'ratio':>6} {'wall µs/chunk':>14} {'ratio':>6}")
    for name in samples:
        cpu = statistics.median(samples[name]["cpu"])
        wall = statistics.median(samples[name]["wall"])
        print(f"{name:32} {cpu:13.3f} {cpu / base_cpu:6.2f} {wall:14.3f} {wall / base_wall:6.2f}")


def ttfb(args):
    with Server() as server:
        out = subprocess.run([os.path.join(OUT, "ttfb"), f"{server.base}/n/10", str(args.rounds)], check=True,
                             capture_output=True, text=True).stdout.split()
    curl, tracia = float(out[0]), float(out[1])
    print(f"time to first chunk, median of {args.rounds} interleaved calls, connection reused")
    print(f"raw libcurl {curl:.0f} µs, libtracia {tracia:.0f} µs: {tracia - curl:+.0f} µs ({tracia / curl:.2f}x)")


def concurrency(args):
    with Server() as server:
        out = subprocess.run([os.path.join(OUT, "concurrency"), f"{server.base}/n/{args.events}", str(args.streams)],
                             check=True, capture_output=True, text=True).stdout.split()
    ok, wall, threads, rss = int(out[0]), float(out[1]), int(out[2]), int(out[3])
    print(f"{args.streams} concurrent streams of {args.events} events on one client, one reader thread polling their fds")
    print(f"completed {ok}/{args.streams}, wall {wall:.0f} ms, process threads {threads} (one is the caller), peak RSS {rss / 1024:.1f} MB")


def abort(args):
    with Server() as server:
        out = subprocess.run([os.path.join(OUT, "abort"), f"{server.base}/slow", str(args.rounds)], check=True,
                             capture_output=True, text=True).stdout.split()
        time.sleep(0.2)
        closed = server.closed_times()
    aborts = [int(x) for x in out]
    if len(closed) != len(aborts):
        sys.exit(f"server saw {len(closed)} closes for {len(aborts)} aborts")
    latencies = sorted((c - a) / 1e6 for a, c in zip(aborts, closed))
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"abort() to connection closed at the server, {len(latencies)} aborts")
    print(f"median {statistics.median(latencies):.2f} ms, p99 {p99:.2f} ms, max {latencies[-1]:.2f} ms")


def python(args):
    sys.path.insert(0, HERE)
    import python_bench
    python_bench.run(events=args.events, rounds=args.rounds, streams=args.streams)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("figure", choices=["chunk", "ttfb", "concurrency", "abort", "python"])
    parser.add_argument("--events", type=int)
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--streams", type=int, default=1000)
    args = parser.parse_args()
    defaults = {"chunk": (100000, 7), "ttfb": (10, 200), "concurrency": (100, 1), "abort": (0, 50), "python": (100000, 5)}
    events, rounds = defaults[args.figure]
    args.events = args.events or events
    args.rounds = args.rounds or rounds
    if args.figure != "python":  # the Python figures need only the library and a venv
        build()
    globals()[args.figure](args)


if __name__ == "__main__":
    main()
