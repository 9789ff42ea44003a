/* Claude's thinking through Anthropic and Bedrock, against their fakes (which check what comes back
 * as the services do): reasoning kept apart from the answer, the request's reasoning in each one's
 * form, the turn with its reasoning accepted as a tool follow-up, an altered block refused with
 * the service's 400, refused settings never sent, and an abort that keeps what came. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Tests/fakes/fake_reasoning.py */
#define REASONING_TEXT "R\xc3\xa9" "flexion \xe2\x80\x94 \xe6\x80\x9d\xe8\x80\x83 \xf0\x9f\xa4\x94 step by step."
#define THINKING_SIGNATURE                                                                                          \
    "pbs5gi4w/js2oLfKhLoQAxMmq5fvp45Yr4ddwvIu+USxf75hXzshkL8ZQ978gv/vl/ckIJtQZEa1uqB2M093fImtWjYmWXV000HGbkOP6XDIDrP" \
    "cJePJP3Ptbh5Z3UaDDqvqU/at8UZd0HmCA2yhECaJ4bEz47gQlWIS7SQsz3BkofjyJMVQCeWYWDlcrWue21Q/HMZMEUEBRxGBy/l30ySgnL0E1Q" \
    "YTOXhfcaEr2V0bIidH"
#define REDACTED_THINKING_DATA                                                                                       \
    "KlvQiMqUWhVrKBUrxlazL1ySyuZVTqKjNp+xBfBRZRt1MVRDlrjNy8RhhcnF0oB8MUKIP+fhrNfJDnciWnJG5P2OPK98KUZfEcRxF+dDOI/e0Z9" \
    "JAyUUapGPj7UPMDFrUenkkHFqeXI/k3p+k66P3VQxJwiMA+05EfN0wl6JF+ETyFoVkDqttiQZ23qrDxc9k35mrjTjI/Of5ADLzWK/hBt+21ACYiZ" \
    "Q4zgTVmhmj6E9IAoq"
#define ANTHROPIC_THINKING_TOKENS 37

struct claude {
    const char *name;
    const char *model;
    const char *url_env;
    const char *key_option;
    const char *base_suffix;
    /* Where the follow-up's assistant turn is in the body the fake received. */
    const char *assistant_turn;
    /* What the first call's message holds for each tool scenario: reasoning parts, then the calls. */
    int redacted_turn_reasoning_parts;
    /* The request's max_output_tokens as the body carries it. */
    const char *max_tokens_path;
    const char *thinking_path;
};

static const struct claude claudes[] = {
    {"anthropic", "claude-sonnet-4-5", "FAKE_ANTHROPIC", "\"anthropic_api_key\":\"sk-ant-test-key\"", "", "messages.1.content", 2,
     "max_tokens", "thinking"},
    {"amazon_bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "FAKE_BEDROCK", "\"bedrock_api_key\":\"bedrock-test-key\"", "",
     "messages.1.content", 1, "inferenceConfig.maxTokens", "additionalModelRequestFields.thinking"},
};
#define EACH_CLAUDE(p) for (const struct claude *p = claudes; p < claudes + sizeof claudes / sizeof claudes[0]; p++)

static const char *fake_url(const struct claude *p) { return getenv(p->url_env) ?: "http://127.0.0.1:1"; }

static tracia_client *client_for(const struct claude *p) {
    char options[512];
    snprintf(options, sizeof options, "{%s,\"spans_file\":\"/dev/null\",\"max_retries\":0}", p->key_option);
    tracia_client *c = tracia_client_new(options);
    CHECK_MSG(c != NULL, tracia_last_error());
    return c;
}

/* A request to the fake's scenario with `messages`, thinking at effort low unless `extra` says otherwise. */
static char *request_for(const struct claude *p, const char *scenario, int stream, const char *messages, const char *extra) {
    char *out = NULL;
    int n = asprintf(&out, "{\"model\":\"%s\",\"stream\":%s,\"base_url\":\"%s/s/%s%s\",\"messages\":%s,%s}", p->model,
                     stream ? "true" : "false", fake_url(p), scenario, p->base_suffix, messages,
                     extra && *extra ? extra : "\"reasoning\":{\"effort\":\"low\"}");
    return n < 0 ? NULL : out;
}

static void describe(char *what, size_t size, const struct claude *p, const char *scenario, int stream) {
    snprintf(what, size, "%s %s %s", p->name, scenario, stream ? "stream" : "whole");
}

