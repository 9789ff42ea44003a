/* Timing and usage through every provider's wire format, each against its fake server: the time
 * to the first token, first_chunk_timeout_ms against keep-alives, the best known usage after an
 * abort (usage_complete false), and the output budget Anthropic's body carries. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

struct fake {
    const char *name;
    const char *model;
    const char *url_env;
    const char *key_option;
    const char *base_suffix;
    /* Whether the fake has the keepalive scenario (Bedrock's event stream has no keep-alive). */
    int keeps_alive;
    const char *request_keys; /* more request keys ("\"k\":v,"), or "" */
};

static const struct fake fakes[] = {
    {"openai", "gpt-4.1-mini", "FAKE_OPENAI", "\"openai_api_key\":\"sk-test-key\"", "/v1", 1, ""},
    {"anthropic", "claude-sonnet-4-5", "FAKE_ANTHROPIC", "\"anthropic_api_key\":\"sk-ant-test-key\"", "", 1, ""},
    {"google", "gemini-2.5-flash", "FAKE_GOOGLE", "\"google_api_key\":\"gemini-test-key\"", "", 1, ""},
    {"amazon_bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "FAKE_BEDROCK", "\"bedrock_api_key\":\"bedrock-test-key\"", "", 0, ""},
    {"openai responses", "gpt-5", "FAKE_OPENAI", "\"openai_api_key\":\"sk-test-key\"", "/v1", 1, "\"api\":\"responses\","},
    {"azure", "gpt-4o-mini", "FAKE_AZURE", "\"azure_api_key\":\"azure-test-key\"", "", 1, "\"provider\":\"azure\","},
};
#define EACH_FAKE(p) for (const struct fake *p = fakes; p < fakes + sizeof fakes / sizeof fakes[0]; p++)

static const char *fake_url(const struct fake *p) { return getenv(p->url_env) ?: "http://127.0.0.1:1"; }

/* A client of the fake writing its spans to `spans` ("/dev/null" when NULL), without retries
 * unless `extra` says otherwise. */
static tracia_client *client_for(const struct fake *p, const char *spans, const char *extra) {
    char options[1024];
    snprintf(options, sizeof options, "{%s,\"spans_file\":\"%s\"%s%s%s}", p->key_option, spans ? spans : "/dev/null",
             extra && strstr(extra, "max_retries") ? "" : ",\"max_retries\":0", extra && *extra ? "," : "", extra ? extra : "");
    tracia_client *c = tracia_client_new(options);
    CHECK_MSG(c != NULL, tracia_last_error());
    return c;
}

static char *request_for(const struct fake *p, const char *scenario, int stream, const char *content, const char *extra) {
    char *out = NULL;
    int n = asprintf(&out, "{\"model\":\"%s\",%s\"stream\":%s,\"base_url\":\"%s/s/%s%s\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]%s%s}",
                     p->model, p->request_keys, stream ? "true" : "false", fake_url(p), scenario, p->base_suffix, content, extra && *extra ? "," : "",
                     extra ? extra : "");
    return n < 0 ? NULL : out;
}

static void spans_path(char *path, size_t size) {
    static int counter;
    snprintf(path, size, "/tmp/tracia-timing-%d-%d.jsonl", (int)getpid(), ++counter);
    unlink(path);
}

/* The last span line of the file (the client that wrote it is freed, so it was flushed); the file goes. */
static json_t *last_span(const char *path) {
    FILE *f = fopen(path, "r");
    json_t *last = NULL;
    char *line = NULL;
    size_t capacity = 0;
    while (f && getline(&line, &capacity, f) > 0) {
        json_decref(last);
        last = json_loads(line, 0, NULL);
    }
    free(line);
    if (f) fclose(f);
    unlink(path);
    CHECK_MSG(last != NULL, path);
    return last;
}

static void describe(char *what, size_t size, const struct fake *p, const char *detail) {
    snprintf(what, size, "%s %s", p->name, detail);
}

/* Streamed or whole, the first token comes after the start and no later than the end; the local
 * span line carries the same number. */
