"""The Tracia client: run_local / arun_local over libtracia."""
from __future__ import annotations

from . import _ffi
from ._call import Call
from ._encode import dumps
from ._errors import TraciaError, code_of, error_from_json
from ._owner import Owner
from ._session import TraciaSession
from ._streaming import AsyncLocalStream, LocalStream
from ._types import (LocalPromptMessage, LLMProvider, RunLocalResult, ToolDefinition, message_to_json, result_from_json,
                     to_plain)
from ._waiting import wait_readable

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Optional, Union

    from ._types import ResponseFormat, ToolChoice

_REQUEST_FIELDS = ("provider", "temperature", "max_output_tokens", "top_p", "stop_sequences", "timeout_ms", "variables",
                   "provider_api_key", "tags", "user_id", "session_id", "send_trace", "span_id", "tools", "tool_choice",
                   "response_format", "trace_id", "parent_span_id")


class Tracia(Owner):
    """A client for local runs: calls go straight to the providers from native code, and
    every call is traced in the background.

    `api_key` is the Tracia API key (else TRACIA_API_KEY); without one, spans are written to a
    local JSONL file. Further keyword options are the library's client options (spans_file,
    openai_api_key, openai_base_url, timeout_ms, idle_timeout_ms, max_retries, ...).
    """

    def __init__(self, api_key: Optional[str] = None, *, base_url: Optional[str] = None,
                 on_span_error: Optional[Callable[[Exception, str], None]] = None, **options: Any) -> None:
        settings: Dict[str, Any] = {k: v for k, v in options.items() if v is not None}
        if api_key is not None:
            settings["api_key"] = api_key
        if base_url is not None:
            settings["base_url"] = base_url.rstrip("/")
        ptr = _ffi.client_new(dumps(settings).encode())
        if not ptr:
            raise _ffi.last_exception()
        super().__init__(ptr)
        self._on_span_error = on_span_error
        self._callback = None
        if on_span_error is not None:
            # Kept on the client: C may call it until the client is freed.
            self._callback = _ffi.SPAN_ERROR_FN(self._report_span_error)
            _ffi.set_span_error_callback(self._ptr, self._callback, None)

    def _report_span_error(self, span_id: bytes, error_json: bytes, _user_data: Any) -> None:
        try:
            assert self._on_span_error is not None
            import json

            self._on_span_error(error_from_json(json.loads(error_json)), span_id.decode())
        except Exception:  # noqa: BLE001 - an exception must never unwind into C
            pass

    # -- calls ------------------------------------------------------------------------------------

    def _start(self, messages: List[Union[Dict[str, Any], LocalPromptMessage]], model: str, stream: bool,
               fields: Dict[str, Any]) -> Call:
        if not self._ptr:
            raise TraciaError(code_of("INVALID_REQUEST"), "the client is closed")
        request: Dict[str, Any] = {"model": model, "messages": [message_to_json(m) for m in messages], "stream": stream}
        for name, value in fields.items():
            if value is not None:
                request[name] = to_plain(value)
        ptr = _ffi.run_local(self._ptr, dumps(request).encode())
        if not ptr:
            raise _ffi.last_exception()
        return Call(ptr)

    def run_local(self, *, messages: List[Union[Dict[str, Any], LocalPromptMessage]], model: str, stream: bool = False,
                  provider: Optional[LLMProvider] = None, temperature: Optional[float] = None,
                  max_output_tokens: Optional[int] = None, top_p: Optional[float] = None,
                  stop_sequences: Optional[List[str]] = None, timeout_ms: Optional[int] = None,
                  variables: Optional[Dict[str, str]] = None, provider_api_key: Optional[str] = None,
                  tags: Optional[List[str]] = None, user_id: Optional[str] = None, session_id: Optional[str] = None,
                  send_trace: Optional[bool] = None, span_id: Optional[str] = None,
                  tools: Optional[List[Union[ToolDefinition, Dict[str, Any]]]] = None, tool_choice: Optional[ToolChoice] = None,
                  response_format: Optional[ResponseFormat] = None, trace_id: Optional[str] = None,
                  parent_span_id: Optional[str] = None, **extra: Any) -> Union[RunLocalResult, LocalStream]:
        """Runs a call: a RunLocalResult, or with stream=True a LocalStream whose ids are known at
        once. Extra keywords (base_url, custom_options, mock_response, ...) go to the request."""
        fields = dict(locals())
        call = self._start(messages, model, stream, _fields(fields, extra))
        if stream:
            return LocalStream(call)
        with call:
            return _finished(call)

    async def arun_local(self, *, messages: List[Union[Dict[str, Any], LocalPromptMessage]], model: str,
                         stream: bool = False, provider: Optional[LLMProvider] = None,
                         temperature: Optional[float] = None, max_output_tokens: Optional[int] = None,
                         top_p: Optional[float] = None, stop_sequences: Optional[List[str]] = None,
                         timeout_ms: Optional[int] = None, variables: Optional[Dict[str, str]] = None,
                         provider_api_key: Optional[str] = None, tags: Optional[List[str]] = None,
                         user_id: Optional[str] = None, session_id: Optional[str] = None,
                         send_trace: Optional[bool] = None, span_id: Optional[str] = None,
                         tools: Optional[List[Union[ToolDefinition, Dict[str, Any]]]] = None,
                         tool_choice: Optional[ToolChoice] = None, response_format: Optional[ResponseFormat] = None,
                         trace_id: Optional[str] = None, parent_span_id: Optional[str] = None,
                         **extra: Any) -> Union[RunLocalResult, AsyncLocalStream]:
        """run_local for asyncio: never blocks the event loop and uses no thread per call."""
        import asyncio

        fields = dict(locals())
        call = self._start(messages, model, stream, _fields(fields, extra))
        loop = asyncio.get_running_loop()
        if stream:
            return AsyncLocalStream(call, loop)
        with call:
            try:
                await wait_readable(loop, call.done_fd)
            except BaseException:
                call.abort()
                raise
            return _finished(call)

    def create_session(self, trace_id: Optional[str] = None, parent_span_id: Optional[str] = None) -> TraciaSession:
        """A session links its calls: one trace id, each call the child of the previous one."""
        return TraciaSession(self, trace_id, parent_span_id)

    # -- spans and lifetime -------------------------------------------------------------------------

    def flush(self, timeout_ms: int = -1) -> None:
        """Waits until every span queued so far has been delivered or has failed."""
        if self._ptr:
            _ffi.flush(self._ptr, timeout_ms)

    async def aflush(self, timeout_ms: int = -1) -> None:
        import asyncio

        await asyncio.get_running_loop().run_in_executor(None, self.flush, timeout_ms)

    def stats(self) -> Dict[str, int]:
        """Span export counters: queued, delivered, failed, dropped, pending."""
        import json

        return json.loads(_ffi.take_string(_ffi.client_stats(self._ptr)))

    def _free(self, ptr: Any) -> None:
        _ffi.client_free(ptr)

    def close(self) -> None:
        """Flushes spans (bounded by the flush_timeout_ms option) and frees the client.
        Streams still alive keep working. Idempotent."""
        super().close()

    async def aclose(self) -> None:
        import asyncio

        await asyncio.get_running_loop().run_in_executor(None, self.close)

    async def __aenter__(self) -> Tracia:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()


def _fields(local_values: Dict[str, Any], extra: Dict[str, Any]) -> Dict[str, Any]:
    fields = {name: local_values[name] for name in _REQUEST_FIELDS}
    fields.update(extra)
    return fields


def _finished(call: Call) -> RunLocalResult:
    """The result of an ended non-streaming call, or its error raised."""
    result = call.result_json()
    if result.get("error"):
        raise error_from_json(result["error"])
    return result_from_json(result, stream=False)
