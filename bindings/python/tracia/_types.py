"""The Tracia SDK's data types, without pydantic: same names, fields, aliases and
model_dump()."""
from __future__ import annotations

from enum import Enum
TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, ClassVar, Dict, Iterator, List, Optional, Tuple, Type, TypeVar, Union

    _M = TypeVar("_M", bound="_Model")

_MISSING = object()


class ValidationError(ValueError):
    """A value a model cannot take (a required field missing, a value of the wrong shape): a
    ValueError, as pydantic's ValidationError is."""


class _Model:
    """What code written for the SDK's pydantic models relies on, without pydantic: fields are
    (name, alias, default) and construction takes either spelling; model_dump, model_dump_json,
    model_validate, model_copy, equality and iteration behave as pydantic's do. Unknown keys
    are ignored, as pydantic's default (extra="ignore") does. `_nested` names the model each
    nested field holds, for model_validate. Extras are fields the official SDK does not have:
    attributes like the others, but left out of model_dump(), so that its shape stays the SDK's."""

    _fields: ClassVar[Tuple[Tuple[str, str, Any], ...]] = ()
    _extras: ClassVar[Tuple[Tuple[str, str, Any], ...]] = ()
    _nested: ClassVar[Dict[str, Any]] = {}

    def __init__(self, **values: Any) -> None:
        given = []
        for name, alias, default in self._fields + self._extras:
            if name in values:
                value = values.pop(name)
                given.append(name)
            elif alias in values:
                value = values.pop(alias)
                given.append(name)
            elif default is _MISSING:
                raise ValidationError(f"{type(self).__name__}: field {name!r} is required")
            else:
                value = [] if default is list else default
            setattr(self, name, value)
        self.__dict__["_set"] = given

    @property
    def model_fields_set(self) -> set:
        """The fields given when the object was made (or set by model_copy's update)."""
        return set(self.__dict__["_set"])

    @classmethod
    def model_validate(cls: Type[_M], obj: Any, **_options: Any) -> _M:
        """An object from a dict (either spelling of each key), nested models made from their
        dicts; an object of the class itself is returned as it is."""
        if isinstance(obj, cls):
            return obj
        if isinstance(obj, _Model):
            obj = obj.model_dump()
        if not isinstance(obj, dict):
            raise ValidationError(f"{cls.__name__}: expected a dict, got {type(obj).__name__}")
        values: Dict[str, Any] = {}
        for name, alias, _ in cls._fields + cls._extras:
            key = name if name in obj else alias if alias in obj else None
            if key is not None:
                value = obj[key]
                spec = cls._nested.get(name)
                values[name] = value if spec is None or value is None else _convert(spec, value)
        return cls(**values)

    @classmethod
    def model_validate_json(cls: Type[_M], data: Union[str, bytes], **options: Any) -> _M:
        import json

        return cls.model_validate(json.loads(data), **options)

    @classmethod
    def model_construct(cls: Type[_M], **values: Any) -> _M:
        """An object made without checks: missing fields take their defaults (None if required)."""
        self = cls.__new__(cls)
        given = []
        for name, alias, default in cls._fields + cls._extras:
            if name in values or alias in values:
                value = values[name] if name in values else values[alias]
                given.append(name)
            else:
                value = [] if default is list else None if default is _MISSING else default
            setattr(self, name, value)
        self.__dict__["_set"] = given
        return self

    def model_dump(self, *, mode: str = "python", include: Any = None, exclude: Any = None, by_alias: bool = False,
                   exclude_unset: bool = False, exclude_defaults: bool = False, exclude_none: bool = False,
                   **_options: Any) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        given = self.__dict__["_set"]
        for name, alias, default in self._fields:
            if include is not None and name not in include:
                continue
            if exclude is not None and name in exclude and _whole(exclude, name):
                continue
            value = getattr(self, name)
            if exclude_none and value is None or exclude_unset and name not in given:
                continue
            if exclude_defaults and default is not _MISSING and value == ([] if default is list else default):
                continue
            out[alias if by_alias else name] = _dump(value, mode, _part_of(include, name), _part_of(exclude, name),
                                                     (by_alias, exclude_unset, exclude_defaults, exclude_none))
        return out

    def model_dump_json(self, *, indent: Optional[int] = None, **options: Any) -> str:
        """model_dump(mode="json") as JSON text, compact as pydantic writes it (UTF-8, not escaped)."""
        import json

        separators = (",", ":") if indent is None else (",", ": ")
        return json.dumps(self.model_dump(mode="json", **options), indent=indent, separators=separators, ensure_ascii=False)

    def model_copy(self: _M, *, update: Optional[Dict[str, Any]] = None, deep: bool = False) -> _M:
        """A copy (deep=True: nested values copied too) with `update`'s fields set, unchecked, as
        pydantic does."""
        import copy

        new = copy.deepcopy(self) if deep else copy.copy(self)
        new.__dict__["_set"] = list(self.__dict__["_set"])
        if update:
            names = {alias: name for name, alias, _ in self._fields + self._extras}
            for key, value in update.items():
                name = names.get(key, key)
                setattr(new, name, value)
                if name not in new.__dict__["_set"]:
                    new.__dict__["_set"].append(name)
        return new

    def __iter__(self) -> Iterator[Tuple[str, Any]]:
        for name, _, _ in self._fields:
            yield name, getattr(self, name)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(getattr(self, n) == getattr(other, n) for n, _, _ in self._fields + self._extras)

    __hash__ = None  # type: ignore[assignment]  # mutable, as pydantic's models are

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n, _, _ in self._fields + self._extras)
        return f"{type(self).__name__}({inner})"


