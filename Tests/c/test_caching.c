/* Prompt caching through every provider, each against its fake: the cache counts of the result
 * (scenario `cached`: 3000 of 4512 input tokens read, 1500 written where the provider says), the
 * cache marks in the body the fake received (which Anthropic's and Bedrock's fakes check as the
 * services do), the refusals before any I/O, and the counts in the span file line and in OTLP
 * but not in the span sent to the Tracia API. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

struct cacher {
    const char *provider;
    const char *model;
    const char *url_env;
    const char *key_option;
    const char *base_suffix;
    int reports_writes;    /* Anthropic and Bedrock count the tokens written to the cache */
    long long plain_reads; /* what the fake's text answer says of cache reads; -1: nothing */
};

static const struct cacher cachers[] = {
    {"openai", "gpt-4.1-mini", "FAKE_OPENAI", "\"openai_api_key\":\"sk-test-key\"", "/v1", 0, 0},
    {"anthropic", "claude-sonnet-4-5", "FAKE_ANTHROPIC", "\"anthropic_api_key\":\"sk-ant-test-key\"", "", 1, 0},
    {"google", "gemini-2.5-flash", "FAKE_GOOGLE", "\"google_api_key\":\"gemini-test-key\"", "", 0, -1},
    {"amazon_bedrock", "anthropic.claude-sonnet-4-5-20250929-v1:0", "FAKE_BEDROCK", "\"bedrock_api_key\":\"bedrock-test-key\"", "", 1, -1},
};
#define EACH_CACHER(p) for (const struct cacher *p = cachers; p < cachers + sizeof cachers / sizeof cachers[0]; p++)

/* Tests/fakes/fake_cache.py */
#define CACHE_READ 3000
#define CACHE_WRITE 1500
#define PROMPT 4512

static const char *fake(const struct cacher *p) { return getenv(p->url_env) ?: "http://127.0.0.1:1"; }

static const struct cacher *named(const char *provider) {
    EACH_CACHER(p) {
        if (strcmp(p->provider, provider) == 0) return p;
    }
    return NULL;
}

static tracia_client *client_for(const struct cacher *p, const char *extra) {
    char options[1024];
    snprintf(options, sizeof options, "{%s,\"max_retries\":0,%s}", p->key_option, extra && *extra ? extra : "\"spans_file\":\"/dev/null\"");
    tracia_client *c = tracia_client_new(options);
    CHECK_MSG(c != NULL, tracia_last_error());
    return c;
}

/* `scenario` may carry a token ("cached/<token>") so that the fake's record of it is this call's. */
static char *request_for(const struct cacher *p, const char *scenario, int stream, const char *messages, const char *extra) {
    char *out = NULL;
    int n = asprintf(&out, "{\"model\":\"%s\",\"provider\":\"%s\",\"stream\":%s,\"base_url\":\"%s/s/%s%s\",\"messages\":%s%s%s}", p->model,
                     p->provider, stream ? "true" : "false", fake(p), scenario, p->base_suffix, messages, extra && *extra ? "," : "",
                     extra ? extra : "");
    return n < 0 ? NULL : out;
}

