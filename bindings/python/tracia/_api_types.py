"""The rest of the Tracia SDK's data types (run_local's input, the Responses API, spans,
evaluations, prompts, embeddings) with the official fields and aliases, on the same base as
_types.py: model_dump, model_validate and the rest, without pydantic. Imported on first use."""
from __future__ import annotations

from ._types import (_MISSING, LocalPromptMessage, TokenUsage, ToolCall, ToolDefinition, _datetime, _Model,
                     provider_of)

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any, Dict, List, Optional, Union

    from ._types import LLMProvider, ResponseFormatJsonSchema


class RunLocalInput(_Model):
    """Input for run_local method."""

    _fields = (("messages", "messages", _MISSING), ("model", "model", _MISSING), ("stream", "stream", False),
               ("provider", "provider", None), ("temperature", "temperature", None),
               ("max_output_tokens", "maxOutputTokens", None), ("top_p", "topP", None),
               ("stop_sequences", "stopSequences", None), ("timeout_ms", "timeoutMs", None),
               ("custom_options", "customOptions", None), ("variables", "variables", None),
               ("provider_api_key", "providerApiKey", None), ("tags", "tags", None), ("user_id", "userId", None),
               ("session_id", "sessionId", None), ("send_trace", "sendTrace", None), ("span_id", "spanId", None),
               ("tools", "tools", None), ("tool_choice", "toolChoice", None), ("response_format", "responseFormat", None),
               ("trace_id", "traceId", None), ("parent_span_id", "parentSpanId", None))
    messages: List[LocalPromptMessage]
    model: str
    stream: bool
    provider: Optional[Union[LLMProvider, str]]
    temperature: Optional[float]
    max_output_tokens: Optional[int]
    top_p: Optional[float]
    stop_sequences: Optional[List[str]]
    timeout_ms: Optional[int]
    custom_options: Optional[Dict[str, Any]]
    variables: Optional[Dict[str, str]]
    provider_api_key: Optional[str]
    tags: Optional[List[str]]
    user_id: Optional[str]
    session_id: Optional[str]
    send_trace: Optional[bool]
    span_id: Optional[str]
    tools: Optional[List[ToolDefinition]]
    tool_choice: Optional[Union[str, Dict[str, str]]]
    response_format: Optional[Union[Dict[str, Any], ResponseFormatJsonSchema]]
    trace_id: Optional[str]
    parent_span_id: Optional[str]


class ResponsesInputMessage(_Model):
    """User or developer message for Responses API."""

    _fields = (("role", "role", _MISSING), ("content", "content", _MISSING))
    role: str
    content: str


class ResponsesFunctionCallOutput(_Model):
    """Function call output for Responses API."""

    _fields = (("type", "type", 'function_call_output'), ("call_id", "callId", _MISSING), ("output", "output", _MISSING))
    type: str
    call_id: str
    output: str


class ResponsesFunctionCall(_Model):
    """Function call for Responses API."""

    _fields = (("type", "type", 'function_call'), ("id", "id", _MISSING), ("call_id", "callId", _MISSING),
               ("name", "name", _MISSING), ("arguments", "arguments", _MISSING))
    type: str
    id: str
    call_id: str
    name: str
    arguments: str


class ResponsesMessage(_Model):
    """Message output for Responses API."""

    _fields = (("type", "type", 'message'), ("role", "role", _MISSING), ("content", "content", _MISSING))
    type: str
    role: str
    content: List[Dict[str, Any]]


class RunResponsesInput(_Model):
    """Input for run_responses method."""

    _fields = (("model", "model", _MISSING), ("input", "input", _MISSING), ("stream", "stream", False),
               ("tools", "tools", None), ("max_output_tokens", "maxOutputTokens", None),
               ("provider_api_key", "providerApiKey", None), ("timeout_ms", "timeoutMs", None),
               ("send_trace", "sendTrace", None), ("span_id", "spanId", None), ("tags", "tags", None),
               ("user_id", "userId", None), ("session_id", "sessionId", None), ("trace_id", "traceId", None),
               ("parent_span_id", "parentSpanId", None))
    model: str
    input: List[Union[ResponsesInputMessage, ResponsesFunctionCallOutput, ResponsesFunctionCall, ResponsesMessage]]
    stream: bool
    tools: Optional[List[ToolDefinition]]
    max_output_tokens: Optional[int]
    provider_api_key: Optional[str]
    timeout_ms: Optional[int]
    send_trace: Optional[bool]
    span_id: Optional[str]
    tags: Optional[List[str]]
    user_id: Optional[str]
    session_id: Optional[str]
    trace_id: Optional[str]
    parent_span_id: Optional[str]


