"""One table of codes: include/tracia.h's TRACIA_OK, TRACIA_AGAIN and TRACIA_E_*, the names the
real library's tracia_strerror gives them, and the codes of the Python binding."""
import ctypes
import json
import os
import re

from tracia import TraciaErrorCode, _errors, _ffi

HEADER = os.path.join(os.path.dirname(__file__), "..", "..", "..", "include", "tracia.h")


def header_codes():
    """{name: value} of every return code the header defines, named as tracia_strerror names them."""
    text = open(HEADER).read()
    found = re.findall(r"^#define TRACIA_(OK|AGAIN|E_[A-Z_]+) \(?(-?\d+)\)?$", text, re.M)
    return {name[2:] if name.startswith("E_") else name: int(value) for name, value in found}


def test_the_header_defines_one_value_per_code():
    codes = header_codes()
    assert codes["OK"] == 0 and codes["AGAIN"] > 0 and codes["MISUSE"] < 0
    assert len(set(codes.values())) == len(codes)
    assert all(value < 0 for name, value in codes.items() if name not in ("OK", "AGAIN"))


def test_strerror_names_every_code_of_the_header():
    codes = header_codes()
    assert {name: _ffi.strerror(value).decode() for name, value in codes.items()} == {name: name for name in codes}
    assert _ffi.strerror(min(codes.values()) - 1).decode() == "UNKNOWN"


def test_the_python_codes_are_the_header_failures():
    failures = {name for name, value in header_codes().items() if value < 0}
    sdk = {code.value for code in TraciaErrorCode}
    library_only = set(_errors.LIBRARY_ONLY_CODES)
    assert sdk | library_only == failures
    assert not sdk & library_only
    for name in sdk:
        assert _errors.code_of(name) is TraciaErrorCode(name)


def test_misuse_is_raised_as_unknown_and_keeps_its_name():
    assert _ffi.stream_next(None, None, None) == header_codes()["MISUSE"]
    error = _ffi.last_exception()
    assert error.code is TraciaErrorCode.UNKNOWN
    assert error.message == "MISUSE: tracia_stream_next: stream is NULL"


def test_poll_returns_the_header_again_before_the_first_chunk():
    assert _ffi.AGAIN == header_codes()["AGAIN"]
    client = _ffi.client_new(None)
    request = {"model": "mock/x", "stream": True, "send_trace": False, "mock_chunk_delay_ms": 60000,
               "messages": [{"role": "user", "content": "later"}]}
    stream = _ffi.run_local(client, json.dumps(request).encode())
    assert stream, _ffi.last_error()
    chunk, length = ctypes.c_void_p(), ctypes.c_size_t()
    try:
        assert _ffi.stream_poll(stream, ctypes.byref(chunk), ctypes.byref(length)) == _ffi.AGAIN
    finally:
        _ffi.stream_free(stream)
        _ffi.client_free(client)
