"""Errors, as the Tracia SDK defines them."""
from __future__ import annotations

from enum import Enum
TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, Optional


class TraciaErrorCode(str, Enum):
    """Error codes for Tracia SDK errors."""

    UNAUTHORIZED = "UNAUTHORIZED"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    PROVIDER_ERROR = "PROVIDER_ERROR"
    MISSING_VARIABLES = "MISSING_VARIABLES"
    INVALID_REQUEST = "INVALID_REQUEST"
    NETWORK_ERROR = "NETWORK_ERROR"
    TIMEOUT = "TIMEOUT"
    ABORTED = "ABORTED"
    UNKNOWN = "UNKNOWN"
    MISSING_PROVIDER_SDK = "MISSING_PROVIDER_SDK"
    MISSING_PROVIDER_API_KEY = "MISSING_PROVIDER_API_KEY"
    UNSUPPORTED_MODEL = "UNSUPPORTED_MODEL"


class TraciaError(Exception):
    """An error of a Tracia call: a code, a message and, for HTTP errors, the status."""

    def __init__(self, code: TraciaErrorCode, message: str, status_code: Optional[int] = None) -> None:
        self.code = code
        self.message = message
        self.status_code = status_code
        super().__init__(message)

    def __str__(self) -> str:
        if self.status_code:
            return f"[{self.code.value}] {self.message} (status: {self.status_code})"
        return f"[{self.code.value}] {self.message}"

    def __repr__(self) -> str:
        return f"TraciaError(code={self.code!r}, message={self.message!r}, status_code={self.status_code!r})"


# The library's codes that the Tracia SDK does not have, and the SDK code each is raised as.
# TraciaErrorCode stays exactly the SDK's, so code written against the SDK runs unchanged.
# MISUSE (a NULL handle at the C boundary, which the binding passes only for a handle it has
# already freed) is no fault of the request, so it is not INVALID_REQUEST: it is the SDK's
# catch-all UNKNOWN, and the message keeps the library's name in front.
LIBRARY_ONLY_CODES = {"MISUSE": TraciaErrorCode.UNKNOWN}


def code_of(name: str) -> TraciaErrorCode:
    try:
        return TraciaErrorCode(name)
    except ValueError:
        return LIBRARY_ONLY_CODES.get(name, TraciaErrorCode.UNKNOWN)


def error_from_json(error: dict[str, Any]) -> TraciaError:
    name = str(error.get("code", "UNKNOWN"))
    message = str(error.get("message", ""))
    if name in LIBRARY_ONLY_CODES:
        message = f"{name}: {message}"
    return TraciaError(code_of(name), message, error.get("status_code"))
