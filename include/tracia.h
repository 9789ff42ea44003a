/*
 * tracia.h — libtracia, a native LLM client with streaming and tracing.
 *
 * OBJECT MODEL
 *   tracia_client  owns one engine thread that drives every network transfer
 *                  of the client (a curl multi loop) and exports its spans.
 *   tracia_stream  one call to a model. Its span id and trace id exist before
 *                  any I/O; its text arrives chunk by chunk through
 *                  tracia_stream_next(), or together with its reasoning and
 *                  tool calls as typed events through
 *                  tracia_stream_next_event(); its final result is a JSON
 *                  document.
 *   tracia_request one call that is not a stream: a call of the Tracia REST
 *                  API (tracia_api_request) or an embedding
 *                  (tracia_run_embedding). It runs on the client's engine
 *                  like a stream and ends once, with a result JSON or an
 *                  error.
 *
 * JSON AT THE BOUNDARY
 *   Options, requests and results are UTF-8 JSON strings. The request mirrors
 *   the keyword arguments of the Tracia SDK's run_local() in snake_case:
 *     {"model":"gpt-4.1-mini","messages":[{"role":"user","content":"Hi"}],
 *      "stream":true,"temperature":0.2,"tools":[...],"tool_choice":"auto"}
 *   Every key accepted is documented where it is accepted: options at
 *   tracia_client_new(), requests at tracia_run_local(). Unknown keys, wrong
 *   types and values out of range are TRACIA_E_INVALID_REQUEST naming the
 *   key. A key whose value is null is the same as an absent key. The value
 *   types of those lists: "integer a..b" is a whole number from a to b, both
 *   included (1000 and 1000.0 alike); "URL" is http:// or https:// without
 *   spaces (a trailing '/' is dropped); "header string" is a non-empty string
 *   without control characters, because it goes into an HTTP header (a stray
 *   newline from a .env file would end the header early), and the same check
 *   applies to the environment variable it falls back to.
 *   The result mirrors StreamResult: text, span_id, trace_id, latency_ms,
 *   usage{input_tokens,output_tokens,total_tokens,reasoning_tokens,
 *   cache_read_input_tokens,cache_write_input_tokens}, cost, provider, model,
 *   tool_calls[{id,name,arguments}], finish_reason, message, aborted, and
 *   error{code,message,status_code} when the call failed.
 *   tool_calls: the client tools the model called. A call cut off by the
 *   output budget (finish_reason "max_tokens") also carries
 *   "incomplete": true and "raw_arguments" (the text that came), with
 *   arguments {}; it is left out of message, as it cannot be answered.
 *   With several choices (OpenAI "n" in custom_options) the result is
 *   choice 0's: the others are ignored.
 *   usage: input_tokens counts every input token, cached ones included;
 *   reasoning_tokens is the part of output_tokens spent reasoning,
 *   cache_read_input_tokens and cache_write_input_tokens the parts of
 *   input_tokens read from and written to the provider's prompt cache; each
 *   of the three is null where the provider does not report it.
 *   finish_reason: why the model stopped, in the official SDKs' values where
 *   one applies: "stop" (the natural end or a stop sequence), "tool_calls"
 *   (complete client tool calls came), "max_tokens" (the output budget or
 *   the context window ran out), "content_filter" (a filter withheld the
 *   answer or the model refused: OpenAI content_filter or a refusal,
 *   Anthropic refusal, Bedrock guardrail_intervened and content_filtered,
 *   Gemini SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII, the IMAGE_
 *   filters and MODEL_ARMOR; the text received so far is kept), "pause_turn"
 *   (Anthropic paused a long turn of server tools: append message and send
 *   the request again, with no new user message, to continue), "other"
 *   (any other reason, e.g. Gemini MALFORMED_FUNCTION_CALL or Bedrock
 *   malformed_tool_use, and reasons newer than this library). null when the
 *   call was aborted or failed: the model did not finish.
 *   stop_reason: the provider's own reason as it sent it ("end_turn",
 *   "length", "SAFETY", "guardrail_intervened", ...); null when none came.
 *   refusal: the model's refusal text (OpenAI refusal, Anthropic's refusal
 *   explanation), never part of text; null when there was none.
 *   time_to_first_token_ms: from the call's start (as latency_ms) to its
 *   first content, text, reasoning or a tool call (keep-alives, empty deltas
 *   and usage are none); null when none came.
 *   usage_complete: true when usage is the provider's final count. Otherwise
 *   (an abort, a failure, a server that sends no usage) usage is the best
 *   known: the provider's counts so far, output_tokens at least one a content
 *   delta received (a lower bound: about a token a delta for OpenAI and
 *   servers like it, often more for Anthropic, Gemini and Bedrock), and
 *   input_tokens 0 when the provider reported none yet. Spans carry the same.
 *
 * OWNERSHIP — three phrases are used below:
 *   "owned by the caller, free with tracia_free()"  a char * the library made.
 *   "borrowed, valid until X"  a const char * the library keeps.
 *   "copied"  inputs may be freed as soon as the call returns.
 *
 * THREADING
 *   A client may be shared by threads. A stream is used by one thread at a
 *   time for next/next_event/result/free; tracia_stream_abort(),
 *   tracia_stream_fd() and the id getters may be called from any thread at
 *   any time until free. Abort is idempotent and safe against a concurrent
 *   tracia_stream_next() or tracia_stream_next_event(): the blocked call
 *   returns 0 at once.
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
 *       NULL chunk or length pointers in next/poll, a NULL event pointer in
 *       next_event/poll_event: TRACIA_E_MISUSE.
 *     - next or poll on a stream read with next_event or poll_event, and the
 *       other way round: TRACIA_E_MISUSE (a stream's first read fixes how it
 *       is read: as text chunks or as typed events).
 *     - any bytes as JSON (invalid, truncated, deep, huge, invalid UTF-8,
 *       wrong types, out-of-range numbers): NULL and TRACIA_E_INVALID_REQUEST.
 *     - next, poll, next_event or poll_event after the end or after a
 *       failure: the same code again.
 *     - result called twice or more: a new, identical JSON document each time.
 *     - abort before the first chunk, after the end, or twice.
 *     - tracia_stream_free while another thread is blocked in next or
 *       next_event on that stream: that call returns 0 (it must not use the
 *       handle again).
 *     - tracia_client_free before the client's streams: they keep working.
 *     - process exit with clients or streams alive: exit is not delayed and
 *       undelivered spans are lost (call tracia_flush() first to keep them).
 *     - tracia_flush() from inside the span-error callback: TRACIA_E_MISUSE at
 *       once (the callback runs on the thread that delivers the spans).
 *   Undefined (as with free() in C):
 *     - using a handle after its *_free, or freeing it twice.
 *     - a pointer that is not a handle of this library, or one of another
 *       type (a stream passed as a client).
 *     - two threads calling next/poll/next_event/poll_event/result/free on
 *       one stream at once
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
 * (a chunk), tracia_stream_next_event() and tracia_stream_poll_event() 1 (an
 * event), and the two polls TRACIA_AGAIN. tracia_strerror() names every code: the
 * macro's name without TRACIA_ or TRACIA_E_, which is also the "code" of
 * tracia_last_error() and of a result's error. The failures are the Tracia
 * SDKs' error codes, plus MISUSE. Append-only: a value never changes meaning.
 */

/* Success; from the stream's next and poll functions, the end of the
 * stream.
 */
#define TRACIA_OK 0

