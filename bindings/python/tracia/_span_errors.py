"""Spans that could not be delivered: told to `on_span_error`, or else logged once per kind on
the "tracia" logger. The library calls this from its engine thread."""
from __future__ import annotations

from . import _ffi
from ._errors import TraciaError, error_from_json
from ._owner import in_engine_callback

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, Callable, Optional, Set, Tuple


def span_error_callback(on_span_error: Optional[Callable[[Exception, str], None]]) -> Any:
    """The C callback of one client. It holds no reference to the client, so keeping it alive
    for as long as the C client (its streams keep it) keeps nothing else alive."""
    logged: Set[Tuple[Any, ...]] = set()

    def report(span_id: bytes, error_json: bytes, _user_data: Any) -> None:
        in_engine_callback.active = True
        try:
            import json

            error = error_from_json(json.loads(error_json))
            span = span_id.decode("utf-8", "replace")
            if on_span_error is None:
                _log_once(logged, error, span, None)
                return
            try:
                on_span_error(error, span)
            except Exception as raised:  # noqa: BLE001 - logged instead
                _log_once(logged, error, span, raised)
        except BaseException:  # noqa: BLE001 - an exception must never unwind into C
            pass
        finally:
            in_engine_callback.active = False

    return _ffi.SPAN_ERROR_FN(report)


def _log_once(logged: Set[Tuple[Any, ...]], error: TraciaError, span_id: str, raised: Optional[Exception]) -> None:
    # The library's messages name the destination and the reason, never a credential.
    kind = (error.code, error.status_code, error.message, type(raised).__name__ if raised else None)
    if kind in logged:
        return
    logged.add(kind)
    import logging  # only once a span has failed: logging costs every cold start otherwise

    logger = logging.getLogger("tracia")
    if raised is None:
        logger.warning("a span could not be delivered (span %s): %s; further spans failing the same way are not "
                       "logged (pass on_span_error to Tracia() to see each one)", span_id, error)
    else:
        logger.warning("on_span_error raised %r when told that span %s could not be delivered: %s", raised, span_id,
                       error)
