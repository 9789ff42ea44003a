# Sourced by the test runners: starts the fake provider servers and span collector on loopback
# for the rest of the script and exports their base URLs as FAKE_OPENAI, FAKE_ANTHROPIC,
# FAKE_GOOGLE, FAKE_BEDROCK, FAKE_AZURE, FAKE_VERTEX, FAKE_AWS_CREDENTIALS, FAKE_COLLECTOR and FAKE_EMBEDDINGS.
# Run from the repository root.
coproc FAKES { exec python3 Tests/fakes/serve.py; }
trap 'kill $FAKES_PID 2>/dev/null || true' EXIT
read -r ports <&"${FAKES[0]}"
eval "$(python3 -c 'import json, sys
for name, port in json.loads(sys.argv[1]).items():
    print(f"export FAKE_{name.upper()}=http://127.0.0.1:{port}")' "$ports")"
