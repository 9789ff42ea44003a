/*
 * tracia.h — libtracia, a native LLM client with streaming and tracing.
 *
 * OBJECT MODEL
 *   tracia_client  owns one engine thread that drives every network transfer
 *                  of the client (a curl multi loop) and exports its spans.
 *   tracia_stream  one call to a model. Its span id and trace id exist before
 *                  any I/O; its text arrives chunk by chunk through
 *                  tracia_stream_next(); its final result is a JSON document.
 *
 * JSON AT THE BOUNDARY
 *   Options, requests and results are UTF-8 JSON strings. The request mirrors
 *   the keyword arguments of the Tracia SDK's run_local() in snake_case:
 *     {"model":"gpt-4.1-mini","messages":[{"role":"user","content":"Hi"}],
 *      "stream":true,"temperature":0.2,"tools":[...],"tool_choice":"auto"}
 *   Unknown keys are an error naming the key (TRACIA_E_INVALID_REQUEST).
 *   The result mirrors StreamResult: text, span_id, trace_id, latency_ms,
 *   usage{input_tokens,output_tokens,total_tokens}, cost, provider, model,
 *   tool_calls[{id,name,arguments}], finish_reason, message, aborted, and
 *   error{code,message,status_code} when the call failed.
 *
 * OWNERSHIP — three phrases are used below:
 *   "owned by the caller, free with tracia_free()"  a char * the library made.
 *   "borrowed, valid until X"  a const char * the library keeps.
 *   "copied"  inputs may be freed as soon as the call returns.
 *
 * THREADING
 *   A client may be shared by threads. A stream is used by one thread at a
 *   time for next/result/free; tracia_stream_abort(), tracia_stream_fd() and
 *   the id getters may be called from any thread at any time until free.
 *   Abort is idempotent and safe against a concurrent tracia_stream_next():
 *   the blocked call returns 0 at once.
 *
 * ERRORS
 *   Failures return NULL or a negative TRACIA_E_* code. tracia_last_error()
 *   then holds a thread-local JSON {"code","message"} with the detail. A
 *   stream's own failure also lives in its result JSON. The library never
 *   aborts the process on bad input.
 *
 * LIFETIMES
 *   Freeing a client whose streams are still alive defers the real free
 *   until its last stream is freed, so garbage-collected hosts may free in
 *   any order. Every *_free(NULL) is a no-op.
 *
 * MISUSE — what is defined, and what is not
 *   Defined (a clear result, never a crash, covered by the test suite):
 *     - NULL for any handle or string argument: NULL, TRACIA_E_MISUSE or a
 *       no-op, with tracia_last_error() set where the function reports errors;
 *       NULL chunk or length pointers in next/poll: TRACIA_E_MISUSE.
 *     - any bytes as JSON (invalid, truncated, deep, huge, invalid UTF-8,
 *       wrong types, out-of-range numbers): NULL and TRACIA_E_INVALID_REQUEST.
 *     - next or poll after the end or after a failure: the same code again.
 *     - result called twice or more: a new, identical JSON document each time.
 *     - abort before the first chunk, after the end, or twice.
 *     - tracia_stream_free while another thread is blocked in next on that
 *       stream: that call returns 0 (it must not use the handle again).
 *     - tracia_client_free before the client's streams: they keep working.
 *     - process exit with clients or streams alive: exit is not delayed and
 *       undelivered spans are lost (call tracia_flush() first to keep them).
 *   Undefined (as with free() in C):
 *     - using a handle after its *_free, or freeing it twice.
 *     - a pointer that is not a handle of this library, or one of another
 *       type (a stream passed as a client).
 *     - two threads calling next/poll/result/free on one stream at once
 *       (abort, fd and the id getters are the exceptions, above).
 *     - using a borrowed string after the call that invalidates it, or
 *       freeing one; freeing a library string with anything but tracia_free.
 *     - freeing the client from inside its span-error callback.
 *     - strings that are not NUL-terminated.
 *
 * EXAMPLE
 *   tracia_client *c = tracia_client_new(NULL);
 *   tracia_stream *s = tracia_run_local(c,
 *       "{\"model\":\"gpt-4.1-mini\",\"stream\":true,"
 *       "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
 *   if (!s) { fprintf(stderr, "%s\n", tracia_last_error()); return 1; }
 *   printf("span %s\n", tracia_stream_span_id(s));
 *   const char *chunk; size_t len;
 *   while (tracia_stream_next(s, &chunk, &len) == 1) fwrite(chunk, 1, len, stdout);
 *   char *result = tracia_stream_result(s);
 *   puts(result);
 *   tracia_free(result);
 *   tracia_stream_free(s);
 *   tracia_client_free(c);
 */
#ifndef TRACIA_H
#define TRACIA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The version of this header: the three numbers below are the one place it is
 * written (the build, the package files and the library read or are tested
 * against them). tracia_version() and tracia_version_number() give the
 * library's, which may be newer than the header a program was built with.
 */
#define TRACIA_VERSION_MAJOR 0
#define TRACIA_VERSION_MINOR 1
#define TRACIA_VERSION_PATCH 0
#define TRACIA_VERSION_NUMBER (TRACIA_VERSION_MAJOR * 10000 + TRACIA_VERSION_MINOR * 100 + TRACIA_VERSION_PATCH)
#define TRACIA_QUOTE_(x) #x
#define TRACIA_QUOTE(x) TRACIA_QUOTE_(x)
#define TRACIA_VERSION_STRING \
    TRACIA_QUOTE(TRACIA_VERSION_MAJOR) "." TRACIA_QUOTE(TRACIA_VERSION_MINOR) "." TRACIA_QUOTE(TRACIA_VERSION_PATCH)

#if defined(__GNUC__) || defined(__clang__)
#define TRACIA_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define TRACIA_WARN_UNUSED
#endif

/*
 * Return codes. A function that returns int gives 0 (TRACIA_OK) or a negative
 * TRACIA_E_* code; tracia_stream_next() and tracia_stream_poll() also give 1
 * (a chunk), and poll TRACIA_AGAIN. tracia_strerror() names every code: the
 * macro's name without TRACIA_ or TRACIA_E_, which is also the "code" of
 * tracia_last_error() and of a result's error. The failures are the Tracia
 * SDKs' error codes, plus MISUSE. Append-only: a value never changes meaning.
 */

/* Success; from tracia_stream_next() and tracia_stream_poll(), the end of
 * the stream.
 */
#define TRACIA_OK 0

/* From tracia_stream_poll(): no chunk is ready yet and the call has not
 * ended.
 */
#define TRACIA_AGAIN 2

/* A failure of no other kind: the system refused a resource (a thread, a
 * descriptor, a file, a libcurl handle) or a span destination answered an
 * unexpected status.
 */
#define TRACIA_E_UNKNOWN (-1)

/* The options or the request were rejected before any I/O: invalid JSON or
 * UTF-8, an unknown key, a wrong type, a value out of range, a missing
 * required value.
 */
#define TRACIA_E_INVALID_REQUEST (-2)

/* The provider needs an API key and none was given: no option, no
 * environment variable, no provider_api_key.
 */
#define TRACIA_E_MISSING_PROVIDER_API_KEY (-3)

/* The provider cannot be told from the model name (pass provider), or it is
 * not available in this version.
 */
#define TRACIA_E_UNSUPPORTED_MODEL (-4)

/* The provider answered with an error: an HTTP status other than 401, 403,
 * 404 and 408 (in status_code), an error event, a blocked response, or a
 * body that is malformed or larger than max_response_bytes.
 */
#define TRACIA_E_PROVIDER_ERROR (-5)

/* The connection failed: the host was not found, refused, failed TLS, or cut
 * the response before its end; from tracia_flush(), spans failed or were
 * dropped.
 */
#define TRACIA_E_NETWORK_ERROR (-6)

/* A time bound passed: connect_timeout_ms, idle_timeout_ms, the call's
 * timeout_ms, an HTTP 408 from the provider, or tracia_flush()'s timeout_ms.
 */
#define TRACIA_E_TIMEOUT (-7)

/* The call was aborted. The C API reports an abort as the stream's end (0,
 * and aborted in the result), so only mock_error returns this code.
 */
#define TRACIA_E_ABORTED (-8)

/* The credentials were refused: HTTP 401 or 403 from the provider, 401 from
 * the Tracia span endpoint.
 */
#define TRACIA_E_UNAUTHORIZED (-9)

/* The provider answered HTTP 404: mostly an unknown model or a wrong base
 * URL.
 */
#define TRACIA_E_NOT_FOUND (-10)

/* A Tracia SDK code of its prompt API, kept for parity: this library returns
 * it only when mock_error asks.
 */
#define TRACIA_E_CONFLICT (-11)

/* A Tracia SDK code, kept for parity: this library returns it only when
 * mock_error asks; a {{name}} without a value stays as it is.
 */
#define TRACIA_E_MISSING_VARIABLES (-12)

/* A Tracia SDK code, kept for parity: every provider is built in, so this
 * library returns it only when mock_error asks.
 */
#define TRACIA_E_MISSING_PROVIDER_SDK (-13)

/* A call broke the C contract in a defined way: a NULL handle, chunk or
 * length pointer (see MISUSE above).
 */
#define TRACIA_E_MISUSE (-14)

typedef struct tracia_client tracia_client;
typedef struct tracia_stream tracia_stream;

/*
 * Called on the engine thread when a span could not be delivered after its
 * retries, or was dropped because the export queue was full.
 * span_id and error_json ({"code","message"}) are borrowed, valid until the
 * callback returns. The callback must not free the client.
 */
typedef void (*tracia_span_error_fn)(const char *span_id, const char *error_json, void *user_data);

/* ---- client ------------------------------------------------------------ */

/*
 * Creates a client. options_json may be NULL (defaults and environment).
 * Keys: api_key (else TRACIA_API_KEY), base_url (else TRACIA_BASE_URL,
 * default https://app.tracia.io), spans_file (JSONL sink used when there is
 * no Tracia key; else TRACIA_SPANS_FILE, default
 * $XDG_STATE_HOME/tracia/spans.jsonl or ~/.local/state/tracia/spans.jsonl),
 * openai_api_key (else OPENAI_API_KEY), openai_base_url (else
 * OPENAI_BASE_URL, default https://api.openai.com/v1), connect_timeout_ms
 * (10000), idle_timeout_ms (60000, longest silence once a response has
 * started), timeout_ms (120000, default total per call), max_retries (2),
 * span_queue_size (1000), span_max_attempts (3), span_retry_base_ms (500),
 * flush_timeout_ms (5000, bound of the flush done by tracia_client_free),
 * max_response_bytes (64 MiB), otlp_endpoint (OTLP/HTTP traces URL; else
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT +
 * "/v1/traces"), otlp_headers (object; else OTEL_EXPORTER_OTLP_HEADERS),
 * service_name (else OTEL_SERVICE_NAME), ca_file (PEM certificate
 * authorities to trust instead of the system's). TLS certificates and host
 * names are always verified; nothing turns that off. Keys and other values
 * sent in headers are rejected when they hold control characters, wherever
 * they come from.
 * Returns NULL on error (see tracia_last_error()).
 * Ownership: the client is freed with tracia_client_free(); options copied.
 * Thread safety: any thread.
 * Blocks: never (starts the engine thread).
 * Since: 0.1.0
 */
tracia_client *tracia_client_new(const char *options_json);

/*
 * Flushes queued spans (bounded by the client's flush_timeout_ms), then frees
 * the client. Live streams keep working; the real free happens when the last
 * of them is freed. NULL is a no-op.
 * Ownership: the handle is invalid after the call.
 * Thread safety: one thread, once; not from a span-error callback.
 * Blocks: up to flush_timeout_ms.
 * Since: 0.1.0
 */
void tracia_client_free(tracia_client *client);

/*
 * Waits until every span queued so far has been delivered or has failed.
 * Returns 0 when all were delivered, TRACIA_E_TIMEOUT when timeout_ms passed
 * first, TRACIA_E_NETWORK_ERROR when some failed or were dropped since the
 * last flush, TRACIA_E_MISUSE for a NULL client. timeout_ms < 0 waits without
 * bound.
 * Ownership: none.
 * Thread safety: the client may be shared by threads.
 * Blocks: up to timeout_ms.
 * Since: 0.1.0
 */
int tracia_flush(tracia_client *client, int timeout_ms);

/*
 * Sets (or, with fn NULL, clears) the callback told of spans that could not
 * be delivered. Returns 0, or TRACIA_E_MISUSE for a NULL client.
 * Ownership: user_data is the caller's; it must outlive the client.
 * Thread safety: the client may be shared by threads.
 * Blocks: never.
 * Since: 0.1.0
 */
int tracia_client_set_span_error_callback(tracia_client *client, tracia_span_error_fn fn, void *user_data);

/*
 * Counters of the client's span export as JSON: {"queued","delivered",
 * "failed","dropped","pending"}. NULL for a NULL client.
 * Ownership: owned by the caller, free with tracia_free().
 * Thread safety: the client may be shared by threads.
 * Blocks: never.
 * Since: 0.1.0
 */
TRACIA_WARN_UNUSED char *tracia_client_stats(tracia_client *client);

/* ---- streams ----------------------------------------------------------- */

/*
 * Starts a call. With "stream":false the provider's non-streaming endpoint is
 * used and tracia_stream_next() yields the whole text once. Returns NULL when
 * the request is invalid (bad JSON, unknown key, unknown model, missing key);
 * failures of the call itself arrive through the stream.
 * Ownership: free the stream with tracia_stream_free(); request copied.
 * Thread safety: the client may be shared by threads.
 * Blocks: never (no network I/O happens on the calling thread).
 * Since: 0.1.0
 */
tracia_stream *tracia_run_local(tracia_client *client, const char *request_json);

/*
 * The span id ("sp_" + 16 hex) and trace id ("tr_" + 16 hex) of the call,
 * known before the first chunk (generated unless the request gave them, also
 * when send_trace is false). NULL for a NULL stream.
 * Ownership: borrowed, valid until tracia_stream_free().
 * Thread safety: any thread, any time until free.
 * Blocks: never.
 * Since: 0.1.0
 */
const char *tracia_stream_span_id(const tracia_stream *stream);
const char *tracia_stream_trace_id(const tracia_stream *stream);

/*
 * Waits for the next text chunk. Returns 1 with *chunk and *length set (the
 * chunk is NUL-terminated and never splits a UTF-8 character), 0 at the end
 * (also after an abort), or a negative TRACIA_E_* code when the call failed
 * (detail in tracia_last_error() and in the result). Once it has ended it
 * keeps returning the same value. chunk and length may not be NULL
 * (TRACIA_E_MISUSE). A reader that falls 4096 chunks or 1 MiB behind pauses
 * the transfer until it catches up, so memory stays bounded.
 * Ownership: *chunk is borrowed, valid until the next tracia_stream_next()
 *   or tracia_stream_free().
 * Thread safety: one thread at a time per stream.
 * Blocks: until a chunk, the end, an error or an abort.
 * Since: 0.1.0
 */
int tracia_stream_next(tracia_stream *stream, const char **chunk, size_t *length);

/*
 * tracia_stream_next() without the wait: returns TRACIA_AGAIN when no chunk is
 * ready and the call has not ended; otherwise exactly what next returns. For
 * event loops, together with tracia_stream_fd().
 * Ownership: as tracia_stream_next().
 * Thread safety: one thread at a time per stream.
 * Blocks: never.
 * Since: 0.1.0
 */