void test_time_to_first_token_within_latency(void) {
    EACH_FAKE(p) {
        for (int stream = 0; stream <= 1; stream++) {
            char what[128], spans[128];
            describe(what, sizeof what, p, stream ? "stream" : "whole");
            spans_path(spans, sizeof spans);
            tracia_client *c = client_for(p, spans, "");
            char *req = request_for(p, "text", stream, "first token", "");
            struct outcome o = run_call(c, req);
            tracia_client_free(c);
            CHECK_MSG(o.rc == 0, what);
            long long ttft = int_at(o.result, "time_to_first_token_ms"), latency = int_at(o.result, "latency_ms");
            CHECK_MSG(ttft >= 0 && ttft <= latency, what);
            json_t *span = last_span(spans);
            CHECK_MSG(int_at(span, "timeToFirstTokenMs") == ttft, what);
            json_decref(span);
            outcome_free(&o);
            free(req);
        }
    }
}

/* A call that failed before any content has no first token: null, in the result and the span. */
void test_time_to_first_token_null_without_content(void) {
    EACH_FAKE(p) {
        char spans[128];
        spans_path(spans, sizeof spans);
        tracia_client *c = client_for(p, spans, "");
        char *req = request_for(p, "status/500", 1, "x", "");
        struct outcome o = run_call(c, req);
        tracia_client_free(c);
        CHECK_MSG(o.rc == TRACIA_E_PROVIDER_ERROR && o.length == 0, p->name);
        CHECK_MSG(json_is_null(at(o.result, "time_to_first_token_ms")), p->name);
        json_t *span = last_span(spans);
        CHECK_MSG(span && !json_object_get(span, "timeToFirstTokenMs"), p->name);
        json_decref(span);
        outcome_free(&o);
        free(req);
    }
    /* Keep-alives are no content either: aborted while they come, the call has none. */
    EACH_FAKE(p) {
        if (!p->keeps_alive) continue;
        tracia_client *c = client_for(p, NULL, "");
        char *req = request_for(p, "keepalive", 1, "x", "");
        tracia_stream *s = tracia_run_local(c, req);
        usleep(250 * 1000);
        tracia_stream_abort(s);
        struct outcome o = run_stream(s);
        CHECK_MSG(json_is_true(at(o.result, "aborted")), p->name);
        CHECK_MSG(json_is_null(at(o.result, "time_to_first_token_ms")), p->name);
        outcome_free(&o);
        tracia_stream_free(s);
        free(req);
        tracia_client_free(c);
    }
}

/* Keep-alives every 50 ms keep the idle timeout (150 ms) from firing, not first_chunk_timeout_ms:
 * the call fails with TIMEOUT after it and its span says why. Bedrock, which has no keep-alive,
 * is bounded the same way by a server that never answers. */
void test_first_chunk_timeout_fires_without_content(void) {
    EACH_FAKE(p) {
        /* The client option for some, the request key (which wins over a longer option) for others. */
        int as_option = p == fakes || p == fakes + 2;
        char spans[128], what[128];
        describe(what, sizeof what, p, as_option ? "option" : "request key");
        spans_path(spans, sizeof spans);
        tracia_client *c = client_for(p, spans, as_option ? "\"idle_timeout_ms\":150,\"first_chunk_timeout_ms\":400"
                                                          : "\"idle_timeout_ms\":150,\"first_chunk_timeout_ms\":60000");
        char *req = request_for(p, p->keeps_alive ? "keepalive" : "no-headers", 1, "x", as_option ? "" : "\"first_chunk_timeout_ms\":400");
        double start = now_ms();
        struct outcome o = run_call(c, req);
        double took = now_ms() - start;
        tracia_client_free(c);
        CHECK_MSG(o.rc == TRACIA_E_TIMEOUT, what);
        CHECK_MSG(took >= 390 && took < 3000, what);
        CHECK_STR(str_at(o.result, "error.code"), "TIMEOUT");
        CHECK_MSG(strstr(str_at(o.result, "error.message") ?: "", "within 400 ms (first_chunk_timeout_ms)") != NULL, what);
        CHECK_MSG(json_is_null(at(o.result, "time_to_first_token_ms")), what);
        json_t *span = last_span(spans);
        CHECK_STR(str_at(span, "status"), "ERROR");
        CHECK_MSG(strstr(str_at(span, "error") ?: "", "first_chunk_timeout_ms") != NULL, what);
        json_decref(span);
        outcome_free(&o);
        free(req);
    }
}

