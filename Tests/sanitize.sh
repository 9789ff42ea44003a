#!/usr/bin/env bash
# Runs the C tests against an instrumented build of the library, and the Swift tests under the
# same sanitizer:  Tests/sanitize.sh address | thread | valgrind
# The C tests are built with the Swift toolchain's clang, whose sanitizer runtimes match the
# library's. Assumes `make build` ran (the header, export and linkage checks use it).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: Tests/sanitize.sh address|thread|valgrind}
swift_lib=/opt/swift/usr/lib/swift/linux
case "$kind" in
valgrind)
    TRACIA_TEST_INSTRUMENTED=1 TEST_WRAPPER="valgrind --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=9" \
        exec bash Tests/c/run.sh
    ;;
address | thread)
    scratch=.build-$kind
    swift build --product tracia --scratch-path "$scratch" -Xswiftc -sanitize="$kind" 2>&1 | grep -v "Cannot export" | tail -1
    mkdir -p "build/$kind"
    cp "$scratch/debug/libtracia.so" "build/$kind/libtracia.so.0"
    ln -sf libtracia.so.0 "build/$kind/libtracia.so"
    if [ "$kind" = address ]; then
        flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
        ldflags=""
    else
        flags="-fsanitize=thread"
        # The toolchain's ThreadSanitizer runtime intercepts libdispatch, so it links it.
        ldflags="-L$swift_lib -ldispatch -lBlocksRuntime -Wl,-rpath,$swift_lib"
    fi
    TRACIA_TEST_INSTRUMENTED=1 CC="$(dirname "$(command -v swift)")/clang" TEST_CFLAGS="$flags" TEST_LDFLAGS="$ldflags" TRACIA_LIB_DIR="build/$kind" \
        bash Tests/c/run.sh 2> >(grep -v "Cannot export" >&2)
    LSAN_OPTIONS=suppressions=$PWD/Tests/lsan-xctest.supp swift test --scratch-path "$scratch" -Xswiftc -sanitize="$kind" 2> >(grep -v "Cannot export" >&2)
    ;;
*)
    echo "usage: Tests/sanitize.sh address|thread|valgrind" >&2
    exit 2
    ;;
esac