void test_reasoning_ab_apart_from_the_answer(void) {
    const char *answer = "Cross at the lights, \xc3\xa9t\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89";
    const char *scenarios[] = {"thinking", "thinking/bytewise"};
    EACH_CLAUDE(p) {
        tracia_client *c = client_for(p);
        for (int stream = 0; stream <= 1; stream++) {
            for (size_t s = 0; s < 2; s++) {
                char what[160], messages[256], token_scenario[128];
                describe(what, sizeof what, p, scenarios[s], stream);
                snprintf(token_scenario, sizeof token_scenario, "%s/%s", scenarios[s], unique_token());
                /* /bytewise must stay the last segment of the scenario. */
                const char *scenario = s == 0 ? token_scenario : scenarios[s];
                snprintf(messages, sizeof messages, "[{\"role\":\"user\",\"content\":\"%s\"}]", answer);
                char *req = request_for(p, scenario, stream, messages, "");
                struct outcome o = run_call(c, req);
                CHECK_MSG(o.rc == 0, what);
                /* The chunks carry the answer and nothing of the reasoning. */
                CHECK_MSG(strcmp(o.text, answer) == 0, what);
                CHECK_MSG(!o.chunk_was_bad_utf8, what);
                CHECK_MSG(strcmp(str_at(o.result, "text") ?: "", answer) == 0, what);
                CHECK_MSG(strcmp(str_at(o.result, "reasoning") ?: "", REASONING_TEXT) == 0, what);
                CHECK_MSG(strcmp(str_at(o.result, "message.content.0.type") ?: "", "reasoning") == 0, what);
                CHECK_MSG(strcmp(str_at(o.result, "message.content.0.provider") ?: "", p->name) == 0, what);
                CHECK_MSG(strcmp(str_at(o.result, "message.content.0.text") ?: "", REASONING_TEXT) == 0, what);
                CHECK_MSG(strcmp(str_at(o.result, "message.content.0.signature") ?: "", THINKING_SIGNATURE) == 0, what);
                CHECK_MSG(strcmp(str_at(o.result, "message.content.1.text") ?: "", answer) == 0, what);
                json_t *reasoning_tokens = at(o.result, "usage.reasoning_tokens");
                if (strcmp(p->name, "anthropic") == 0) {
                    CHECK_MSG(json_integer_value(reasoning_tokens) == ANTHROPIC_THINKING_TOKENS, what);
                    /* Every generated token: the answer's seven words and the thinking. */
                    CHECK_MSG(int_at(o.result, "usage.output_tokens") == 7 + ANTHROPIC_THINKING_TOKENS, what);
                } else {
                    CHECK_MSG(json_is_null(reasoning_tokens), what); /* Converse does not count them */
                }
                if (s == 0) {
                    /* effort low: a budget of 1024, within Sonnet 4.5's maximum output. */
                    json_t *r = fake_request(fake_url(p), token_scenario);
                    json_t *body = json_object_get(r, "body");
                    char path[128];
                    snprintf(path, sizeof path, "%s.type", p->thinking_path);
                    CHECK_MSG(strcmp(str_at(body, path) ?: "", "enabled") == 0, what);
                    snprintf(path, sizeof path, "%s.budget_tokens", p->thinking_path);
                    CHECK_MSG(int_at(body, path) == 1024, what);
                    CHECK_MSG(int_at(body, p->max_tokens_path) == 64000, what);
                    json_decref(r);
                }
                outcome_free(&o);
                free(req);
            }
        }
        tracia_client_free(c);
    }
}

static const char *tools = "\"tools\":[{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":"
                           "{\"city\":{\"type\":\"string\"}}}}],\"tool_choice\":\"auto\",\"reasoning\":{\"effort\":\"low\"}";

/* The follow-up of a tool-calling turn: the turn as `message`, the two results, the user's thanks. */
static struct outcome follow_up(tracia_client *c, const struct claude *p, const char *scenario, int stream, json_t *message,
                                json_t *calls, json_t **sent) {
    char *turn = json_dumps(message, JSON_COMPACT), *messages = NULL, *full = NULL;
    int n = asprintf(&messages,
                     "[{\"role\":\"user\",\"content\":\"Weather?\"},%s,"
                     "{\"role\":\"tool\",\"tool_call_id\":\"%s\",\"content\":\"21C\"},"
                     "{\"role\":\"tool\",\"tool_call_id\":\"%s\",\"content\":\"25C\"},"
                     "{\"role\":\"user\",\"content\":\"Thanks\"}]",
                     turn, str_at(calls, "0.id") ?: "", str_at(calls, "1.id") ?: "");
    CHECK(n > 0);
    n = asprintf(&full, "%s/%s", scenario, unique_token());
    CHECK(n > 0);
    char *req = request_for(p, full, stream, messages, tools);
    struct outcome o = run_call(c, req);
    json_t *r = fake_request(fake_url(p), full);
    *sent = json_incref(json_object_get(r, "body"));
    json_decref(r);
    free(req);
    free(full);
    free(messages);
    free(turn);
    return o;
}