class ResponsesToolCall(_Model):
    """Tool call from Responses API."""

    _fields = (("id", "id", _MISSING), ("call_id", "callId", _MISSING), ("name", "name", _MISSING),
               ("arguments", "arguments", _MISSING))
    id: str
    call_id: str
    name: str
    arguments: Dict[str, Any]


class RunResponsesResult(_Model):
    """Result from run_responses method."""

    _fields = (("text", "text", _MISSING), ("span_id", "spanId", _MISSING), ("trace_id", "traceId", _MISSING),
               ("latency_ms", "latencyMs", _MISSING), ("usage", "usage", _MISSING), ("output_items", "outputItems", list),
               ("tool_calls", "toolCalls", list), ("aborted", "aborted", False))
    text: str
    span_id: str
    trace_id: str
    latency_ms: int
    usage: TokenUsage
    output_items: List[Union[ResponsesFunctionCall, ResponsesMessage]]
    tool_calls: List[ResponsesToolCall]
    aborted: bool


class TextDeltaEvent(_Model):
    """Text delta event during streaming."""

    _fields = (("type", "type", 'text_delta'), ("data", "data", _MISSING))
    type: str
    data: str


class TextEvent(_Model):
    """Complete text event."""

    _fields = (("type", "type", 'text'), ("data", "data", _MISSING))
    type: str
    data: str


class ReasoningEvent(_Model):
    """Reasoning/thinking content event."""

    _fields = (("type", "type", 'reasoning'), ("content", "content", _MISSING))
    type: str
    content: str


class ToolCallEvent(_Model):
    """Tool call event."""

    _fields = (("type", "type", 'tool_call'), ("id", "id", _MISSING), ("call_id", "callId", _MISSING),
               ("name", "name", _MISSING), ("arguments", "arguments", _MISSING))
    type: str
    id: str
    call_id: str
    name: str
    arguments: Dict[str, Any]


class DoneEvent(_Model):
    """Stream completion event."""

    _fields = (("type", "type", 'done'), ("usage", "usage", _MISSING))
    type: str
    usage: TokenUsage


class CreateSpanPayload(_Model):
    """Payload for creating a span."""

    _fields = (("span_id", "spanId", _MISSING), ("model", "model", _MISSING), ("provider", "provider", _MISSING),
               ("input", "input", _MISSING), ("variables", "variables", None), ("output", "output", None),
               ("status", "status", _MISSING), ("error", "error", None), ("latency_ms", "latencyMs", _MISSING),
               ("input_tokens", "inputTokens", _MISSING), ("output_tokens", "outputTokens", _MISSING),
               ("total_tokens", "totalTokens", _MISSING), ("tags", "tags", None), ("user_id", "userId", None),
               ("session_id", "sessionId", None), ("temperature", "temperature", None),
               ("max_output_tokens", "maxOutputTokens", None), ("top_p", "topP", None), ("tools", "tools", None),
               ("tool_calls", "toolCalls", None), ("trace_id", "traceId", None), ("parent_span_id", "parentSpanId", None),
               ("span_kind", "spanKind", None))
    span_id: str
    model: str
    provider: Union[LLMProvider, str]
    input: Dict[str, Any]
    variables: Optional[Dict[str, str]]
    output: Optional[str]
    status: str
    error: Optional[str]
    latency_ms: int
    input_tokens: int
    output_tokens: int
    total_tokens: int
    tags: Optional[List[str]]
    user_id: Optional[str]
    session_id: Optional[str]
    temperature: Optional[float]
    max_output_tokens: Optional[int]
    top_p: Optional[float]
    tools: Optional[List[ToolDefinition]]
    tool_calls: Optional[List[ToolCall]]
    trace_id: Optional[str]
    parent_span_id: Optional[str]
    span_kind: Optional[str]


class CreateSpanResult(_Model):
    """Result from creating a span."""

    _fields = (("id", "id", _MISSING), ("span_id", "spanId", _MISSING), ("trace_id", "traceId", _MISSING))
    id: str
    span_id: str
    trace_id: str


class SpanListItem(_Model):
    """A span item from the list endpoint (reduced fields)."""

    _fields = (("id", "id", _MISSING), ("span_id", "spanId", _MISSING), ("trace_id", "traceId", None),
               ("prompt_slug", "promptSlug", None), ("model", "model", _MISSING), ("status", "status", _MISSING),
               ("latency_ms", "latencyMs", _MISSING), ("input_tokens", "inputTokens", _MISSING),
               ("output_tokens", "outputTokens", _MISSING), ("total_tokens", "totalTokens", _MISSING), ("cost", "cost", None),
               ("created_at", "createdAt", _MISSING))
    id: str
    span_id: str
    trace_id: Optional[str]
    prompt_slug: Optional[str]
    model: str
    status: str
    latency_ms: int
    input_tokens: int
    output_tokens: int
    total_tokens: int
    cost: Optional[float]
    created_at: datetime


