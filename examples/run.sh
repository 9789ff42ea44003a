#!/usr/bin/env bash
# Builds the C example against an installed copy of the library, as a user would, and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
make -s install PREFIX="$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cc -std=c99 -Wall -Wextra -Werror examples/c/stream.c $(pkg-config --cflags --libs tracia) -o "$prefix/stream"
out=$(LD_LIBRARY_PATH="$prefix/lib" TRACIA_API_KEY= TRACIA_SPANS_FILE="$prefix/spans.jsonl" "$prefix/stream")
echo "$out"
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
check "streamed text" '[[ "$out" == *"Streaming sends each token the moment it exists."* ]]'
check "span id first" '[[ "$(head -1 <<<"$out")" =~ ^span\ sp_[0-9a-f]{16}$ ]]'
check "usage" '[[ "$out" == *"total tokens: "[1-9]* ]]'
check "abort" '[[ "$out" == *"(aborted)"* ]]'
check "two spans written" '[[ $(wc -l <"$prefix/spans.jsonl") -eq 2 ]]'

# The Swift example uses TraciaCore directly, with Swift concurrency: run with README's command.
swift_status=0
swift_out=$(TRACIA_API_KEY= TRACIA_SPANS_FILE="$prefix/swift-spans.jsonl" \
    bash -c "$(python3 Tests/readme_block.py swift-example)" 2>"$prefix/swift.log") || swift_status=$?
echo "$swift_out"
[ "$swift_status" -eq 0 ] || cat "$prefix/swift.log"
check "swift example builds and exits 0" '[ "$swift_status" -eq 0 ]'
check "swift example streams" '[[ "$swift_out" == *"Structured concurrency makes streams easy."* ]]'
check "swift example result" '[[ "$swift_out" == *"13 tokens, finish reason stop"* ]]'
check "swift example cancellation aborts" '[[ "$swift_out" == *"aborted: true"* ]]'
echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
