"""Starts the fake provider servers and the fake span collector on loopback, prints their ports
as one JSON line ({"openai": PORT, "anthropic": PORT, ..., "collector": PORT}), and stops when
stdin closes."""
import json
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fake_anthropic import FakeAnthropic  # noqa: E402
from fake_azure import FakeAzure  # noqa: E402
from fake_aws_credentials import FakeAWSCredentials  # noqa: E402
from fake_bedrock import FakeBedrock  # noqa: E402
from fake_collector import FakeCollector  # noqa: E402
from fake_embeddings import FakeEmbeddings  # noqa: E402
from fake_gemini import FakeGemini  # noqa: E402
from fake_openai import FakeOpenAI  # noqa: E402
from fake_vertex import FakeVertex  # noqa: E402


def main():
    servers = {"openai": FakeOpenAI(), "anthropic": FakeAnthropic(), "google": FakeGemini(), "bedrock": FakeBedrock(), "azure": FakeAzure(), "vertex": FakeVertex(), "collector": FakeCollector(),
               "aws_credentials": FakeAWSCredentials(), "embeddings": FakeEmbeddings()}
    for server in servers.values():
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({name: s.server_address[1] for name, s in servers.items()}), flush=True)
    sys.stdin.read()
    for server in servers.values():
        server.shutdown()


if __name__ == "__main__":
    main()
