/* Vertex AI: Gemini and Claude through the fake Vertex server, authenticated by tokens its fake
 * Google token endpoint mints for a service-account key (an RS256 JWT the library signs) or an
 * authorized user's refresh token, cached per client and refreshed. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static const char *vertex_url(void) { return getenv("FAKE_VERTEX") ?: "http://127.0.0.1:1"; }

/* The fake's credentials file of `kind` ("_service_account", "_service_account?format=pkcs1",
 * "_authorized_user"), with `drop` removed, written into a new temporary directory. */
static char *credentials_file(const char *kind, const char *drop) {
    char url[512];
    snprintf(url, sizeof url, "%s/%s", vertex_url(), kind);
    json_t *file = get_json(url);
    CHECK_MSG(file != NULL, url);
    if (drop) json_object_del(file, drop);
    char dir[] = "/tmp/tracia-vertex-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *path = NULL;
    CHECK(asprintf(&path, "%s/credentials.json", dir) > 0);
    CHECK(json_dump_file(file, path, 0) == 0);
    json_decref(file);
    return path;
}

static void remove_file(char *path) {
    unlink(path);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    rmdir(path);
    free(path);
}

/* A client for the fake with `path` as its credentials file; token_scenario ("" or "s/expires/12/")
 * picks the token endpoint's behaviour. */
static tracia_client *vertex_client(const char *path, const char *token_scenario, const char *extra) {
    char options[2048];
    snprintf(options, sizeof options,
             "{\"google_application_credentials\":\"%s\",\"google_token_uri\":\"%s/%stoken\",%s"
             "\"spans_file\":\"/dev/null\",\"max_retries\":0%s%s}",
             path, vertex_url(), token_scenario, extra && strstr(extra, "vertex_location") ? "" : "\"vertex_location\":\"us-central1\",",
             extra && *extra ? "," : "", extra ? extra : "");
    tracia_client *c = tracia_client_new(options);
    CHECK_MSG(c != NULL, tracia_last_error());
    return c;
}

static char *vertex_request(const char *model, const char *scenario, int stream, const char *messages, const char *extra) {
    char *out = NULL;
    CHECK(asprintf(&out, "{\"provider\":\"vertex\",\"model\":\"%s\",\"stream\":%s,\"base_url\":\"%s/%s\",\"messages\":%s%s%s}", model,
                   stream ? "true" : "false", vertex_url(), scenario, messages, extra && *extra ? "," : "", extra ? extra : "") > 0);
    return out;
}

static struct outcome vertex_call(tracia_client *c, const char *model, const char *scenario, int stream, const char *content) {
    char messages[512];
    snprintf(messages, sizeof messages, "[{\"role\":\"user\",\"content\":\"%s\"}]", content);
    char *req = vertex_request(model, scenario, stream, messages, "");
    struct outcome o = run_call(c, req);
    free(req);
    return o;
}

/* The token endpoint's exchanges so far, oldest first (a new reference). */
static json_t *exchange_log(void) {
    char url[512];
    snprintf(url, sizeof url, "%s/_exchanges", vertex_url());
    return get_json(url);
}

static size_t exchanges(void) {
    json_t *all = exchange_log();
    size_t n = json_array_size(all);
    json_decref(all);
    return n;
}

/* A streamed call to scenario s/text that must succeed and answer `content`, its echo. */
static void expect_echo(tracia_client *c, const char *model, const char *content) {
    struct outcome o = vertex_call(c, model, "s/text", 1, content);
    CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
    CHECK_STR(o.text, content);
    outcome_free(&o);
}

/* A client of the fake's service account, at the token endpoint's usual behaviour. */
static tracia_client *service_account_client(char **path) {
    *path = credentials_file("_service_account", NULL);
    return vertex_client(*path, "", "");
}

/* The client and its credentials file go together. */
static void vertex_done(tracia_client *c, char *path) {
    tracia_client_free(c);
    remove_file(path);
}

static const char *GEMINI = "gemini-2.5-flash";
static const char *CLAUDE = "claude-sonnet-4-5@20250929";

