"""Draws bench/figures.png from the medians the benchmark commands keep in build/bench/:
per-chunk CPU beside the baselines, and how concurrent streams scale.

    python3 bench/run.py chunk && python3 bench/run.py concurrency --scale && python3 bench/run.py python
    build/venv-bench/bin/python bench/plot.py        (matplotlib is installed there if missing)
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(HERE), "build", "bench")


def load(name):
    path = os.path.join(DATA, name + ".json")
    if not os.path.exists(path):
        sys.exit(f"{path} is missing: run `python3 bench/run.py {name}{' --scale' if name == 'concurrency' else ''}` first")
    with open(path) as f:
        return json.load(f)


def main():
    try:
        import matplotlib
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "matplotlib"])
        import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    chunk, scaling, python = load("chunk"), load("concurrency"), load("python")
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))

    bars = [
        ("C: libcurl + jansson\n(baseline)", chunk["baseline (libcurl+jansson)"]["cpu"], "#999999"),
        ("C: libtracia", chunk["libtracia C API, tracing off"]["cpu"], "#1f77b4"),
        ("C: libtracia,\ntracing on", chunk["libtracia C API, tracing on"]["cpu"], "#1f77b4"),
        ("Python:\ntracia", python["per_chunk"]["tracia"]["cpu"], "#2ca02c"),
        ("Python:\nopenai SDK\n(baseline)", python["per_chunk"]["openai"]["cpu"], "#999999"),
    ]
    names, values, colours = zip(*bars)
    left.bar(range(len(bars)), values, color=colours)
    left.set_yscale("log")
    left.set_xticks(range(len(bars)), names, fontsize=8)
    left.set_ylabel("CPU µs per chunk (log scale)")
    left.set_title("Per-chunk cost, 100 000-event stream")
    for i, v in enumerate(values):
        left.annotate(f"{v:.1f}", (i, v), ha="center", va="bottom", fontsize=8)

    streams = [row["streams"] for row in scaling]
    right.plot(streams, [row["wall_ms"] for row in scaling], "o-", color="#1f77b4", label="C: wall ms")
    right.set_xlabel("concurrent streams in one process (100 events each)")
    right.set_ylabel("wall ms", color="#1f77b4")
    rss = right.twinx()
    rss.plot(streams, [row["rss_mb"] for row in scaling], "s--", color="#d62728", label="C: peak RSS MB")
    n = python["streams"]
    for mode, marker, name in (("tracia", "^", "Python asyncio: tracia"), ("openai", "v", "Python asyncio: openai SDK")):
        rss.plot([n], [python["asyncio"][mode]["rss"]], marker, color="#2ca02c" if mode == "tracia" else "#999999",
                 markersize=9, label=f"{name}, peak RSS MB")
    rss.set_ylabel("peak RSS MB", color="#d62728")
    rss.set_ylim(bottom=0)
    right.set_ylim(bottom=0)
    right.set_title("Concurrency: one client, one engine thread")
    handles = right.get_legend_handles_labels()[0] + rss.get_legend_handles_labels()[0]
    labels = right.get_legend_handles_labels()[1] + rss.get_legend_handles_labels()[1]
    right.legend(handles, labels, fontsize=8, loc="lower right")

    fig.tight_layout()
    out = os.path.join(HERE, "figures.png")
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