class Span(_Model):
    """A span from the API (full detail)."""

    _fields = (("id", "id", _MISSING), ("span_id", "spanId", _MISSING), ("trace_id", "traceId", None),
               ("parent_span_id", "parentSpanId", None), ("prompt_slug", "promptSlug", None),
               ("prompt_version", "promptVersion", None), ("model", "model", _MISSING), ("provider", "provider", _MISSING),
               ("input", "input", _MISSING), ("variables", "variables", None), ("output", "output", None),
               ("status", "status", _MISSING), ("error", "error", None), ("latency_ms", "latencyMs", _MISSING),
               ("input_tokens", "inputTokens", _MISSING), ("output_tokens", "outputTokens", _MISSING),
               ("total_tokens", "totalTokens", _MISSING), ("cost", "cost", None), ("tags", "tags", list),
               ("user_id", "userId", None), ("session_id", "sessionId", None), ("created_at", "createdAt", _MISSING))
    id: str
    span_id: str
    trace_id: Optional[str]
    parent_span_id: Optional[str]
    prompt_slug: Optional[str]
    prompt_version: Optional[int]
    model: str
    provider: str
    input: Dict[str, Any]
    variables: Optional[Dict[str, str]]
    output: Optional[str]
    status: str
    error: Optional[str]
    latency_ms: int
    input_tokens: int
    output_tokens: int
    total_tokens: int
    cost: Optional[float]
    tags: List[str]
    user_id: Optional[str]
    session_id: Optional[str]
    created_at: datetime


class ListSpansOptions(_Model):
    """Options for listing spans."""

    _fields = (("prompt_slug", "promptSlug", None), ("status", "status", None), ("start_date", "startDate", None),
               ("end_date", "endDate", None), ("user_id", "userId", None), ("session_id", "sessionId", None),
               ("tags", "tags", None), ("limit", "limit", None), ("cursor", "cursor", None))
    prompt_slug: Optional[str]
    status: Optional[str]
    start_date: Optional[datetime]
    end_date: Optional[datetime]
    user_id: Optional[str]
    session_id: Optional[str]
    tags: Optional[List[str]]
    limit: Optional[int]
    cursor: Optional[str]


class ListSpansResult(_Model):
    """Result from listing spans."""

    _fields = (("spans", "spans", _MISSING), ("cursor", "cursor", None), ("has_more", "hasMore", False))
    spans: List[SpanListItem]
    cursor: Optional[str]
    has_more: bool


class EvaluateOptions(_Model):
    """Options for evaluating a span."""

    _fields = (("evaluator", "evaluator", _MISSING), ("value", "value", _MISSING), ("note", "note", None))
    evaluator: str
    value: Union[int, float]
    note: Optional[str]


class EvaluateResult(_Model):
    """Result from evaluating a span."""

    _fields = (("id", "id", _MISSING), ("evaluator_key", "evaluatorKey", _MISSING),
               ("evaluator_name", "evaluatorName", _MISSING), ("value", "value", _MISSING), ("source", "source", _MISSING),
               ("note", "note", None), ("created_at", "createdAt", _MISSING))
    id: str
    evaluator_key: str
    evaluator_name: str
    value: float
    source: str
    note: Optional[str]
    created_at: datetime


class PromptMessage(_Model):
    """A message in a prompt template."""

    _fields = (("id", "id", _MISSING), ("role", "role", _MISSING), ("content", "content", _MISSING))
    id: str
    role: str
    content: str


class PromptVersion(_Model):
    """A version of a prompt."""

    _fields = (("version", "version", _MISSING), ("messages", "messages", _MISSING), ("model", "model", _MISSING),
               ("provider", "provider", _MISSING), ("temperature", "temperature", None),
               ("max_output_tokens", "maxOutputTokens", None), ("top_p", "topP", None),
               ("stop_sequences", "stopSequences", None), ("created_at", "createdAt", _MISSING))
    version: int
    messages: List[PromptMessage]
    model: str
    provider: Union[LLMProvider, str]
    temperature: Optional[float]
    max_output_tokens: Optional[int]
    top_p: Optional[float]
    stop_sequences: Optional[List[str]]
    created_at: datetime


