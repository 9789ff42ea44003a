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
    # test_out_of_file_descriptors lowers RLIMIT_NOFILE on purpose. valgrind enforces that limit
    # itself: each descriptor past it is closed and the call fails with EMFILE, the refusal the
    # test checks for, and valgrind warns "invalid file descriptor N in syscall socket()" (or
    # eventfd2(), pipe()...) each time. Those warnings are counted into one line; every other
    # line, valgrind's error and leak reports among them, is shown as it comes.
    TRACIA_TEST_INSTRUMENTED=1 TEST_WRAPPER="valgrind --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=9" \
        bash Tests/c/run.sh 2>&1 | awk '
            /^==[0-9]+== Warning: invalid file descriptor [0-9]+ in syscall [a-z0-9_]+\(\)$/ { refused++; next }
            { print; fflush() }
            END { if (refused) printf "valgrind: %d \"invalid file descriptor\" warnings left out: descriptors refused past the lowered RLIMIT_NOFILE of test_out_of_file_descriptors, as that test wants\n", refused }'
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
    LSAN_OPTIONS=suppressions=$PWD/Tests/lsan-xctest.supp SCRATCH=$scratch bash Tests/swift-tests.sh -Xswiftc -sanitize="$kind" 2> >(grep -v "Cannot export" >&2)
    ;;
*)
    echo "usage: Tests/sanitize.sh address|thread|valgrind" >&2
    exit 2
    ;;
esac
