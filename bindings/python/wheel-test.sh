#!/usr/bin/env bash
# The wheel as users get it: `pip wheel` makes one py3-none-<platform> wheel (ctypes, no
# extension module) holding the library, and it installs and runs under every other Python
# this machine has: python3.9 ... python3.14 (pyenv's or the system's), PyPy 3 (Debian's pypy3,
# which `make test-deps` installs), and CPythons uv can fetch where its downloads are reachable.
# Each gets a fresh virtual environment, installs the wheel alone and runs a streamed call, a
# model round trip and an import of every name the official SDK exports. Assumes `make build`.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
out=$root/build/wheel-test
rm -rf "$out"
mkdir -p "$out"
build_python=$(command -v python3)
build_version=$("$build_python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

echo "-- pip wheel (build interpreter: Python $build_version)"
TRACIA_LIBRARY=$root/build/lib/libtracia.so "$root/build/venv-python/bin/pip" wheel --quiet --disable-pip-version-check \
    --no-deps -w "$out/dist" .
wheel=$(ls "$out"/dist/tracia-*.whl)
case "$(basename "$wheel")" in
tracia-*-py3-none-linux_*.whl) echo "ok   tag: $(basename "$wheel")" ;;
*) echo "FAIL tag: $(basename "$wheel") is not py3-none-<platform>"; exit 1 ;;
esac
"$build_python" - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
native = [n for n in names if n.endswith((".so", ".pyd", ".dylib")) or ".so." in n]
assert native == ["tracia/libtracia.so"], native
assert "tracia/_api_types.py" in names and "tracia/py.typed" in names
print("ok   contents: the library and the package, no extension module")
PY

interpreters=()
seen=" $build_version "
add() {  # an interpreter that runs, once per implementation and version, not the build's
    local key
    key=$("$1" -c 'import platform, sys; print("%s-%d.%d" % (platform.python_implementation(), *sys.version_info[:2]))' 2>/dev/null) || return 0
    [ "$key" = "CPython-$build_version" ] && return 0
    case "$seen" in *" $key "*) return 0 ;; esac
    seen="$seen$key "
    interpreters+=("$1")
}
pyenv_root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for v in 3.9 3.10 3.11 3.12 3.13 3.14; do
    for p in "$pyenv_root"/versions/"$v"*/bin/"python$v" /usr/bin/"python$v" /usr/local/bin/"python$v"; do
        [ -x "$p" ] && add "$p"
    done
done
command -v pypy3 >/dev/null && add "$(command -v pypy3)"
# CPythons of other versions through uv, from PyPI; its interpreters come from GitHub, which
# some machines cannot reach: then this adds nothing, and says so.
if "$root/build/venv-python/bin/pip" install --quiet --disable-pip-version-check uv 2>/dev/null; then
    uv=$root/build/venv-python/bin/uv
    for v in 3.9 3.13; do
        if p=$(timeout 300 "$uv" python find "$v" 2>/dev/null || { timeout 300 "$uv" python install "$v" >/dev/null 2>&1 && "$uv" python find "$v"; }); then
            add "$p"
        else
            echo "--   uv could not fetch CPython $v here (its downloads are unreachable)"
        fi
    done
fi

passed=0 failed=0
for python in "${interpreters[@]}"; do
    name=$("$python" -c 'import platform, sys; print("%s %d.%d" % (platform.python_implementation(), *sys.version_info[:2]))')
    venv=$out/venv-$(basename "$python")-$passed$failed
    if "$python" -m venv "$venv" >"$out/log" 2>&1 &&
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index "$wheel" >>"$out/log" 2>&1 &&
        (cd "$out" && env -u TRACIA_LIBRARY "$venv/bin/python" "$root/bindings/python/tests/wheel_smoke.py" "$root") >>"$out/log" 2>&1; then
        echo "ok   $name ($python)"
        passed=$((passed + 1))
    else
        echo "FAIL $name ($python)"
        sed 's/^/     /' "$out/log"
        failed=$((failed + 1))
    fi
done
if [ ${#interpreters[@]} -eq 0 ]; then
    echo "FAIL no Python other than $build_version here: install pypy3 (make test-deps) or another python3.X"
    failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
