/* What a call sends besides its body: the caller's custom headers (client and call), which add
 * to the library's and never replace them; the rule that a call without a key is refused even
 * with a base URL; and errors that say where a bad URL came from. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static void expect_error(const char *code, const char *fragment) {
    json_t *e = json_loads(tracia_last_error(), 0, NULL);
    CHECK_STR(str_at(e, "code"), code);
    CHECK_MSG(strstr(str_at(e, "message") ?: "", fragment) != NULL, tracia_last_error());
    json_decref(e);
}

static const char *header_of(json_t *request, const char *name) {
    const char *key;
    json_t *value;
    json_object_foreach(json_object_get(request, "headers"), key, value) {
        if (strcasecmp(key, name) == 0) return json_string_value(value);
    }
    return NULL;
}

void test_custom_headers_reach_the_provider(void) {
    tracia_client *c = test_client(
        "\"headers\":{\"X-Title\":\"client title\",\"X-Gateway-Key\":{\"value\":\"gw-sentinel-4242\",\"secret\":true}}");
    const char *token = unique_token();
    char extra[300];
    snprintf(extra, sizeof extra, "\"headers\":{\"x-title\":\"call title\",\"HTTP-Referer\":\"https://example.test/%s\"}", token);
    char *req = request_json("s/text", "hello", extra);
    struct outcome o = run_call(c, req);
    CHECK(o.rc == 0);
    char fragment[100];
    snprintf(fragment, sizeof fragment, "%s", "/chat/completions");
    json_t *seen = fake_request(openai_url(), fragment);
    CHECK_STR(header_of(seen, "X-Title"), "call title"); /* the call's header replaces the client's */
    CHECK_STR(header_of(seen, "X-Gateway-Key"), "gw-sentinel-4242");
    char referer[100];
    snprintf(referer, sizeof referer, "https://example.test/%s", token);
    CHECK_STR(header_of(seen, "HTTP-Referer"), referer);
    CHECK_STR(header_of(seen, "Authorization"), "Bearer sk-test-key"); /* the library's own, unchanged */
    json_decref(seen);
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}

void test_custom_headers_never_replace_the_librarys(void) {
    tracia_client *c = test_client("");
    char *req = request_json("s/text", "x", "\"headers\":{\"authorization\":\"Bearer other\"}");
    CHECK(tracia_run_local(c, req) == NULL);
    expect_error("INVALID_REQUEST", "'authorization'");
    free(req);
    req = request_json("s/text", "x", "\"headers\":{\"Content-Type\":\"text/plain\"}");
    CHECK(tracia_run_local(c, req) == NULL);
    expect_error("INVALID_REQUEST", "never replace");
    free(req);
    /* Anthropic's key header too, whatever its case. */
    CHECK(tracia_run_local(c, "{\"model\":\"claude-sonnet-4-5\",\"provider_api_key\":\"k-1234\",\"base_url\":\"http://127.0.0.1:1\","
                              "\"headers\":{\"X-API-KEY\":\"other\"},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}") == NULL);
    expect_error("INVALID_REQUEST", "'X-API-KEY'");
    tracia_client_free(c);

    expect_run_refused(c = test_client(""), "{\"model\":\"mock/x\",\"headers\":{\"bad name\":\"v\"},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                       "not a header name");
    expect_run_refused(c, "{\"model\":\"mock/x\",\"headers\":{\"X-A\":\"v\\r\\nX-B: injected\"},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                       "control characters");
    expect_run_refused(c, "{\"model\":\"mock/x\",\"headers\":{\"X-A\":{\"value\":\"v\",\"hidden\":true}},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                       "unknown key 'hidden'");
    expect_run_refused(c, "{\"model\":\"mock/x\",\"headers\":{\"X-A\":7},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                       "must be a string");
    tracia_client_free(c);
    CHECK(tracia_client_new("{\"spans_file\":\"/dev/null\",\"headers\":[\"X-A: v\"]}") == NULL);
    expect_error("INVALID_REQUEST", "'headers'");
}

void test_secret_header_values_are_scrubbed(void) {
    tracia_client *c = test_client("\"max_retries\":0,\"headers\":{\"X-Gateway-Key\":{\"value\":\"gw-sentinel-9999\",\"secret\":true},"
                                   "\"X-Plain\":\"plain-visible-value\"}");
    /* The fake's 400 repeats every request header in its error text. */
    char *req = request_json("s/echo/400", "x", "");
    struct outcome o = run_call(c, req);
    const char *message = str_at(o.result, "error.message");
    CHECK_MSG(message && strstr(message, "plain-visible-value") != NULL, message);
    CHECK_MSG(message && strstr(message, "sentinel") == NULL, message);
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}

void test_missing_key_with_a_base_url_is_refused(void) {
    if (getenv("OPENAI_API_KEY") || getenv("ANTHROPIC_API_KEY")) return;
    char options[300];
    snprintf(options, sizeof options, "{\"spans_file\":\"/dev/null\",\"openai_base_url\":\"%s/v1\"}", openai_url());
    tracia_client *c = tracia_client_new(options);
    CHECK(tracia_run_local(c, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}") == NULL);
    expect_error("MISSING_PROVIDER_API_KEY", "OPENAI_API_KEY");
    CHECK(tracia_run_local(c, "{\"model\":\"claude-sonnet-4-5\",\"base_url\":\"http://127.0.0.1:1\","
                              "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}") == NULL);
    expect_error("MISSING_PROVIDER_API_KEY", "ANTHROPIC_API_KEY");
    tracia_client_free(c);
}

void test_keyless_compatible_server_that_wants_a_key_says_where_it_goes(void) {
    if (getenv("OPENAI_COMPATIBLE_API_KEY")) return;
    char options[300];
    snprintf(options, sizeof options, "{\"spans_file\":\"/dev/null\",\"max_retries\":0,\"openai_compatible_base_url\":\"%s/v1\"}",
             openai_url());
    tracia_client *c = tracia_client_new(options);
    /* The fake OpenAI server answers a request without its key with 401. */
    struct outcome o = run_call(c, "{\"model\":\"local-model\",\"provider\":\"openai_compatible\",\"stream\":true,"
                                   "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    CHECK(o.rc == TRACIA_E_UNAUTHORIZED);
    CHECK_MSG(strstr(str_at(o.result, "error.message") ?: "", "OPENAI_COMPATIBLE_API_KEY") != NULL, str_at(o.result, "error.message"));
    outcome_free(&o);
    tracia_client_free(c);
}

void test_bad_base_urls_name_their_source_and_value(void) {
    CHECK(tracia_client_new("{\"spans_file\":\"/dev/null\",\"openai_base_url\":\"ftp://files.example\"}") == NULL);
    expect_error("INVALID_REQUEST", "'openai_base_url' in options");
    expect_error("INVALID_REQUEST", "ftp://files.example");
    setenv("ANTHROPIC_BASE_URL", "api.anthropic.com", 1);
    CHECK(tracia_client_new("{\"spans_file\":\"/dev/null\"}") == NULL);
    unsetenv("ANTHROPIC_BASE_URL");
    expect_error("INVALID_REQUEST", "ANTHROPIC_BASE_URL");
    expect_error("INVALID_REQUEST", "'api.anthropic.com'");
    tracia_client *c = test_client("");
    expect_run_refused(c, "{\"model\":\"gpt-4o\",\"base_url\":\"localhost:8080\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                       "'base_url' in request must be an http:// or https:// URL without spaces; it is 'localhost:8080'");
    tracia_client_free(c);
}
