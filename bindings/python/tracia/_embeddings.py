"""run_embedding / arun_embedding: embeddings through the library, with an EMBEDDING span."""
from __future__ import annotations

from . import _ffi, _rest
from ._api_types import EmbeddingUsage, EmbeddingVector, RunEmbeddingResult
from ._types import LLMProvider, provider_of

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, Dict, List, Union


FIELDS = ("provider", "provider_api_key", "dimensions", "send_trace", "span_id", "tags", "user_id", "session_id",
          "trace_id", "parent_span_id", "timeout_ms")


def request(input: Union[str, List[str]], model: str, fields: Dict[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {"input": input, "model": model}
    for key, value in fields.items():
        if value is not None:
            out[key] = value.value if isinstance(value, LLMProvider) else value
    return out


def result(data: Dict[str, Any]) -> RunEmbeddingResult:
    return RunEmbeddingResult(
        embeddings=[EmbeddingVector(values=e["values"], index=e["index"]) for e in data["embeddings"]],
        span_id=data["span_id"], trace_id=data["trace_id"], latency_ms=data["latency_ms"],
        usage=EmbeddingUsage(total_tokens=data["usage"]["total_tokens"]), cost=data["cost"],
        provider=provider_of(data["provider"]), model=data["model"])


def run(client: Any, input: Union[str, List[str]], model: str, fields: Dict[str, Any]) -> RunEmbeddingResult:
    with _rest.start(client, _ffi.run_embedding, request(input, model, fields)) as pending:
        return result(pending.result())


async def arun(client: Any, input: Union[str, List[str]], model: str, fields: Dict[str, Any]) -> RunEmbeddingResult:
    with _rest.start(client, _ffi.run_embedding, request(input, model, fields)) as pending:
        return result(await pending.aresult())