/* Nothing reached the caller, so the retry policy tries again, as before any response. */
void test_first_chunk_timeout_is_retried(void) {
    const struct fake *p = &fakes[1];
    const char *token = unique_token();
    char scenario[128];
    snprintf(scenario, sizeof scenario, "keepalive/%s", token);
    tracia_client *c = client_for(p, NULL, "\"first_chunk_timeout_ms\":300,\"max_retries\":1");
    char *req = request_for(p, scenario, 1, "x", "");
    struct outcome o = run_call(c, req);
    CHECK(o.rc == TRACIA_E_TIMEOUT);
    char url[512];
    snprintf(url, sizeof url, "%s/_requests", fake_url(p));
    json_t *all = get_json(url);
    size_t i, tries = 0;
    json_t *r;
    json_array_foreach(all, i, r) tries += strstr(str_at(r, "path") ?: "", token) != NULL;
    CHECK_MSG(tries == 2, "one attempt and one retry");
    json_decref(all);
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}

/* Content within the bound: the stream goes on well past it. */
void test_first_chunk_timeout_spares_a_stream_with_content(void) {
    EACH_FAKE(p) {
        tracia_client *c = client_for(p, NULL, "\"first_chunk_timeout_ms\":200");
        char *req = request_for(p, "slow", 1, "a b c", "");
        tracia_stream *s = tracia_run_local(c, req);
        double start = now_ms();
        const char *chunk;
        size_t length;
        int rc = 1;
        while (now_ms() - start < 600 && (rc = tracia_stream_next(s, &chunk, &length)) == 1) {}
        CHECK_MSG(rc == 1, p->name);
        tracia_stream_abort(s);
        struct outcome o = run_stream(s);
        CHECK_MSG(json_is_true(at(o.result, "aborted")) && !json_object_get(o.result, "error"), p->name);
        outcome_free(&o);
        tracia_stream_free(s);
        free(req);
        tracia_client_free(c);
    }
}

/* Aborted before the provider's final count (thinking/hold never ends by itself), every provider
 * reports the best it knows: its own counts when some came (Anthropic's message_start, Gemini's
 * running totals), at least one output token a delta received (4 reasoning pieces and 3 words),
 * input 0 when the provider said nothing yet; usage_complete is false, and the span says the same. */
void test_usage_after_an_abort_on_every_provider(void) {
    struct expected {
        long long input, output, total;
    } expected[] = {{0, 7, 7}, {12, 7, 19}, {8, 46, 54}, {0, 7, 7}, {0, 7, 7}, {0, 7, 7}};
    CHECK(sizeof expected / sizeof expected[0] == sizeof fakes / sizeof fakes[0]);
    EACH_FAKE(p) {
        struct expected e = expected[p - fakes];
        char spans[128];
        spans_path(spans, sizeof spans);
        tracia_client *c = client_for(p, spans, "");
        char *req = request_for(p, "thinking/hold", 1, "one two three", "");
        tracia_stream *s = tracia_run_local(c, req);
        CHECK_MSG(s != NULL, tracia_last_error());
        const char *chunk;
        size_t length;
        /* Every word read: every delta before them has been decoded. */
        for (int i = 0; i < 3; i++) CHECK_MSG(tracia_stream_next(s, &chunk, &length) == 1, p->name);
        tracia_stream_abort(s);
        struct outcome o = run_stream(s);
        tracia_stream_free(s);
        tracia_client_free(c);
        CHECK_MSG(json_is_true(at(o.result, "aborted")), p->name);
        CHECK_MSG(json_is_false(at(o.result, "usage_complete")), p->name);
        CHECK_MSG(int_at(o.result, "usage.input_tokens") == e.input, p->name);
        CHECK_MSG(int_at(o.result, "usage.output_tokens") == e.output, p->name);
        CHECK_MSG(int_at(o.result, "usage.total_tokens") == e.total, p->name);
        json_t *span = last_span(spans);
        CHECK_MSG(int_at(span, "inputTokens") == e.input && int_at(span, "outputTokens") == e.output, p->name);
        CHECK_MSG(int_at(span, "totalTokens") == e.total, p->name);
        json_decref(span);
        outcome_free(&o);
        free(req);
    }
}

