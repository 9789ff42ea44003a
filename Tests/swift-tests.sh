#!/usr/bin/env bash
# The Swift unit tests (Tests/TraciaCoreTests), run by Swift Testing. They use Swift Testing
# only, so XCTest's runner, which would add "Executed 0 tests" lines, is switched off; a test
# file that imports XCTest fails here instead of being skipped unseen. Extra arguments go to
# `swift test` (Tests/sanitize.sh passes the sanitizer); SCRATCH names the build folder.
set -euo pipefail
cd "$(dirname "$0")/.."
if grep -rl '^import XCTest' Tests/TraciaCoreTests; then
    echo "the files above use XCTest, which this suite does not run: write them with Swift Testing"
    exit 1
fi
exec swift test --scratch-path "${SCRATCH:-.build}" --disable-xctest "$@"
