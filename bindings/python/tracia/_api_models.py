"""Reading the Tracia API's JSON into the SDK's models: unknown keys are ignored (the API may
add some), times become datetimes, nested models are built by field."""
from __future__ import annotations

from ._rest import parse_time
from ._types import _Model

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, Type, TypeVar

    M = TypeVar("M", bound=_Model)

TIME_FIELDS = frozenset(("created_at", "updated_at"))


def build(cls: Type[M], data: Dict[str, Any], nested: Dict[str, Callable[[Any], Any]] = {}) -> M:  # noqa: B006
    values: Dict[str, Any] = {}
    for name, alias, _ in cls._fields + cls._extras:
        key = alias if alias in data else name
        if key not in data:
            continue
        value = data[key]
        if name in nested and value is not None:
            value = nested[name](value)
        elif name in TIME_FIELDS:
            value = parse_time(value)
        values[name] = value
    return cls(**values)


def validate(cls: Type[M], data: Any) -> M:
    """model_validate: a dict (either spelling) or an instance."""
    return data if isinstance(data, cls) else build(cls, data)
