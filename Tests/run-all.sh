#!/usr/bin/env bash
# Every test of the project: lint, Swift unit tests, C tests against the built library,
# Python binding tests, examples. Assumes `make build` ran (the `make test` target does it).
set -uo pipefail
cd "$(dirname "$0")/.."
failed=()
suite() {
    local name=$1
    shift
    echo "== $name"
    if ! "$@"; then failed+=("$name"); fi
}
suite lint swift format lint --strict --recursive Sources Tests Package.swift
suite swift swift test --scratch-path "${SCRATCH:-.build}"
suite fuzz-replay bash fuzz/run.sh replay
suite integration bash Tests/integration/run.sh
suite c bash Tests/c/run.sh
suite load bash Tests/load/run.sh
suite python bash bindings/python/run-tests.sh
suite examples bash examples/run.sh
suite asan bash Tests/sanitize.sh address
suite tsan bash Tests/sanitize.sh thread
suite valgrind bash Tests/sanitize.sh valgrind
if [ ${#failed[@]} -gt 0 ]; then
    echo "failed suites: ${failed[*]}"
    exit 1
fi
echo "all suites passed"
