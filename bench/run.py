"""Per-chunk cost of libtracia's C API against a minimal libcurl + jansson client, over
loopback, interleaved, medians of repeated runs, as ratios to the baseline of the same run.

    python3 bench/run.py [--events 100000] [--rounds 7]

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
    subprocess.check_call(["cc", "-O2", "-I", os.path.join(ROOT, "include"), "-o", os.path.join(OUT, "tracia_stream"),
                           os.path.join(HERE, "tracia_stream.c"), "-L", lib, "-ltracia", "-Wl,-rpath," + lib])


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    build()
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    port = int(server.stdout.readline())
    base = f"http://127.0.0.1:{port}"
    clients = {
        "baseline (libcurl+jansson)": lambda n: [os.path.join(OUT, "baseline"), f"{base}/n/{n}/chat/completions"],
        "libtracia C API, tracing off": lambda n: [os.path.join(OUT, "tracia_stream"), f"{base}/n/{n}"],
        "libtracia C API, tracing on": lambda n: [os.path.join(OUT, "tracia_stream"), f"{base}/n/{n}", "trace"],
    }
    samples = {name: {"cpu": [], "wall": []} for name in clients}
    try:
        for _ in range(args.rounds):
            for name, argv in clients.items():
                cpu_n, wall_n = measure(argv(args.events), args.events)
                cpu_1, wall_1 = measure(argv(1), 1)
                samples[name]["cpu"].append((cpu_n - cpu_1) / args.events * 1e6)
                samples[name]["wall"].append((wall_n - wall_1) / args.events * 1e6)
    finally:
        server.stdin.close()
        server.wait()
    baseline = list(clients)[0]
    base_cpu = statistics.median(samples[baseline]["cpu"])
    base_wall = statistics.median(samples[baseline]["wall"])
    print(f"per-chunk cost, {args.events} events, median of {args.rounds} interleaved rounds")
    print(f"{'client':32} {'CPU µs/chunk':>13} {'ratio':>6} {'wall µs/chunk':>14} {'ratio':>6}")
    for name in clients:
        cpu = statistics.median(samples[name]["cpu"])
        wall = statistics.median(samples[name]["wall"])
        print(f"{name:32} {cpu:13.3f} {cpu / base_cpu:6.2f} {wall:14.3f} {wall / base_wall:6.2f}")


if __name__ == "__main__":
    main()
