"""The Tracia SDK's data types, without pydantic: same names, fields, aliases and
model_dump()."""
from __future__ import annotations

from enum import Enum
TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, ClassVar, Dict, List, Optional, Tuple, Union

_MISSING = object()


class _Model:
    """Fields are (name, alias, default); construction accepts either spelling. Extras are fields
    the official SDK does not have: attributes like the others, but left out of model_dump(), so
    that its shape stays the SDK's."""

    _fields: ClassVar[Tuple[Tuple[str, str, Any], ...]] = ()
    _extras: ClassVar[Tuple[Tuple[str, str, Any], ...]] = ()

    def __init__(self, **values: Any) -> None:
        for name, alias, default in self._fields + self._extras:
            if name in values:
                value = values.pop(name)
            elif alias in values:
                value = values.pop(alias)
            elif default is _MISSING:
                raise TypeError(f"{type(self).__name__}: missing field {name!r}")
            else:
                value = [] if default is list else default
            setattr(self, name, value)
        if values:
            raise TypeError(f"{type(self).__name__}: unknown fields {sorted(values)}")

    def model_dump(self, *, by_alias: bool = False, exclude_none: bool = False, mode: str = "python") -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        for name, alias, _ in self._fields:
            value = getattr(self, name)
            if value is None and exclude_none:
                continue
            out[alias if by_alias else name] = _dump(value, by_alias, exclude_none, mode)
        return out

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(getattr(self, n) == getattr(other, n) for n, _, _ in self._fields + self._extras)

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n, _, _ in self._fields + self._extras)
        return f"{type(self).__name__}({inner})"


def _dump(value: Any, by_alias: bool, exclude_none: bool, mode: str) -> Any:
    if isinstance(value, _Model):
        return value.model_dump(by_alias=by_alias, exclude_none=exclude_none, mode=mode)
    if isinstance(value, list):
        return [_dump(v, by_alias, exclude_none, mode) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v, by_alias, exclude_none, mode) for k, v in value.items()}
    if isinstance(value, Enum) and mode == "json":
        return value.value
    return value


class LLMProvider(str, Enum):
    """Supported LLM providers."""

    OPENAI = "openai"
    ANTHROPIC = "anthropic"
    GOOGLE = "google"
    AMAZON_BEDROCK = "amazon_bedrock"
    VOYAGE = "voyage"
    OPENAI_COMPATIBLE = "openai_compatible"
    AZURE = "azure"
    VERTEX = "vertex"
    MOCK = "mock"


class Eval(int, Enum):
    """Evaluation values for spans."""

    POSITIVE = 1
    NEGATIVE = 0


class TokenUsage(_Model):
    _fields = (("input_tokens", "inputTokens", _MISSING), ("output_tokens", "outputTokens", _MISSING),
               ("total_tokens", "totalTokens", _MISSING))
    _extras = (("reasoning_tokens", "reasoningTokens", None), ("cache_read_input_tokens", "cacheReadInputTokens", None),
               ("cache_write_input_tokens", "cacheWriteInputTokens", None))
    input_tokens: int
    output_tokens: int
    total_tokens: int
    # The part of output_tokens spent reasoning; None when the provider does not say.
    reasoning_tokens: Optional[int]
    # The parts of input_tokens read from and written to the provider's prompt cache.
    cache_read_input_tokens: Optional[int]
    cache_write_input_tokens: Optional[int]


class TextPart(_Model):
    _fields = (("type", "type", "text"), ("text", "text", _MISSING))
    type: str
    text: str


class ToolCallPart(_Model):
    _fields = (("type", "type", "tool_call"), ("id", "id", _MISSING), ("name", "name", _MISSING),
               ("arguments", "arguments", _MISSING))
    type: str
    id: str
    name: str
    arguments: Dict[str, Any]


class ReasoningPart(_Model):
    """The model's reasoning in an assistant message, as its provider sent it: pass it back
    unchanged in the follow-up (it goes to that provider only)."""

    _fields = (("type", "type", "reasoning"), ("provider", "provider", _MISSING), ("text", "text", ""),
               ("signature", "signature", None), ("redacted_data", "redactedData", None), ("id", "id", None))
    type: str
    provider: Union[LLMProvider, str]
    text: str
    signature: Optional[str]
    redacted_data: Optional[str]
    # The Responses API's reasoning item (rs_...), whose encrypted_content is the signature.
    id: Optional[str]


