#!/usr/bin/env bash
# Replays the recorded provider responses through libtracia and the official SDKs (README.md).
# Arguments go to replay.py: -v for the values of each difference, names to replay a few.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
captures="${CAPTURES_DIR:-$repo/../shared/data/provider-captures}"
if [ ! -d "$captures" ]; then
  echo "captures: skipped: no recorded responses at $captures (set CAPTURES_DIR to their folder)"
  exit 0
fi
library="$repo/build/lib/libtracia.so"
if [ ! -e "$library" ]; then
  echo "captures: $library is missing: run make build first" >&2
  exit 1
fi
venv="$repo/build/venv-captures"
if ! cmp -s "$here/requirements.txt" "$venv/.requirements" 2>/dev/null; then
  echo "captures: installing the SDKs of requirements.txt into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/.requirements"
fi
# Neither the SDKs nor libtracia may pick up a real credential, profile or endpoint of the caller.
exec env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_BEARER_TOKEN_BEDROCK -u BEDROCK_API_KEY \
  -u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_BEDROCK_RUNTIME -u OPENAI_BASE_URL -u ANTHROPIC_BASE_URL \
  -u GOOGLE_GEMINI_BASE_URL -u GOOGLE_GENAI_USE_VERTEXAI -u TRACIA_API_KEY -u OTEL_EXPORTER_OTLP_ENDPOINT -u OTEL_EXPORTER_OTLP_TRACES_ENDPOINT \
  AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
  "$venv/bin/python" "$here/replay.py" --captures "$captures" --library "$library" "$@"
