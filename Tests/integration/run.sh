#!/usr/bin/env bash
# Integration tests of the built library and CLI, driven from Python: OTLP export decoded with
# the official OpenTelemetry protocol package, and calls through LiteLLM's proxy. They run in
# their own virtual environment so their packages cannot disturb anything else. Assumes
# `make build` ran.
set -euo pipefail
cd "$(dirname "$0")"
venv=../../build/venv-integration
if [ ! -x "$venv/bin/litellm" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check pytest opentelemetry-proto 'litellm[proxy]'
fi
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider .
