/* Hostile input at the C and JSON boundary: a generated corpus of bad requests and options, each
 * answered with NULL and a clear error, never a crash, a hang or a leak (the sanitizer and
 * valgrind runs of this suite check the last two). */
#define _GNU_SOURCE
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "harness.h"

static const char *valid =
    "{\"model\":\"gpt-4.1-mini\",\"stream\":true,\"temperature\":0.5,\"max_output_tokens\":10,\"top_p\":1,"
    "\"stop_sequences\":[\"END\"],\"timeout_ms\":1000,\"variables\":{\"a\":\"b\"},\"tags\":[\"t\"],\"user_id\":\"u\","
    "\"session_id\":\"s\",\"send_trace\":false,\"span_id\":\"sp_0123456789abcdef\",\"trace_id\":\"tr_0123456789abcdef\","
    "\"tools\":[{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}],\"tool_choice\":\"auto\","
    "\"response_format\":{\"type\":\"json\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
    "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_call\",\"id\":\"c\",\"name\":\"f\",\"arguments\":{}}]},"
    "{\"role\":\"tool\",\"tool_call_id\":\"c\",\"content\":\"r\"}]}";

static int rejected;

static void expect_rejected(tracia_client *c, const char *json, const char *what) {
    tracia_stream *s = tracia_run_local(c, json);
    if (s) {
        harness_fail(__FILE__, __LINE__, "a hostile request was accepted", what);
        tracia_stream_abort(s);
        tracia_stream_free(s);
        return;
    }
    json_t *e = json_loads(tracia_last_error(), 0, NULL);
    const char *code = str_at(e, "code");
    CHECK_MSG(code && (!strcmp(code, "INVALID_REQUEST") || !strcmp(code, "UNSUPPORTED_MODEL") ||
                       !strcmp(code, "MISSING_PROVIDER_API_KEY")), what);
    CHECK_MSG(strlen(str_at(e, "message") ?: "") > 0, what);
    json_decref(e);
    rejected++;
}

static char *replace(const char *text, const char *from, const char *to) {
    const char *at = strstr(text, from);
    if (!at) return NULL;
    char *out = NULL;
    if (asprintf(&out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from)) < 0) return NULL;
    return out;
}

void test_hostile_requests(void) {
    tracia_client *c = test_client("");
    rejected = 0;
    /* The valid request is accepted, so every rejection below is about the change made to it. */
    tracia_stream *ok = tracia_run_local(c, valid);
    CHECK_MSG(ok != NULL, tracia_last_error());
    tracia_stream_abort(ok);
    tracia_stream_free(ok);

    /* Every proper prefix of a valid request is invalid JSON. */
    size_t n = strlen(valid);
    for (size_t cut = 0; cut < n; cut += 3) {
        char *prefix = strndup(valid, cut);
        expect_rejected(c, prefix, "truncated request");
        free(prefix);
    }
    /* Each value replaced by a value of the wrong type or out of range. */
    struct {
        const char *from, *to;
    } swaps[] = {
        {"\"gpt-4.1-mini\"", "42"}, {"\"gpt-4.1-mini\"", "\"\""}, {"\"gpt-4.1-mini\"", "null"}, {"true", "\"yes\""},
        {"0.5", "\"warm\""}, {"0.5", "-1"}, {"0.5", "3"}, {"0.5", "1e999"}, {"10,", "0,"}, {"10,", "-5,"}, {"10,", "1.5,"},
        {"10,", "99999999999999999999,"}, {"\"top_p\":1", "\"top_p\":2"}, {"[\"END\"]", "\"END\""}, {"[\"END\"]", "[1]"},
        {"1000", "0"}, {"1000", "\"soon\""}, {"{\"a\":\"b\"}", "{\"a\":1}"}, {"{\"a\":\"b\"}", "[\"a\"]"}, {"[\"t\"]", "[null]"},
        {"\"u\"", "7"}, {"\"s\"", "{}"}, {"false", "0"}, {"\"sp_0123456789abcdef\"", "\"sp_xyz\""},
        {"\"sp_0123456789abcdef\"", "\"sp_0123456789abcdeg\""},
        /* Any text is a trace id, but not an empty one or one with a control character. */
        {"\"tr_0123456789abcdef\"", "\"tr_01\\u0001\""}, {"\"tr_0123456789abcdef\"", "\"\""},
        {"\"tools\":[", "\"tools\":{\"x\":["}, {"{\"name\":\"f\",", "{\"name\":5,"}, {"{\"type\":\"object\"}}", "\"object\"}"},
        {"\"auto\"", "\"sometimes\""}, {"\"auto\"", "{\"tool\":3}"}, {"{\"type\":\"json\"}", "{\"type\":\"xml\"}"},
        {"{\"type\":\"json\"}", "\"json\""}, {"\"role\":\"user\"", "\"role\":\"admin\""}, {"\"role\":\"user\"", "\"role\":null"},
        {"\"content\":\"hi\"", "\"content\":5"}, {"\"content\":\"hi\"", "\"content\":[{\"type\":\"image\"}]"},
        {"\"tool_call_id\":\"c\",", ""}, {"\"type\":\"tool_call\"", "\"type\":\"tool_use\""}, {"\"arguments\":{}", "\"arguments\":[1]"},
        {"\"messages\":[", "\"messages\":{\"m\":["}, {"\"model\"", "\"modell\""}, {"\"stream\"", "\"streaming\""},
        {"{\"role\":\"user\",\"content\":\"hi\"}", "{}"}, {"{\"role\":\"user\",\"content\":\"hi\"}", "\"hi\""},
        {"\"hi\"", "\"\\ud800\""}, {"\"hi\"", "\"\\u0000\""}, {"\"hi\"", "\"\xc3\x28\""}, {"\"hi\"", "\"\xff\xfe\xfd\""},
        {"\"hi\"", "\"\xed\xa0\x80\""}, {"\"gpt-4.1-mini\"", "\"llama-from-nowhere\""}, {"{\"model\"", "{\"model\":1,\"model\""},
    };
    for (size_t i = 0; i < sizeof swaps / sizeof swaps[0]; i++) {
        char *bad = replace(valid, swaps[i].from, swaps[i].to);
        CHECK_MSG(bad != NULL, swaps[i].from);
        if (bad) expect_rejected(c, bad, swaps[i].to);
        free(bad);
    }
    /* Structural abuse: nesting, size, garbage. */
    const char *garbage[] = {"", " ", "null", "true", "0", "\"str\"", "[]", "[{}]", "{}", "{\"model\":\"gpt-4o\"}",
                             "{\"messages\":[]}", "{\"model\":\"gpt-4o\",\"messages\":[]}", "}{", "{\"a\":}", "{'model':'x'}",
                             "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],}"};
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) expect_rejected(c, garbage[i], garbage[i]);
    for (size_t depth = 10; depth <= 100000; depth *= 10) {
        char *deep = malloc(2 * depth + 256);
        int k = sprintf(deep, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"custom_options\":");
        for (size_t d = 0; d < depth; d++) deep[k++] = '[';
        for (size_t d = 0; d < depth; d++) deep[k++] = ']';
        strcpy(deep + k, "}");
        expect_rejected(c, deep, "deep nesting");
        free(deep);
    }
    size_t huge = 64 << 20;
    char *big = malloc(huge + 128);
    int k = sprintf(big, "{\"model\":\"gpt-4o\",\"bogus\":\"");
    memset(big + k, 'a', huge);
    strcpy(big + k + huge, "\",\"messages\":[]}");
    expect_rejected(c, big, "a 64 MiB string with an unknown key");
    free(big);
    CHECK(rejected >= 200);
    tracia_client_free(c);
}

void test_hostile_options(void) {
    const char *options[] = {"", "[]", "1", "{\"api_key\":5}", "{\"base_url\":\"ftp://x\"}", "{\"base_url\":\"http://a b\"}",
                             "{\"openai_base_url\":\"nope\"}", "{\"timeout_ms\":-1}", "{\"max_retries\":1000}",
                             "{\"span_queue_size\":0}", "{\"otlp_endpoint\":\"x\"}", "{\"otlp_headers\":{\"a b\":\"c\"}}",
                             "{\"otlp_headers\":{\"a\":\"b\\nc\"}}", "{\"flush_timeout_ms\":\"soon\"}", "{\"aws_region\":3}",
                             "{\"unknown\":true}", "{\"api_key\":\"\xff\"}", "{\"openai_api_key\":\"k\\r\\nX-Injected: 1\"}",
                             "{\"api_key\":\"tr\\n\"}", "{\"anthropic_version\":\"2023-06-01\\r\\n\"}",
                             "{\"aws_region\":\"us-east-1.example.com/\"}", "{\"aws_region\":\"US-EAST-1\"}",
                             "{\"ca_file\":\"/nonexistent/ca.pem\"}", "{\"ca_file\":5}"};
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        tracia_client *c = tracia_client_new(options[i]);
        CHECK_MSG(c == NULL, options[i]);
        if (c) tracia_client_free(c);
        CHECK_MSG(strstr(tracia_last_error(), "INVALID_REQUEST") != NULL, options[i]);
    }
}

