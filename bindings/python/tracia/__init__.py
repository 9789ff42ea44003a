"""libtracia for Python: the Tracia SDK's local-run API (run_local, arun_local, streams,
sessions) over the native library."""
from ._client import Tracia
from ._errors import TraciaError, TraciaErrorCode
from ._session import TraciaSession
from ._streaming import AsyncLocalStream, LocalStream
from ._types import (ContentPart, Eval, JsonSchemaProperty, LLMProvider, LocalPromptMessage, ResponseFormat,
                     ResponseFormatJsonSchema, RunLocalResult, StreamResult, TextPart, TokenUsage, ToolCall,
                     ToolCallPart, ToolChoice, ToolDefinition, ToolParameters)
from ._ffi import version as _version

__version__ = _version().decode()

__all__ = [
    "AsyncLocalStream", "ContentPart", "Eval", "JsonSchemaProperty", "LLMProvider", "LocalPromptMessage",
    "LocalStream", "ResponseFormat", "ResponseFormatJsonSchema", "RunLocalResult", "StreamResult", "TextPart",
    "TokenUsage", "ToolCall", "ToolCallPart", "ToolChoice", "ToolDefinition", "ToolParameters", "Tracia",
    "TraciaError", "TraciaErrorCode", "TraciaSession", "__version__",
]