/* From tracia_stream_poll() and tracia_stream_poll_event(): nothing is ready
 * yet and the call has not ended.
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
 * 404 and 408 (in status_code), an error event, a blocked prompt, or a
 * body that is malformed or larger than max_response_bytes.
 */
#define TRACIA_E_PROVIDER_ERROR (-5)

/* The connection failed: the host was not found, refused, failed TLS, or cut
 * the response before its end; from tracia_flush(), spans failed or were
 * dropped.
 */
#define TRACIA_E_NETWORK_ERROR (-6)

/* A time bound passed: connect_timeout_ms, idle_timeout_ms,
 * first_chunk_timeout_ms, the call's timeout_ms, an HTTP 408 from the
 * provider, or tracia_flush()'s timeout_ms.
 */
#define TRACIA_E_TIMEOUT (-7)

/* The call was aborted. The C API reports a stream's abort as its end (0,
 * and aborted in the result); an aborted tracia_request fails with this
 * code, and mock_error may ask for it.
 */
#define TRACIA_E_ABORTED (-8)

/* The credentials were refused: HTTP 401 or 403 from the provider, 401 from
 * the Tracia span endpoint, or the Tracia API's error.code UNAUTHORIZED.
 */
#define TRACIA_E_UNAUTHORIZED (-9)

/* The provider answered HTTP 404 (mostly an unknown model or a wrong base
 * URL), or the Tracia API's error.code was NOT_FOUND (no such prompt or
 * span).
 */
#define TRACIA_E_NOT_FOUND (-10)

/* The Tracia API's error.code was CONFLICT (a prompt with that slug exists),
 * or mock_error asks.
 */
#define TRACIA_E_CONFLICT (-11)

/* The Tracia API's error.code was MISSING_VARIABLES (a prompt run without a
 * variable it needs), or mock_error asks; a local {{name}} without a value
 * stays as it is.
 */
#define TRACIA_E_MISSING_VARIABLES (-12)

/* A Tracia SDK code, kept for parity: every provider is built in, so this
 * library returns it only when mock_error asks.
 */
#define TRACIA_E_MISSING_PROVIDER_SDK (-13)

/* A call broke the C contract in a defined way: a NULL handle, chunk, length
 * or event pointer, or a stream read both as text and as events (see MISUSE
 * above).
 */
#define TRACIA_E_MISUSE (-14)

typedef struct tracia_client tracia_client;
typedef struct tracia_stream tracia_stream;
typedef struct tracia_request tracia_request;

/*
 * Event types: the type of a tracia_event. Append-only: a value never changes
 * meaning, and a later version may add types, so skip those you do not know.
 */

/* The end of the stream: completed, aborted or failed, as the return code
 * tells.
 */
#define TRACIA_EVENT_END 0

/* A piece of the answer's text in data, the chunk tracia_stream_next() would
 * give.
 */
#define TRACIA_EVENT_TEXT 1

/* A piece of the model's reasoning text in data; never part of the answer's
 * text.
 */
#define TRACIA_EVENT_REASONING 2

/* A tool call begins: its index, id and name; before any other event of that
 * index.
 */
#define TRACIA_EVENT_TOOL_CALL_START 3

/* A fragment of the arguments (JSON text) of the tool call at index, in data.
 */
#define TRACIA_EVENT_TOOL_CALL_DELTA 4

/* The tool call at index is complete: its arguments are all in.
 */
#define TRACIA_EVENT_TOOL_CALL_END 5

/*
 * One event of a stream, filled in by tracia_stream_next_event(). Strings are
 * never NULL and are NUL-terminated, but read them by their length (a
 * provider may send a NUL inside). Fields the type does not use are "" and 0.
 */
typedef struct tracia_event {
    int type;           /* TRACIA_EVENT_* */
    size_t index;       /* TOOL_CALL_*: the call's position in the result's
                           tool_calls (0 for the first call of the reply),
                           whatever the provider's own numbering */
    const char *data;   /* TEXT, REASONING: the text; TOOL_CALL_DELTA: the
                           fragment of the arguments */
    size_t length;      /* bytes in data */
    const char *id;     /* TOOL_CALL_START: the call's id, as in the result
                           ("call_<n>" when the provider gave none) */
    size_t id_length;   /* bytes in id */
    const char *name;   /* TOOL_CALL_START: the name of the tool called */
    size_t name_length; /* bytes in name */
} tracia_event;

/*
 * Called on the engine thread when a span could not be delivered after its
 * retries, or was dropped because the export queue was full. The message
 * names the destination ("span for <url or file> failed: <reason>").
 * span_id and error_json ({"code","message"}) are borrowed, valid until the
 * callback returns. The callback must not free the client; tracia_flush()
 * from it returns TRACIA_E_MISUSE (it would wait for the callback's thread).
 */
typedef void (*tracia_span_error_fn)(const char *span_id, const char *error_json, void *user_data);

/* ---- client ------------------------------------------------------------ */

/*
 * Creates a client. options_json is NULL (defaults and environment only) or a
 * JSON object of the keys below, every one optional. An option wins over its
 * environment variable, which wins over the default; an empty variable counts
 * as unset. TLS certificates and host names are always verified; nothing
 * turns that off. Each provider's <provider>_api_key and <provider>_base_url
 * serve the calls that give no provider_api_key or base_url of their own.
 * tracia_run_local() fails with TRACIA_E_MISSING_PROVIDER_API_KEY when the
 * provider needs a key and has none, unless the call has a base URL (a server
 * of the caller's choosing may need no key) or, for Bedrock, SigV4
 * credentials.
 * Returns NULL on error (see tracia_last_error()).
 * Ownership: the client is freed with tracia_client_free(); options copied.
 * Thread safety: any thread.
 * Blocks: never (starts the engine thread).
 * Since: 0.1.0
 *
 * OPTION KEYS (value types as in JSON AT THE BOUNDARY at the top)
 *   api_key: header string, or "" for none. Default: none.
 *       Env: TRACIA_API_KEY.
 *       The Tracia API key. With one, spans are POSTed to
 *       {base_url}/api/v1/spans; without one, they go to spans_file.
 *   base_url: URL. Default: https://app.tracia.io. Env: TRACIA_BASE_URL.
 *       The Tracia API that receives the spans.
 *   spans_file: path. Default without api_key:
 *       $XDG_STATE_HOME/tracia/spans.jsonl, else
 *       $HOME/.local/state/tracia/spans.jsonl, else the same under the home
 *       directory the user database (getpwuid) gives; relative values of the
 *       variables are ignored. Never the working directory: with none of the
 *       three, every span fails (span-error callback, counted as failed)
 *       with an error saying to set spans_file. With api_key: none.
 *       Env: TRACIA_SPANS_FILE.
 *       A JSONL file every span is appended to (one line each, the Tracia
 *       span format). Given together with api_key, spans go to both.
 *       Spans hold prompts and answers: a file the library creates is mode
 *       0600, and directories it creates 0700 (existing ones are left as they
 *       are). Accepted: regular files, character devices (/dev/null) and
 *       FIFOs; anything else fails each span. Writing never blocks the engine
 *       thread: a FIFO no process reads (ENXIO at open), a full pipe (EAGAIN),
 *       a reader gone (EPIPE; SIGPIPE is blocked on the engine thread, never
 *       raised) or a full disk fails that span. A line cut short by a failed
 *       write is followed by a line break before the next span, so later
 *       lines stay readable (the file is not truncated back: other processes
 *       may append to it).
 *   span_queue_size: integer 1..1000000. Default: 1000.
 *       Spans waiting for export; one more is dropped (counted by
 *       tracia_client_stats(), told to the span-error callback).
 *   span_max_attempts: integer 1..20. Default: 3.
 *       Deliveries of a span tried before it counts as failed.
 *   span_retry_base_ms: integer 0..600000. Default: 500.
 *       The wait before a span's next attempt, times the attempts so far.
 *   flush_timeout_ms: integer 0..600000. Default: 5000.
 *       Bound of the flush done by tracia_client_free().
 *   otlp_endpoint: URL. Default: none (no OpenTelemetry export).
 *       Env: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else
 *       OTEL_EXPORTER_OTLP_ENDPOINT + "/v1/traces".
 *       The full OTLP/HTTP traces URL: every call is also exported there as
 *       an OTLP JSON span.
 *   otlp_headers: object of strings. Default: none.
 *       Env: OTEL_EXPORTER_OTLP_HEADERS and OTEL_EXPORTER_OTLP_TRACES_HEADERS
 *       ("k1=v1,k2=v2", values percent-encoded).
 *       Headers of the OTLP requests, sent after those of the environment.
 *       Names hold no space, control character or ':'; values no CR or LF.
 *   service_name: non-empty string. Default: "unknown_service".
 *       Env: OTEL_SERVICE_NAME. The OTLP resource's service.name.
 *   openai_api_key: header string. Default: none. Env: OPENAI_API_KEY.
 *   anthropic_api_key: header string. Default: none. Env: ANTHROPIC_API_KEY.
 *       Sent as x-api-key.
 *   google_api_key: header string. Default: none.
 *       Env: GOOGLE_API_KEY, else GEMINI_API_KEY. Sent as x-goog-api-key.
 *   bedrock_api_key: header string. Default: none.
 *       Env: AWS_BEARER_TOKEN_BEDROCK, else BEDROCK_API_KEY.
 *       A Bedrock API key, sent as a Bearer token; preferred to SigV4.
 *   openai_compatible_api_key: header string. Default: none (no key is sent).
 *       Env: OPENAI_COMPATIBLE_API_KEY.
 *   azure_api_key: header string. Default: none. Env: AZURE_OPENAI_API_KEY.
 *       Azure OpenAI's key, sent as api-key; not with azure_ad_token.
 *   openai_base_url: URL. Default: https://api.openai.com/v1.
 *       Env: OPENAI_BASE_URL.
 *   anthropic_base_url: URL. Default: https://api.anthropic.com.
 *       Env: ANTHROPIC_BASE_URL.
 *   google_base_url: URL. Default: https://generativelanguage.googleapis.com.
 *       Env: GOOGLE_GEMINI_BASE_URL.
 *   bedrock_base_url: URL.
 *       Default: https://bedrock-runtime.{aws_region}.amazonaws.com.
 *       Env: AWS_ENDPOINT_URL_BEDROCK_RUNTIME, else AWS_ENDPOINT_URL.
 *   openai_compatible_base_url: URL. Default: none (each openai_compatible
 *       call then needs its base_url). Env: OPENAI_COMPATIBLE_BASE_URL.
 *   azure_base_url, azure_endpoint: URL (one of the two). Default: none
 *       (each azure call then needs its base_url).
 *       Env: AZURE_OPENAI_ENDPOINT. The Azure OpenAI resource,
 *       https://{resource}.openai.azure.com (a trailing /openai or /openai/v1
 *       is dropped). Calls go to {endpoint}/openai/v1/chat/completions and
 *       /openai/v1/responses (the model, the deployment's name, in the body)
 *       or, with a dated azure_api_version, to
 *       {endpoint}/openai/deployments/{model}/chat/completions?api-version=V
 *       and {endpoint}/openai/responses?api-version=V.
 *   azure_api_version: letters, digits, '-', '_', '.'. Default: none (the v1
 *       API). Env: OPENAI_API_VERSION. A dated version (2024-10-21,
 *       2025-04-01-preview) for the deployment paths; "v1" is the v1 API.
 *   azure_ad_token: header string. Default: none. Env: AZURE_OPENAI_AD_TOKEN.
 *       A Microsoft Entra ID token (scope
 *       https://cognitiveservices.azure.com/.default), sent as
 *       Authorization: Bearer; it wins over the key, from options or the
 *       environment, as in the OpenAI SDK, but not over a call's
 *       provider_api_key. Giving both azure_api_key and azure_ad_token is
 *       TRACIA_E_INVALID_REQUEST; a call with neither (nor a key of its own)
 *       is TRACIA_E_MISSING_PROVIDER_API_KEY.
 *   anthropic_version: header string. Default: 2023-06-01.
 *       The anthropic-version header; with versions from 2026-10-21 on,
 *       temperature and top_p are not sent.
 *   aws_access_key_id: header string. Default: none. Env: AWS_ACCESS_KEY_ID.
 *   aws_secret_access_key: header string. Default: none.
 *       Env: AWS_SECRET_ACCESS_KEY.
 *   aws_session_token: header string. Default: none. Env: AWS_SESSION_TOKEN
 *       (legacy AWS_SECURITY_TOKEN).
 *   aws_profile: header string. Default: AWS_DEFAULT_PROFILE, else
 *       AWS_PROFILE, else "default". The profile of the shared files; given
 *       as an option, the environment's keys are left out.
 *   aws_region: lowercase letters, digits and '-'. Default: eu-central-1.
 *       Env: AWS_REGION, else AWS_DEFAULT_REGION, else the profile's region.
 *       Bedrock's region: its host and its model ids' geography prefix
 *       (us-gov-* us-gov., us-* us., eu-* eu., ap-* and me-central-1
 *       apac., others none; ids that name a geography are kept).
 *       Bedrock calls without a Bedrock API key are signed with SigV4 (the
 *       token for temporary credentials), with the first AWS credentials found,
 *       in the AWS SDKs' order, when the client is made:
 *         1. the aws_access_key_id and aws_secret_access_key options, then
 *            AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (not with aws_profile);
 *         2. the profile's keys in the credentials file (AWS_SHARED_CREDENTIALS_FILE,
 *            default ~/.aws/credentials), then its credential_process (run
 *            without a shell, its Version 1 JSON read; refreshed before its
 *            Expiration), then its keys in the config file (AWS_CONFIG_FILE,
 *            default ~/.aws/config, sections [default] and [profile NAME]);
 *            profiles that assume a role, use SSO, web identity or 'aws login'
 *            fail with a hint to use credential_process =
 *            aws configure export-credentials --profile NAME;
 *         3. container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, or
 *            AWS_CONTAINER_CREDENTIALS_FULL_URI (https, loopback, or an ECS/EKS
 *            host), with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at each
 *            fetch) or AWS_CONTAINER_AUTHORIZATION_TOKEN;
 *         4. EC2 instance metadata (IMDSv2, v1 when the token is refused),
 *            unless AWS_EC2_METADATA_DISABLED=true; AWS_EC2_METADATA_SERVICE_ENDPOINT,
 *            AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6 and
 *            AWS_METADATA_SERVICE_TIMEOUT (seconds, default 1) as in the SDKs.
 *       Fetched credentials are cached per client and refreshed 15 minutes
 *       before they expire (10 minutes before, calls wait for new ones). A
 *       failed fetch ends the call with its error; no metadata service
 *       answering is TRACIA_E_MISSING_PROVIDER_API_KEY naming every source.
 *   vertex_project: header string (letters, digits, '-', '.', ':').
 *       Default: the credentials file's project_id (an authorized user's
 *       quota_project_id). Env: GOOGLE_CLOUD_PROJECT, else GCLOUD_PROJECT,
 *       else ANTHROPIC_VERTEX_PROJECT_ID.
 *       The Google Cloud project of vertex calls; without one they are
 *       refused (TRACIA_E_INVALID_REQUEST), unless they carry an API key.
 *   vertex_location: lowercase letters, digits and '-'. Default: global.
 *       Env: GOOGLE_CLOUD_LOCATION, else CLOUD_ML_REGION.
 *       The host of vertex calls: global → aiplatform.googleapis.com, us and
 *       eu → aiplatform.{us|eu}.rep.googleapis.com, any other location (a
 *       region such as us-central1) → {location}-aiplatform.googleapis.com;
 *       and the locations/{location} of the path.
 *   vertex_base_url: URL. Default: from vertex_location as above.
 *       Env: GOOGLE_VERTEX_BASE_URL. Replaces the host only: the path
 *       /{version}/projects/{project}/locations/{location}/publishers/... is
 *       appended to it.
 *   vertex_api_key: header string. Default: none.
 *       Vertex AI express mode: sent as x-goog-api-key to
 *       /{version}/publishers/google/models/..., with no project (Gemini
 *       models only); preferred to a token.
 *   vertex_access_token: header string. Default: none.
 *       An OAuth access token sent as it is (Authorization: Bearer), never
 *       refreshed; preferred to a credentials file.
 *   google_application_credentials: path. Default: none.
 *       Env: GOOGLE_APPLICATION_CREDENTIALS, else gcloud's
 *       $CLOUDSDK_CONFIG/application_default_credentials.json (or
 *       $HOME/.config/gcloud/...) when it exists.
 *       A Google credentials file for vertex calls: "service_account" (a JWT
 *       signed RS256 with its private_key, PKCS#8 or PKCS#1 PEM, exchanged at
 *       its token_uri) or "authorized_user" (its refresh_token exchanged at
 *       https://oauth2.googleapis.com/token; calls carry x-goog-user-project
 *       with its quota_project_id). Other types (external_account,
 *       impersonated_service_account, ...) are refused. The access token is
 *       fetched when a call needs it, cached by the client, refreshed in the
 *       background when less than 3 min 45 s remain and not used in its
 *       last 10 s; a call refused with HTTP 401 gets a fresh one and is sent
 *       once more. A refusal by the token endpoint (invalid_grant, ...) ends
 *       the call with TRACIA_E_UNAUTHORIZED naming the file. A file given
 *       here that cannot be read or used fails tracia_client_new(); one from
 *       the environment fails only vertex calls.
 *   google_token_uri: URL. Default: the file's token_uri (service accounts),
 *       https://oauth2.googleapis.com/token (authorized users).
 *       Replaces the token endpoint (a proxy, a test server).
 *   google_use_vertexai: boolean. Default: false.
 *       Env: GOOGLE_GENAI_USE_VERTEXAI ("true" or "1").
 *       Calls to gemini-* models without a provider go to vertex.
 *   vertex_api_version: letters and digits. Default: v1beta1.
 *       The API version of Gemini calls on Vertex AI (google-genai's default,
 *       the version the Gemini request body is documented for first); Claude
 *       calls always use v1, as Anthropic documents them.
 *   vertex_anthropic_version: header string. Default: vertex-2023-10-16.
 *       The anthropic_version field of Claude bodies on Vertex AI.
 *   connect_timeout_ms: integer 1..600000. Default: 10000.
 *       Bound of each connection's setup (name lookup, TCP, TLS).
 *   idle_timeout_ms: integer 1..86400000. Default: 60000.
 *       Longest silence once a response has started (a paused slow reader's
 *       wait does not count).
 *   timeout_ms: integer 1..86400000. Default: 120000.
 *       Bound of a whole call, retries included; a request's timeout_ms wins.
 *   first_chunk_timeout_ms: integer 1..86400000. Default: none.
 *       Bound from the start of each attempt to the first content: text,
 *       reasoning or a tool call. Keep-alives (SSE comments, Anthropic's
 *       pings), empty deltas and usage are not content, so a provider that
 *       sends only those holds off idle_timeout_ms but not this. When it
 *       passes: TRACIA_E_TIMEOUT, retried as a failure before any response
 *       (nothing reached the caller). A call without stream has its whole
 *       answer as its first content. A request's first_chunk_timeout_ms wins.
 *   max_retries: integer 0..10. Default: 2.
 *       Retries of a call before any of its response has been read:
 *       connection failures and HTTP 408, 409, 429 and 5xx (Retry-After
 *       honoured, else exponential backoff with jitter).
 *   max_response_bytes: integer 1024..1099511627776. Default: 67108864
 *       (64 MiB). Largest response body, streamed or not; a larger one fails
 *       the call with TRACIA_E_PROVIDER_ERROR.
 *   ca_file: path of a readable PEM file. Default: the system's authorities.
 *       Certificate authorities to trust instead of the system's.
 *   headers: object (HEADERS). Default: none.
 *       Headers added to every provider request (a gateway's key, OpenRouter's
 *       HTTP-Referer and X-Title); a request's headers of the same name win.
 *
 * HEADERS, in options and requests: {"Name": "value"} or
 * {"Name": {"value": "...", "secret": true}}. A name is an HTTP token; a value
 * has no control characters. A secret value is scrubbed from errors and spans
 * like a key. Custom headers add to what the library sends and never replace
 * it: a name the provider's request already carries (its auth header -
 * Authorization, x-api-key, api-key, x-goog-api-key -, Content-Type, Accept,
 * anthropic-version, the SigV4 headers) fails the call with
 * TRACIA_E_INVALID_REQUEST naming it, before any I/O. They are not sent to the
 * Tracia span API or the OTLP endpoint (otlp_headers is for that).
 *
 * A URL that is not http:// or https:// is TRACIA_E_INVALID_REQUEST naming
 * the option, request key or environment variable it came from, and its value.
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
 * last flush, TRACIA_E_MISUSE for a NULL client or when called from the
 * span-error callback (it runs on the engine thread, which a flush waits
 * for; the last error says so). timeout_ms < 0 waits without
 * bound. "Since the last flush" means: since the most recent flush that had
 * returned 0 or TRACIA_E_NETWORK_ERROR when this one was called (a flush that
 * timed out does not count). Threads flushing at the same time therefore each
 * see the failures they waited for, whichever of them returns first.
 * Ownership: none.
 * Thread safety: the client may be shared by threads; not from the client's
 * span-error callback (TRACIA_E_MISUSE).
 * Blocks: up to timeout_ms.
 * Since: 0.1.0
 */
int tracia_flush(tracia_client *client, int timeout_ms);

/*
 * Sets (or, with fn NULL, clears) the callback told of spans that could not
 * be delivered. Returns 0, or TRACIA_E_MISUSE for a NULL client. The callback
 * runs on the engine thread: it must not call tracia_flush() (that returns
 * TRACIA_E_MISUSE) or free the client.
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
 * Starts a call. request_json is a JSON object of the keys below: model and
 * messages are required, the rest optional. With "stream":false the
 * provider's non-streaming endpoint is used and tracia_stream_next() yields
 * the whole text once. Returns NULL when the request is invalid (bad JSON,
 * unknown key, unknown model, missing key); failures of the call itself
 * arrive through the stream.
 * Ownership: free the stream with tracia_stream_free(); request copied.
 * Thread safety: the client may be shared by threads.
 * Blocks: never (no network I/O happens on the calling thread).
 * Since: 0.1.0
 *
 * REQUEST KEYS (value types as in JSON AT THE BOUNDARY at the top)
 *   model: non-empty string, required.
 *       The provider's model id. Unless provider is given it also picks the
 *       provider: gpt-*, o1*, o3*, o4*, chatgpt-* OpenAI; claude-*
 *       Anthropic; gemini-* Google; Bedrock ids (anthropic.*, amazon.*,
 *       meta.*, mistral.*, ..., optionally behind us., eu., apac., global.);
 *       mock/<name> the mock provider. Others are TRACIA_E_UNSUPPORTED_MODEL.
 *   messages: non-empty array of messages (MESSAGE KEYS), required.
 *   stream: boolean. Default: false.
 *       true streams the reply chunk by chunk; false asks for it whole.
 *   provider: "openai", "anthropic", "google", "amazon_bedrock",
 *       "openai_compatible", "azure", "vertex" or "mock". Default: told from
 *       model (gemini-* goes to vertex with google_use_vertexai; never azure,
 *       whose model is the deployment's name). vertex: claude-*
 *       models are Anthropic's on Vertex AI (publishers/anthropic,
 *       :streamRawPredict or :rawPredict, the Messages body without model and
 *       with anthropic_version; images and documents as base64 only), every
 *       other model id is Google's (publishers/google, :streamGenerateContent
 *       or :generateContent, the Gemini body). Model ids are letters, digits,
 *       '-', '.', '_' and '@' (claude-sonnet-4-5@20250929).
 *   api: "chat" or "responses"; for openai, openai_compatible and azure
 *       (others: TRACIA_E_INVALID_REQUEST). Default: "responses" on openai
 *       and azure for the models only OpenAI's Responses API serves (the
 *       -pro models of o1, o3 and gpt-5*, every *codex* model, computer-use*
 *       and *deep-research*; the table is in
 *       Sources/TraciaCore/Providers/OpenAIAPI.swift), else "chat".
 *       "responses" sends the call to {base}/responses, statelessly: store
 *       false, reasoning items asked with their encrypted_content
 *       (include), the system and developer messages as instructions, the
 *       messages as input items, function tools flat with strict false,
 *       max_output_tokens, text.format for response_format, reasoning
 *       {effort, summary "auto"}. The Responses API has no stop sequences:
 *       stop_sequences there (and a reasoning budget without an effort) is
 *       TRACIA_E_INVALID_REQUEST before any I/O.
 *   temperature: number 0..2. Default: the provider's.
 *   max_output_tokens: integer 1..10000000. Default: the provider's, but
 *       Anthropic needs one: the model family's documented maximum output,
 *       from the table in Sources/TraciaCore/Providers/OutputBudget.swift
 *       (Opus 4 and 4.1 32000; Opus 4.5, Sonnet 4 and 4.5, Haiku 4.5 and 3.7
 *       Sonnet 64000; Opus and Sonnet 4.6 and later 128000; 3.5 Haiku 8192;
 *       other Claude 3 4096), 4096 for a model the table does not know. With
 *       reasoning that maximum holds the budget and the answer (Claude on
 *       Bedrock too; without reasoning Bedrock takes the model's own).
 *   top_p: number 0..1. Default: the provider's.
 *   stop_sequences: array of strings. Default: none.
 *   timeout_ms: integer 1..86400000. Default: the client's timeout_ms.
 *       Bound of this call, retries included.
 *   first_chunk_timeout_ms: integer 1..86400000. Default: the client's
 *       first_chunk_timeout_ms. This call's bound to its first content (see
 *       the option).
 *   variables: object of strings. Default: none.
 *       Each {{name}} in the text of the messages (not of tool messages)
 *       becomes its value; a {{name}} without one stays as it is. Also
 *       recorded in the span.
 *   provider_api_key: header string. Default: the client's key of the
 *       provider. The provider's API key for this call.
 *   tags: array of strings. Default: none. Recorded in the span.
 *   user_id: string. Default: none. Recorded in the span.
 *   session_id: string. Default: none.
 *       Recorded in the span (and as gen_ai.conversation.id in OTLP).
 *   send_trace: boolean. Default: true.
 *       false exports no span for this call; its ids exist all the same.
 *   span_id: "sp_" (or "tr_") and 16 hex digits. Default: generated.
 *   trace_id: any non-empty string without control characters (the
 *       library's own are "tr_" and 16 hex digits). Default: generated.
 *   parent_span_id: any non-empty string without control characters.
 *       Default: none. The span this call's span belongs under (calls of a
 *       session, or a span of another tracer). Spans keep both as given;
 *       OTLP takes the hex digits of "tr_"/"sp_" ids, a W3C id (32 or 16
 *       hex digits) as it is, and any other text as the leading 16 (trace)
 *       or 8 (span) bytes of its SHA-256 in hex.
 *   tools: array of tools (TOOL KEYS). Default: none.
 *   tool_choice: "auto", "none", "required", or an object (TOOL_CHOICE
 *       KEYS). Default: the provider's.
 *   response_format: object (RESPONSE_FORMAT KEYS). Default: text.
 *   base_url: URL. Default: the client's <provider>_base_url.
 *       The provider's base URL for this call. It still needs the provider's
 *       key (a proxy in front of the provider wants one too); only
 *       openai_compatible calls go without one.
 *   headers: object (HEADERS). Default: the client's headers.
 *       Headers added to this call's provider request, over the client's.
 *   custom_options: object. Default: none.
 *       Fields set in the provider's request body last, replacing any field
 *       of the same name.
 *   reasoning: object (REASONING KEYS). Default: none (nothing about
 *       reasoning is sent, the model's own default applies).
 *       How much a reasoning model thinks, in the form each provider takes.
 *   cache_control: object (CACHE_CONTROL KEYS). Default: none.
 *       Automatic prompt caching: one cache breakpoint on the last cacheable
 *       block, which moves forward as the conversation grows (Anthropic's
 *       top-level cache_control; Bedrock: a cachePoint after the last
 *       message's content unless it ends with reasoning, else after the
 *       system text, else after the tools).
 *   mock_response: string (streamed word by word) or array of strings (the
 *       chunks). Default: the last user message, word by word.
 *       This and the other mock_* keys are read by the mock provider only.
 *   mock_tool_calls: array (MOCK_TOOL_CALLS KEYS). Default: none.
 *       Tool calls the mock returns after its text.
 *   mock_chunk_delay_ms: integer 0..600000. Default: 0.
 *       The wait before each chunk of the mock.
 *   mock_error: object (MOCK_ERROR KEYS). Default: none.
 *       The error the mock fails with.
 *   mock_reasoning: string. Default: none. Reasoning the mock streams word
 *       by word before its text (a reasoning part of provider "mock", one
 *       reasoning token a word).
 *
 * MESSAGE KEYS (each element of messages)
 *   role: "system", "developer", "user", "assistant" or "tool", required.
 *   content: string, or array of parts (CONTENT PART KEYS), required; an
 *       assistant message may give null (no content).
 *   tool_call_id, toolCallId: non-empty string; required by role "tool".
 *       The id of the tool call this message answers.
 *   tool_name, toolName, name: non-empty string. Default: the name in
 *       the earlier tool call of that id. The name of the tool that answered.
 *   cache_control: object (CACHE_CONTROL KEYS). Default: none.
 *       A cache breakpoint on the message's last part (a string content's
 *       one text); not with a cache_control on that part too.
 *
 * CONTENT PART KEYS (each element of an array content)
 *   type: "text", or "tool_call", "reasoning" or "server_tool" in assistant
 *       messages, or
 *       "image", "document", "image_url" or "file" in user messages (MEDIA
 *       PARTS below); required.
 *   text: string; required by "text". For "reasoning": the reasoning text
 *       shown by the provider. Default: "".
 *   id: non-empty string; required by "tool_call". The tool call's id.
 *       For "reasoning": the provider's id of its reasoning item (below).
 *       Default: none.
 *   name: non-empty string; required by "tool_call". The tool called.
 *   arguments: object, or a string holding a JSON object; for "tool_call".
 *       Default: {}.
 *   provider: a provider name, as in "provider"; required by "reasoning"
 *       and "server_tool". The provider that produced the part: it is sent
 *       back to that provider only, and left out for any other.
 *   block: object; required by "server_tool". A block of a tool the
 *       provider ran itself within its response (Anthropic server_tool_use,
 *       mcp_tool_use and their *_tool_result blocks: web search, web fetch,
 *       code execution, MCP; Bedrock {"toolUse":{...,"type":
 *       "server_tool_use"}} and {"toolResult":{...}}), as the provider sent
 *       it, a streamed input assembled; sent back unchanged. Such blocks are
 *       never in tool_calls: there is nothing for the caller to run.
 *   signature: string; for "reasoning". Default: none. The provider's
 *       signature, sent back byte for byte: Anthropic's and Bedrock's over
 *       the reasoning text; Google's thoughtSignature of the part that
 *       follows in the message (an empty text part when none follows).
 *   redacted_data, redactedData: string; for "reasoning". Default: none.
 *       A redacted (encrypted) reasoning block's data, sent back as it came.
 *   url: URL; for "image" and "document": https://, http://, gs:// or
 *       s3://, or a data: URL (data:<media type>;base64,<data>). Give url or
 *       data.
 *   data: base64 (standard alphabet, padded, no line breaks); for "image"
 *       and "document". The bytes of the image or document.
 *   media_type, mediaType: "type/subtype" (case-insensitive; image/jpg is
 *       image/jpeg); for "image" and "document"; required with data.
 *       Default: the data: URL's, else unknown.
 *   filename: non-empty string; for "document". Default: none. Sent as
 *       OpenAI's filename ("document.pdf" when none), Anthropic's title, and
 *       Bedrock's name (as allowed there: the name without its extension,
 *       letters, digits, single spaces, -()[]; "document" when none; made
 *       unique in the request with -2, -3...).
 *   detail: "auto", "low" or "high"; for "image". Default: none. OpenAI's
 *       image detail; other providers have none.
 *   image_url: object (IMAGE_URL KEYS), or its url as a string; required by
 *       "image_url" (OpenAI's shape of an image).
 *   file: object (FILE KEYS); required by "file" (OpenAI's shape of a
 *       document).
 *   cache_control: object (CACHE_CONTROL KEYS); for "text" (not empty),
 *       "tool_call", "image", "document", "image_url" and "file", not
 *       "reasoning" (no provider caches thinking blocks). Default: none. A
 *       cache breakpoint after the part.
 *   The message of a result (StreamResult "message") holds reasoning parts
 *   where the provider sent reasoning, in the order of the turn: pass it
 *   back unchanged and a tool-calling follow-up is accepted by providers
 *   that check them (Anthropic and Bedrock thinking, Gemini 3 signatures,
 *   DeepSeek's thinking mode: a Chat Completions server other than OpenAI's
 *   own gets the turn's reasoning text back as reasoning_content; the
 *   Responses API its reasoning items with their encrypted_content).
 *   A "reasoning" part from the Responses API (api "responses"): id is the
 *   reasoning item's id (rs_...), signature its encrypted_content, text
 *   one paragraph of its summary; consecutive parts of one id are sent
 *   back as that one item. Without its signature the stateless service
 *   refuses the item (404 "Items are not persisted when `store` is set
 *   to false").
 *
 * IMAGE_URL KEYS (the image_url of an "image_url" part)
 *   url: URL, as url above; required.
 *   detail: "auto", "low" or "high". Default: none.
 *
 * FILE KEYS (the file of a "file" part)
 *   file_data: a base64 data: URL (data:application/pdf;base64,...).
 *   file_id: non-empty string: a file of OpenAI's Files API.
 *   filename: non-empty string. Default: none.
 *   One of file_data and file_id is required.
 *
 * MEDIA PARTS (images and documents, in user messages only)
 *   Both shapes give the same part: {"type":"image","url":...} or
 *   {"type":"image","data":...,"media_type":"image/png"}, {"type":"document",
 *   "data":...,"media_type":"application/pdf","filename":"a.pdf"}, and
 *   OpenAI's {"type":"image_url","image_url":{"url":...,"detail":"low"}} and
 *   {"type":"file","file":{"file_data":"data:application/pdf;base64,..."}}.
 *   An image has a media type image/..., a document any other. Malformed
 *   base64, data: URLs and media types are TRACIA_E_INVALID_REQUEST, and so
 *   is, before any I/O, a part the provider cannot take:
 *     openai: images png, jpeg, webp, gif by URL or data, at most 20 MiB
 *       each, 500 and 50 MiB a request; documents application/pdf as data or
 *       file_id (Chat Completions takes no document URL). Parts image_url
 *       and file.
 *     openai_compatible: the same parts, any media type, no size limit;
 *       no file_id.
 *     azure: as openai. With api "responses" (any of the three) the
 *       parts go as input_image {image_url or file_id, detail} and
 *       input_file {file_data and filename, or file_id}.
 *     anthropic: images jpeg, png, gif, webp by URL or data, at most 5 MiB
 *       of base64 each; documents application/pdf by URL or data, text/plain
 *       as data (sent as text: it must be UTF-8). Blocks image and document.
 *     google: images png, jpeg, webp, heic, heif; documents application/pdf,
 *       text/plain; as data (inlineData) or an https://, http:// or gs://
 *       URL (fileData: the Files API, public or signed URLs, registered
 *       buckets). No size is checked (Google's pages differ).
 *     amazon_bedrock: data or s3:// URLs only, with a media_type (it gives
 *       the format): images png, jpeg, gif, webp; documents application/pdf,
 *       text/csv, application/msword, application/vnd.openxmlformats-
 *       officedocument.wordprocessingml.document, application/vnd.ms-excel,
 *       application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,
 *       text/html, text/plain, text/markdown; at most 5 documents a request,
 *       each with a text part in its user message. Blocks image and
 *       document. No size is checked (AWS's pages differ).
 *     mock: anything (it reads only the text).
 *   Spans never hold the bytes: a part is recorded as {"type","mediaType",
 *   "sizeBytes"} (decoded size), a URL without its query, fragment and user
 *   info (where signed URLs keep their credentials), a file as "fileId";
 *   with filename and detail when given.
 *
 * REASONING KEYS (the request's reasoning)
 *   effort: "low", "medium" or "high". Default: none.
 *   budget_tokens: integer 0..10000000. Default: none. The most tokens the
 *       model may spend on reasoning.
 *   One of the two is required. Each provider takes:
 *     openai, openai_compatible, azure: reasoning_effort = effort (api
 *       "responses": reasoning {effort, summary "auto"}, the summary
 *       streamed as the reasoning text); a budget alone is
 *       TRACIA_E_INVALID_REQUEST (neither API has one).
 *     anthropic: thinking {type "enabled", budget_tokens}; an effort alone
 *       sets the budget 1024 (low), 2048 (medium) or 4096 (high). The budget
 *       must be at least 1024 and below max_output_tokens (which defaults to
 *       the model's maximum output, or for a model the table there does not
 *       know the budget plus 4096); temperature other than 1, top_p outside
 *       0.95..1 and a tool_choice that forces a tool are refused with
 *       TRACIA_E_INVALID_REQUEST before any I/O, as the API would.
 *     google: generationConfig.thinkingConfig with includeThoughts true;
 *       Gemini 3 models take thinkingLevel (LOW, MEDIUM, HIGH) from effort,
 *       others thinkingBudget (a budget, or 1024, 8192, 24576 from effort);
 *       both keys given for a Gemini 3 model is TRACIA_E_INVALID_REQUEST.
 *     amazon_bedrock: additionalModelRequestFields, by model (the id, also
 *       behind an inference profile as in us.anthropic.claude-…): Claude as
 *       anthropic (thinking, same rules, maxTokens for max_output_tokens),
 *       Nova reasoningConfig {type "enabled", maxReasoningEffort = effort},
 *       gpt-oss reasoning_effort = effort (for these two a budget alone is
 *       TRACIA_E_INVALID_REQUEST); other models are
 *       TRACIA_E_INVALID_REQUEST (custom_options can still send anything).
 *   Reasoning text arrives apart from the answer: in the result's
 *   "reasoning", in its message's reasoning parts, and as reasoning events
 *   (tracia_stream_next_event); never in tracia_stream_next's chunks.
 *   usage.reasoning_tokens counts it where the provider reports it.
 *
 * TOOL KEYS (each element of tools)
 *   name: non-empty string, required.
 *   description: string. Default: none.
 *   parameters: object, the JSON Schema of the arguments. Default: none.
 *   cache_control: object (CACHE_CONTROL KEYS). Default: none.
 *       A cache breakpoint after this tool's definition.
 *
 * CACHE_CONTROL KEYS (of the request, a message, a part or a tool)
 *   type: "ephemeral", required.
 *   ttl: "5m" or "1h". Default: the provider's (5 minutes).
 *   A prompt-cache breakpoint: the prompt up to and including the marked
 *   content, in the order tools, system, messages, may be cached and read
 *   back by later calls. Each provider takes:
 *     anthropic: cache_control {type, ttl} on the tool, the content block
 *       (a marked system text is sent as text blocks) or the request.
 *     amazon_bedrock: a {"cachePoint":{"type":"default","ttl"}} block after
 *       the marked content in system, messages[].content or
 *       toolConfig.tools.
 *     openai, openai_compatible, azure, google: nothing is sent; they cache long
 *       prompts on their own (custom_options can send OpenAI's
 *       prompt_cache_key).
 *   More than 4 breakpoints in one request (the request's own counting as
 *   one), or a "1h" one after a "5m" one (no ttl is "5m") in that order,
 *   is TRACIA_E_INVALID_REQUEST for anthropic and amazon_bedrock before
 *   any I/O, as the APIs refuse them; an unknown type or ttl is for every
 *   provider. A prefix shorter than the model's minimum is not cached,
 *   without error.
 *   The result's usage.cache_read_input_tokens and
 *   usage.cache_write_input_tokens are the parts of input_tokens read from
 *   and written to the cache (null when the provider does not report it;
 *   Gemini and DeepSeek report reads only), recorded in the local span file
 *   (cacheReadInputTokens, cacheWriteInputTokens) and in OTLP
 *   (gen_ai.usage.cache_read.input_tokens,
 *   gen_ai.usage.cache_creation.input_tokens).
 *
 * TOOL_CHOICE KEYS (tool_choice given as an object)
 *   tool: non-empty string, required. The tool the model must call.
 *
 * RESPONSE_FORMAT KEYS
 *   type: "json", required.
 *   schema: object, a JSON Schema the reply follows. Default: none (any
 *       JSON object).
 *   name: string. Default: "response" where the provider needs a name.
 *   description: string. Default: none.
 *   strict: boolean. Default: none (the provider's default).
 *       OpenAI's strict schema adherence; sent to OpenAI-shaped APIs only.
 *
 * MOCK_TOOL_CALLS KEYS (each element of mock_tool_calls)
 *   id: non-empty string. Default: "call_mock_<index>".
 *   name: non-empty string, required.
 *   arguments: object. Default: {}.
 *
 * MOCK_ERROR KEYS
 *   code: the name of a TRACIA_E_* code without the prefix, as "TIMEOUT".
 *       Default: "PROVIDER_ERROR".
 *   message: string. Default: "mock error".
 *   after_chunks: integer 0..1000000. Default: 0.
 *       Chunks streamed before the error.
 *   status_code: integer 100..599. Default: none. The error's status_code.
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
 * TRACIA_E_MISUSE on a stream read with tracia_stream_next_event() (see
 * there).
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
 * Waits for the next typed event: the reply's text, reasoning and tool calls,
 * in the order the provider sent them. Returns 1 with *event set, 0 at the end
 * (also after an abort), or a negative TRACIA_E_* code when the call failed
 * (detail in tracia_last_error() and in the result); at the end and on failure
 * event->type is TRACIA_EVENT_END. Once it has ended it keeps returning the
 * same value, and tracia_stream_result() gives the result. event may not be
 * NULL (TRACIA_E_MISUSE).
 * A stream's first read fixes how it is read: after tracia_stream_next() or
 * tracia_stream_poll() this returns TRACIA_E_MISUSE, and they do after it.
 * TEXT events are exactly the chunks tracia_stream_next() would give;
 * REASONING is never among them. Each tool call has one TOOL_CALL_START before
 * its deltas and one TOOL_CALL_END: where the provider ends the call, else when
 * the reply completes. A call cut short by an abort or a failure has no END;
 * arguments that turn out not to be a JSON object fail the call after the ENDs.
 * Events count as chunks for the backpressure tracia_stream_next() describes
 * (a TOOL_CALL_START as two), and an abort drops those not yet read.
 * Ownership: the strings of *event are borrowed, valid until the next
 *   tracia_stream_next_event(), tracia_stream_poll_event() or
 *   tracia_stream_free().
 * Thread safety: one thread at a time per stream.
 * Blocks: until an event, the end, an error or an abort.
 * Since: 0.1.0
 */
int tracia_stream_next_event(tracia_stream *stream, tracia_event *event);

/*
 * tracia_stream_next_event() without the wait: returns TRACIA_AGAIN when no
 * event is ready and the call has not ended (event->type is then
 * TRACIA_EVENT_END); otherwise exactly what next_event returns. For event
 * loops, together with tracia_stream_fd().
 * Ownership: as tracia_stream_next_event().
 * Thread safety: one thread at a time per stream.
 * Blocks: never.
 * Since: 0.1.0
 */
int tracia_stream_poll_event(tracia_stream *stream, tracia_event *event);

/*
 * A file descriptor that is readable exactly while tracia_stream_next() would
 * not block (level-triggered); for a stream read with
 * tracia_stream_next_event(), while that would not block. Before the first
 * read it is readable once anything is queued, events included, so the first
 * tracia_stream_poll() of a reply that begins with a tool call may return
 * TRACIA_AGAIN. Poll it; never read, write or close it.
 * TRACIA_E_MISUSE for a NULL stream (tracia_last_error() set), as
 * tracia_stream_done_fd().
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
 * connection and the readiness fd), not three. TRACIA_E_MISUSE for a NULL
 * stream, as tracia_stream_fd(); another negative TRACIA_E_* code when the
 * process is out of file descriptors. tracia_last_error() is set either way.
 * Ownership: borrowed, valid until tracia_stream_free().
 * Thread safety: any thread, any time until free.
 * Blocks: never.
 * Since: 0.1.0
 */
int tracia_stream_done_fd(const tracia_stream *stream);

/*
 * Stops the call: a blocked tracia_stream_next() or
 * tracia_stream_next_event() returns 0 at once, the upstream connection is
 * closed, and the result reports aborted with the text received so far.
 * Idempotent; a no-op after the end and for NULL.
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
 * Ownership: the handle, its ids and its last chunk or event are invalid
 *   after it.
 * Thread safety: one thread at a time per stream.
 * Blocks: never.
 * Since: 0.1.0
 */
void tracia_stream_free(tracia_stream *stream);

/* ---- requests: the Tracia REST API and embeddings ---------------------- */

/*
 * Starts a call of the Tracia REST API (prompts, spans, evaluations) with the
 * client's api_key and base_url, on the client's engine: the same HTTP stack,
 * TLS and CA options, keep-alive and retry policy as the calls to providers
 * (retried: connection failures and HTTP 408, 429 and 5xx before max_retries;
 * never 409, the API's CONFLICT). Returns at once. The request JSON:
 *   method      "GET", "POST", "PUT", "PATCH" or "DELETE" (required)
 *   path        string starting with '/', e.g. "/api/v1/prompts/welcome"
 *               (required; no spaces, control characters, '?' or '#': the
 *               caller percent-encodes path segments)
 *   query       object of string, number or boolean values, percent-encoded
 *               into the URL's query; null values are left out
 *   body        any JSON value, sent as the JSON body
 *   timeout_ms  integer 1..86400000 (default: the client's timeout_ms)
 * The result is {"status":<HTTP status>,"body":<the response's JSON, null
 * for an empty body>}. An HTTP error status fails the request with the code
 * of the body's error.code when it is a TRACIA_E_* name (NOT_FOUND,
 * CONFLICT, UNAUTHORIZED, MISSING_VARIABLES, INVALID_REQUEST, ...), else
 * TRACIA_E_UNKNOWN, with error.message (else "Unknown error") and
 * status_code, as the official SDKs read it; a body that is not JSON gives
 * TRACIA_E_UNKNOWN with its text.
 * NULL with tracia_last_error() set: TRACIA_E_MISUSE for a NULL client,
 * TRACIA_E_INVALID_REQUEST for bad JSON, an unknown key, a bad method or
 * path, or a client without api_key.
 * Ownership: request_json is copied; the request is owned by the caller,
 *   free with tracia_request_free().
 * Thread safety: the client may be shared by threads.
 * Blocks: never.
 * Since: 0.1.0
 */
