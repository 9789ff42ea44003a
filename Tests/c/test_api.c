/* The C boundary: bad input gets a clear code and message, never a crash; defined misuse is
 * safe; lifetimes; the mock provider; versions. */
#define _GNU_SOURCE
#include <poll.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static void expect_last_error(const char *code, const char *fragment) {
    const char *e = tracia_last_error();
    json_t *j = json_loads(e, 0, NULL);
    CHECK_MSG(j != NULL, e);
    CHECK_STR(str_at(j, "code"), code);
    CHECK_MSG(strstr(str_at(j, "message") ?: "", fragment) != NULL, e);
    json_decref(j);
}

void test_null_arguments(void) {
    const char *chunk;
    size_t length;
    CHECK(tracia_run_local(NULL, "{}") == NULL);
    expect_last_error("MISUSE", "client is NULL");
    tracia_client *c = test_client("");
    CHECK(tracia_run_local(c, NULL) == NULL);
    expect_last_error("INVALID_REQUEST", "NULL");
    CHECK(tracia_stream_next(NULL, &chunk, &length) == TRACIA_E_MISUSE);
    CHECK(tracia_stream_result(NULL) == NULL);
    CHECK(tracia_stream_span_id(NULL) == NULL);
    CHECK(tracia_stream_trace_id(NULL) == NULL);
    CHECK(tracia_stream_fd(NULL) == TRACIA_E_MISUSE);
    expect_last_error("MISUSE", "tracia_stream_fd: stream is NULL");
    CHECK(tracia_stream_done_fd(NULL) == TRACIA_E_MISUSE);
    expect_last_error("MISUSE", "tracia_stream_done_fd: stream is NULL");
    CHECK(tracia_flush(NULL, 10) == TRACIA_E_MISUSE);
    CHECK(tracia_client_stats(NULL) == NULL);
    CHECK(tracia_client_set_span_error_callback(NULL, NULL, NULL) == TRACIA_E_MISUSE);
    tracia_stream_abort(NULL);
    tracia_stream_free(NULL);
    tracia_client_free(NULL);
    tracia_free(NULL);
    tracia_stream *s = tracia_run_local(c, "{\"model\":\"mock/x\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}");
    CHECK(tracia_stream_next(s, NULL, &length) == TRACIA_E_MISUSE);
    CHECK(tracia_stream_next(s, &chunk, NULL) == TRACIA_E_MISUSE);
    tracia_stream_free(s);
    tracia_client_free(c);
}

