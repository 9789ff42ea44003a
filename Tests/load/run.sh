#!/usr/bin/env bash
# Load: 1000 concurrent streams (STREAMS to change it) over the four providers' fake servers,
# traced, in one process. Assumes `make build` ran.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/tests
cc -std=c99 -O2 -Wall -Wextra -Werror -Iinclude Tests/load/load.c -Lbuild/lib -ltracia -Wl,-rpath,"$PWD/build/lib" \
    -lcurl -ljansson -o build/tests/load
coproc FAKES { exec python3 Tests/fakes/serve.py; }
trap 'kill $FAKES_PID 2>/dev/null || true' EXIT
read -r ports <&"${FAKES[0]}"
eval "$(python3 -c 'import json, sys
for name, port in json.loads(sys.argv[1]).items():
    print(f"export FAKE_{name.upper()}=http://127.0.0.1:{port}")' "$ports")"
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
timeout 300 build/tests/load "${STREAMS:-1000}"