struct blocked {
    tracia_stream *stream;
    int rc;
};

static void *next_once(void *arg) {
    struct blocked *b = arg;
    const char *chunk;
    size_t length;
    b->rc = tracia_stream_next(b->stream, &chunk, &length);
    return NULL;
}

/* Defined as safe in the header: free while another thread is blocked in next (that call
 * returns 0, and that thread must not use the handle again). Blocked before any response, and
 * blocked in a stalled stream after its first chunks were read. */
void test_free_while_another_thread_is_in_next(void) {
    tracia_client *c = test_client("\"idle_timeout_ms\":60000");
    const char *scenarios[] = {"s/no-headers", "s/stall"};
    for (int round = 0; round < 20; round++) {
        char *req = request_json(scenarios[round % 2], "free me while blocked", "");
        struct blocked b = {tracia_run_local(c, req), 99};
        if (round % 2) { /* read what the stream sends before it stalls */
            const char *chunk;
            size_t length;
            struct pollfd p = {tracia_stream_fd(b.stream), POLLIN, 0};
            while (poll(&p, 1, 200) == 1 && tracia_stream_poll(b.stream, &chunk, &length) == 1) {}
        }
        pthread_t thread;
        pthread_create(&thread, NULL, next_once, &b);
        usleep(10000 + round * 1000);
        tracia_stream_free(b.stream);
        pthread_join(thread, NULL);
        CHECK(b.rc == 0);
        free(req);
    }
    tracia_client_free(c);
}

static int open_descriptors(void) {
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    for (struct dirent *e; d && (e = readdir(d));) n += e->d_name[0] != '.';
    if (d) closedir(d);
    return n;
}

/* Out of file descriptors: calls fail with a message that says so; nothing crashes or hangs,
 * and once descriptors are free again the same client works. */
void test_out_of_file_descriptors(void) {
    tracia_client *c = test_client("");
    char *req = request_json("s/slow", "many", "");
    struct rlimit saved;
    getrlimit(RLIMIT_NOFILE, &saved);
    struct rlimit low = {(rlim_t)open_descriptors() + 12, saved.rlim_max};
    setrlimit(RLIMIT_NOFILE, &low);
    tracia_stream *streams[64] = {0};
    int refused = 0;
    for (int i = 0; i < 64; i++) {
        streams[i] = tracia_run_local(c, req);
        if (!streams[i]) {
            CHECK_MSG(strstr(tracia_last_error(), "too many open files") != NULL, tracia_last_error());
            refused++;
        }
    }
    CHECK(refused > 0);
    setrlimit(RLIMIT_NOFILE, &saved);
    for (int i = 0; i < 64; i++) {
        if (!streams[i]) continue;
        const char *chunk;
        size_t length;
        tracia_stream_abort(streams[i]);
        while (tracia_stream_next(streams[i], &chunk, &length) == 1) {}
        tracia_stream_free(streams[i]);
    }
    free(req);
    char *again = request_json("s/text", "works again", "");
    struct outcome o = run_call(c, again);
    CHECK(o.rc == 0 && strcmp(o.text, "works again") == 0);
    outcome_free(&o);
    free(again);
    tracia_client_free(c);
}

/* A model name with a control character or surrounding whitespace is refused before any I/O,
 * as INVALID_REQUEST naming the field (not a network error from a bad URL, not a 404). */
void test_model_names_with_control_characters_or_spaces(void) {
    tracia_client *c = test_client("");
    const char *models[] = {"gpt-4o\\t", "gpt-4o\\r\\nX: 1", "gpt\\n4o", "gpt-4o ", " gpt-4o", "   ", "gpt-4o\\u007f"};
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        char json[256];
        snprintf(json, sizeof json, "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", models[i]);
        tracia_stream *s = tracia_run_local(c, json);
        CHECK_MSG(s == NULL, models[i]);
        if (s) tracia_stream_free(s);
        json_t *e = json_loads(tracia_last_error(), 0, NULL);
        CHECK_STR(str_at(e, "code"), "INVALID_REQUEST");
        CHECK_MSG(strstr(str_at(e, "message") ?: "", "'model'") != NULL, models[i]);
        json_decref(e);
    }
    tracia_client_free(c);
}
