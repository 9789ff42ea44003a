/* Azure OpenAI against its fake (Tests/fakes/fake_azure.py): the deployment and v1 paths for
 * Chat Completions and Responses, the api-key header or an Entra ID token, Azure's content
 * filter (annotations in the stream, the filtered stop, the 400 naming the categories), its
 * error bodies, a tool follow-up and an abort. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define HELLO "[{\"role\":\"user\",\"content\":\"Il fait beau\"}]"

static const char *azure_url(void) { return getenv("FAKE_AZURE") ?: "http://127.0.0.1:1"; }

/* A client of the fake resource; `extra` is more option JSON or "". */
static tracia_client *azure_client(const char *extra) {
    char options[1024];
    snprintf(options, sizeof options, "{\"azure_endpoint\":\"%s\",\"spans_file\":\"/dev/null\",\"max_retries\":0%s%s}", azure_url(),
             *extra ? "," : "", extra);
    tracia_client *c = tracia_client_new(options);
    CHECK_MSG(c != NULL, tracia_last_error());
    return c;
}

/* A call of deployment `model`; a scenario other than "text" goes in the per-call base URL. */
static struct outcome azure_call(tracia_client *c, const char *model, const char *scenario, int stream, const char *messages,
                                 const char *extra) {
    char *req = NULL, base[512] = "";
    if (strcmp(scenario, "text") != 0) snprintf(base, sizeof base, "\"base_url\":\"%s/s/%s\",", azure_url(), scenario);
    CHECK(asprintf(&req, "{\"model\":\"%s\",\"provider\":\"azure\",%s\"stream\":%s,\"messages\":%s%s%s}", model, base,
                   stream ? "true" : "false", messages, *extra ? "," : "", extra) > 0);
    struct outcome o = run_call(c, req);
    free(req);
    return o;
}

static json_t *last_request(const char *fragment) { return fake_request(azure_url(), fragment); }

/* A streamed call of deployment `model` fails with `rc`, its message holding `message`. */
static void expect_failure(tracia_client *c, const char *model, int rc, const char *message) {
    struct outcome o = azure_call(c, model, "text", 1, HELLO, "");
    CHECK(o.rc == rc);
    CHECK_MSG(strstr(str_at(o.result, "error.message") ?: "", message) != NULL, str_at(o.result, "error.message"));
    outcome_free(&o);
}

/* Azure settings of this machine's environment would change what the tests send. */
static void without_azure_environment(void) {
    const char *names[] = {"AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN", "AZURE_OPENAI_ENDPOINT", "OPENAI_API_VERSION"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) unsetenv(names[i]);
}

void test_azure_paths_of_each_api_and_version(void) {
    without_azure_environment();
    struct {
        const char *options, *api, *model, *path;
    } cases[] = {
        {"\"azure_api_key\":\"azure-test-key\",\"azure_api_version\":\"2024-10-21\"", "chat", "gpt-4o-mini",
         "/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21"},
        {"\"azure_api_key\":\"azure-test-key\"", "chat", "gpt-4o-mini", "/openai/v1/chat/completions"},
        {"\"azure_api_key\":\"azure-test-key\",\"azure_api_version\":\"v1\"", "chat", "gpt-4o-mini", "/openai/v1/chat/completions"},
        {"\"azure_api_key\":\"azure-test-key\"", "responses", "gpt-5", "/openai/v1/responses"},
        {"\"azure_api_key\":\"azure-test-key\",\"azure_api_version\":\"2025-04-01-preview\"", "responses", "gpt-5",
         "/openai/responses?api-version=2025-04-01-preview"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int stream = 0; stream <= 1; stream++) {
            tracia_client *c = azure_client(cases[i].options);
            char api[64];
            snprintf(api, sizeof api, "\"api\":\"%s\"", cases[i].api);
            struct outcome o = azure_call(c, cases[i].model, "text", stream, HELLO, api);
            CHECK_MSG(o.rc == 0, str_at(o.result, "error.message") ?: cases[i].path);
            CHECK_MSG(strcmp(o.text, "Il fait beau") == 0, cases[i].path);
            CHECK_STR(str_at(o.result, "provider"), "azure");
            CHECK_STR(str_at(o.result, "finish_reason"), "stop");
            CHECK(int_at(o.result, "usage.output_tokens") == 3);
            CHECK(int_at(o.result, "usage.total_tokens") == 12);
            json_t *seen = last_request("/openai/");
            CHECK_MSG(strcmp(str_at(seen, "path") ?: "", cases[i].path) == 0, str_at(seen, "path"));
            CHECK_STR(str_at(seen, "headers.api-key"), "azure-test-key");
            CHECK(at(seen, "headers.Authorization") == NULL);
            CHECK_STR(str_at(seen, "body.model"), cases[i].model);
            if (strcmp(cases[i].api, "chat") == 0) CHECK(stream ? json_is_true(at(seen, "body.stream_options.include_usage")) : 1);
            json_decref(seen);
            outcome_free(&o);
            tracia_client_free(c);
        }
    }
}

void test_azure_credentials_token_key_and_errors(void) {
    without_azure_environment();
    /* An Entra ID token is a Bearer token and wins over a key from the environment, as in the SDK. */
    setenv("AZURE_OPENAI_API_KEY", "azure-env-key", 1);
    setenv("AZURE_OPENAI_AD_TOKEN", "azure-ad-test-token", 1);
    tracia_client *c = azure_client("");
    struct outcome o = azure_call(c, "gpt-4o-mini", "text", 1, HELLO, "");
    CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
    json_t *seen = last_request("/openai/");
    CHECK_STR(str_at(seen, "headers.Authorization"), "Bearer azure-ad-test-token");
    CHECK(at(seen, "headers.api-key") == NULL);
    json_decref(seen);
    outcome_free(&o);
    /* A key given for the call is the caller's choice for it. */
    o = azure_call(c, "gpt-4o-mini", "text", 1, HELLO, "\"provider_api_key\":\"azure-test-key\"");
    CHECK(o.rc == 0);
    seen = last_request("/openai/");
    CHECK_STR(str_at(seen, "headers.api-key"), "azure-test-key");
    CHECK(at(seen, "headers.Authorization") == NULL);
    json_decref(seen);
    outcome_free(&o);
    tracia_client_free(c);
    unsetenv("AZURE_OPENAI_AD_TOKEN");

    /* The key from the environment alone: the fake refuses it with Azure's 401 body. */
    c = azure_client("");
    expect_failure(c, "gpt-4o-mini", TRACIA_E_UNAUTHORIZED, "HTTP 401: 401: Access denied due to invalid subscription key");
    tracia_client_free(c);
    unsetenv("AZURE_OPENAI_API_KEY");

    /* Both given explicitly, or none at all. */
    CHECK(tracia_client_new("{\"azure_api_key\":\"k\",\"azure_ad_token\":\"t\",\"spans_file\":\"/dev/null\"}") == NULL);
    CHECK(strstr(tracia_last_error(), "give azure_api_key or azure_ad_token, not both") != NULL);
    CHECK(tracia_client_new("{\"azure_endpoint\":\"http://a.test\",\"azure_base_url\":\"http://a.test\"}") == NULL);
    CHECK(tracia_client_new("{\"azure_api_version\":\"2024-10-21&x=1\",\"spans_file\":\"/dev/null\"}") == NULL);
    c = azure_client("");
    tracia_stream *s = tracia_run_local(c, "{\"model\":\"gpt-4o-mini\",\"provider\":\"azure\",\"messages\":" HELLO "}");
    CHECK(s == NULL);
    CHECK(strstr(tracia_last_error(), "MISSING_PROVIDER_API_KEY") && strstr(tracia_last_error(), "AZURE_OPENAI_AD_TOKEN"));
    tracia_client_free(c);

    /* Azure's 404 bodies read clearly; a deployment name that cannot be a path segment is refused. */
    c = azure_client("\"azure_api_key\":\"azure-test-key\",\"azure_api_version\":\"2024-10-21\"");
    expect_failure(c, "no-such-deployment", TRACIA_E_NOT_FOUND, "HTTP 404: DeploymentNotFound: The API deployment for this resource");
    expect_run_refused(c, "{\"model\":\"../gpt-4o-mini\",\"provider\":\"azure\",\"messages\":" HELLO "}", "an Azure deployment name");
    tracia_client_free(c);
}