void test_vertex_gemini_and_claude_with_a_service_account(void) {
    char *path;
    tracia_client *c = service_account_client(&path);
    size_t before = exchanges();
    for (int stream = 1; stream >= 0; stream--) {
        struct outcome o = vertex_call(c, GEMINI, "s/text", stream, "hello from gemini on vertex");
        CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
        CHECK_STR(o.text, "hello from gemini on vertex");
        CHECK_STR(str_at(o.result, "provider"), "vertex");
        CHECK_STR(str_at(o.result, "finish_reason"), "stop");
        CHECK(int_at(o.result, "usage.input_tokens") == 8);
        outcome_free(&o);
        json_t *r = fake_request(vertex_url(), "/publishers/google/");
        CHECK_STR(str_at(r, "path"),
                  stream ? "/s/text/v1beta1/projects/fake-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:"
                           "streamGenerateContent?alt=sse"
                         : "/s/text/v1beta1/projects/fake-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:"
                           "generateContent");
        CHECK(strncmp(str_at(r, "headers.Authorization") ?: "", "Bearer ya29.fake-", 17) == 0);
        CHECK_STR(str_at(r, "body.contents.0.role"), "user");
        json_decref(r);

        o = vertex_call(c, CLAUDE, "s/text", stream, "hello from claude on vertex");
        CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
        CHECK_STR(o.text, "hello from claude on vertex");
        CHECK_STR(str_at(o.result, "finish_reason"), "stop");
        CHECK(int_at(o.result, "usage.input_tokens") == 12);
        outcome_free(&o);
        r = fake_request(vertex_url(), "/publishers/anthropic/");
        CHECK_STR(str_at(r, "path"), stream ? "/s/text/v1/projects/fake-project/locations/us-central1/publishers/anthropic/models/"
                                              "claude-sonnet-4-5@20250929:streamRawPredict"
                                            : "/s/text/v1/projects/fake-project/locations/us-central1/publishers/anthropic/models/"
                                              "claude-sonnet-4-5@20250929:rawPredict");
        CHECK_STR(str_at(r, "body.anthropic_version"), "vertex-2023-10-16");
        CHECK(at(r, "body.model") == NULL);
        CHECK(json_integer_value(at(r, "body.max_tokens")) == 64000);
        json_decref(r);
    }
    /* Four calls, one token: the client caches it. */
    CHECK(exchanges() == before + 1);
    vertex_done(c, path);
}

void test_vertex_pkcs1_key_and_global_location(void) {
    char *path = credentials_file("_service_account?format=pkcs1", NULL);
    tracia_client *c = vertex_client(path, "", "\"vertex_location\":\"global\",\"vertex_project\":\"other-project\"");
    expect_echo(c, GEMINI, "pkcs one");
    json_t *r = fake_request(vertex_url(), "/projects/other-project/");
    CHECK(strstr(str_at(r, "path") ?: "", "/v1beta1/projects/other-project/locations/global/publishers/google/models/") != NULL);
    json_decref(r);
    vertex_done(c, path);
}

void test_vertex_tools_with_follow_up(void) {
    char *path;
    tracia_client *c = service_account_client(&path);
    const char *models[] = {GEMINI, CLAUDE};
    for (int m = 0; m < 2; m++) {
        const char *tools = "\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather\",\"parameters\":{\"type\":\"object\","
                            "\"properties\":{\"city\":{\"type\":\"string\"}}}}]";
        char *req = vertex_request(models[m], "s/tools", 1, "[{\"role\":\"user\",\"content\":\"Weather?\"}]", tools);
        struct outcome o = run_call(c, req);
        free(req);
        CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
        CHECK_STR(str_at(o.result, "finish_reason"), "tool_calls");
        CHECK_STR(str_at(o.result, "tool_calls.0.name"), "get_weather");
        CHECK_STR(str_at(o.result, "tool_calls.0.arguments.city"), "Paris");
        CHECK_STR(str_at(o.result, "tool_calls.1.arguments.city"), "Rome");
        CHECK(int_at(o.result, "usage.total_tokens") > 0);
        /* The follow-up: the assistant turn as it came, both results. */
        char *message = json_dumps(at(o.result, "message"), JSON_COMPACT);
        char messages[4096];
        snprintf(messages, sizeof messages,
                 "[{\"role\":\"user\",\"content\":\"Weather?\"},%s,"
                 "{\"role\":\"tool\",\"tool_call_id\":\"%s\",\"content\":\"21C\"},{\"role\":\"tool\",\"tool_call_id\":\"%s\",\"content\":\"25C\"}]",
                 message, str_at(o.result, "tool_calls.0.id"), str_at(o.result, "tool_calls.1.id"));
        free(message);
        outcome_free(&o);
        req = vertex_request(models[m], "s/tools", 1, messages, tools);
        o = run_call(c, req);
        free(req);
        CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
        CHECK_STR(str_at(o.result, "finish_reason"), "stop");
        CHECK(o.length > 0);
        outcome_free(&o);
    }
    vertex_done(c, path);
}

