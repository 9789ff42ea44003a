"""Replays each recorded provider response through libtracia and through the provider's official
SDK, and reports, capture by capture, whether both parse the same thing. See README.md."""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import warnings

import captures
import sdk_anthropic
import sdk_bedrock
import sdk_gemini
import sdk_openai
from compare import describe, differences
from known_differences import KNOWN_DIFFERENCES
from libtracia_run import Libtracia
from outcome import Outcome, failed
from replay_server import ReplayServer

SDKS = {"openai": sdk_openai, "openai_compatible": sdk_openai, "anthropic": sdk_anthropic, "gemini": sdk_gemini,
        "bedrock": sdk_bedrock}


def sdk_outcome(capture: captures.Capture, url: str) -> Outcome:
    """The SDK's outcome; an SDK that cannot handle the bytes at all is reported as such."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # model deprecation notices, unknown enum values
            return SDKS[capture.provider].run(capture, url)
    except Exception as e:  # any failure of the SDK itself is part of the report
        return failed("SDK_FAILURE", f"{type(e).__name__}: {e}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--captures", required=True, help="the folder holding manifest.json")
    parser.add_argument("--library", required=True, help="libtracia.so to load")
    parser.add_argument("-v", "--verbose", action="store_true", help="both values of every differing field")
    parser.add_argument("names", nargs="*", help="replay only the captures whose name contains one of these")
    args = parser.parse_args()

    selected = [c for c in captures.load(args.captures) if not args.names or any(n in c.name for n in args.names)]
    spans_dir = tempfile.mkdtemp(prefix="tracia-captures-")
    lib = Libtracia(args.library, os.path.join(spans_dir, "spans.jsonl"))
    counts = {"MATCH": 0, "DIFF": 0, "KNOWN": 0}
    stale = []
    try:
        width = max(len(c.name) for c in selected)
        for capture in selected:
            with ReplayServer(capture.status, captures.content_type(capture), captures.body(capture)) as server:
                ours = lib.run(capture, server.url)
                theirs = sdk_outcome(capture, server.url)
            diffs = differences(capture, ours, theirs)
            known = KNOWN_DIFFERENCES.get(capture.name, {})
            stale += [f"{capture.name}: {field}" for field in known if field not in diffs]
            unexplained = [field for field in diffs if field not in known]
            verdict = "MATCH" if not diffs else "DIFF" if unexplained else "KNOWN"
            counts[verdict] += 1
            fields = ", ".join(f + (" (known)" if f in known else "") for f in diffs)
            print(f"{capture.name:<{width}}  {verdict:<5}  {fields}".rstrip(), flush=True)
            if args.verbose:
                for field, (ours_value, theirs_value) in diffs.items():
                    print(f"    {field}: libtracia {describe(ours_value, theirs_value)}")
                    print(f"    {' ' * len(field)}  sdk       {describe(theirs_value, ours_value)}")
                    if field in known:
                        print(f"    {' ' * len(field)}  known: {known[field]}")
    finally:
        lib.close()
        shutil.rmtree(spans_dir, ignore_errors=True)
    for entry in stale:
        print(f"stale known difference (no longer differs; remove it): {entry}")
    print(f"{len(selected)} captures: {counts['MATCH']} MATCH, {counts['DIFF']} DIFF, {counts['KNOWN']} known DIFF")
    return 1 if counts["DIFF"] or stale else 0


if __name__ == "__main__":
    sys.exit(main())
