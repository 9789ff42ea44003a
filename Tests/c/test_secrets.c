/* Secret hygiene: with sentinel provider and Tracia keys, every scenario (success, tools, abort,
 * HTTP errors whose bodies repeat the request's credentials, dropped, malformed and stalled
 * streams, a failing collector) leaves no trace of a key in errors, results, spans sent to the
 * collector, the JSONL sink, span-error reports or client stats. The fakes accept any key that
 * extends their test key with "-sentinel-". */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

struct keyed_provider {
    const char *name;
    const char *model;
    const char *url_env;
    const char *key_options;
    const char *base_suffix;
    const char *provider; /* NULL: told from the model */
};

static const struct keyed_provider keyed[] = {
    {"openai", "gpt-4.1-mini", "FAKE_OPENAI", "\"openai_api_key\":\"sk-test-key-sentinel-0pena1x9f3b2c7d4e5f6a7b8c9d0\"", "/v1", NULL},
    {"anthropic", "claude-sonnet-4-5", "FAKE_ANTHROPIC", "\"anthropic_api_key\":\"sk-ant-test-key-sentinel-4nthr0p1c\"", "", NULL},
    {"google", "gemini-2.5-flash", "FAKE_GOOGLE", "\"google_api_key\":\"gemini-test-key-sentinel-g00gle77\"", "", NULL},
    {"bedrock bearer", "anthropic.claude-3-haiku-20240307-v1:0", "FAKE_BEDROCK",
     "\"bedrock_api_key\":\"bedrock-test-key-sentinel-b3dr0ck\",\"aws_region\":\"us-east-1\"", "", NULL},
    {"bedrock sigv4", "anthropic.claude-3-haiku-20240307-v1:0", "FAKE_BEDROCK",
     "\"aws_access_key_id\":\"AKIDEXAMPLE\",\"aws_secret_access_key\":\"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\","
     "\"aws_session_token\":\"SESSIONTOKEN-sentinel-5e55\",\"aws_region\":\"us-east-1\"",
     "", NULL},
    {"openai responses", "gpt-5-codex", "FAKE_OPENAI", "\"openai_api_key\":\"sk-test-key-sentinel-r35p0n535\"", "/v1", NULL},
    {"azure key", "gpt-4o-mini", "FAKE_AZURE", "\"azure_api_key\":\"azure-test-key-sentinel-4zur3k3y\"", "", "azure"},
    {"azure ad token", "gpt-5", "FAKE_AZURE", "\"azure_ad_token\":\"azure-ad-test-token-sentinel-4dt0k3n\"", "", "azure"},
};

static int leaks(const char *text) {
    return text && (strstr(text, "sentinel") || strstr(text, "EXAMPLEKEY"));
}

#define CHECK_CLEAN(text, what) CHECK_MSG(!leaks(text), what)

struct reports {
    pthread_mutex_t lock;
    int count;
    int leaked;
};

static void on_span_error(const char *span_id, const char *error_json, void *user_data) {
    (void)span_id;
    struct reports *r = user_data;
    pthread_mutex_lock(&r->lock);
    r->count++;
    if (leaks(error_json)) r->leaked++;
    pthread_mutex_unlock(&r->lock);
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = calloc(1, (size_t)n + 1);
    if (text && fread(text, 1, (size_t)n, f) != (size_t)n) text[0] = 0;
    fclose(f);
    return text;
}

/* One call; its result, error and (for a stream aborted after the first chunk) abort path. */
static void call_and_check(tracia_client *c, const struct keyed_provider *p, const char *scenario, int stream, int abort_early) {
    char what[200], *req = NULL;
    snprintf(what, sizeof what, "%s %s %s%s", p->name, stream ? "stream" : "whole", scenario, abort_early ? " aborted" : "");
    const char *base = getenv(p->url_env);
    char provider[64] = "";
    if (p->provider) snprintf(provider, sizeof provider, "\"provider\":\"%s\",", p->provider);
    int n = asprintf(&req,
                     "{\"model\":\"%s\",%s\"stream\":%s,\"base_url\":\"%s/s/%s%s\",\"timeout_ms\":2000,"
                     "\"tools\":[{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}],\"messages\":[{\"role\":\"user\","
                     "\"content\":\"Weather in Paris?\"}]}",
                     p->model, provider, stream ? "true" : "false", base ? base : "http://127.0.0.1:1",
                     scenario, p->base_suffix);
    CHECK(n > 0);
    tracia_stream *s = tracia_run_local(c, req);
    CHECK_MSG(s != NULL, tracia_last_error());
    if (s) {
        const char *chunk;
        size_t length;
        int rc;
        while ((rc = tracia_stream_next(s, &chunk, &length)) == 1) {
            if (abort_early) tracia_stream_abort(s);
        }
        if (rc < 0) CHECK_CLEAN(tracia_last_error(), what);
        char *result = tracia_stream_result(s);
        CHECK_MSG(result != NULL, what);
        CHECK_CLEAN(result, what);
        tracia_free(result);
        tracia_stream_free(s);
    }
    free(req);
}

