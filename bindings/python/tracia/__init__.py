"""libtracia for Python: the Tracia SDK's local-run API (run_local, arun_local, streams,
sessions) over the native library."""
from ._client import Tracia
from ._errors import TraciaError, TraciaErrorCode
from ._events import ReasoningDelta, TextDelta, ToolCallDelta, ToolCallEnd, ToolCallStart
from ._session import TraciaSession
from ._streaming import AsyncLocalStream, LocalStream
from ._types import (DocumentPart, Eval, ImagePart, JsonSchemaProperty, LLMProvider, LocalPromptMessage, ReasoningPart,
                     ResponseFormatJsonSchema, RunLocalResult, ServerToolPart, StreamResult, TextPart, TokenUsage, ToolCall,
                     ToolCallPart, ToolDefinition, ToolParameters)
from ._ffi import version as _version

__version__ = _version().decode()

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._events import StreamEvent
    from ._types import ContentPart, ResponseFormat, ToolChoice


# The Tracia API's models, imported on first use so that a run_local-only program loads none.
_API_MODELS = {
    "_prompts": ("CreatePromptOptions", "Prompt", "PromptListItem", "PromptMessage", "PromptVersion", "RunOptions",
                 "RunResult", "UpdatePromptOptions"),
    "_spans": ("CreateSpanPayload", "CreateSpanResult", "EvaluateOptions", "EvaluateResult", "ListSpansOptions",
               "ListSpansResult", "Span", "SpanListItem"),
    "_embeddings": ("EmbeddingUsage", "EmbeddingVector", "RunEmbeddingResult"),
}


def __getattr__(name: str) -> object:
    """ContentPart, ResponseFormat, ToolChoice and StreamEvent: typing aliases, made on first use;
    the Tracia API's models, imported on first use."""
    for module, names in _API_MODELS.items():
        if name in names:
            import importlib

            return getattr(importlib.import_module("." + module, __name__), name)
    if name == "StreamEvent":
        from . import _events

        return _events.StreamEvent
    if name not in ("ContentPart", "ResponseFormat", "ToolChoice"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import _types

    return getattr(_types, name)


__all__ = [
    "AsyncLocalStream", "ContentPart", "DocumentPart", "Eval", "ImagePart", "JsonSchemaProperty", "LLMProvider", "LocalPromptMessage",
    "LocalStream", "ReasoningDelta", "ReasoningPart", "ResponseFormat", "ResponseFormatJsonSchema", "RunLocalResult", "ServerToolPart",
    "StreamEvent", "StreamResult", "TextDelta", "TextPart", "TokenUsage", "ToolCall", "ToolCallDelta", "ToolCallEnd",
    "ToolCallPart", "ToolCallStart", "ToolChoice", "ToolDefinition", "ToolParameters", "Tracia", "TraciaError",
    "TraciaErrorCode", "TraciaSession", "__version__",
] + [name for names in _API_MODELS.values() for name in names]