class ServerToolPart(_Model):
    """A block of a tool the provider ran itself (web search, code execution, MCP) in an
    assistant message, as the provider sent it: pass it back unchanged (it goes to that provider
    only). Never a tool call to run."""

    _fields = (("type", "type", "server_tool"), ("provider", "provider", _MISSING), ("block", "block", _MISSING))
    type: str
    provider: Union[LLMProvider, str]
    block: Dict[str, Any]


class ImagePart(_Model):
    """An image in a user message: a url (https://, gs://, s3://, or a base64 data: URL), or base64
    data with its media_type. detail is OpenAI's (auto, low, high)."""

    _fields = (("type", "type", "image"), ("url", "url", None), ("data", "data", None), ("media_type", "mediaType", None),
               ("detail", "detail", None))
    type: str
    url: Optional[str]
    data: Optional[str]
    media_type: Optional[str]
    detail: Optional[str]


class DocumentPart(_Model):
    """A document (a PDF, plain text...) in a user message, given as ImagePart is."""

    _fields = (("type", "type", "document"), ("url", "url", None), ("data", "data", None),
               ("media_type", "mediaType", None), ("filename", "filename", None))
    type: str
    url: Optional[str]
    data: Optional[str]
    media_type: Optional[str]
    filename: Optional[str]


if TYPE_CHECKING:
    ContentPart = Union[TextPart, ToolCallPart, ReasoningPart, ServerToolPart, ImagePart, DocumentPart]


class JsonSchemaProperty(_Model):
    _fields = (("type", "type", _MISSING), ("description", "description", None), ("enum", "enum", None),
               ("items", "items", None), ("properties", "properties", None), ("required", "required", None))
    type: str
    description: Optional[str]
    enum: Optional[List[Union[str, int]]]
    items: Optional["JsonSchemaProperty"]
    properties: Optional[Dict[str, "JsonSchemaProperty"]]
    required: Optional[List[str]]


class ToolParameters(_Model):
    _fields = (("type", "type", "object"), ("properties", "properties", _MISSING), ("required", "required", None))
    type: str
    properties: Dict[str, JsonSchemaProperty]
    required: Optional[List[str]]


class ToolDefinition(_Model):
    _fields = (("name", "name", _MISSING), ("description", "description", _MISSING), ("parameters", "parameters", _MISSING))
    name: str
    description: str
    parameters: ToolParameters


class ToolCall(_Model):
    _fields = (("id", "id", _MISSING), ("name", "name", _MISSING), ("arguments", "arguments", _MISSING))
    _extras = (("incomplete", "incomplete", False), ("raw_arguments", "rawArguments", None))
    id: str
    name: str
    arguments: Dict[str, Any]
    # A call cut off by the output budget: arguments is empty, raw_arguments holds what came.
    incomplete: bool
    raw_arguments: Optional[str]


class ResponseFormatJsonSchema(_Model):
    _fields = (("type", "type", "json"), ("schema_", "schema", _MISSING), ("name", "name", None),
               ("description", "description", None))
    type: str
    schema_: Dict[str, Any]
    name: Optional[str]
    description: Optional[str]


if TYPE_CHECKING:
    ToolChoice = Union[str, Dict[str, str]]
    ResponseFormat = Union[Dict[str, Any], ResponseFormatJsonSchema]


