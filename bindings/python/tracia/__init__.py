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
# The official SDK's name for its version (the User-Agent's); here the library's version.
SDK_VERSION = __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._events import StreamEvent
    from ._api_types import (CreatePromptOptions, CreateSpanPayload, CreateSpanResult, EmbeddingUsage, EmbeddingVector,
                             EvaluateOptions, EvaluateResult, ListSpansOptions, ListSpansResult, Prompt, PromptListItem,
                             PromptMessage, PromptVersion, ResponsesEvent, ResponsesFunctionCall, ResponsesFunctionCallOutput,
                             ResponsesInputItem, ResponsesInputMessage, ResponsesMessage, ResponsesOutputItem,
                             ResponsesToolCall, RunEmbeddingInput, RunEmbeddingResult, RunLocalInput, RunOptions,
                             RunResponsesInput, RunResponsesResult, RunResult, Span, SpanListItem, UpdatePromptOptions)
    from ._types import ContentPart, FinishReason, ResponseFormat, ToolChoice

# Names made on first use: typing aliases (they need typing), and the types of the REST API,
# embeddings and the Responses API (a module of their own, which a local run never loads).
_LAZY = {"StreamEvent": "_events", "ContentPart": "_types", "FinishReason": "_types", "ResponseFormat": "_types",
         "ToolChoice": "_types"}
_LAZY.update((name, "_api_types") for name in (
    "CreatePromptOptions", "CreateSpanPayload", "CreateSpanResult", "EmbeddingUsage", "EmbeddingVector", "EvaluateOptions",
    "EvaluateResult", "ListSpansOptions", "ListSpansResult", "Prompt", "PromptListItem", "PromptMessage", "PromptVersion",
    "ResponsesEvent", "ResponsesFunctionCall", "ResponsesFunctionCallOutput", "ResponsesInputItem", "ResponsesInputMessage",
    "ResponsesMessage", "ResponsesOutputItem", "ResponsesToolCall", "RunEmbeddingInput", "RunEmbeddingResult",
    "RunLocalInput", "RunOptions", "RunResponsesInput", "RunResponsesResult", "RunResult", "Span", "SpanListItem",
    "UpdatePromptOptions"))


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "AsyncLocalStream", "ContentPart", "CreatePromptOptions", "CreateSpanPayload", "CreateSpanResult", "DocumentPart",
    "EmbeddingUsage", "EmbeddingVector", "Eval", "EvaluateOptions", "EvaluateResult", "FinishReason", "ImagePart",
    "JsonSchemaProperty", "LLMProvider", "ListSpansOptions", "ListSpansResult", "LocalPromptMessage", "LocalStream", "Prompt",
    "PromptListItem", "PromptMessage", "PromptVersion", "ReasoningDelta", "ReasoningPart", "ResponseFormat",
    "ResponseFormatJsonSchema", "ResponsesEvent", "ResponsesFunctionCall", "ResponsesFunctionCallOutput",
    "ResponsesInputItem", "ResponsesInputMessage", "ResponsesMessage", "ResponsesOutputItem", "ResponsesToolCall",
    "RunEmbeddingInput", "RunEmbeddingResult", "RunLocalInput", "RunLocalResult", "RunOptions", "RunResponsesInput",
    "RunResponsesResult", "RunResult", "SDK_VERSION", "ServerToolPart", "Span", "SpanListItem", "StreamEvent", "StreamResult",
    "TextDelta", "TextPart", "TokenUsage", "ToolCall", "ToolCallDelta", "ToolCallEnd", "ToolCallPart", "ToolCallStart",
    "ToolChoice", "ToolDefinition", "ToolParameters", "Tracia", "TraciaError", "TraciaErrorCode", "TraciaSession",
    "UpdatePromptOptions", "__version__",
]