def _whole(selection: Any, name: str) -> bool:
    """Whether an include/exclude selection (a set, or a dict of sub-selections) takes the whole field."""
    return not isinstance(selection, dict) or selection[name] is True or selection[name] is ...


def _part_of(selection: Any, name: Any) -> Any:
    if isinstance(selection, dict):
        sub = selection.get(name)
        return None if sub is True or sub is ... else sub
    return None


def _dump(value: Any, mode: str, include: Any, exclude: Any, flags: Tuple[bool, bool, bool, bool]) -> Any:
    if isinstance(value, _Model):
        by_alias, exclude_unset, exclude_defaults, exclude_none = flags
        return value.model_dump(mode=mode, include=include, exclude=exclude, by_alias=by_alias, exclude_unset=exclude_unset,
                                exclude_defaults=exclude_defaults, exclude_none=exclude_none)
    if isinstance(value, (list, tuple)):
        return [_dump(v, mode, _part_of(include, i) if include else None, _part_of(exclude, i) if exclude else None, flags)
                for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _dump(v, mode, None, None, flags) for k, v in value.items()}
    if mode == "json":
        if isinstance(value, Enum):
            return value.value
        if hasattr(value, "isoformat"):  # datetime and date, as pydantic writes them
            text = value.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
    return value


def _convert(spec: Any, value: Any) -> Any:
    """A nested value for model_validate: spec is a model class, [spec] (a list of them),
    {str: spec} (a dict of them) or a function."""
    if isinstance(spec, list):
        return [_convert(spec[0], v) for v in value] if isinstance(value, (list, tuple)) else value
    if isinstance(spec, dict):
        return {k: _convert(spec[str], v) for k, v in value.items()} if isinstance(value, dict) else value
    if isinstance(spec, type) and issubclass(spec, _Model):
        return spec.model_validate(value) if isinstance(value, dict) else value
    return spec(value)


def _datetime(value: Any) -> Any:
    """An ISO 8601 text as a datetime, as pydantic parses one ('Z' included)."""
    if isinstance(value, str):
        from datetime import datetime

        try:
            return datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value)
        except ValueError:
            raise ValidationError(f"not an ISO 8601 date and time: {value!r}") from None
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
    from typing import Literal

    FinishReason = Literal["stop", "tool_calls", "max_tokens", "content_filter", "pause_turn", "other"]
    ToolChoice = Union[str, Dict[str, Any]]
    ResponseFormat = Union[Dict[str, Any], ResponseFormatJsonSchema]