void test_vertex_errors_in_google_envelope(void) {
    char *path;
    tracia_client *c = service_account_client(&path);
    /* Claude's error is Anthropic's JSON inside Google's message. */
    struct outcome o = vertex_call(c, CLAUDE, "s/status/400", 1, "x");
    CHECK(o.rc < 0);
    CHECK_STR(str_at(o.result, "error.code"), "PROVIDER_ERROR");
    CHECK(int_at(o.result, "error.status_code") == 400);
    CHECK_MSG(strstr(str_at(o.result, "error.message") ?: "", "HTTP 400: invalid_request_error: fake failure 400") != NULL,
              str_at(o.result, "error.message"));
    outcome_free(&o);
    o = vertex_call(c, GEMINI, "s/status/404", 0, "x");
    CHECK_STR(str_at(o.result, "error.code"), "NOT_FOUND");
    CHECK_MSG(strstr(str_at(o.result, "error.message") ?: "", "NOT_FOUND: fake failure 404") != NULL, str_at(o.result, "error.message"));
    outcome_free(&o);
    o = vertex_call(c, GEMINI, "s/midstream-error", 1, "one two three");
    CHECK(o.rc < 0);
    CHECK(strstr(str_at(o.result, "error.message") ?: "", "INTERNAL") != NULL);
    outcome_free(&o);
    tracia_client_free(c);

    /* A token the service does not know: UNAUTHORIZED, the token nowhere in the result. */
    c = tracia_client_new("{\"vertex_access_token\":\"ya29.not-a-minted-token\",\"vertex_project\":\"p\",\"spans_file\":\"/dev/null\"}");
    CHECK_MSG(c != NULL, tracia_last_error());
    o = vertex_call(c, GEMINI, "s/text", 1, "x");
    CHECK_STR(str_at(o.result, "error.code"), "UNAUTHORIZED");
    CHECK(strstr(str_at(o.result, "error.message") ?: "", "UNAUTHENTICATED") != NULL);
    CHECK(strstr(str_at(o.result, "error.message") ?: "", "not-a-minted") == NULL);
    outcome_free(&o);
    json_t *r = fake_request(vertex_url(), "/publishers/google/");
    CHECK_STR(str_at(r, "headers.Authorization"), "Bearer ya29.not-a-minted-token");
    json_decref(r);
    vertex_done(c, path);
}