class Prompt(_Model):
    """A prompt from the API."""

    _fields = (("id", "id", _MISSING), ("slug", "slug", _MISSING), ("name", "name", _MISSING),
               ("description", "description", None), ("current_version", "currentVersion", _MISSING),
               ("versions", "versions", list), ("created_at", "createdAt", _MISSING), ("updated_at", "updatedAt", _MISSING))
    id: str
    slug: str
    name: str
    description: Optional[str]
    current_version: int
    versions: List[PromptVersion]
    created_at: datetime
    updated_at: datetime


class PromptListItem(_Model):
    """A prompt item in the list response."""

    _fields = (("id", "id", _MISSING), ("slug", "slug", _MISSING), ("name", "name", _MISSING),
               ("description", "description", None), ("current_version", "currentVersion", _MISSING),
               ("created_at", "createdAt", _MISSING), ("updated_at", "updatedAt", _MISSING))
    id: str
    slug: str
    name: str
    description: Optional[str]
    current_version: int
    created_at: datetime
    updated_at: datetime


class CreatePromptOptions(_Model):
    """Options for creating a prompt."""

    _fields = (("name", "name", _MISSING), ("slug", "slug", None), ("description", "description", None),
               ("content", "content", _MISSING), ("model", "model", None), ("provider", "provider", None),
               ("temperature", "temperature", None), ("max_output_tokens", "maxOutputTokens", None), ("top_p", "topP", None),
               ("stop_sequences", "stopSequences", None))
    name: str
    slug: Optional[str]
    description: Optional[str]
    content: List[PromptMessage]
    model: Optional[str]
    provider: Optional[Union[LLMProvider, str]]
    temperature: Optional[float]
    max_output_tokens: Optional[int]
    top_p: Optional[float]
    stop_sequences: Optional[List[str]]


class UpdatePromptOptions(_Model):
    """Options for updating a prompt."""

    _fields = (("name", "name", None), ("slug", "slug", None), ("description", "description", None),
               ("content", "content", None), ("model", "model", None), ("provider", "provider", None),
               ("temperature", "temperature", None), ("max_output_tokens", "maxOutputTokens", None), ("top_p", "topP", None),
               ("stop_sequences", "stopSequences", None))
    name: Optional[str]
    slug: Optional[str]
    description: Optional[str]
    content: Optional[List[PromptMessage]]
    model: Optional[str]
    provider: Optional[Union[LLMProvider, str]]
    temperature: Optional[float]
    max_output_tokens: Optional[int]
    top_p: Optional[float]
    stop_sequences: Optional[List[str]]


class RunOptions(_Model):
    """Options for running a prompt."""

    _fields = (("model", "model", None), ("version", "version", None), ("tags", "tags", None), ("user_id", "userId", None),
               ("session_id", "sessionId", None), ("trace_id", "traceId", None), ("parent_span_id", "parentSpanId", None),
               ("messages", "messages", None))
    model: Optional[str]
    version: Optional[int]
    tags: Optional[List[str]]
    user_id: Optional[str]
    session_id: Optional[str]
    trace_id: Optional[str]
    parent_span_id: Optional[str]
    messages: Optional[List[LocalPromptMessage]]


class RunResult(_Model):
    """Result from running a prompt (via API)."""

    _fields = (("text", "text", None), ("span_id", "spanId", _MISSING), ("trace_id", "traceId", _MISSING),
               ("prompt_version", "promptVersion", _MISSING), ("latency_ms", "latencyMs", _MISSING),
               ("usage", "usage", _MISSING), ("cost", "cost", _MISSING), ("finish_reason", "finishReason", None),
               ("tool_calls", "toolCalls", None), ("structured_output", "structuredOutput", None),
               ("messages", "messages", None))
    text: Optional[str]
    span_id: str
    trace_id: str
    prompt_version: int
    latency_ms: int
    usage: TokenUsage
    cost: float
    finish_reason: Optional[str]
    tool_calls: Optional[List[ToolCall]]
    structured_output: Optional[Dict[str, Any]]
    messages: Optional[List[LocalPromptMessage]]


class RunEmbeddingInput(_Model):
    """Input for run_embedding method."""

    _fields = (("input", "input", _MISSING), ("model", "model", _MISSING), ("provider", "provider", None),
               ("provider_api_key", "providerApiKey", None), ("dimensions", "dimensions", None),
               ("send_trace", "sendTrace", None), ("span_id", "spanId", None), ("tags", "tags", None),
               ("user_id", "userId", None), ("session_id", "sessionId", None), ("trace_id", "traceId", None),
               ("parent_span_id", "parentSpanId", None), ("timeout_ms", "timeoutMs", None))
    input: Union[str, List[str]]
    model: str
    provider: Optional[Union[LLMProvider, str]]
    provider_api_key: Optional[str]
    dimensions: Optional[int]
    send_trace: Optional[bool]
    span_id: Optional[str]
    tags: Optional[List[str]]
    user_id: Optional[str]
    session_id: Optional[str]
    trace_id: Optional[str]
    parent_span_id: Optional[str]
    timeout_ms: Optional[int]