void test_invalid_requests(void) {
    tracia_client *c = test_client("");
    struct {
        const char *json, *code, *fragment;
    } cases[] = {
        {"", "INVALID_REQUEST", "invalid JSON"},
        {"{", "INVALID_REQUEST", "invalid JSON"},
        {"[1]", "INVALID_REQUEST", "JSON object"},
        {"{\"model\":\"gpt-4o\"}", "INVALID_REQUEST", "messages"},
        {"{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"bogus\":1}", "INVALID_REQUEST", "bogus"},
        {"{\"model\":42,\"messages\":[]}", "INVALID_REQUEST", "model"},
        {"{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"}", "INVALID_REQUEST", "temperature"},
        {"{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"alien\",\"content\":\"x\"}]}", "INVALID_REQUEST", "alien"},
        {"{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", "INVALID_REQUEST", "tool_call_id"},
        {"{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"\\u0000\"}]}", "INVALID_REQUEST", "JSON"},
        {"{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"\xff\xfe\"}]}", "INVALID_REQUEST", "not valid UTF-8"},
        {"{\"model\":\"llama-local\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "UNSUPPORTED_MODEL", "llama-local"},
        {"{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_output_tokens\":-5}", "INVALID_REQUEST", "max_output_tokens"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_MSG(tracia_run_local(c, cases[i].json) == NULL, cases[i].json);
        expect_last_error(cases[i].code, cases[i].fragment);
    }
    /* Deep nesting is an error, not a stack overflow. */
    size_t depth = 100000;
    char *deep = malloc(depth * 2 + 64);
    strcpy(deep, "{\"model\":\"gpt-4o\",\"messages\":");
    size_t n = strlen(deep);
    memset(deep + n, '[', depth);
    memset(deep + n + depth, ']', depth);
    strcpy(deep + n + 2 * depth, "}");
    CHECK(tracia_run_local(c, deep) == NULL);
    free(deep);
    tracia_client_free(c);
}

void test_missing_provider_key(void) {
    tracia_client *c = tracia_client_new("{\"spans_file\":\"/dev/null\"}");
    CHECK(tracia_run_local(c, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}") == NULL ||
          getenv("OPENAI_API_KEY") != NULL);
    if (!getenv("OPENAI_API_KEY")) expect_last_error("MISSING_PROVIDER_API_KEY", "OPENAI_API_KEY");
    tracia_client_free(c);
}

void test_invalid_options(void) {
    CHECK(tracia_client_new("{\"nope\":1}") == NULL);
    expect_last_error("INVALID_REQUEST", "nope");
    CHECK(tracia_client_new("{\"idle_timeout_ms\":\"soon\"}") == NULL);
    expect_last_error("INVALID_REQUEST", "idle_timeout_ms");
    CHECK(tracia_client_new("not json") == NULL);
    expect_last_error("INVALID_REQUEST", "JSON");
    CHECK(tracia_client_new("{\"api_key\":\"\xc3\x28\"}") == NULL);
    expect_last_error("INVALID_REQUEST", "not valid UTF-8");
}

void test_defined_misuse_is_safe(void) {
    tracia_client *c = test_client("");
    tracia_stream *s = tracia_run_local(c, "{\"model\":\"mock/x\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}]}");
    const char *chunk;
    size_t length;
    while (tracia_stream_next(s, &chunk, &length) == 1) {}
    CHECK(tracia_stream_next(s, &chunk, &length) == 0); /* next after the end */
    CHECK(tracia_stream_next(s, &chunk, &length) == 0);
    char *r1 = tracia_stream_result(s);
    char *r2 = tracia_stream_result(s); /* result twice */
    CHECK(r1 && r2 && strcmp(r1, r2) == 0);
    tracia_free(r1);
    tracia_free(r2);
    tracia_stream_abort(s); /* abort after the end is a no-op */
    tracia_stream_abort(s);
    char *r3 = tracia_stream_result(s);
    json_t *j = json_loads(r3, 0, NULL);
    CHECK(json_is_false(at(j, "aborted")));
    CHECK_STR(str_at(j, "text"), "a b");
    json_decref(j);
    tracia_free(r3);
    tracia_stream_free(s);
    tracia_client_free(c);
}

void test_client_freed_before_its_stream(void) {
    tracia_client *c = test_client("");
    char *req = request_json("s/text", "outlives the client", "");
    tracia_stream *s = tracia_run_local(c, req);
    tracia_client_free(c); /* the real free waits for the stream */
    struct outcome o = run_stream(s);
    CHECK(o.rc == 0);
    CHECK_STR(o.text, "outlives the client");
    tracia_stream_free(s);
    outcome_free(&o);
    free(req);
}

/* A stream that outlives its client and is then dropped mid-answer: its span (aborted) is still
 * delivered, by the engine stopping with the last stream. */
void test_span_of_a_stream_that_outlived_its_client(void) {
    char dir[] = "/tmp/tracia-outlived-XXXXXX", path[256];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/spans.jsonl", dir);
    char options[600];
    snprintf(options, sizeof options, "{\"openai_api_key\":\"sk-test-key\",\"spans_file\":\"%s\"}", path);
    tracia_client *c = tracia_client_new(options);
    char *req = request_json("s/text/hold", "never ends", "");
    tracia_stream *s = tracia_run_local(c, req);
    CHECK_MSG(s != NULL, tracia_last_error());
    char span_id[40];
    snprintf(span_id, sizeof span_id, "%s", tracia_stream_span_id(s));
    const char *chunk;
    size_t length;
    CHECK(tracia_stream_next(s, &chunk, &length) == 1);
    tracia_client_free(c);
    tracia_stream_free(s);
    int found = 0;
    for (int waited = 0; !found && waited < 10000; waited += 20) {
        FILE *f = fopen(path, "r");
        char line[8192];
        while (f && fgets(line, sizeof line, f)) {
            json_t *span = json_loads(line, 0, NULL);
            found = span && strcmp(str_at(span, "spanId") ?: "", span_id) == 0 &&
                    strcmp(str_at(span, "status") ?: "", "ERROR") == 0 && strncmp(str_at(span, "output") ?: "", "never ", 6) == 0;
            json_decref(span);
        }
        if (f) fclose(f);
        if (!found) usleep(20 * 1000);
    }
    CHECK_MSG(found, "the aborted stream's span never reached the file");
    unlink(path);
    rmdir(dir);
    free(req);
}

void test_result_without_reading_chunks(void) {
    tracia_client *c = test_client("");
    char *req = request_json("s/text", "never iterated", "");
    tracia_stream *s = tracia_run_local(c, req);
    char *r = tracia_stream_result(s);
    json_t *j = json_loads(r, 0, NULL);
    CHECK_STR(str_at(j, "text"), "never iterated");
    json_decref(j);
    tracia_free(r);
    tracia_stream_free(s);
    free(req);
    tracia_client_free(c);
}

void test_ids_known_before_the_first_chunk(void) {
    tracia_client *c = test_client("");
    char *req = request_json("s/slow", "x", "");
    tracia_stream *s = tracia_run_local(c, req);
    const char *span = tracia_stream_span_id(s), *trace = tracia_stream_trace_id(s);
    CHECK(span && strncmp(span, "sp_", 3) == 0 && strlen(span) == 19);
    CHECK(trace && strncmp(trace, "tr_", 3) == 0 && strlen(trace) == 19);
    tracia_stream_abort(s);
    char *r = tracia_stream_result(s);
    json_t *j = json_loads(r, 0, NULL);
    CHECK_STR(str_at(j, "span_id"), span);
    CHECK_STR(str_at(j, "trace_id"), trace);
    json_decref(j);
    tracia_free(r);
    tracia_stream_free(s);
    free(req);
    tracia_client_free(c);
}

void test_mock_provider(void) {
    tracia_client *c = tracia_client_new("{\"spans_file\":\"/dev/null\"}");
    struct outcome o = run_call(c, "{\"model\":\"mock/test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                                   "\"mock_response\":[\"Hel\",\"lo\"],\"mock_tool_calls\":[{\"id\":\"c1\",\"name\":\"f\",\"arguments\":{\"a\":1}}]}");
    CHECK(o.rc == 0);
    CHECK(o.chunks == 2);
    CHECK_STR(o.text, "Hello");
    CHECK_STR(str_at(o.result, "tool_calls.0.id"), "c1");
    CHECK(int_at(o.result, "tool_calls.0.arguments.a") == 1);
    CHECK_STR(str_at(o.result, "finish_reason"), "tool_calls");
    CHECK_STR(str_at(o.result, "provider"), "mock");
    outcome_free(&o);
    o = run_call(c, "{\"model\":\"anything\",\"provider\":\"mock\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"echo me\"}],"
                    "\"mock_error\":{\"code\":\"TIMEOUT\",\"message\":\"injected\",\"after_chunks\":1}}");
    CHECK(o.rc == TRACIA_E_TIMEOUT);
    CHECK_STR(o.text, "echo ");
    CHECK_STR(str_at(o.result, "error.message"), "injected");
    outcome_free(&o);
    tracia_client_free(c);
}

void test_error_names_and_versions(void) {
    CHECK_STR(tracia_strerror(TRACIA_OK), "OK");
    CHECK_STR(tracia_strerror(TRACIA_AGAIN), "AGAIN");
    CHECK_STR(tracia_strerror(TRACIA_E_INVALID_REQUEST), "INVALID_REQUEST");
    CHECK_STR(tracia_strerror(TRACIA_E_TIMEOUT), "TIMEOUT");
    CHECK_STR(tracia_strerror(TRACIA_E_UNAUTHORIZED), "UNAUTHORIZED");
    CHECK_STR(tracia_strerror(TRACIA_E_MISUSE), "MISUSE");
    CHECK_STR(tracia_strerror(-999), "UNKNOWN");
    CHECK_STR(tracia_version(), TRACIA_VERSION_STRING);
    CHECK(tracia_version_number() == TRACIA_VERSION_NUMBER);
}
