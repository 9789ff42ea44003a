"""The fields on which libtracia and an SDK must agree for one capture, and how each is compared."""
from __future__ import annotations

import base64

from captures import Capture
from outcome import Outcome


def differences(capture: Capture, lib: Outcome, sdk: Outcome) -> dict[str, tuple[object, object]]:
    """Field -> (libtracia's value, the SDK's or the expected value), for each field that differs."""
    if capture.expect_libtracia_error:
        # The bytes really are a cut stream: libtracia must say so, whatever an SDK makes of them.
        expected = capture.expect_libtracia_error
        return {} if lib.error == expected else {"error": (_error(lib), expected)}
    if lib.error or sdk.error:
        diffs = {}
        if lib.error != sdk.error:
            diffs["error"] = (_error(lib), _error(sdk))
        elif sdk.status is not None and lib.status != sdk.status:
            diffs["error.status"] = (lib.status, sdk.status)
        return diffs
    pairs = {
        "text": (lib.text, sdk.text),
        "reasoning": (lib.reasoning, sdk.reasoning),
        "signatures": (_matching(lib.signatures, sdk.signatures), sdk.signatures),
        "redacted": (_matching(lib.redacted, sdk.redacted), sdk.redacted),
        "tool_calls": (lib.tool_calls, sdk.tool_calls),
        "usage.input": (lib.usage.input, sdk.usage.input),
        "usage.output": (lib.usage.output, sdk.usage.output),
        "usage.total": (lib.usage.total, sdk.usage.total),
        "finish_reason": (lib.finish_reason, sdk.finish_reason),
    }
    if sdk.usage.reasoning is not None:
        pairs["usage.reasoning"] = (lib.usage.reasoning, sdk.usage.reasoning)
    if sdk.usage.cache_read is not None:
        pairs["usage.cache_read"] = (lib.usage.cache_read, sdk.usage.cache_read)
    if sdk.usage.cache_write is not None:
        pairs["usage.cache_write"] = (lib.usage.cache_write, sdk.usage.cache_write)
    diffs = {name: pair for name, pair in pairs.items() if pair[0] != pair[1]}
    if lib.result_text is not None and lib.result_text != lib.text:
        diffs["result.text"] = (lib.result_text, lib.text)  # the result must hold what was streamed
    return diffs


def _matching(lib_values: list, sdk_values: list) -> list:
    """libtracia's values in the SDK's form: base64 text decoded where the SDK gives bytes."""
    if not any(isinstance(v, bytes) for v in sdk_values):
        return lib_values
    out = []
    for v in lib_values:
        try:
            out.append(base64.b64decode(v.replace("-", "+").replace("_", "/") + "==", validate=False))
        except (ValueError, TypeError):
            out.append(v)
    return out


def _error(o: Outcome) -> str | None:
    if not o.error:
        return None
    status = f" {o.status}" if o.status is not None else ""
    return f"{o.error}{status}: {o.note[:160]}"


def describe(value: object, other: object, width: int = 110) -> str:
    """A value for the report: where it first departs from the other one, and what it holds there."""
    path, value, other = _first_difference(value, other)
    where = f"at {path}: " if path else ""
    if isinstance(value, str) and isinstance(other, str):
        at = next((i for i, (a, b) in enumerate(zip(value, other)) if a != b), min(len(value), len(other)))
        start = max(0, at - 30)
        return f"{where}{len(value)} chars, from {start}: {value[start:start + width]!r}"
    if isinstance(value, bytes):
        value = "b64:" + base64.b64encode(value).decode()
    elif isinstance(value, list):
        value = ["b64:" + base64.b64encode(v).decode()[:24] + "…" if isinstance(v, bytes) else v for v in value]
    text = repr(value)
    return where + (text if len(text) <= width else text[:width] + "…")


def _first_difference(a: object, b: object, path: str = "") -> tuple[str, object, object]:
    """The path to the first place where two values differ (descending through lists and objects)."""
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
        if len(a) != len(b) and a and b:  # one has more items: show those
            n = min(len(a), len(b))
            return (f"{path}[{n}:]", a[n:], b[n:])
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{path}.{key}")
    return (path, a, b)
