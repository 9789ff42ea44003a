#!/usr/bin/env bash
# Builds the examples against an installed copy of the library, as a user would, and runs them:
# C and Swift offline on the mock provider; Go, Rust and Ruby against the fake OpenAI server.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s example-deps
source Tests/fakes/start.sh
prefix=$(mktemp -d)
trap 'kill $FAKES_PID 2>/dev/null || true; rm -rf "$prefix"' EXIT
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

# Go, Rust and Ruby through the C ABI, each in a directory of its own (spans go to ./spans.jsonl).
# The fake answers with the prompt, word by word; its /hold answer never ends by itself, so the
# abort after the first chunk always comes first.
ffi_example() { # NAME COMMAND...
    local name=$1 dir="$prefix/$1" status=0 out
    shift
    mkdir "$dir"
    out=$(cd "$dir" && LD_LIBRARY_PATH="$prefix/lib" TRACIA_API_KEY= OPENAI_API_KEY=sk-test-key \
        "$@" "$FAKE_OPENAI/v1" "$FAKE_OPENAI/s/text/hold/v1") || status=$?
    echo "$out"
    local answer="Write one sentence about streaming." partial
    check "$name example exits 0" '[ "$status" -eq 0 ]'
    check "$name example: span id first, the one its span has" \
        '[[ "$(head -1 <<<"$out")" =~ ^span\ (sp_[0-9a-f]{16})$ ]] && grep -q "\"${BASH_REMATCH[1]}\"" "$dir/spans.jsonl"'
    check "$name example streams the answer" '[ "$(sed -n 2p <<<"$out")" = "$answer" ]'
    check "$name example result text" 'grep -qxF "text: \"$answer\"" <<<"$out"'
    check "$name example finish_reason" 'grep -qx "finish_reason: stop" <<<"$out"'
    check "$name example usage" 'grep -qx "usage: 9 input + 5 output = 14 tokens" <<<"$out"'
    check "$name example aborts with the partial text" \
        '[[ "$out" =~ aborted:\ true,\ partial\ text:\ \"([^\"]+)\" ]] && partial=${BASH_REMATCH[1]} && [[ "Count from 1 to 100." == "$partial"* ]]'
    check "$name example error" '[[ "$out" == *"error: INVALID_REQUEST: \""*temprature* ]]'
    check "$name example: two spans written" '[[ $(wc -l <"$dir/spans.jsonl") -eq 2 ]]'
}

# A build cache of its own: Go's keys a cgo package without what `#cgo pkg-config` printed, so a
# shared one would link against an earlier run's (deleted) prefix.
(cd examples/go && GOCACHE="$prefix/go-cache" go build -o "$prefix/go-stream" .)
check "go example formatted as gofmt wants" '[ -z "$(gofmt -l examples/go)" ]'
ffi_example go "$prefix/go-stream"

rustc --edition 2021 -D warnings examples/rust/main.rs $(pkg-config --libs tracia) -o "$prefix/rust-stream"
ffi_example rust "$prefix/rust-stream"

ffi_example ruby ruby "$PWD/examples/ruby/stream.rb"
echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