void test_secrets_never_leave_the_library(void) {
    static const char *scenarios[] = {"text", "tools", "echo/400", "echo/401", "echo/403", "echo/429", "echo/500",
                                      "midstream-error", "malformed", "drop-mid", "truncated", "stall"};
    char dir[] = "/tmp/tracia-secrets-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char fail_url[512], spans_url[512];
    snprintf(fail_url, sizeof fail_url, "%s/_fail", collector_url());
    snprintf(spans_url, sizeof spans_url, "%s/_spans", collector_url());
    for (size_t i = 0; i < sizeof keyed / sizeof keyed[0]; i++) {
        const struct keyed_provider *p = &keyed[i];
        char spans_file[300], *options = NULL;
        snprintf(spans_file, sizeof spans_file, "%s/spans-%zu.jsonl", dir, i);
        int n = asprintf(&options,
                         "{%s,\"api_key\":\"tr-test-key-sentinel-tr4c1a\",\"base_url\":\"%s\",\"spans_file\":\"%s\","
                         "\"idle_timeout_ms\":300,\"max_retries\":0,\"span_max_attempts\":1}",
                         p->key_options, collector_url(), spans_file);
        CHECK(n > 0);
        tracia_client *c = tracia_client_new(options);
        CHECK_MSG(c != NULL, tracia_last_error());
        free(options);
        if (!c) continue;
        struct reports r = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
        CHECK(tracia_client_set_span_error_callback(c, on_span_error, &r) == 0);
        /* The collector fails the first spans, with an error body repeating the credentials. */
        CHECK(post_json(fail_url, "{\"count\":3,\"status\":401}"));
        for (size_t k = 0; k < sizeof scenarios / sizeof scenarios[0]; k++) {
            for (int stream = 0; stream <= 1; stream++) call_and_check(c, p, scenarios[k], stream, 0);
        }
        call_and_check(c, p, "slow", 1, 1);
        tracia_flush(c, 5000);
        char *stats = tracia_client_stats(c);
        CHECK_CLEAN(stats, p->name);
        tracia_free(stats);
        tracia_client_free(c);
        pthread_mutex_lock(&r.lock);
        CHECK_MSG(r.count == 3, p->name); /* the failures were reported ... */
        CHECK_MSG(r.leaked == 0, p->name); /* ... without the key */
        pthread_mutex_unlock(&r.lock);
        char *file = slurp(spans_file);
        CHECK_MSG(file && strstr(file, "\"status\":\"ERROR\"") && strstr(file, "\"status\":\"SUCCESS\""), p->name);
        CHECK_CLEAN(file, p->name);
        free(file);
        unlink(spans_file);
    }
    /* Every span the collector received, from every provider. */
    json_t *all = get_json(spans_url);
    char *dumped = json_dumps(all, JSON_COMPACT);
    CHECK(dumped && strstr(dumped, "\"spans\""));
    CHECK_CLEAN(dumped, "collector");
    free(dumped);
    json_decref(all);
    rmdir(dir);
}

/* An invalid request or option that carries a key is reported without it. */
void test_secrets_not_echoed_by_validation_errors(void) {
    tracia_client *c = test_client("");
    const char *requests[] = {
        "{\"model\":\"gpt-4.1-mini\",\"provider_api_key\":\"sk-test-key-sentinel-x1\",\"messages\":[{\"role\":\"robot\"}]}",
        ("{\"model\":\"gpt-4.1-mini\",\"provider_api_key\":\"sk-test-key-sentinel-x1\",\"base_url\":\"ftp://example.com\","
         "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
        "{\"model\":\"gpt-4.1-mini\",\"provider_api_key\":\"sk-test-key-sentinel-x1\\r\\nX-Injected: 1\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
        "{\"model\":\"gpt-4.1-mini\",\"provider_api_key\":\"sk-test-key-sentinel-x1\",\"temperature\":\"hot\",\"messages\":[]}",
    };
    for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++) {
        CHECK(tracia_run_local(c, requests[i]) == NULL);
        CHECK_CLEAN(tracia_last_error(), requests[i]);
    }
    tracia_client_free(c);
    const char *options[] = {
        "{\"openai_api_key\":\"sk-test-key-sentinel-x2\",\"timeout_ms\":\"soon\"}",
        "{\"api_key\":\"tr-test-key-sentinel-x3\",\"base_url\":\"not a url\"}",
        "{\"api_key\":[\"tr-test-key-sentinel-x3\"]}",
        "{\"otlp_endpoint\":\"http://127.0.0.1:1\",\"otlp_headers\":{\"Authorization\":\"Bearer sentinel\\r\\nX: y\"}}",
    };
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        CHECK(tracia_client_new(options[i]) == NULL);
        CHECK_CLEAN(tracia_last_error(), options[i]);
    }
}