void test_cache_counts_of_every_provider(void) {
    EACH_CACHER(p) {
        for (int stream = 0; stream <= 1; stream++) {
            char what[96];
            snprintf(what, sizeof what, "%s %s", p->provider, stream ? "stream" : "whole");
            tracia_client *c = client_for(p, "");
            char *req = request_for(p, "cached", stream, "[{\"role\":\"user\",\"content\":\"Read it again\"}]", "");
            struct outcome o = run_call(c, req);
            CHECK_MSG(o.rc == 0, what);
            CHECK_MSG(strcmp(o.text, "Read it again") == 0, what);
            /* Every input token, the cached ones included; the cache counts are parts of it. */
            CHECK_MSG(int_at(o.result, "usage.input_tokens") == PROMPT, what);
            CHECK_MSG(int_at(o.result, "usage.total_tokens") == PROMPT + 3, what);
            CHECK_MSG(int_at(o.result, "usage.cache_read_input_tokens") == CACHE_READ, what);
            if (p->reports_writes) {
                CHECK_MSG(int_at(o.result, "usage.cache_write_input_tokens") == CACHE_WRITE, what);
            } else {
                CHECK_MSG(json_is_null(at(o.result, "usage.cache_write_input_tokens")), what);
            }
            outcome_free(&o);
            free(req);
            /* A usage that says nothing of the cache gives null, one that says 0 gives 0. */
            req = request_for(p, "text", stream, "[{\"role\":\"user\",\"content\":\"Hi\"}]", "");
            o = run_call(c, req);
            CHECK_MSG(o.rc == 0, what);
            if (p->plain_reads < 0) {
                CHECK_MSG(json_is_null(at(o.result, "usage.cache_read_input_tokens")), what);
            } else {
                CHECK_MSG(int_at(o.result, "usage.cache_read_input_tokens") == p->plain_reads, what);
            }
            outcome_free(&o);
            free(req);
            tracia_client_free(c);
        }
    }
}

/* Marks on a tool, the system prompt, a part of the first user message, a whole assistant turn
 * and the request itself (automatic caching): five places, four for one request. */
static const char *marked_messages =
    "[{\"role\":\"system\",\"content\":\"Long rules.\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}},"
    "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"<doc>\",\"cache_control\":{\"type\":\"ephemeral\"}},"
    "{\"type\":\"text\",\"text\":\"Question?\"}]},"
    "{\"role\":\"assistant\",\"content\":\"An answer.\",\"cache_control\":{\"type\":\"ephemeral\"}},"
    "{\"role\":\"user\",\"content\":\"Read it again\"}]";
static const char *marked_tool =
    "\"tools\":[{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"},\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}],"
    "\"cache_control\":{\"type\":\"ephemeral\"}";

void test_cache_marks_reach_each_provider_as_it_takes_them(void) {
    /* Four: the tool, the system and the user's part; and the request's own. */
    static const char *four =
        "[{\"role\":\"system\",\"content\":\"Long rules.\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}},"
        "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"<doc>\",\"cache_control\":{\"type\":\"ephemeral\"}},"
        "{\"type\":\"text\",\"text\":\"Read it again\"}]}]";
    EACH_CACHER(p) {
        for (int stream = 0; stream <= 1; stream++) {
            char what[96], scenario[96];
            snprintf(what, sizeof what, "%s %s", p->provider, stream ? "stream" : "whole");
            snprintf(scenario, sizeof scenario, "cached/%s", unique_token());
            tracia_client *c = client_for(p, "");
            char *req = request_for(p, scenario, stream, four, marked_tool);
            struct outcome o = run_call(c, req);
            /* The fakes of Anthropic and Bedrock refuse marks the services would refuse. */
            CHECK_MSG(o.rc == 0, str_at(o.result, "error.message") ?: what);
            CHECK_MSG(strncmp(o.text, "<doc>", 5) == 0, what); /* OpenAI joins a message's parts */
            json_t *r = fake_request(fake(p), scenario);
            json_t *body = json_object_get(r, "body");
            const char *raw = str_at(r, "raw") ?: "";
            if (strcmp(p->provider, "anthropic") == 0) {
                CHECK_MSG(strcmp(str_at(body, "tools.0.cache_control.ttl") ?: "", "1h") == 0, what);
                CHECK_MSG(strcmp(str_at(body, "system.0.type") ?: "", "text") == 0, what);
                CHECK_MSG(strcmp(str_at(body, "system.0.text") ?: "", "Long rules.") == 0, what);
                CHECK_MSG(strcmp(str_at(body, "system.0.cache_control.ttl") ?: "", "1h") == 0, what);
                CHECK_MSG(strcmp(str_at(body, "messages.0.content.0.cache_control.type") ?: "", "ephemeral") == 0, what);
                CHECK_MSG(at(body, "messages.0.content.0.cache_control.ttl") == NULL, what);
                CHECK_MSG(at(body, "messages.0.content.1.cache_control") == NULL, what);
                CHECK_MSG(json_object_size(at(body, "cache_control")) == 1, what);
                CHECK_MSG(strcmp(str_at(body, "cache_control.type") ?: "", "ephemeral") == 0, what);
            } else if (strcmp(p->provider, "amazon_bedrock") == 0) {
                CHECK_MSG(strcmp(str_at(body, "toolConfig.tools.0.toolSpec.name") ?: "", "get_weather") == 0, what);
                CHECK_MSG(strcmp(str_at(body, "toolConfig.tools.1.cachePoint.ttl") ?: "", "1h") == 0, what);
                CHECK_MSG(strcmp(str_at(body, "system.0.text") ?: "", "Long rules.") == 0, what);
                CHECK_MSG(strcmp(str_at(body, "system.1.cachePoint.type") ?: "", "default") == 0, what);
                CHECK_MSG(strcmp(str_at(body, "messages.0.content.0.text") ?: "", "<doc>") == 0, what);
                CHECK_MSG(json_object_size(at(body, "messages.0.content.1.cachePoint")) == 1, what);
                CHECK_MSG(strcmp(str_at(body, "messages.0.content.2.text") ?: "", "Read it again") == 0, what);
                /* The request's own mark: a cache point after the last message's content. */
                CHECK_MSG(strcmp(str_at(body, "messages.0.content.3.cachePoint.type") ?: "", "default") == 0, what);
                CHECK_MSG(json_array_size(at(body, "messages.0.content")) == 4, what);
            } else {
                /* OpenAI and Gemini cache on their own: nothing of the marks is sent. */
                CHECK_MSG(strstr(raw, "cache") == NULL && strstr(raw, "ephemeral") == NULL, what);
            }
            json_decref(r);
            outcome_free(&o);
            free(req);
            tracia_client_free(c);
        }
    }
}

void test_cache_marks_the_provider_would_refuse_are_refused_before_any_io(void) {
    struct refusal {
        const char *provider, *messages, *extra, *fragment;
    } refusals[] = {
        {"anthropic", NULL, NULL, "5 cache breakpoints, Anthropic takes at most 4"},
        {"amazon_bedrock", NULL, NULL, "5 cache breakpoints, Bedrock takes at most 4"},
        {"anthropic", "[{\"role\":\"system\",\"content\":\"s\",\"cache_control\":{\"type\":\"ephemeral\"}},"
                      "{\"role\":\"user\",\"content\":\"u\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}]",
         "", "a ttl 1h breakpoint after a 5m one"},
        {"openai", "[{\"role\":\"user\",\"content\":\"u\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1d\"}}]", "",
         "unknown cache_control ttl '1d' (expected 5m or 1h)"},
        {"google", "[{\"role\":\"user\",\"content\":\"u\",\"cache_control\":{\"type\":\"persistent\"}}]", "",
         "unknown cache_control type 'persistent' (expected ephemeral)"},
        {"anthropic", "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"\",\"cache_control\":{\"type\":\"ephemeral\"}}]}]", "",
         "cache_control on an empty text"},
    };
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        struct refusal *r = &refusals[i];
        const struct cacher *p = named(r->provider);
        char scenario[96];
        snprintf(scenario, sizeof scenario, "cached/%s", unique_token());
        tracia_client *c = client_for(p, "");
        char *req = request_for(p, scenario, 1, r->messages ? r->messages : marked_messages, r->extra ? r->extra : marked_tool);
        tracia_stream *s = tracia_run_local(c, req);
        CHECK_MSG(s == NULL, r->fragment);
        json_t *e = json_loads(tracia_last_error(), 0, NULL);
        CHECK_MSG(strcmp(str_at(e, "code") ?: "", "INVALID_REQUEST") == 0, r->fragment);
        CHECK_MSG(strstr(str_at(e, "message") ?: "", r->fragment) != NULL, str_at(e, "message"));
        json_decref(e);
        json_t *sent = fake_request(fake(p), scenario);
        CHECK_MSG(sent == NULL, r->fragment); /* nothing reached the fake */
        json_decref(sent);
        tracia_stream_free(s);
        free(req);
        tracia_client_free(c);
    }
}

