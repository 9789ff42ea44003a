#!/usr/bin/env bash
# The Python binding's tests, against the package as pip installs it (the library bundled
# inside), in a virtual environment of its own. Assumes `make build` ran at the repository root.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
# AWS credentials come only from what a test sets (as in Tests/run-all.sh).
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
venv=$root/build/venv-python
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check pytest django starlette httpx mypy ruff pydantic anthropic google-genai openai
# The official SDK, apart from this package (same import name): the tests compare its exported
# names and its pydantic models with this package's. Only its types module is ever imported.
official=$root/build/official-tracia
if [ ! -d "$official/tracia" ]; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --target "$official" tracia==0.3.1
fi
# A fresh install each run, so the tests see this tree's library and code.
TRACIA_LIBRARY=$root/build/lib/libtracia.so "$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps .
# The package is typed (py.typed): its annotations must hold.
"$venv/bin/python" -m mypy tracia
# Lint with the rules named in pyproject.toml; no cache written into the tree.
"$venv/bin/python" -m ruff check --no-cache .
cd tests
exec env -u TRACIA_LIBRARY "$venv/bin/python" -m pytest -q -p no:cacheprovider .
