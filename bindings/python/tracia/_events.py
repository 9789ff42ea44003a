"""The typed events of stream.events(): the reply's text, reasoning and tool calls in the order
the provider sent them. Plain classes with slots rather than dataclasses, whose import costs a
cold start several ms."""
from __future__ import annotations

from ._ffi import EVENT_REASONING, EVENT_TEXT, EVENT_TOOL_CALL_DELTA, EVENT_TOOL_CALL_END, EVENT_TOOL_CALL_START

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, Tuple, Union


class _Event:
    __slots__: Tuple[str, ...] = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    def __hash__(self) -> int:
        return hash((type(self),) + tuple(getattr(self, n) for n in self.__slots__))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self.__slots__)})"


class TextDelta(_Event):
    """A piece of the answer's text: what iterating the stream would give."""

    __slots__ = __match_args__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class ReasoningDelta(_Event):
    """A piece of the model's reasoning text; never part of the answer's text."""

    __slots__ = __match_args__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class ToolCallStart(_Event):
    """A tool call begins. `index` is its position in the result's tool_calls."""

    __slots__ = __match_args__ = ("index", "id", "name")

    def __init__(self, index: int, id: str, name: str) -> None:
        self.index = index
        self.id = id
        self.name = name


class ToolCallDelta(_Event):
    """A fragment of the JSON arguments of the tool call at `index`."""

    __slots__ = __match_args__ = ("index", "arguments")

    def __init__(self, index: int, arguments: str) -> None:
        self.index = index
        self.arguments = arguments


class ToolCallEnd(_Event):
    """The tool call at `index` is complete: its arguments are all in."""

    __slots__ = __match_args__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


if TYPE_CHECKING:
    StreamEvent = Union[TextDelta, ReasoningDelta, ToolCallStart, ToolCallDelta, ToolCallEnd]


def __getattr__(name: str) -> Any:
    """StreamEvent, a typing alias made on first use: typing is not imported otherwise."""
    if name != "StreamEvent":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from typing import Union

    alias = Union[TextDelta, ReasoningDelta, ToolCallStart, ToolCallDelta, ToolCallEnd]
    globals()["StreamEvent"] = alias
    return alias


def from_struct(e: Any, text: str) -> Any:
    """The event of a filled-in tracia_event; `text` is its data, decoded. Event types this
    binding does not know (a newer library) give None, to be skipped."""
    kind = e.type
    if kind == EVENT_TEXT:
        return TextDelta(text)
    if kind == EVENT_TOOL_CALL_DELTA:
        return ToolCallDelta(e.index, text)
    if kind == EVENT_REASONING:
        return ReasoningDelta(text)
    if kind == EVENT_TOOL_CALL_START:
        return ToolCallStart(e.index, _string(e, "id", e.id_length), _string(e, "name", e.name_length))
    if kind == EVENT_TOOL_CALL_END:
        return ToolCallEnd(e.index)
    return None


def _string(e: Any, field: str, length: int) -> str:
    return field_bytes(e, field, length).decode("utf-8")


def field_bytes(e: Any, field: str, length: int) -> bytes:
    """A string field of the struct read by its length (c_char_p would stop at a NUL)."""
    from ctypes import c_void_p, string_at

    return string_at(c_void_p.from_buffer(e, getattr(type(e), field).offset).value or 0, length)
