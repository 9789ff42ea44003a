#!/usr/bin/env bash
# The C tests: the header compiles cleanly as C99 and C++, the library exports exactly the
# header's functions and carries no Swift runtime dependency, then the test program runs
# against the real build/lib/libtracia.so and the fake servers on loopback.
# Assumes `make build` ran. TRACIA_LIB_DIR, CC, TEST_CFLAGS and TEST_WRAPPER (e.g. valgrind)
# let the same tests run against a sanitizer build.
set -euo pipefail
cd "$(dirname "$0")/../.."
lib_dir=${TRACIA_LIB_DIR:-build/lib}
out=build/tests
mkdir -p "$out"
cc=${CC:-cc}

echo "-- header: C99 and C++, warnings as errors"
printf '#include <tracia.h>\nint main(void) { return tracia_version_number() > 0 ? 0 : 1; }\n' > "$out/header.c"
cc -std=c99 -Wall -Wextra -pedantic -Werror -Iinclude -c "$out/header.c" -o "$out/header_c.o"
c++ -x c++ -std=c++11 -Wall -Wextra -pedantic -Werror -Iinclude -c "$out/header.c" -o "$out/header_cpp.o"

echo "-- exports equal the header's functions"
declared=$(grep -Eo '\btracia_[a-z_]+\(' include/tracia.h | tr -d '(' | sort -u)
exported=$(nm -D --defined-only --extern-only build/lib/libtracia.so | awk '{print $3}' | sort -u)
if [ "$declared" != "$exported" ]; then
    diff <(echo "$declared") <(echo "$exported") || true
    echo "exports differ from the header"
    exit 1
fi

echo "-- linkage: no Swift or Foundation runtime libraries"
if ldd build/lib/libtracia.so | grep -Ei 'libswift|libFoundation|libdispatch'; then
    echo "libtracia.so depends on a Swift runtime library"
    exit 1
fi
readelf -d build/lib/libtracia.so | grep -q 'SONAME.*libtracia.so.0' || { echo "missing SONAME libtracia.so.0"; exit 1; }

echo "-- tests"
$cc -std=c99 -Wall -Wextra -Werror -g ${TEST_CFLAGS:-} -Iinclude Tests/c/*.c -L"$lib_dir" -ltracia \
    -Wl,-rpath,"$PWD/$lib_dir" -lcurl -ljansson -lpthread ${TEST_LDFLAGS:-} -o "$out/c-tests"

source Tests/fakes/start.sh
export TRACIA_API_KEY= OPENAI_API_KEY= TRACIA_SPANS_FILE=/dev/null
# AWS credentials come only from what a test sets: no profile files, no instance metadata probe.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
timeout 600 ${TEST_WRAPPER:-} "$out/c-tests" "$@"