void test_vertex_token_refusal_names_the_file(void) {
    char *path = credentials_file("_service_account", NULL);
    tracia_client *c = vertex_client(path, "s/invalid-grant/", "");
    size_t before = exchanges();
    struct outcome o = vertex_call(c, GEMINI, "s/text", 1, "x");
    CHECK(o.rc < 0);
    CHECK_STR(str_at(o.result, "error.code"), "UNAUTHORIZED");
    const char *message = str_at(o.result, "error.message") ?: "";
    CHECK_MSG(strstr(message, path) != NULL, message);
    CHECK_MSG(strstr(message, "invalid_grant: Invalid JWT Signature.") != NULL, message);
    CHECK(strstr(message, "PRIVATE KEY") == NULL);
    outcome_free(&o);
    CHECK(exchanges() == before + 1);
    tracia_client_free(c);

    /* The token endpoint down: the failure names the file too. */
    c = vertex_client(path, "s/status/503/", "");
    o = vertex_call(c, CLAUDE, "s/text", 1, "x");
    CHECK_STR(str_at(o.result, "error.code"), "PROVIDER_ERROR");
    CHECK(strstr(str_at(o.result, "error.message") ?: "", path) != NULL);
    outcome_free(&o);
    tracia_client_free(c);

    /* Nothing listens there: a network error naming the token endpoint's host. */
    char options[1024];
    snprintf(options, sizeof options,
             "{\"google_application_credentials\":\"%s\",\"google_token_uri\":\"http://127.0.0.1:1/token\",\"spans_file\":\"/dev/null\"}", path);
    c = tracia_client_new(options);
    o = vertex_call(c, GEMINI, "s/text", 1, "x");
    CHECK_STR(str_at(o.result, "error.code"), "NETWORK_ERROR");
    CHECK_MSG(strstr(str_at(o.result, "error.message") ?: "", "127.0.0.1") != NULL, str_at(o.result, "error.message"));
    outcome_free(&o);
    vertex_done(c, path);
}

void test_vertex_revoked_token_is_refreshed_once(void) {
    char *path = credentials_file("_service_account", NULL);
    tracia_client *c = vertex_client(path, "s/revoked-after/1/", "");
    size_t before = exchanges();
    struct outcome o = vertex_call(c, GEMINI, "s/text", 1, "first");
    CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
    outcome_free(&o);
    usleep(1200 * 1000);
    /* The cached token looks good for an hour, the service refuses it: one 401, a fresh token, success. */
    expect_echo(c, CLAUDE, "second");
    CHECK(exchanges() == before + 2);
    vertex_done(c, path);
}

void test_vertex_tokens_refreshed_ahead_during_a_long_run(void) {
    char *path = credentials_file("_service_account", NULL);
    /* Tokens for 228 s: after 3 s, less than the 3 min 45 s google-auth refreshes ahead of
     * expiry remain, so one is fetched in the background while calls go on with the old one. */
    tracia_client *c = vertex_client(path, "s/expires/228/", "");
    size_t before = exchanges();
    double start = now_ms();
    int calls = 0, failures = 0;
    while (now_ms() - start < 4500) {
        struct outcome o = vertex_call(c, calls % 2 ? CLAUDE : GEMINI, "s/text/long-run", 1, "tick");
        if (o.rc != 0 || strcmp(o.text, "tick") != 0) {
            failures++;
            CHECK_MSG(0, str_at(o.result, "error.message"));
        }
        outcome_free(&o);
        calls++;
        usleep(50 * 1000);
    }
    CHECK(failures == 0);
    CHECK(calls > 20);
    char counts[64];
    snprintf(counts, sizeof counts, "%zu tokens for %d calls", exchanges() - before, calls);
    CHECK_MSG(exchanges() - before == 2, counts);
    /* The last calls carried the new token. */
    json_t *all = exchange_log();
    const char *minted = str_at(json_array_get(all, json_array_size(all) - 1), "token");
    json_t *r = fake_request(vertex_url(), "/s/text/long-run/");
    char bearer[256];
    snprintf(bearer, sizeof bearer, "Bearer %s", minted ?: "?");
    CHECK_STR(str_at(r, "headers.Authorization"), bearer);
    json_decref(r);
    json_decref(all);
    vertex_done(c, path);
}

void test_vertex_authorized_user_file(void) {
    char *path = credentials_file("_authorized_user", NULL);
    tracia_client *c = vertex_client(path, "", "");
    expect_echo(c, GEMINI, "as a user");
    /* The quota project is the project and is billed. */
    json_t *r = fake_request(vertex_url(), "/projects/fake-quota-project/");
    CHECK(r != NULL);
    CHECK_STR(str_at(r, "headers.x-goog-user-project"), "fake-quota-project");
    json_decref(r);
    json_t *all = exchange_log();
    json_t *last = json_array_get(all, json_array_size(all) - 1);
    CHECK_STR(str_at(last, "grant_type"), "refresh_token");
    CHECK_STR(str_at(last, "content_type"), "application/x-www-form-urlencoded");
    json_decref(all);
    vertex_done(c, path);
}

