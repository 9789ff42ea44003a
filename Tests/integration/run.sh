#!/usr/bin/env bash
# Integration tests of the built library and CLI, driven from Python (OTLP export decoded
# with the official OpenTelemetry protocol package). Assumes `make build` ran.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m pip install --quiet --disable-pip-version-check pytest opentelemetry-proto 2>&1 | grep -v "^WARNING: Running pip as" || true
exec python3 -m pytest -q -p no:cacheprovider .
