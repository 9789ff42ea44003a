"""Fake embedding endpoints of four providers on one server, each in its wire format:
OpenAI and Voyage POST /v1/embeddings (Voyage's has no encoding_format), Gemini POST
/v1beta/models/{model}:embedContent and :batchEmbedContents, Bedrock POST /model/{id}/invoke for
Titan ({"inputText"}) and Cohere ({"texts"}). A text's vector is [its length, its position, 0.5,
...] with `dimensions` values (default 3). Scenarios by a path prefix: /unauthorized answers 401,
/server-error 500 (each provider's error body), /short one vector too few, /hold answers
after HOLD_SECONDS (for aborts in flight). A Bedrock request signed with SigV4 must carry a
signature fake_bedrock.py accepts (its test keys, or keys fake_aws_credentials.py issued), else
403 with AWS's message.
GET /_requests lists what came (path, headers, body), as the provider fakes do."""
import json
import threading
import time

from fake_bedrock import sigv4_problem
from fake_provider import JSONHandler, QuietServer

SCENARIOS = ("/unauthorized", "/server-error", "/short", "/hold")
HOLD_SECONDS = 5


def vector(text, position, dimensions):
    return ([float(len(text)), float(position), 0.5] + [0.25] * max(0, dimensions - 3))[:dimensions]


class FakeEmbeddings(QuietServer):
    def __init__(self, address=("127.0.0.1", 0)):
        super().__init__(address, Handler)
        self.lock = threading.Lock()
        self.requests = []


class Handler(JSONHandler):
    def do_GET(self):
        if self.path == "/_requests":
            with self.server.lock:
                return self.reply(200, self.server.requests)
        self.reply(404, {"error": {"message": self.path}})

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = json.loads(raw or b"null")
        path = self.path
        with self.server.lock:
            self.server.requests.append({"path": path, "headers": dict(self.headers.items()), "body": body})
        scenario = next((s for s in SCENARIOS if path.startswith(s)), "")
        path = path[len(scenario):]
        if scenario == "/hold":
            time.sleep(HOLD_SECONDS)
        kind = ("gemini" if "/v1beta/models/" in path else "bedrock" if path.startswith("/model/")
                else "openai" if path.endswith("/embeddings") else None)
        if kind is None:
            return self.reply(404, {"error": {"message": f"no route {path}"}})
        if scenario in ("/unauthorized", "/server-error"):
            status = 401 if scenario == "/unauthorized" else 500
            if kind == "gemini":
                return self.reply(status, {"error": {"code": status, "message": "fake failure", "status": "UNAUTHENTICATED" if status == 401 else "INTERNAL"}})
            if kind == "bedrock":
                return self.reply(status, {"message": "fake failure"})
            return self.reply(status, {"error": {"message": "fake failure", "type": "invalid_request_error"}})
        if kind == "bedrock" and self.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256 "):
            problem = sigv4_problem(self, raw)
            if problem:
                return self.reply(403, {"message": problem})
        drop = 1 if scenario == "/short" else 0
        if kind == "openai":
            texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
            dims = body.get("dimensions", 3)
            data = [{"object": "embedding", "index": i, "embedding": vector(t, i, dims)} for i, t in enumerate(texts)]
            tokens = sum(len(t.split()) for t in texts)
            return self.reply(200, {"object": "list", "data": data[:len(data) - drop], "model": body["model"],
                                    "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})
        if kind == "gemini":
            if not path.endswith(":batchEmbedContents"):
                return self.reply(404, {"error": {"code": 404, "message": f"no route {path}", "status": "NOT_FOUND"}})
            out = [{"values": vector(r["content"]["parts"][0]["text"], i, r.get("outputDimensionality", 3))}
                   for i, r in enumerate(body["requests"])]
            return self.reply(200, {"embeddings": out[:len(out) - drop]})
        if "cohere" in path:
            texts = body["texts"]
            out = [vector(t, i, 3) for i, t in enumerate(texts)]
            return self.reply(200, {"id": "fake", "response_type": "embeddings_floats", "texts": texts,
                                    "embeddings": out[:len(out) - drop]})
        text = body["inputText"]
        with self.server.lock:
            position = sum(1 for r in self.server.requests if r["path"] == self.path) - 1
        return self.reply(200, {"embedding": vector(text, position, body.get("dimensions", 3)),
                                "inputTextTokenCount": len(text.split())})