void test_cache_marks_past_the_library_are_refused_by_the_fakes_as_by_the_services(void) {
    /* custom_options goes in last, past the library's checks: the fakes answer as the services. */
    struct past {
        const char *provider, *custom, *fragment;
    } pasts[] = {
        {"anthropic", "\"custom_options\":{\"cache_control\":{\"type\":\"ephemeral\"}}",
         "A maximum of 4 blocks with cache_control may be provided. Found 5."},
        {"anthropic", "\"custom_options\":{\"system\":[{\"type\":\"text\",\"text\":\"s\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"2h\"}}]}",
         "system.0.cache_control.ttl: Input should be '5m' or '1h'"},
        {"amazon_bedrock",
         "\"custom_options\":{\"system\":[{\"text\":\"s\"},{\"cachePoint\":{\"type\":\"default\"}},{\"text\":\"t\"},{\"cachePoint\":{\"type\":\"default\"}}]}",
         "The model returned the following errors: A maximum of 4 blocks with cache_control may be provided. Found 5."},
    };
    static const char *three = "[{\"role\":\"system\",\"content\":\"s\",\"cache_control\":{\"type\":\"ephemeral\"}},"
                               "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\",\"cache_control\":{\"type\":\"ephemeral\"}},"
                               "{\"type\":\"text\",\"text\":\"b\",\"cache_control\":{\"type\":\"ephemeral\"}},"
                               "{\"type\":\"text\",\"text\":\"c\",\"cache_control\":{\"type\":\"ephemeral\"}}]}]";
    for (size_t i = 0; i < sizeof pasts / sizeof pasts[0]; i++) {
        const struct cacher *p = named(pasts[i].provider);
        tracia_client *c = client_for(p, "");
        char *req = request_for(p, "cached", 0, three, pasts[i].custom);
        struct outcome o = run_call(c, req);
        CHECK_MSG(o.rc == TRACIA_E_PROVIDER_ERROR, pasts[i].fragment);
        CHECK_MSG(int_at(o.result, "error.status_code") == 400, pasts[i].fragment);
        CHECK_MSG(strstr(str_at(o.result, "error.message") ?: "", pasts[i].fragment) != NULL, str_at(o.result, "error.message"));
        outcome_free(&o);
        free(req);
        tracia_client_free(c);
    }
}

static json_t *span_line(const char *path, const char *span_id) {
    FILE *f = fopen(path, "r");
    json_t *found = NULL;
    char line[16384];
    while (f && !found && fgets(line, sizeof line, f)) {
        json_t *span = json_loads(line, 0, NULL);
        if (strcmp(str_at(span, "spanId") ?: "", span_id) == 0) {
            found = span;
        } else {
            json_decref(span);
        }
    }
    if (f) fclose(f);
    return found;
}

/* The attributes of the OTLP span with this Tracia span id, as key -> OTLP value. */
static json_t *otlp_attributes(const char *span_id) {
    char url[512];
    snprintf(url, sizeof url, "%s/_traces", collector_url());
    json_t *all = get_json(url), *found = NULL;
    size_t i, j;
    json_t *trace, *kv;
    json_array_foreach(json_object_get(all, "traces"), i, trace) {
        json_t *attributes = at(trace, "resourceSpans.0.scopeSpans.0.spans.0.attributes");
        json_t *by_key = json_object();
        json_array_foreach(attributes, j, kv) { json_object_set(by_key, str_at(kv, "key") ?: "", json_object_get(kv, "value")); }
        const char *id = json_string_value(json_object_get(json_object_get(by_key, "tracia.span_id"), "stringValue"));
        if (strcmp(id ?: "", span_id) == 0) found = json_incref(by_key);
        json_decref(by_key);
    }
    json_decref(all);
    return found;
}

