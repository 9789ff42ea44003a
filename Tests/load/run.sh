#!/usr/bin/env bash
# Load: 1000 concurrent streams (STREAMS to change it) over the four providers' fake servers,
# traced, in one process. Assumes `make build` ran.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/tests
cc -std=c99 -O2 -Wall -Wextra -Werror -Iinclude Tests/load/load.c -Lbuild/lib -ltracia -Wl,-rpath,"$PWD/build/lib" \
    -lcurl -ljansson -o build/tests/load
source Tests/fakes/start.sh
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
timeout 300 build/tests/load "${STREAMS:-1000}"