tracia_request *tracia_api_request(tracia_client *client, const char *request_json);

/*
 * Starts an embedding request; returns at once. The request mirrors the
 * Tracia SDK's run_embedding() keyword arguments in snake_case:
 *   input            string or non-empty array of strings (required; a
 *                    string must not be blank)
 *   model            string (required), e.g. "text-embedding-3-small"
 *   provider         "openai", "google", "amazon_bedrock" or "voyage"
 *                    (default: told from the model: text-embedding-3*,
 *                    text-embedding-ada* OpenAI; text-embedding-00*,
 *                    gemini-embedding*, embedding-* Google; voyage-* Voyage;
 *                    amazon.titan-embed*, cohere.embed* Bedrock). Anthropic
 *                    has no embedding models: TRACIA_E_UNSUPPORTED_MODEL.
 *   provider_api_key header string (default: the client's key option or
 *                    environment variable of the provider; VOYAGE_API_KEY
 *                    for Voyage; Bedrock also signs with the AWS keys)
 *   dimensions       integer 1..100000 (OpenAI dimensions, Gemini
 *                    outputDimensionality, Titan dimensions; Voyage:
 *                    TRACIA_E_UNSUPPORTED_MODEL, as the official SDK)
 *   base_url         URL (default: the client's <provider>_base_url option,
 *                    else the provider's; Voyage https://api.voyageai.com/v1)
 *   headers          object (HEADERS): added to the provider requests, over
 *                    the client's headers option; one the request already
 *                    carries fails the request with TRACIA_E_INVALID_REQUEST
 *   send_trace, span_id, trace_id, parent_span_id, tags, user_id,
 *   session_id, timeout_ms   as in tracia_run_local()
 * Bedrock keys that take I/O to obtain (credential_process, container
 * credentials, instance metadata) are fetched and cached as for calls.
 * Wire formats: OpenAI and Voyage POST {base}/embeddings; Gemini POST
 * {base}/v1beta/models/{model}:batchEmbedContents; Bedrock POST
 * {endpoint}/model/{model}/invoke (the model id with aws_region's geography
 * prefix, as for chat calls), one request per text for Titan
 * ({"inputText"}) and one for all texts for Cohere ({"texts","input_type":
 * "search_document"}).
 * The result: {"embeddings":[{"values":[...],"index":0},...],"span_id",
 * "trace_id","latency_ms","usage":{"total_tokens"},"cost":null,"provider",
 * "model"}. A span of kind EMBEDDING is queued at the end (unless send_trace
 * is false) with input {"text":[...]} and output "{\"dimensions\": d,
 * \"count\": n}", as the official SDK records it; failed and aborted
 * requests get an ERROR span.
 * NULL with tracia_last_error() set, before any I/O: TRACIA_E_MISUSE for a
 * NULL client, TRACIA_E_INVALID_REQUEST for bad JSON or values,
 * TRACIA_E_UNSUPPORTED_MODEL, TRACIA_E_MISSING_PROVIDER_API_KEY.
 * Ownership: request_json is copied; the request is owned by the caller,
 *   free with tracia_request_free().
 * Thread safety: the client may be shared by threads.
 * Blocks: never.
 * Since: 0.1.0
 */
