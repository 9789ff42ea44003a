#!/usr/bin/env bash
# Swift formatting: every Swift file of the package as `swift format --strict` wants it. The
# linter prints only its findings, so the last line says what was checked.
set -uo pipefail
cd "$(dirname "$0")/.."
paths=(Sources Tests Package.swift)
checked=$(find "${paths[@]}" -name '*.swift' | wc -l)
findings=$(swift format lint --strict --recursive "${paths[@]}" 2>&1)
status=$?
if [ -n "$findings" ]; then echo "$findings"; fi
if [ "$status" -eq 0 ] && [ -z "$findings" ]; then
    echo "lint: $checked Swift files (Sources, Tests, Package.swift) formatted as swift format --strict wants"
    exit 0
fi
with_findings=$(grep -Eo '^[^:]+\.swift:[0-9]+' <<<"$findings" | cut -d: -f1 | sort -u | wc -l)
echo "lint: $with_findings of $checked Swift files have findings (above); fix with swift format format -i FILES"
exit 1
