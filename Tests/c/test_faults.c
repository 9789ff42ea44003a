/* Upstream faults end the stream with the right code, keep the partial text, and leave the
 * client working for the next call. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int request_count(const char *fragment) {
    char url[512];
    snprintf(url, sizeof url, "%s/_requests", openai_url());
    json_t *all = get_json(url);
    int n = 0;
    size_t i;
    json_t *r;
    json_array_foreach(all, i, r) n += strstr(str_at(r, "path") ?: "", fragment) != NULL;
    json_decref(all);
    return n;
}

static void expect_failure(const char *options, const char *scenario, int code, const char *error_code,
                           long long status, const char *partial) {
    tracia_client *c = test_client(options);
    char *req = request_json(scenario, "partial text kept", "");
    double start = now_ms();
    struct outcome o = run_call(c, req);
    CHECK_MSG(o.rc == code, scenario);
    CHECK_MSG(o.rc >= 0 || strstr(tracia_last_error(), error_code) != NULL, tracia_last_error());
    CHECK_STR(str_at(o.result, "error.code"), error_code);
    if (status) CHECK(int_at(o.result, "error.status_code") == status);
    CHECK_STR(o.text, partial);
    CHECK_STR(str_at(o.result, "text"), partial);
    CHECK_MSG(now_ms() - start < 5000, "the failure took too long");
    /* next after the end keeps returning the same code */
    outcome_free(&o);
    free(req);
    /* The client keeps working. */
    req = request_json("s/text", "still working", "");
    o = run_call(c, req);
    CHECK(o.rc == 0);
    CHECK_STR(o.text, "still working");
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}

void test_unauthorized(void) {
    tracia_client *c = tracia_client_new("{\"openai_api_key\":\"sk-wrong-key-0123456789abcdefghij\",\"spans_file\":\"/dev/null\"}");
    char *req = request_json("s/text", "hi", "");
    struct outcome o = run_call(c, req);
    CHECK(o.rc == TRACIA_E_UNAUTHORIZED);
    CHECK_STR(str_at(o.result, "error.code"), "UNAUTHORIZED");
    CHECK(int_at(o.result, "error.status_code") == 401);
    CHECK_MSG(strstr(str_at(o.result, "error.message") ?: "", "0123456789abcdefghij") == NULL, "the key leaked into the error");
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}

void test_rate_limited_then_success(void) {
    char scenario[128];
    snprintf(scenario, sizeof scenario, "s/flaky/429/1/%s", unique_token());
    tracia_client *c = test_client("");
    char *req = request_json(scenario, "after a retry", "");
    struct outcome o = run_call(c, req);
    CHECK(o.rc == 0);
    CHECK_STR(o.text, "after a retry");
    CHECK(request_count(scenario) == 2);
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}

void test_rate_limit_exhausts_retries(void) {
    tracia_client *c = test_client("\"max_retries\":0");
    char *req = request_json("s/status/429", "x", "");
    struct outcome o = run_call(c, req);
    CHECK(o.rc == TRACIA_E_PROVIDER_ERROR);
    CHECK(int_at(o.result, "error.status_code") == 429);
    CHECK(strstr(str_at(o.result, "error.message") ?: "", "fake failure 429") != NULL);
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}

void test_server_error(void) {
    char scenario[128];
    snprintf(scenario, sizeof scenario, "s/flaky/500/5/%s", unique_token());
    expect_failure("\"max_retries\":1", scenario, TRACIA_E_PROVIDER_ERROR, "PROVIDER_ERROR", 500, "");
    CHECK(request_count(scenario) == 2); /* one retry, then the error */
}

void test_dropped_mid_stream(void) {
    expect_failure("", "s/drop-mid", TRACIA_E_NETWORK_ERROR, "NETWORK_ERROR", 0, "partial text ");
}

void test_dropped_before_headers(void) {
    expect_failure("\"max_retries\":0", "s/drop-before-headers", TRACIA_E_NETWORK_ERROR, "NETWORK_ERROR", 0, "");
}

void test_malformed_event(void) {
    expect_failure("", "s/malformed", TRACIA_E_PROVIDER_ERROR, "PROVIDER_ERROR", 0, "partial text ");
}

void test_mid_stream_error_event(void) {
    expect_failure("", "s/midstream-error", TRACIA_E_PROVIDER_ERROR, "PROVIDER_ERROR", 0, "partial text ");
}

void test_truncated_stream(void) {
    expect_failure("", "s/truncated", TRACIA_E_NETWORK_ERROR, "NETWORK_ERROR", 0, "partial text kept");
}

void test_stall_hits_idle_timeout(void) {
    expect_failure("\"idle_timeout_ms\":300", "s/stall", TRACIA_E_TIMEOUT, "TIMEOUT", 0, "partial text ");
}

void test_no_headers_hits_total_timeout(void) {
    tracia_client *c = test_client("\"max_retries\":0");
    char *req = request_json("s/no-headers", "x", "\"timeout_ms\":400");
    double start = now_ms();
    struct outcome o = run_call(c, req);
    CHECK(o.rc == TRACIA_E_TIMEOUT);
    CHECK(now_ms() - start < 2000);
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}

void test_connection_refused(void) {
    tracia_client *c = test_client("\"max_retries\":0");
    struct outcome o = run_call(c, "{\"model\":\"gpt-4.1-mini\",\"stream\":true,\"base_url\":\"http://127.0.0.1:1/v1\","
                                   "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    CHECK(o.rc == TRACIA_E_NETWORK_ERROR);
    CHECK_STR(str_at(o.result, "error.code"), "NETWORK_ERROR");
    /* The message names the host that failed. */
    CHECK_MSG(strstr(str_at(o.result, "error.message") ?: "", "127.0.0.1:1") != NULL, str_at(o.result, "error.message"));
    outcome_free(&o);
    tracia_client_free(c);
}

void test_next_after_failure_repeats(void) {
    tracia_client *c = test_client("\"max_retries\":0");
    char *req = request_json("s/status/500", "x", "");
    tracia_stream *s = tracia_run_local(c, req);
    const char *chunk;
    size_t length;
    int first = tracia_stream_next(s, &chunk, &length);
    CHECK(first == TRACIA_E_PROVIDER_ERROR);
    CHECK(tracia_stream_next(s, &chunk, &length) == first);
    CHECK(tracia_stream_next(s, &chunk, &length) == first);
    tracia_stream_free(s);
    free(req);
    tracia_client_free(c);
}