tracia_request *tracia_run_embedding(tracia_client *client, const char *request_json);

/*
 * A file descriptor that becomes readable when the request has ended
 * (completed, failed or aborted) and stays readable: tracia_request_result()
 * will not block then. Poll it; never read, write or close it.
 * TRACIA_E_MISUSE for a NULL request (tracia_last_error() set).
 * Ownership: borrowed, valid until tracia_request_free().
 * Thread safety: any thread, any time until free.
 * Blocks: never.
 * Since: 0.1.0
 */
int tracia_request_fd(const tracia_request *request);

/*
 * Ends the request with TRACIA_E_ABORTED and closes its connection.
 * Idempotent; a no-op after the end and for NULL.
 * Ownership: none.
 * Thread safety: any thread, any time until free.
 * Blocks: never.
 * Since: 0.1.0
 */
void tracia_request_abort(tracia_request *request);

/*
 * The result JSON (see tracia_api_request() and tracia_run_embedding()).
 * Waits for the end of the request. NULL when the request failed or was
 * aborted, with tracia_last_error() set to its error ({"code","message"
 * [,"status_code"]}); TRACIA_E_MISUSE for a NULL request. May be called more
 * than once: the same outcome each time.
 * Ownership: owned by the caller, free with tracia_free().
 * Thread safety: one thread at a time per request.
 * Blocks: until the end of the request (abort it to end it early).
 * Since: 0.1.0
 */
TRACIA_WARN_UNUSED char *tracia_request_result(tracia_request *request);

/*
 * Aborts the request if it is still running and frees it. NULL is a no-op.
 * Ownership: the handle is invalid after it.
 * Thread safety: one thread at a time per request; not while another thread
 *   is blocked in tracia_request_result() on it.
 * Blocks: never.
 * Since: 0.1.0
 */
void tracia_request_free(tracia_request *request);

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
