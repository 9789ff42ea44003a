"""The Tracia client: run_local / arun_local over libtracia."""
from __future__ import annotations

import _thread

from . import _ffi
from ._call import Call
from ._encode import dumps
from ._errors import TraciaError, code_of, error_from_json
from ._owner import Owner, forked_error
from ._session import TraciaSession
from ._span_errors import span_error_callback
from ._streaming import AsyncLocalStream, LocalStream
from ._types import (LocalPromptMessage, LLMProvider, RunLocalResult, ToolDefinition, message_to_json,
                     response_format_to_json, result_from_json, to_plain, tool_choice_to_json)
from ._waiting import wait_readable

TYPE_CHECKING = False  # typing costs a cold start several ms; it is needed only by type checkers
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Optional, Union

    from ._prompts import Prompts
    from ._spans import Spans
    from ._types import ResponseFormat, ToolChoice

CLOSED = "this Tracia client is closed; create a new one"

_REQUEST_FIELDS = ("provider", "temperature", "max_output_tokens", "top_p", "stop_sequences", "timeout_ms", "variables",
                   "provider_api_key", "tags", "user_id", "session_id", "send_trace", "span_id", "tools", "tool_choice",
                   "response_format", "trace_id", "parent_span_id", "api")


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
        # Calls hold the pointer while they use it (see _use), so close() frees it only after
        # they have returned; set before anything can fail, for close() from __del__.
        self._guard = _thread.allocate_lock()
        self._uses = 0
        self._drained: Any = None
        ptr = _ffi.client_new(dumps(settings).encode())
        if not ptr:
            raise _ffi.last_exception()
        super().__init__(ptr)
        # Installed even without on_span_error, so that a failed span is at least logged. The C
        # client may call it until its last stream is freed: each stream keeps a reference.
        self._span_errors = span_error_callback(on_span_error)
        _ffi.set_span_error_callback(ptr, self._span_errors, None)
        self._prompts: Optional[Prompts] = None
        self._spans: Optional[Spans] = None

    # Made on first use: a program that only runs calls never imports the API's models.
    @property
    def prompts(self) -> Prompts:
        """The Tracia prompts API: list, get, create, update, delete, run (and their a... forms)."""
        if self._prompts is None:
            from ._prompts import Prompts

            self._prompts = Prompts(self)
        return self._prompts

    @property
    def spans(self) -> Spans:
        """The Tracia spans API: create, get, list, evaluate (and their a... forms)."""
        if self._spans is None:
            from ._spans import Spans

            self._spans = Spans(self)
        return self._spans

    def _use(self) -> Any:
        """The client pointer, counted as in use until _done(); raises once the client is closed
        or when it was made in another process."""
        with self._guard:
            if not self._ptr:
                raise forked_error() if self._forked() else TraciaError(code_of("INVALID_REQUEST"), CLOSED)
            self._uses += 1
            return self._ptr

    def _done(self) -> None:
        with self._guard:
            self._uses -= 1
            if not self._uses and self._drained is not None:
                self._drained.release()

    # -- calls ------------------------------------------------------------------------------------

    def _start(self, messages: List[Union[Dict[str, Any], LocalPromptMessage]], model: str, stream: bool,
               fields: Dict[str, Any]) -> Call:
        # The official SDK's checks and words, before anything else can fail on the value.
        if not isinstance(model, str) or not model.strip():
            raise TraciaError(code_of("INVALID_REQUEST"), "model is required and cannot be empty")
        if not messages or not isinstance(messages, (list, tuple)):
            raise TraciaError(code_of("INVALID_REQUEST"), "messages is required and cannot be empty")
        request: Dict[str, Any] = {"model": model, "messages": [message_to_json(m) for m in messages], "stream": stream}
        for name, value in fields.items():
            if value is not None:
                request[name] = _CONVERSIONS.get(name, to_plain)(value)
        body = dumps(request).encode()
        client = self._use()
        try:
            ptr = _ffi.run_local(client, body)
        finally:
            self._done()
        if not ptr:
            raise _ffi.last_exception()
        return Call(ptr, self._span_errors)

    def run_local(self, *, messages: List[Union[Dict[str, Any], LocalPromptMessage]], model: str, stream: bool = False,
                  provider: Optional[LLMProvider] = None, temperature: Optional[float] = None,
                  max_output_tokens: Optional[int] = None, top_p: Optional[float] = None,
                  stop_sequences: Optional[List[str]] = None, timeout_ms: Optional[int] = None,
                  variables: Optional[Dict[str, str]] = None, provider_api_key: Optional[str] = None,
                  tags: Optional[List[str]] = None, user_id: Optional[str] = None, session_id: Optional[str] = None,
                  send_trace: Optional[bool] = None, span_id: Optional[str] = None,
                  tools: Optional[List[Union[ToolDefinition, Dict[str, Any]]]] = None, tool_choice: Optional[ToolChoice] = None,
                  response_format: Optional[ResponseFormat] = None, trace_id: Optional[str] = None,
                  parent_span_id: Optional[str] = None, api: Optional[str] = None,
                  **extra: Any) -> Union[RunLocalResult, LocalStream]:
        """Runs a call: a RunLocalResult, or with stream=True a LocalStream whose ids are known at
        once. `api` ("chat" or "responses") picks OpenAI's API for openai, openai_compatible and
        azure. Extra keywords (base_url, custom_options, mock_response, ...) go to the request."""
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
                         trace_id: Optional[str] = None, parent_span_id: Optional[str] = None, api: Optional[str] = None,
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

    def run_embedding(self, *, input: Union[str, List[str]], model: str, provider: Optional[LLMProvider] = None,
                      provider_api_key: Optional[str] = None, dimensions: Optional[int] = None,
                      send_trace: Optional[bool] = None, span_id: Optional[str] = None, tags: Optional[List[str]] = None,
                      user_id: Optional[str] = None, session_id: Optional[str] = None, trace_id: Optional[str] = None,
                      parent_span_id: Optional[str] = None, timeout_ms: Optional[int] = None) -> Any:
        """Embeds one text or several; returns a RunEmbeddingResult and records an EMBEDDING span."""
        from . import _embeddings

        fields = dict(locals())
        return _embeddings.run(self, input, model, {k: fields[k] for k in _embeddings.FIELDS})

    async def arun_embedding(self, *, input: Union[str, List[str]], model: str, provider: Optional[LLMProvider] = None,
                             provider_api_key: Optional[str] = None, dimensions: Optional[int] = None,
                             send_trace: Optional[bool] = None, span_id: Optional[str] = None,
                             tags: Optional[List[str]] = None, user_id: Optional[str] = None,
                             session_id: Optional[str] = None, trace_id: Optional[str] = None,
                             parent_span_id: Optional[str] = None, timeout_ms: Optional[int] = None) -> Any:
        """run_embedding without blocking the event loop."""
        from . import _embeddings

        fields = dict(locals())
        return await _embeddings.arun(self, input, model, {k: fields[k] for k in _embeddings.FIELDS})

    def create_session(self, trace_id: Optional[str] = None, parent_span_id: Optional[str] = None) -> TraciaSession:
        """A session links its calls: one trace id, each call the child of the previous one."""
        return TraciaSession(self, trace_id, parent_span_id)

    # -- spans and lifetime -------------------------------------------------------------------------

    def flush(self, timeout_ms: int = -1) -> None:
        """Waits until every span queued so far has been delivered or has failed. A no-op once
        the client is closed (close() flushed)."""
        if not self._ptr and not self._forked():
            return
        client = self._use()
        try:
            _ffi.flush(client, timeout_ms)
        finally:
            self._done()

    async def aflush(self, timeout_ms: int = -1) -> None:
        import asyncio

        await asyncio.get_running_loop().run_in_executor(None, self.flush, timeout_ms)

    def stats(self) -> Dict[str, int]:
        """Span export counters: queued, delivered, failed, dropped, pending."""
        import json

        client = self._use()
        try:
            return json.loads(_ffi.take_string(_ffi.client_stats(client)))
        finally:
            self._done()

    def _free(self, ptr: Any) -> None:
        _ffi.client_free(ptr)

    def close(self) -> None:
        """Flushes spans (bounded by the flush_timeout_ms option) and frees the client, once the
        calls other threads are making with it have started. Streams still alive keep working;
        later calls raise TraciaError (INVALID_REQUEST). Idempotent, from any thread."""
        drained = None
        with self._guard:
            owned = self._owned()
            ptr, self._ptr = self._ptr, None
            if owned and self._uses:
                drained = self._drained = _thread.allocate_lock()
                drained.acquire()
        if drained is not None:
            drained.acquire()  # released by the last call in flight
        if owned:
            self._release(ptr)

    def __del__(self) -> None:
        # As the official SDK does, a client dropped without close() is told as a ResourceWarning
        # (shown with -W default, python -X dev, or pytest); its handle is freed all the same.
        try:
            if self._owned():
                import warnings

                warnings.warn("Unclosed Tracia client. Use 'client.close()' or 'with Tracia(...) as client:'.",
                              ResourceWarning, stacklevel=1, source=self)
        except Exception:  # noqa: BLE001 - at interpreter shutdown the modules may be gone
            pass
        super().__del__()

    async def aclose(self) -> None:
        import asyncio

        await asyncio.get_running_loop().run_in_executor(None, self.close)

    async def __aenter__(self) -> Tracia:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()


_CONVERSIONS = {"tool_choice": tool_choice_to_json, "response_format": response_format_to_json}


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