int tracia_stream_poll(tracia_stream *stream, const char **chunk, size_t *length);

/*
 * A file descriptor that is readable exactly while tracia_stream_next() would
 * not block (level-triggered). Poll it; never read, write or close it.
 * Returns -1 for a NULL stream.
 * Ownership: borrowed, valid until tracia_stream_free().
 * Thread safety: any thread, any time until free.
 * Blocks: never.
 * Since: 0.1.0
 */
int tracia_stream_fd(const tracia_stream *stream);

/*
 * A file descriptor that becomes readable when the call has ended (completed,
 * failed or aborted) and stays readable: tracia_stream_result() will not block
 * then. Poll it; never read, write or close it. Made on the first call, so a
 * stream that is only read with tracia_stream_fd() holds two descriptors (its
 * connection and the readiness fd), not three. A negative TRACIA_E_* code for
 * a NULL stream, or when the process is out of file descriptors.
 * Ownership: borrowed, valid until tracia_stream_free().
 * Thread safety: any thread, any time until free.
 * Blocks: never.
 * Since: 0.1.0
 */
int tracia_stream_done_fd(const tracia_stream *stream);

/*
 * Stops the call: a blocked tracia_stream_next() returns 0 at once, the
 * upstream connection is closed, and the result reports aborted with the
 * text received so far. Idempotent; a no-op after the end and for NULL.
 * Ownership: none.
 * Thread safety: any thread, any time until free.
 * Blocks: never.
 * Since: 0.1.0
 */
void tracia_stream_abort(tracia_stream *stream);

/*
 * The final result as JSON (see the top of this file). Waits for the end of
 * the call; chunks not yet read by tracia_stream_next() are still in the
 * result's text. May be called more than once. NULL only for a NULL stream.
 * Ownership: owned by the caller, free with tracia_free().
 * Thread safety: one thread at a time per stream.
 * Blocks: until the end of the call (abort it to end it early).
 * Since: 0.1.0
 */
TRACIA_WARN_UNUSED char *tracia_stream_result(tracia_stream *stream);

/*
 * Aborts the call if it is still running and frees the stream. NULL is a
 * no-op.
 * Ownership: the handle, its ids and its last chunk are invalid after it.
 * Thread safety: one thread at a time per stream.
 * Blocks: never.
 * Since: 0.1.0
 */
void tracia_stream_free(tracia_stream *stream);

/* ---- errors, memory, versions ------------------------------------------ */

/*
 * JSON {"code","message"[,"status_code"]} describing the last failure on this
 * thread; never NULL ({"code":"OK",...} before any failure). Read it after a
 * failed return, not to detect failure.
 * Ownership: borrowed, valid until the second failing libtracia call after it
 *   on this thread (so reading it in the same expression as the failing call,
 *   whatever the argument order, is safe).
 * Thread safety: thread-local.
 * Blocks: never.
 * Since: 0.1.0
 */
const char *tracia_last_error(void);

/*
 * Static name of a return code: "OK", "AGAIN", and the TRACIA_E_* names
 * without the prefix ("INVALID_REQUEST", ..., "MISUSE"); "UNKNOWN" for codes
 * it does not know.
 * Ownership: static.
 * Thread safety: any thread.
 * Blocks: never.
 * Since: 0.1.0
 */
const char *tracia_strerror(int code);

/*
 * Frees a string the library returned as owned by the caller. NULL is a
 * no-op.
 * Thread safety: any thread.
 * Blocks: never.
 * Since: 0.1.0
 */
void tracia_free(void *ptr);

/*
 * The library's version, "MAJOR.MINOR.PATCH", and as MAJOR*10000+MINOR*100+PATCH.
 * Ownership: static.
 * Thread safety: any thread.
 * Blocks: never.
 * Since: 0.1.0
 */
const char *tracia_version(void);
int tracia_version_number(void);

#ifdef __cplusplus
}
#endif

#endif /* TRACIA_H */
