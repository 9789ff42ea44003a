#!/usr/bin/env bash
# fuzz/run.sh replay      — replays every committed input through its harness (the test command).
# fuzz/run.sh fuzz [SEC] [HARNESS...]
#                         — runs each harness (or the ones named) under libFuzzer + AddressSanitizer
#                           for SEC seconds (default 60) from the committed corpus; reports
#                           executions and findings.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-replay}
harnesses=$(ls fuzz/corpus)
case "$mode" in
replay)
    swift build --product tracia-fuzz --scratch-path "${SCRATCH:-.build}" >/dev/null
    passed=0
    failed=0
    for h in $harnesses; do
        if "${SCRATCH:-.build}/debug/tracia-fuzz" "$h" fuzz/corpus/"$h"/*; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    done
    echo "fuzz replay: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    ;;
fuzz)
    seconds=${2:-60}
    if [ $# -gt 2 ]; then harnesses="${*:3}"; fi
    swift build --product tracia-fuzz --scratch-path .build-fuzz \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library >/dev/null
    findings=0
    for h in $harnesses; do
        work=$(mktemp -d)
        log=$(mktemp)
        if TRACIA_FUZZ_TARGET=$h .build-fuzz/debug/tracia-fuzz "$work" fuzz/corpus/"$h" \
            -max_total_time="$seconds" -max_len=65536 -artifact_prefix="fuzz/crash-$h-" >"$log" 2>&1; then
            status=clean
        else
            status="FINDING (see fuzz/crash-$h-*)"
            findings=$((findings + 1))
        fi
        runs=$(grep -Eo 'Done [0-9]+ runs' "$log" | grep -Eo '[0-9]+' || echo "?")
        echo "$h: $runs executions in ${seconds}s, $(ls "$work" | wc -l) new inputs, $status"
        rm -rf "$work" "$log"
    done
    [ "$findings" -eq 0 ]
    ;;
*)
    echo "usage: fuzz/run.sh replay | fuzz [SECONDS] [HARNESS...]" >&2
    exit 2
    ;;
esac