static const char *otlp_int(json_t *attributes, const char *key) {
    return json_string_value(json_object_get(json_object_get(attributes, key), "intValue"));
}

void test_cache_counts_in_the_span_file_and_otlp_not_in_the_tracia_span(void) {
    char dir[] = "/tmp/tracia-cache-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/spans.jsonl", dir);
    EACH_CACHER(p) {
        char options[768];
        snprintf(options, sizeof options, "\"spans_file\":\"%s\",\"otlp_endpoint\":\"%s/v1/traces\"", path, collector_url());
        tracia_client *c = client_for(p, options);
        char *req = request_for(p, "cached", 1, "[{\"role\":\"user\",\"content\":\"Read it again\"}]", "");
        char *plain = request_for(p, "text", 1, "[{\"role\":\"user\",\"content\":\"Hi\"}]", "");
        struct outcome o = run_call(c, req), n = run_call(c, plain);
        CHECK(tracia_flush(c, 5000) == 0);
        tracia_client_free(c);

        json_t *span = span_line(path, o.span_id);
        CHECK_MSG(span != NULL, p->provider);
        CHECK_MSG(int_at(span, "inputTokens") == PROMPT, p->provider);
        CHECK_MSG(int_at(span, "cacheReadInputTokens") == CACHE_READ, p->provider);
        CHECK_MSG(p->reports_writes ? int_at(span, "cacheWriteInputTokens") == CACHE_WRITE : at(span, "cacheWriteInputTokens") == NULL,
                  p->provider);
        json_decref(span);
        if (strcmp(p->provider, "google") == 0) {
            json_t *unknown = span_line(path, n.span_id);
            CHECK_MSG(unknown && at(unknown, "cacheReadInputTokens") == NULL, p->provider); /* not said: left out */
            json_decref(unknown);
        }

        json_t *a = otlp_attributes(o.span_id);
        CHECK_MSG(a != NULL, p->provider);
        CHECK_MSG(strcmp(otlp_int(a, "gen_ai.usage.input_tokens") ?: "", "4512") == 0, p->provider);
        CHECK_MSG(strcmp(otlp_int(a, "gen_ai.usage.cache_read.input_tokens") ?: "", "3000") == 0, p->provider);
        CHECK_MSG(p->reports_writes ? strcmp(otlp_int(a, "gen_ai.usage.cache_creation.input_tokens") ?: "", "1500") == 0
                                    : json_object_get(a, "gen_ai.usage.cache_creation.input_tokens") == NULL,
                  p->provider);
        json_decref(a);
        outcome_free(&o);
        outcome_free(&n);
        free(req);
        free(plain);
    }
    unlink(path);
    rmdir(dir);

    /* The Tracia span API takes input, output and total counts only. */
    const struct cacher *anthropic = named("anthropic");
    char options[512];
    snprintf(options, sizeof options, "\"api_key\":\"tr-test-key\",\"base_url\":\"%s\"", collector_url());
    tracia_client *c = client_for(anthropic, options);
    char *req = request_for(anthropic, "cached", 0, "[{\"role\":\"user\",\"content\":\"Read it again\"}]", "");
    struct outcome o = run_call(c, req);
    CHECK(tracia_flush(c, 5000) == 0);
    json_t *all = NULL;
    json_t *sent = wait_for_span(o.span_id, &all, 5000);
    CHECK(sent != NULL);
    CHECK(int_at(sent, "inputTokens") == PROMPT);
    CHECK(at(sent, "cacheReadInputTokens") == NULL && at(sent, "cacheWriteInputTokens") == NULL);
    json_decref(all);
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}
