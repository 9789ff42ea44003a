"""The C functions of include/tracia.h, declared one to one, and the owner of their handles.
Owned strings come back as c_void_p, are copied with string_at and freed with tracia_free."""
from __future__ import annotations

import ctypes
from ctypes import POINTER, c_char_p, c_int, c_size_t, c_void_p

from ._errors import TraciaError, error_from_json
from ._loader import load

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any


class Client(ctypes.Structure):
    pass


class Stream(ctypes.Structure):
    pass


class Request(ctypes.Structure):
    pass


ClientPtr = POINTER(Client)
StreamPtr = POINTER(Stream)
RequestPtr = POINTER(Request)

# void (*tracia_span_error_fn)(const char *span_id, const char *error_json, void *user_data);
SPAN_ERROR_FN = ctypes.CFUNCTYPE(None, c_char_p, c_char_p, c_void_p)

# TRACIA_AGAIN: tracia_stream_poll() has no chunk ready yet (tests/test_error_table.py holds it to the header).
AGAIN = 2

# TRACIA_EVENT_*: the types of a tracia_event (tests/test_events.py holds them to the header).
EVENT_END, EVENT_TEXT, EVENT_REASONING, EVENT_TOOL_CALL_START, EVENT_TOOL_CALL_DELTA, EVENT_TOOL_CALL_END = range(6)


class Event(ctypes.Structure):
    """tracia_event. The strings are c_char_p so that the common case, a text without a NUL
    inside, is read in place without another call."""

    _fields_ = [("type", c_int), ("index", c_size_t), ("data", c_char_p), ("length", c_size_t), ("id", c_char_p),
                ("id_length", c_size_t), ("name", c_char_p), ("name_length", c_size_t)]

lib = load()


def _declare(name: str, restype: Any, *argtypes: Any) -> Any:
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


# tracia_client *tracia_client_new(const char *options_json);
client_new = _declare("tracia_client_new", ClientPtr, c_char_p)
# void tracia_client_free(tracia_client *client);
client_free = _declare("tracia_client_free", None, ClientPtr)
# int tracia_flush(tracia_client *client, int timeout_ms);
flush = _declare("tracia_flush", c_int, ClientPtr, c_int)
# int tracia_client_set_span_error_callback(tracia_client *client, tracia_span_error_fn fn, void *user_data);
set_span_error_callback = _declare("tracia_client_set_span_error_callback", c_int, ClientPtr, SPAN_ERROR_FN, c_void_p)
# char *tracia_client_stats(tracia_client *client);
client_stats = _declare("tracia_client_stats", c_void_p, ClientPtr)
# tracia_stream *tracia_run_local(tracia_client *client, const char *request_json);
run_local = _declare("tracia_run_local", StreamPtr, ClientPtr, c_char_p)
# const char *tracia_stream_span_id(const tracia_stream *stream);
stream_span_id = _declare("tracia_stream_span_id", c_char_p, StreamPtr)
# const char *tracia_stream_trace_id(const tracia_stream *stream);
stream_trace_id = _declare("tracia_stream_trace_id", c_char_p, StreamPtr)
# int tracia_stream_next(tracia_stream *stream, const char **chunk, size_t *length);
stream_next = _declare("tracia_stream_next", c_int, StreamPtr, POINTER(c_void_p), POINTER(c_size_t))
# int tracia_stream_poll(tracia_stream *stream, const char **chunk, size_t *length);
stream_poll = _declare("tracia_stream_poll", c_int, StreamPtr, POINTER(c_void_p), POINTER(c_size_t))
# The two calls made once per chunk, again without argtypes: their callers pass ready-made
# ctypes objects, and skipping the per-call argument conversion saves about 0.6 µs a chunk.
stream_next_fast = lib["tracia_stream_next"]
stream_next_fast.restype = c_int
stream_poll_fast = lib["tracia_stream_poll"]
stream_poll_fast.restype = c_int
# int tracia_stream_next_event(tracia_stream *stream, tracia_event *event);
stream_next_event = _declare("tracia_stream_next_event", c_int, StreamPtr, POINTER(Event))
# int tracia_stream_poll_event(tracia_stream *stream, tracia_event *event);
stream_poll_event = _declare("tracia_stream_poll_event", c_int, StreamPtr, POINTER(Event))
# Once per event, without argtypes, as the chunk calls above.
stream_next_event_fast = lib["tracia_stream_next_event"]
stream_next_event_fast.restype = c_int
stream_poll_event_fast = lib["tracia_stream_poll_event"]
stream_poll_event_fast.restype = c_int

# int tracia_stream_fd(const tracia_stream *stream);
stream_fd = _declare("tracia_stream_fd", c_int, StreamPtr)
# int tracia_stream_done_fd(const tracia_stream *stream);
stream_done_fd = _declare("tracia_stream_done_fd", c_int, StreamPtr)
# void tracia_stream_abort(tracia_stream *stream);
stream_abort = _declare("tracia_stream_abort", None, StreamPtr)
# char *tracia_stream_result(tracia_stream *stream);
stream_result = _declare("tracia_stream_result", c_void_p, StreamPtr)
# void tracia_stream_free(tracia_stream *stream);
stream_free = _declare("tracia_stream_free", None, StreamPtr)
# tracia_request *tracia_api_request(tracia_client *client, const char *request_json);
api_request = _declare("tracia_api_request", RequestPtr, ClientPtr, c_char_p)
# tracia_request *tracia_run_embedding(tracia_client *client, const char *request_json);
run_embedding = _declare("tracia_run_embedding", RequestPtr, ClientPtr, c_char_p)
# int tracia_request_fd(const tracia_request *request);
request_fd = _declare("tracia_request_fd", c_int, RequestPtr)
# void tracia_request_abort(tracia_request *request);
request_abort = _declare("tracia_request_abort", None, RequestPtr)
# char *tracia_request_result(tracia_request *request);
request_result = _declare("tracia_request_result", c_void_p, RequestPtr)
# void tracia_request_free(tracia_request *request);
request_free = _declare("tracia_request_free", None, RequestPtr)
# const char *tracia_last_error(void);
last_error = _declare("tracia_last_error", c_char_p)
# const char *tracia_strerror(int code);
strerror = _declare("tracia_strerror", c_char_p, c_int)
# void tracia_free(void *ptr);
free = _declare("tracia_free", None, c_void_p)
# const char *tracia_version(void);
version = _declare("tracia_version", c_char_p)
# int tracia_version_number(void);
version_number = _declare("tracia_version_number", c_int)


def last_exception() -> TraciaError:
    """The thread's last library error as an exception to raise."""
    import json

    return error_from_json(json.loads(last_error().decode("utf-8", "replace")))


def take_string(pointer: int | None) -> str:
    """Copies an owned C string and frees it."""
    if not pointer:
        raise last_exception()
    try:
        return ctypes.string_at(pointer).decode("utf-8")
    finally:
        free(pointer)