void test_vertex_abort(void) {
    char *path;
    tracia_client *c = service_account_client(&path);
    const char *models[] = {GEMINI, CLAUDE};
    for (int m = 0; m < 2; m++) {
        char *req = vertex_request(models[m], "s/slow", 1, "[{\"role\":\"user\",\"content\":\"a b c\"}]", "");
        json_t *r = run_aborted_after(c, req, 4);
        CHECK(strncmp(str_at(r, "text") ?: "", "a b x", 5) == 0);
        json_decref(r);
        free(req);
    }
    vertex_done(c, path);
}

void test_vertex_configuration_refused_clearly(void) {
    char options[1024];
    /* A file type the library does not exchange. */
    char dir[] = "/tmp/tracia-vertex-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/external.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"type\":\"external_account\",\"audience\":\"//iam.googleapis.com/x\"}", f);
    fclose(f);
    snprintf(options, sizeof options, "{\"google_application_credentials\":\"%s\",\"spans_file\":\"/dev/null\"}", path);
    CHECK(tracia_client_new(options) == NULL);
    CHECK_MSG(strstr(tracia_last_error(), "external_account") && strstr(tracia_last_error(), path), tracia_last_error());
    unlink(path);
    snprintf(options, sizeof options, "{\"google_application_credentials\":\"%s/missing.json\",\"spans_file\":\"/dev/null\"}", dir);
    CHECK(tracia_client_new(options) == NULL);
    CHECK_MSG(strstr(tracia_last_error(), "missing.json"), tracia_last_error());
    rmdir(dir);

    /* A service account without project_id and no project configured. */
    char *sa = credentials_file("_service_account", "project_id");
    tracia_client *c = vertex_client(sa, "", "");
    char *req = vertex_request(GEMINI, "s/text", 1, "[{\"role\":\"user\",\"content\":\"x\"}]", "");
    expect_run_refused(c, req, "needs a Google Cloud project");
    free(req);
    vertex_done(c, sa);

    /* Nothing that authenticates. */
    c = tracia_client_new("{\"vertex_project\":\"p\",\"spans_file\":\"/dev/null\"}");
    tracia_stream *s = tracia_run_local(c, "{\"provider\":\"vertex\",\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    CHECK(s == NULL);
    CHECK_MSG(strstr(tracia_last_error(), "MISSING_PROVIDER_API_KEY") && strstr(tracia_last_error(), "GOOGLE_APPLICATION_CREDENTIALS"),
              tracia_last_error());
    tracia_client_free(c);

    /* Bad locations and model ids. */
    CHECK(tracia_client_new("{\"vertex_location\":\"us-central1/../x\"}") == NULL);
    CHECK(strstr(tracia_last_error(), "location") != NULL);
    c = tracia_client_new("{\"vertex_access_token\":\"t0ken-value\",\"vertex_project\":\"p\",\"spans_file\":\"/dev/null\"}");
    req = vertex_request("gemini-2.5-flash:generateContent?x=", "s/text", 1, "[{\"role\":\"user\",\"content\":\"x\"}]", "");
    expect_run_refused(c, req, "not a Vertex AI model id");
    free(req);
    tracia_client_free(c);
}

void test_vertex_serves_gemini_models_when_asked(void) {
    char *path = credentials_file("_service_account", NULL);
    char options[2048];
    snprintf(options, sizeof options,
             "{\"google_application_credentials\":\"%s\",\"google_token_uri\":\"%s/token\",\"google_use_vertexai\":true,"
             "\"vertex_base_url\":\"%s/s/text\",\"spans_file\":\"/dev/null\"}",
             path, vertex_url(), vertex_url());
    tracia_client *c = tracia_client_new(options);
    CHECK_MSG(c != NULL, tracia_last_error());
    struct outcome o = run_call(c, "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"routed\"}]}");
    CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
    CHECK_STR(o.text, "routed");
    CHECK_STR(str_at(o.result, "provider"), "vertex");
    outcome_free(&o);
    json_t *r = fake_request(vertex_url(), "/locations/global/publishers/google/models/gemini-2.5-flash:generateContent");
    CHECK(r != NULL);
    json_decref(r);
    vertex_done(c, path);
}