def __getattr__(name: str) -> Any:
    """The type aliases, made on first use: they need typing, which the rest does not."""
    if name not in ("ContentPart", "ToolChoice", "ResponseFormat"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from typing import Any, Dict, Union

    aliases = {"ContentPart": Union[TextPart, ToolCallPart, ReasoningPart, ServerToolPart, ImagePart, DocumentPart], "ToolChoice": Union[str, Dict[str, str]],
               "ResponseFormat": Union[Dict[str, Any], ResponseFormatJsonSchema]}
    globals().update(aliases)
    return aliases[name]


class LocalPromptMessage(_Model):
    _fields = (("role", "role", _MISSING), ("content", "content", _MISSING), ("tool_call_id", "toolCallId", None),
               ("tool_name", "toolName", None))
    role: str
    content: Union[str, List[ContentPart]]
    tool_call_id: Optional[str]
    tool_name: Optional[str]


class RunLocalResult(_Model):
    _fields: ClassVar[Tuple[Tuple[str, str, Any], ...]] = (("text", "text", _MISSING), ("span_id", "spanId", _MISSING), ("trace_id", "traceId", _MISSING),
               ("latency_ms", "latencyMs", _MISSING), ("usage", "usage", _MISSING), ("cost", "cost", None),
               ("provider", "provider", _MISSING), ("model", "model", _MISSING), ("tool_calls", "toolCalls", list),
               ("finish_reason", "finishReason", _MISSING), ("message", "message", _MISSING))
    _extras: ClassVar[Tuple[Tuple[str, str, Any], ...]] = (
        ("reasoning", "reasoning", None), ("stop_reason", "stopReason", None), ("refusal", "refusal", None),
        ("time_to_first_token_ms", "timeToFirstTokenMs", None), ("usage_complete", "usageComplete", True))
    text: str
    span_id: str
    trace_id: str
    latency_ms: int
    usage: TokenUsage
    cost: Optional[float]
    provider: Union[LLMProvider, str]
    model: str
    tool_calls: List[ToolCall]
    # None when the call was aborted: the model did not finish.
    finish_reason: Optional[str]
    message: LocalPromptMessage
    # The reasoning text of the reply, blocks joined; None when the model showed none.
    reasoning: Optional[str]
    # The provider's own stop reason; the model's refusal text; ms to the first content.
    stop_reason: Optional[str]
    refusal: Optional[str]
    time_to_first_token_ms: Optional[int]
    # False when usage is the best known rather than the provider's final count.
    usage_complete: bool


class StreamResult(RunLocalResult):
    _fields = RunLocalResult._fields + (("aborted", "aborted", False),)
    aborted: bool


# -- conversions between these types and the library's JSON ---------------------------------------


def provider_of(name: str) -> Union[LLMProvider, str]:
    try:
        return LLMProvider(name)
    except ValueError:
        return name


def part_from_json(p: Dict[str, Any]) -> ContentPart:
    kind = p.get("type")
    if kind == "tool_call":
        return ToolCallPart(id=p["id"], name=p["name"], arguments=p.get("arguments", {}))
    if kind == "server_tool":
        return ServerToolPart(provider=provider_of(p["provider"]), block=p.get("block", {}))
    if kind == "reasoning":
        return ReasoningPart(provider=provider_of(p["provider"]), text=p.get("text", ""), signature=p.get("signature"),
                             redacted_data=p.get("redacted_data"), id=p.get("id"))
    return TextPart(text=p.get("text", ""))


def message_from_json(m: Dict[str, Any]) -> LocalPromptMessage:
    content = m.get("content", "")
    if isinstance(content, list):
        content = [part_from_json(p) for p in content]
    return LocalPromptMessage(role=m["role"], content=content, tool_call_id=m.get("tool_call_id"), tool_name=m.get("tool_name"))


def result_from_json(r: Dict[str, Any], stream: bool) -> RunLocalResult:
    fields: Dict[str, Any] = dict(
        text=r["text"], span_id=r["span_id"], trace_id=r["trace_id"], latency_ms=r["latency_ms"],
        usage=TokenUsage(**r["usage"]), cost=r.get("cost"), provider=provider_of(r["provider"]), model=r["model"],
        tool_calls=[ToolCall(**c) for c in r.get("tool_calls", [])], finish_reason=r["finish_reason"],
        message=message_from_json(r["message"]), reasoning=r.get("reasoning"), stop_reason=r.get("stop_reason"),
        refusal=r.get("refusal"), time_to_first_token_ms=r.get("time_to_first_token_ms"),
        usage_complete=r.get("usage_complete", True))
    if stream:
        return StreamResult(aborted=bool(r.get("aborted")), **fields)
    return RunLocalResult(**fields)


def to_plain(value: Any) -> Any:
    """SDK objects, enums and containers as plain JSON values, for the request."""
    if isinstance(value, _Model):
        return {k: to_plain(v) for k, v in value.model_dump(by_alias=True, exclude_none=True).items()}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value


def message_to_json(message: Any) -> Dict[str, Any]:
    if isinstance(message, LocalPromptMessage):
        out: Dict[str, Any] = {"role": message.role, "content": to_plain(message.content)}
        if message.tool_call_id is not None:
            out["tool_call_id"] = message.tool_call_id
        if message.tool_name is not None:
            out["tool_name"] = message.tool_name
        return out
    if isinstance(message, dict):
        out = {k: to_plain(v) for k, v in message.items() if v is not None}
        out.setdefault("content", "")
        return out
    raise TypeError(f"a message must be a dict or LocalPromptMessage, not {type(message).__name__}")