/* The provider's final count came: usage_complete; a server that sends none (one that ignores
 * stream_options): not, and the output is counted from the deltas. */
void test_usage_complete_only_with_the_final_count(void) {
    EACH_FAKE(p) {
        for (int stream = 0; stream <= 1; stream++) {
            char what[128];
            describe(what, sizeof what, p, stream ? "stream" : "whole");
            tracia_client *c = client_for(p, NULL, "");
            char *req = request_for(p, "text", stream, "all of it", "");
            struct outcome o = run_call(c, req);
            CHECK_MSG(o.rc == 0 && json_is_true(at(o.result, "usage_complete")), what);
            outcome_free(&o);
            free(req);
            tracia_client_free(c);
        }
    }
    const struct fake *p = &fakes[0];
    tracia_client *c = client_for(p, NULL, "");
    char *req = request_for(p, "no-usage", 1, "a b c d", "");
    struct outcome o = run_call(c, req);
    CHECK(o.rc == 0);
    CHECK_STR(o.text, "a b c d");
    CHECK(json_is_false(at(o.result, "usage_complete")));
    CHECK(int_at(o.result, "usage.input_tokens") == 0 && int_at(o.result, "usage.output_tokens") == 4);
    CHECK(int_at(o.result, "usage.total_tokens") == 4);
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}

/* Without max_output_tokens the Messages body carries the model family's maximum output (the
 * table in OutputBudget.swift), 4096 for a model the table does not know; with thinking, the same
 * maximum holds the budget. Claude on Bedrock gets none without thinking (Converse defaults to
 * the model's maximum) and the table's with it. */
void test_anthropic_body_carries_the_tables_max_tokens(void) {
    struct row {
        const struct fake *fake;
        const char *model, *extra, *path;
        long long max_tokens; /* -1: absent */
    } rows[] = {
        {&fakes[1], "claude-opus-4-1-20250805", "", "max_tokens", 32000},
        {&fakes[1], "claude-sonnet-4-5", "", "max_tokens", 64000},
        {&fakes[1], "claude-opus-4-6", "", "max_tokens", 128000},
        {&fakes[1], "claude-3-5-haiku-latest", "", "max_tokens", 8192},
        {&fakes[1], "claude-instant-1.2", "", "max_tokens", 4096},
        {&fakes[1], "claude-opus-4-6", "\"max_output_tokens\":77", "max_tokens", 77},
        {&fakes[1], "claude-sonnet-4-5", "\"reasoning\":{\"effort\":\"low\"}", "max_tokens", 64000},
        {&fakes[3], "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "", "inferenceConfig.maxTokens", -1},
        {&fakes[3], "us.anthropic.claude-opus-4-1-20250805-v1:0", "\"reasoning\":{\"effort\":\"low\"}", "inferenceConfig.maxTokens", 32000},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct row *r = &rows[i];
        struct fake p = *r->fake;
        p.model = r->model;
        char scenario[128];
        snprintf(scenario, sizeof scenario, "text/%s", unique_token());
        tracia_client *c = client_for(&p, NULL, "");
        char *req = request_for(&p, scenario, 1, "budget", r->extra);
        struct outcome o = run_call(c, req);
        CHECK_MSG(o.rc == 0, r->model);
        json_t *body = fake_request_body(fake_url(&p), scenario);
        CHECK_MSG(int_at(body, r->path) == r->max_tokens, r->model);
        json_decref(body);
        outcome_free(&o);
        free(req);
        tracia_client_free(c);
    }
}