def __getattr__(name: str) -> Any:
    """The type aliases, made on first use: they need typing, which the rest does not."""
    if name not in ("ContentPart", "ToolChoice", "ResponseFormat", "FinishReason"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from typing import Any, Dict, Literal, Union

    aliases = {"FinishReason": Literal["stop", "tool_calls", "max_tokens", "content_filter", "pause_turn", "other"],
               "ContentPart": Union[TextPart, ToolCallPart, ReasoningPart, ServerToolPart, ImagePart, DocumentPart], "ToolChoice": Union[str, Dict[str, Any]],
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


def _content(value: Any) -> Any:
    return [_part(p) for p in value] if isinstance(value, list) else value


def _part(value: Any) -> Any:
    kind = value.get("type", "text") if isinstance(value, dict) else None
    return _PARTS[kind].model_validate(value) if kind in _PARTS else value


_PARTS: Dict[str, Any] = {"text": TextPart, "tool_call": ToolCallPart, "reasoning": ReasoningPart,
                          "server_tool": ServerToolPart, "image": ImagePart, "document": DocumentPart}
ReasoningPart._nested = ServerToolPart._nested = {"provider": lambda name: provider_of(name)}
JsonSchemaProperty._nested = {"items": JsonSchemaProperty, "properties": {str: JsonSchemaProperty}}
ToolParameters._nested = {"properties": {str: JsonSchemaProperty}}
ToolDefinition._nested = {"parameters": ToolParameters}
LocalPromptMessage._nested = {"content": _content}
RunLocalResult._nested = {"usage": TokenUsage, "provider": lambda name: provider_of(name), "tool_calls": [ToolCall],
                          "message": LocalPromptMessage}


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


# The keys of a dict message the library reads (include/tracia.h, MESSAGE KEYS). Messages made
# for other SDKs carry more (OpenAI's refusal, annotations, audio, function_call...): they are
# dropped here, as the official SDK drops them, while the library's JSON boundary stays strict.
# A test holds this list to the library's.
MESSAGE_KEYS = ("role", "content", "tool_call_id", "toolCallId", "tool_name", "toolName", "name", "cache_control")
# The same for the parts the official SDK has; the library's own part kinds pass unchanged.
PART_KEYS = {"text": ("type", "text", "cache_control"), "tool_call": ("type", "id", "name", "arguments", "cache_control")}


def _part_to_json(part: Any) -> Any:
    if isinstance(part, dict):
        keys = PART_KEYS.get(part.get("type", ""))
        if keys is not None:
            return {k: to_plain(v) for k, v in part.items() if k in keys}
    return to_plain(part)


def _openai_tool_calls(calls: Any) -> List[Any]:
    """An OpenAI-shaped assistant message's tool_calls as tool_call parts (arguments parsed)."""
    parts: List[Any] = []
    for call in calls if isinstance(calls, list) else ():
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict):
            parts.append(call)  # not OpenAI's shape: the library says what is wrong with it
            continue
        arguments = function.get("arguments")
        if isinstance(arguments, str):
            import json

            try:
                arguments = json.loads(arguments) if arguments.strip() else {}
            except ValueError:
                pass  # kept as text: the library refuses it, naming the message
        parts.append({"type": "tool_call", "id": call.get("id"), "name": function.get("name"), "arguments": arguments})
    return parts


def message_to_json(message: Any) -> Dict[str, Any]:
    if isinstance(message, LocalPromptMessage):
        out: Dict[str, Any] = {"role": message.role, "content": to_plain(message.content)}
        if message.tool_call_id is not None:
            out["tool_call_id"] = message.tool_call_id
        if message.tool_name is not None:
            out["tool_name"] = message.tool_name
        return out
    if isinstance(message, dict):
        out = {k: to_plain(v) for k, v in message.items() if v is not None and k in MESSAGE_KEYS and k != "content"}
        content = message.get("content")
        if isinstance(content, list):
            content = [_part_to_json(p) for p in content]
        elif content is None:
            content = ""
        else:
            content = to_plain(content)
        calls = message.get("tool_calls")
        if calls:
            parts = content if isinstance(content, list) else [{"type": "text", "text": content}] if content else []
            content = parts + _openai_tool_calls(calls)
        out["content"] = content
        return out
    raise TypeError(f"a message must be a dict or LocalPromptMessage, not {type(message).__name__}")


# OpenAI's and Anthropic's spellings of a tool choice, as the library's.
_CHOICE_WORDS = {"auto": "auto", "none": "none", "required": "required", "any": "required"}


def tool_choice_to_json(choice: Any) -> Any:
    """The SDK's tool choice ("auto", "none", "required", {"tool": name}) and the forms code
    written for other SDKs passes: {"type": "function", "function": {"name": n}} (Chat
    Completions), {"type": "function", "name": n} (Responses), {"type": "tool", "name": n}
    (Anthropic), {"type": "auto" | "none" | "required" | "any"}. Anything else goes to the
    library unchanged, which names what is wrong with it."""
    if not isinstance(choice, dict) or "tool" in choice:
        return choice
    kind = choice.get("type")
    if kind in ("function", "tool"):
        function = choice.get("function")
        name = function.get("name") if isinstance(function, dict) else choice.get("name")
        if isinstance(name, str):
            return {"tool": name}
    elif kind in _CHOICE_WORDS and len(choice) == 1:
        return _CHOICE_WORDS[kind]
    return choice


def response_format_to_json(value: Any) -> Any:
    """The SDK's response formats ({"type": "json", "schema"...}, ResponseFormatJsonSchema) and
    OpenAI's: {"type": "json_object"}, {"type": "json_schema", "json_schema": {"name", "schema",
    "description", "strict"}}, as the library's."""
    value = to_plain(value)
    if not isinstance(value, dict):
        return value
    kind = value.get("type")
    if kind == "json_object" and len(value) == 1:
        return {"type": "json"}
    if kind == "json_schema" and isinstance(value.get("json_schema"), dict) and len(value) == 2:
        out = {"type": "json"}
        out.update((k, v) for k, v in value["json_schema"].items() if v is not None)
        return out
    return value