void test_reasoning_ab_tool_follow_ups(void) {
    const char *scenarios[] = {"thinking-tools", "redacted-thinking"};
    EACH_CLAUDE(p) {
        tracia_client *c = client_for(p);
        for (int stream = 0; stream <= 1; stream++) {
            for (size_t s = 0; s < 2; s++) {
                char what[160];
                describe(what, sizeof what, p, scenarios[s], stream);
                char *req = request_for(p, scenarios[s], stream, "[{\"role\":\"user\",\"content\":\"Weather?\"}]", tools);
                struct outcome o = run_call(c, req);
                CHECK_MSG(o.rc == 0, what);
                CHECK_MSG(strcmp(o.text, "") == 0, what);
                CHECK_MSG(strcmp(str_at(o.result, "finish_reason") ?: "", "tool_calls") == 0, what);
                json_t *message = at(o.result, "message"), *calls = at(o.result, "tool_calls");
                /* The turn in the order it came: its reasoning first, then the calls. */
                int reasoning_parts = s == 0 ? 1 : p->redacted_turn_reasoning_parts;
                CHECK_MSG(json_array_size(json_object_get(message, "content")) == (size_t)reasoning_parts + 2, what);
                for (int k = 0; k < reasoning_parts; k++) {
                    char path[64];
                    snprintf(path, sizeof path, "content.%d.type", k);
                    CHECK_MSG(strcmp(str_at(message, path) ?: "", "reasoning") == 0, what);
                }
                char path[64];
                snprintf(path, sizeof path, "content.%d.type", reasoning_parts);
                CHECK_MSG(strcmp(str_at(message, path) ?: "", "tool_call") == 0, what);
                if (s == 1) CHECK_MSG(strcmp(str_at(message, "content.0.redacted_data") ?: "", REDACTED_THINKING_DATA) == 0, what);
                /* Redacted reasoning has no text: Bedrock's turn has none, Anthropic's has its second block's. */
                int has_text = s == 0 || reasoning_parts == 2;
                CHECK_MSG(has_text ? strcmp(str_at(o.result, "reasoning") ?: "", REASONING_TEXT) == 0 : at(o.result, "reasoning") == NULL, what);

                /* Sent back unchanged, the turn is accepted. */
                json_t *sent = NULL;
                struct outcome f = follow_up(c, p, scenarios[s], stream, message, calls, &sent);
                CHECK_MSG(f.rc == 0, str_at(f.result, "error.message") ?: what);
                CHECK_MSG(strcmp(f.text, "Thanks") == 0, what);
                char turn_path[96];
                snprintf(turn_path, sizeof turn_path, "%s.0", p->assistant_turn);
                CHECK_MSG(at(sent, turn_path) != NULL, what);
                outcome_free(&f);
                json_decref(sent);

                /* One character of the first block changed: the service's own 400. */
                json_t *altered = json_deep_copy(message);
                json_t *first = json_array_get(json_object_get(altered, "content"), 0);
                const char *key = s == 0 ? "signature" : "redacted_data";
                char *changed = strdup(json_string_value(json_object_get(first, key)) ?: "?");
                changed[5] = changed[5] == 'A' ? 'B' : 'A';
                json_object_set_new(first, key, json_string(changed));
                f = follow_up(c, p, scenarios[s], stream, altered, calls, &sent);
                CHECK_MSG(f.rc == TRACIA_E_PROVIDER_ERROR, what);
                CHECK_MSG(int_at(f.result, "error.status_code") == 400, what);
                const char *refusal = s == 0 ? "messages.1.content.0: Invalid `signature` in `thinking` block"
                                             : "messages.1.content.0: Invalid `data` in `redacted_thinking` block";
                CHECK_MSG(strstr(str_at(f.result, "error.message") ?: "", refusal) != NULL, str_at(f.result, "error.message"));
                outcome_free(&f);
                json_decref(sent);
                json_decref(altered);
                free(changed);

                /* Without its reasoning the turn is refused too. */
                json_t *bare = json_deep_copy(message);
                for (int k = 0; k < reasoning_parts; k++) json_array_remove(json_object_get(bare, "content"), 0);
                f = follow_up(c, p, scenarios[s], stream, bare, calls, &sent);
                CHECK_MSG(f.rc == TRACIA_E_PROVIDER_ERROR, what);
                CHECK_MSG(strstr(str_at(f.result, "error.message") ?: "", "Expected `thinking` or `redacted_thinking`, but found `tool_use`"),
                          str_at(f.result, "error.message"));
                outcome_free(&f);
                json_decref(sent);
                json_decref(bare);

                outcome_free(&o);
                free(req);
            }
        }
        tracia_client_free(c);
    }
}