void test_azure_content_filter(void) {
    without_azure_environment();
    tracia_client *c = azure_client("\"azure_api_key\":\"azure-test-key\",\"azure_api_version\":\"2024-10-21\"");
    for (int stream = 0; stream <= 1; stream++) {
        struct outcome o = azure_call(c, "gpt-4o-mini", "prompt-filtered", stream, HELLO, "");
        CHECK(o.rc == TRACIA_E_PROVIDER_ERROR);
        CHECK(int_at(o.result, "error.status_code") == 400);
        const char *message = str_at(o.result, "error.message") ?: "";
        CHECK_MSG(strstr(message, "HTTP 400: content_filter: The response was filtered") != NULL, message);
        CHECK_MSG(strstr(message, "(filtered: violence (medium))") != NULL, message);
        outcome_free(&o);

        /* The prompt-filter chunk (no choices, no id) is passed over; the blocked output stops. */
        o = azure_call(c, "gpt-4o-mini", "content-filter", stream, HELLO, "");
        CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
        CHECK_STR(o.text, "Il fait beau");
        CHECK_STR(str_at(o.result, "finish_reason"), "content_filter");
        outcome_free(&o);
    }
    tracia_client_free(c);
}

void test_azure_tool_follow_up_and_abort(void) {
    without_azure_environment();
    tracia_client *c = azure_client("\"azure_api_key\":\"azure-test-key\"");
    /* gpt-5-codex is served by Responses only: chosen without asking. */
    struct outcome o = azure_call(c, "gpt-5-codex", "thinking-tools", 1, "[{\"role\":\"user\",\"content\":\"Weather?\"}]",
                                  "\"reasoning\":{\"effort\":\"high\"},\"tools\":[{\"name\":\"get_weather\"}]");
    CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
    CHECK_STR(str_at(o.result, "finish_reason"), "tool_calls");
    CHECK(json_array_size(at(o.result, "tool_calls")) == 2);
    CHECK(int_at(o.result, "usage.reasoning_tokens") == 41);
    json_t *seen = last_request("/openai/");
    CHECK_STR(str_at(seen, "path"), "/s/thinking-tools/openai/v1/responses");
    json_decref(seen);
    char *message = json_dumps(at(o.result, "message"), JSON_COMPACT), *messages = NULL;
    CHECK(asprintf(&messages,
                   "[{\"role\":\"user\",\"content\":\"Weather?\"},%s,{\"role\":\"tool\",\"tool_call_id\":\"call_A\",\"content\":\"21C\"},"
                   "{\"role\":\"tool\",\"tool_call_id\":\"call_B\",\"content\":\"25C\"}]",
                   message) > 0);
    struct outcome f = azure_call(c, "gpt-5-codex", "thinking-tools", 1, messages, "");
    CHECK_MSG(f.rc == 0, str_at(f.result, "error.message"));
    CHECK_STR(f.text, "Weather?");
    outcome_free(&f);
    free(messages);
    free(message);
    outcome_free(&o);

    /* Chat Completions on the same deployment path family, aborted while it streams. */
    char *req = NULL;
    CHECK(asprintf(&req, "{\"model\":\"gpt-4o-mini\",\"provider\":\"azure\",\"stream\":true,\"base_url\":\"%s/s/slow\",\"messages\":" HELLO "}",
                   azure_url()) > 0);
    json_t *r = run_aborted_after(c, req, 5);
    CHECK(strncmp(str_at(r, "text") ?: "", "Il fait ", 8) == 0);
    json_decref(r);
    free(req);
    tracia_client_free(c);
}