class EmbeddingVector(_Model):
    """A single embedding vector."""

    _fields = (("values", "values", _MISSING), ("index", "index", _MISSING))
    values: List[float]
    index: int


class EmbeddingUsage(_Model):
    """Token usage for embedding requests."""

    _fields = (("total_tokens", "totalTokens", _MISSING),)
    total_tokens: int


class RunEmbeddingResult(_Model):
    """Result from run_embedding method."""

    _fields = (("embeddings", "embeddings", _MISSING), ("span_id", "spanId", _MISSING), ("trace_id", "traceId", _MISSING),
               ("latency_ms", "latencyMs", _MISSING), ("usage", "usage", _MISSING), ("cost", "cost", None),
               ("provider", "provider", _MISSING), ("model", "model", _MISSING))
    embeddings: List[EmbeddingVector]
    span_id: str
    trace_id: str
    latency_ms: int
    usage: EmbeddingUsage
    cost: Optional[float]
    provider: Union[LLMProvider, str]
    model: str


def _responses_item(value: Any) -> Any:
    """An item of Responses input or output, told apart by its type (a message of the caller's has none)."""
    if not isinstance(value, dict):
        return value
    kind = {"function_call_output": ResponsesFunctionCallOutput, "function_call": ResponsesFunctionCall,
            "message": ResponsesMessage}.get(value.get("type", ""), ResponsesInputMessage)
    return kind.model_validate(value)


RunLocalInput._nested = {"messages": [LocalPromptMessage], "provider": provider_of, "tools": [ToolDefinition]}
RunResponsesInput._nested = {"input": [_responses_item], "tools": [ToolDefinition]}
RunResponsesResult._nested = {"usage": TokenUsage, "output_items": [_responses_item], "tool_calls": [ResponsesToolCall]}
DoneEvent._nested = {"usage": TokenUsage}
CreateSpanPayload._nested = {"provider": provider_of, "tools": [ToolDefinition], "tool_calls": [ToolCall]}
SpanListItem._nested = Span._nested = EvaluateResult._nested = {"created_at": _datetime}
ListSpansOptions._nested = {"start_date": _datetime, "end_date": _datetime}
ListSpansResult._nested = {"spans": [SpanListItem]}
PromptVersion._nested = {"messages": [PromptMessage], "provider": provider_of, "created_at": _datetime}
Prompt._nested = {"versions": [PromptVersion], "created_at": _datetime, "updated_at": _datetime}
PromptListItem._nested = {"created_at": _datetime, "updated_at": _datetime}
CreatePromptOptions._nested = UpdatePromptOptions._nested = {"content": [PromptMessage], "provider": provider_of}
RunOptions._nested = {"messages": [LocalPromptMessage]}
RunResult._nested = {"usage": TokenUsage, "tool_calls": [ToolCall], "messages": [LocalPromptMessage]}
RunEmbeddingInput._nested = {"provider": provider_of}
RunEmbeddingResult._nested = {"embeddings": [EmbeddingVector], "usage": EmbeddingUsage, "provider": provider_of}

if TYPE_CHECKING:
    ResponsesOutputItem = Union[ResponsesFunctionCall, ResponsesMessage]
    ResponsesInputItem = Union[ResponsesInputMessage, ResponsesFunctionCallOutput, ResponsesFunctionCall, ResponsesMessage]
    ResponsesEvent = Union[TextDeltaEvent, TextEvent, ReasoningEvent, ToolCallEvent, DoneEvent]

_ALIASES = ("ResponsesOutputItem", "ResponsesInputItem", "ResponsesEvent")


def __getattr__(name: str) -> Any:
    """The type aliases, made on first use: they need typing, which the rest does not."""
    if name not in _ALIASES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from typing import Union

    aliases = {"ResponsesOutputItem": Union[ResponsesFunctionCall, ResponsesMessage],
               "ResponsesInputItem": Union[ResponsesInputMessage, ResponsesFunctionCallOutput, ResponsesFunctionCall,
                                           ResponsesMessage],
               "ResponsesEvent": Union[TextDeltaEvent, TextEvent, ReasoningEvent, ToolCallEvent, DoneEvent]}
    globals().update(aliases)
    return aliases[name]