/* What Claude refuses while it thinks is refused by tracia_run_local, before any request is sent. */
void test_reasoning_ab_refused_before_any_io(void) {
    struct refusal {
        const char *provider, *model, *extra, *fragment;
    } refusals[] = {
        {"anthropic", NULL, "\"reasoning\":{\"budget_tokens\":512}", "budget_tokens of at least 1024, got 512"},
        {"anthropic", NULL, "\"reasoning\":{\"effort\":\"high\"},\"max_output_tokens\":4096", "max_output_tokens is 4096, budget_tokens 4096"},
        {"anthropic", NULL, "\"reasoning\":{\"effort\":\"low\"},\"temperature\":0.5", "temperature 1 only"},
        {"anthropic", NULL, "\"reasoning\":{\"effort\":\"low\"},\"top_p\":0.5", "top_p from 0.95 to 1"},
        {"anthropic", NULL, "\"reasoning\":{\"effort\":\"low\"},\"tool_choice\":\"required\"", "tool_choice forces a tool"},
        {"amazon_bedrock", NULL, "\"reasoning\":{\"effort\":\"low\"},\"tool_choice\":{\"tool\":\"get_weather\"}", "tool_choice forces a tool"},
        {"amazon_bedrock", NULL, "\"reasoning\":{\"budget_tokens\":1000}", "budget_tokens of at least 1024, got 1000"},
        {"amazon_bedrock", "meta.llama3-70b-instruct-v1:0", "\"reasoning\":{\"effort\":\"low\"}", "Claude, Nova and gpt-oss models"},
        {"amazon_bedrock", "us.amazon.nova-2-lite-v1:0", "\"reasoning\":{\"budget_tokens\":2048}", "takes an effort, not a budget"},
    };
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        struct refusal *r = &refusals[i];
        const struct claude *p = strcmp(r->provider, "anthropic") == 0 ? &claudes[0] : &claudes[1];
        struct claude other = *p;
        if (r->model) other.model = r->model;
        char scenario[128];
        snprintf(scenario, sizeof scenario, "thinking/%s", unique_token());
        tracia_client *c = client_for(p);
        char *req = request_for(&other, scenario, 1, "[{\"role\":\"user\",\"content\":\"x\"}]", r->extra);
        tracia_stream *s = tracia_run_local(c, req);
        CHECK_MSG(s == NULL, r->extra);
        json_t *e = json_loads(tracia_last_error(), 0, NULL);
        CHECK_MSG(strcmp(str_at(e, "code") ?: "", "INVALID_REQUEST") == 0, tracia_last_error());
        CHECK_MSG(strstr(str_at(e, "message") ?: "", r->fragment) != NULL, tracia_last_error());
        json_decref(e);
        json_t *sent = fake_request(fake_url(p), scenario);
        CHECK_MSG(sent == NULL, r->extra);
        json_decref(sent);
        tracia_stream_free(s);
        free(req);
        tracia_client_free(c);
    }
}

/* An abort once the answer has begun keeps the reasoning, its signature and the text so far. */
void test_reasoning_ab_abort_keeps_what_came(void) {
    /* /hold: the answer never ends by itself, so the abort always comes first. */
    const char *messages = "[{\"role\":\"user\",\"content\":\"word by word\"}]";
    EACH_CLAUDE(p) {
        tracia_client *c = client_for(p);
        char *req = request_for(p, "thinking/hold", 1, messages, "");
        tracia_stream *s = tracia_run_local(c, req);
        CHECK_MSG(s != NULL, tracia_last_error());
        const char *chunk;
        size_t length;
        CHECK_MSG(tracia_stream_next(s, &chunk, &length) == 1, p->name);
        CHECK_MSG(length == 5 && memcmp(chunk, "word ", 5) == 0, p->name);
        tracia_stream_abort(s);
        CHECK(tracia_stream_next(s, &chunk, &length) == 0);
        char *text = tracia_stream_result(s);
        json_t *result = json_loads(text, 0, NULL);
        CHECK_MSG(json_is_true(at(result, "aborted")), p->name);
        const char *partial = str_at(result, "text") ?: "";
        CHECK_MSG(strncmp(partial, "word ", 5) == 0 && strncmp("word by word", partial, strlen(partial)) == 0, p->name);
        CHECK_MSG(strcmp(str_at(result, "reasoning") ?: "", REASONING_TEXT) == 0, p->name);
        CHECK_MSG(strcmp(str_at(result, "message.content.0.signature") ?: "", THINKING_SIGNATURE) == 0, p->name);
        CHECK_MSG(strcmp(str_at(result, "message.content.1.text") ?: "", partial) == 0, p->name);
        json_decref(result);
        tracia_free(text);
        tracia_stream_free(s);
        free(req);
        tracia_client_free(c);
    }
}
