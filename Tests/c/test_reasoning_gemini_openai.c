/* Reasoning through Gemini and the Chat Completions dialect (an OpenAI-compatible server in
 * DeepSeek's thinking mode), each against its fake: reasoning in the result and never in the
 * chunks, reasoning tokens, the request option in each one's form, the tool-calling turn sent
 * back as the provider checks it (or its 400 when it is not), and an abort that keeps what came. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Tests/fakes/fake_reasoning.py */
#define REASONING_TEXT "R\xc3\xa9" "flexion \xe2\x80\x94 \xe6\x80\x9d\xe8\x80\x83 \xf0\x9f\xa4\x94 step by step."
#define THINKING_SIGNATURE \
    "pbs5gi4w/js2oLfKhLoQAxMmq5fvp45Yr4ddwvIu+USxf75hXzshkL8ZQ978gv/vl/ckIJtQZEa1uqB2M093fImtWjYmWXV000HGbkOP6XDIDrPcJePJP3Pt" \
    "bh5Z3UaDDqvqU/at8UZd0HmCA2yhECaJ4bEz47gQlWIS7SQsz3BkofjyJMVQCeWYWDlcrWue21Q/HMZMEUEBRxGBy/l30ySgnL0E1QYTOXhfcaEr2V0bIidH"
#define THINKING_TOOLS_SIGNATURE \
    "qkQW9VJr2jL3EyKpLOLPoKnVesAdVaKNRVUpvgyu3FBZjufFbLicosTLDhCBxkmgmM+FgcIhH/qwsnCV+Uje49so+T15RN1r2Za1mWbqtAJXt2234sXivW0o" \
    "9qTDt1UGxyel4ukozsKfx37tJlU8MdwxKaaCvlEMajcZw+ntRbRVwk9fxYzaeiyh+OjlWgOKAbaGjytE9Ji1kqiaFFVJIY/5JwjefevOD3lVtxBuQbEwoTpL"

struct dialect {
    const char *provider;
    const char *model;
    const char *url_env;
    const char *key_option;
    const char *base_suffix;
    long long input_tokens;
    long long reasoning_tokens;
    const char *tool_ids[2];
    const char *missing_reasoning; /* the 400's text when the turn comes back without it */
};

static const struct dialect dialects[] = {
    {"google", "gemini-3-pro-preview", "FAKE_GOOGLE", "\"google_api_key\":\"gemini-test-key\"", "", 8, 43,
     {"call_gemini_0", "call_gemini_1"}, "Function call is missing a thought_signature in functionCall parts."},
    {"openai_compatible", "deepseek-reasoner", "FAKE_OPENAI", "\"openai_compatible_api_key\":\"sk-test-key\"", "/v1", 9, 41,
     {"call_A", "call_B"}, "The reasoning_content in the thinking mode must be passed back to the API."},
};
#define EACH_DIALECT(d) for (const struct dialect *d = dialects; d < dialects + sizeof dialects / sizeof dialects[0]; d++)

static const char *fake(const struct dialect *d) { return getenv(d->url_env) ?: "http://127.0.0.1:1"; }

static tracia_client *client_for(const struct dialect *d) {
    char options[512];
    snprintf(options, sizeof options, "{%s,\"spans_file\":\"/dev/null\",\"max_retries\":0}", d->key_option);
    tracia_client *c = tracia_client_new(options);
    CHECK_MSG(c != NULL, tracia_last_error());
    return c;
}

/* `scenario` may carry arguments ("thinking/bytewise", "thinking-tools/<token>"). */
static char *request_for(const struct dialect *d, const char *scenario, int stream, const char *messages, const char *extra) {
    char *out = NULL;
    int n = asprintf(&out, "{\"model\":\"%s\",\"provider\":\"%s\",\"stream\":%s,\"base_url\":\"%s/s/%s%s\",\"messages\":%s%s%s}", d->model,
                     d->provider, stream ? "true" : "false", fake(d), scenario, d->base_suffix, messages, extra && *extra ? "," : "",
                     extra ? extra : "");
    return n < 0 ? NULL : out;
}

static json_t *recorded_body(const struct dialect *d, const char *fragment) { return fake_request_body(fake(d), fragment); }

/* The parts of the result's message of type `type`, in order. */
static size_t parts_of_type(json_t *result, const char *type, json_t **out, size_t max) {
    size_t n = 0, i;
    json_t *part;
    json_array_foreach(at(result, "message.content"), i, part) {
        if (strcmp(str_at(part, "type") ?: "", type) == 0 && n < max) out[n++] = part;
    }
    return n;
}

static void check_reasoning_answer(const struct dialect *d, struct outcome *o, const char *what) {
    CHECK_MSG(o->rc == 0, what);
    CHECK_MSG(strcmp(o->text, "Il fait beau") == 0, what);
    CHECK_MSG(strstr(o->text, "flexion") == NULL, what);
    CHECK_MSG(strcmp(str_at(o->result, "text") ?: "", "Il fait beau") == 0, what);
    CHECK_MSG(strcmp(str_at(o->result, "reasoning") ?: "", REASONING_TEXT) == 0, what);
    CHECK_MSG(int_at(o->result, "usage.reasoning_tokens") == d->reasoning_tokens, what);
    /* Three answer words; the reasoning tokens are part of the output. */
    CHECK_MSG(int_at(o->result, "usage.output_tokens") == 3 + d->reasoning_tokens, what);
    CHECK_MSG(int_at(o->result, "usage.total_tokens") == d->input_tokens + 3 + d->reasoning_tokens, what);
    json_t *reasoning[3];
    size_t n = parts_of_type(o->result, "reasoning", reasoning, 3);
    CHECK_MSG(n >= 1, what);
    CHECK_MSG(n >= 1 && strcmp(str_at(reasoning[0], "text") ?: "", REASONING_TEXT) == 0, what);
    CHECK_MSG(n >= 1 && strcmp(str_at(reasoning[0], "provider") ?: "", d->provider) == 0, what);
    CHECK_MSG(strcmp(str_at(o->result, "message.content.1.text") ?: "", "Il fait beau") == 0, what);
}

void test_reasoning_streams_apart_from_the_text(void) {
    const char *messages = "[{\"role\":\"user\",\"content\":\"Il fait beau\"}]";
    EACH_DIALECT(d) {
        const char *scenarios[] = {"thinking/bytewise", "thinking-field/bytewise"};
        size_t count = strcmp(d->provider, "google") == 0 ? 1 : 2;
        for (size_t s = 0; s < count; s++) {
            for (int stream = 0; stream <= 1; stream++) {
                char what[160];
                snprintf(what, sizeof what, "%s %s %s", d->provider, scenarios[s], stream ? "stream" : "whole");
                tracia_client *c = client_for(d);
                char *req = request_for(d, scenarios[s], stream, messages, "\"reasoning\":{\"effort\":\"high\"}");
                struct outcome o = run_call(c, req);
                check_reasoning_answer(d, &o, what);
                if (strcmp(d->provider, "google") == 0) {
                    /* Gemini 3's signature came last, on an empty text part: it is kept, byte for byte. */
                    json_t *reasoning[3];
                    size_t n = parts_of_type(o.result, "reasoning", reasoning, 3);
                    CHECK_MSG(n == 2 && strcmp(str_at(reasoning[1], "signature") ?: "", THINKING_SIGNATURE) == 0, what);
                    CHECK_MSG(n == 2 && strcmp(str_at(reasoning[1], "text") ?: "?", "") == 0, what);
                }
                /* The last request to the scenario is this one: the tests run one at a time. */
                json_t *body = recorded_body(d, scenarios[s]);
                if (strcmp(d->provider, "google") == 0) {
                    CHECK_MSG(json_is_true(at(body, "generationConfig.thinkingConfig.includeThoughts")), what);
                    CHECK_MSG(strcmp(str_at(body, "generationConfig.thinkingConfig.thinkingLevel") ?: "", "HIGH") == 0, what);
                } else {
                    CHECK_MSG(strcmp(str_at(body, "reasoning_effort") ?: "", "high") == 0, what);
                }
                json_decref(body);
                outcome_free(&o);
                free(req);
                tracia_client_free(c);
            }
        }
    }
}

/* The message with its reasoning parts left out. */
static char *message_without_reasoning(json_t *result) {
    json_t *message = json_deep_copy(at(result, "message"));
    json_t *content = json_object_get(message, "content");
    for (size_t i = json_array_size(content); i-- > 0;) {
        if (strcmp(str_at(json_array_get(content, i), "type") ?: "", "reasoning") == 0) json_array_remove(content, i);
    }
    char *out = json_dumps(message, JSON_COMPACT);
    json_decref(message);
    return out;
}

static struct outcome follow_up(const struct dialect *d, tracia_client *c, int stream, const char *message, const char *token) {
    char *messages = NULL, scenario[160];
    int n = asprintf(&messages,
                     "[{\"role\":\"user\",\"content\":\"Weather?\"},%s,"
                     "{\"role\":\"tool\",\"tool_call_id\":\"%s\",\"tool_name\":\"get_weather\",\"content\":\"21C\"},"
                     "{\"role\":\"tool\",\"tool_call_id\":\"%s\",\"tool_name\":\"get_weather\",\"content\":\"25C\"}]",
                     message, d->tool_ids[0], d->tool_ids[1]);
    CHECK(n > 0);
    snprintf(scenario, sizeof scenario, "thinking-tools/%s", token);
    char *req = request_for(d, scenario, stream, messages, "");
    struct outcome f = run_call(c, req);
    free(req);
    free(messages);
    return f;
}

void test_reasoning_tool_turn_sent_back_as_the_provider_checks_it(void) {
    EACH_DIALECT(d) {
        for (int stream = 0; stream <= 1; stream++) {
            char what[160];
            snprintf(what, sizeof what, "%s %s", d->provider, stream ? "stream" : "whole");
            tracia_client *c = client_for(d);
            char *req = request_for(d, "thinking-tools", stream, "[{\"role\":\"user\",\"content\":\"Weather?\"}]", "");
            struct outcome o = run_call(c, req);
            CHECK_MSG(o.rc == 0, what);
            CHECK_MSG(strcmp(o.text, "") == 0, what);
            CHECK_MSG(strcmp(str_at(o.result, "reasoning") ?: "", REASONING_TEXT) == 0, what);
            CHECK_MSG(int_at(o.result, "usage.reasoning_tokens") == d->reasoning_tokens, what);
            CHECK_MSG(json_array_size(at(o.result, "tool_calls")) == 2, what);
            CHECK_MSG(strcmp(str_at(o.result, "tool_calls.0.id") ?: "", d->tool_ids[0]) == 0, what);

            /* The result's message as it is: accepted. */
            char *message = json_dumps(at(o.result, "message"), JSON_COMPACT);
            char token[64];
            snprintf(token, sizeof token, "%s", unique_token());
            struct outcome accepted = follow_up(d, c, stream, message, token);
            CHECK_MSG(accepted.rc == 0, what);
            CHECK_MSG(!at(accepted.result, "error"), str_at(accepted.result, "error.message") ?: what);
            json_t *body = recorded_body(d, token);
            if (strcmp(d->provider, "google") == 0) {
                /* Parallel calls: the signature on the first functionCall only, byte for byte. */
                CHECK_MSG(strcmp(str_at(body, "contents.1.parts.0.thoughtSignature") ?: "", THINKING_TOOLS_SIGNATURE) == 0, what);
                CHECK_MSG(strcmp(str_at(body, "contents.1.parts.0.functionCall.args.city") ?: "", "Paris") == 0, what);
                CHECK_MSG(at(body, "contents.1.parts.1.thoughtSignature") == NULL, what);
                CHECK_MSG(strcmp(str_at(body, "contents.1.parts.1.functionCall.args.city") ?: "", "Rome") == 0, what);
                CHECK_MSG(json_array_size(at(body, "contents.1.parts")) == 2, what);
            } else {
                CHECK_MSG(strcmp(str_at(body, "messages.1.reasoning_content") ?: "", REASONING_TEXT) == 0, what);
                CHECK_MSG(strcmp(str_at(body, "messages.1.tool_calls.0.id") ?: "", "call_A") == 0, what);
            }
            json_decref(body);

            /* The same turn without its reasoning: the provider's 400, as the real API answers. */
            char *stripped = message_without_reasoning(o.result);
            snprintf(token, sizeof token, "%s", unique_token());
            struct outcome refused = follow_up(d, c, stream, stripped, token);
            CHECK_MSG(refused.rc == TRACIA_E_PROVIDER_ERROR, what);
            CHECK_MSG(int_at(refused.result, "error.status_code") == 400, what);
            CHECK_MSG(strstr(str_at(refused.result, "error.message") ?: "", d->missing_reasoning) != NULL, what);

            outcome_free(&refused);
            free(stripped);
            outcome_free(&accepted);
            free(message);
            outcome_free(&o);
            free(req);
            tracia_client_free(c);
        }
    }
}

void test_reasoning_kept_when_the_stream_is_aborted(void) {
    EACH_DIALECT(d) {
        tracia_client *c = client_for(d);
        char *req = request_for(d, "thinking/hold", 1, "[{\"role\":\"user\",\"content\":\"Il fait beau\"}]", "");
        tracia_stream *s = tracia_run_local(c, req);
        CHECK_MSG(s != NULL, tracia_last_error());
        const char *chunk;
        size_t length;
        /* The first chunk is the answer's first word: all the reasoning came before it. */
        CHECK_MSG(tracia_stream_next(s, &chunk, &length) == 1, d->provider);
        CHECK_MSG(strcmp(chunk, "Il ") == 0, chunk);
        tracia_stream_abort(s);
        CHECK(tracia_stream_next(s, &chunk, &length) == 0);
        char *r = tracia_stream_result(s);
        json_t *j = json_loads(r, 0, NULL);
        CHECK_MSG(json_is_true(at(j, "aborted")), d->provider);
        CHECK_MSG(strncmp(str_at(j, "text") ?: "", "Il ", 3) == 0, d->provider);
        CHECK_MSG(strncmp("Il fait beau", str_at(j, "text") ?: "?", strlen(str_at(j, "text") ?: "?")) == 0, d->provider);
        CHECK_MSG(strcmp(str_at(j, "reasoning") ?: "", REASONING_TEXT) == 0, d->provider);
        CHECK_MSG(strcmp(str_at(j, "message.content.0.type") ?: "", "reasoning") == 0, d->provider);
        CHECK_MSG(strcmp(str_at(j, "message.content.0.text") ?: "", REASONING_TEXT) == 0, d->provider);
        CHECK_MSG(strncmp(str_at(j, "message.content.1.text") ?: "", "Il ", 3) == 0, d->provider);
        json_decref(j);
        tracia_free(r);
        tracia_stream_free(s);
        free(req);
        tracia_client_free(c);
    }
}

/* Refused by tracia_run_local, as other requests a provider cannot take: no stream, the reason in
 * tracia_last_error(), nothing sent. */
static void expect_refused(const struct dialect *d, const char *model, const char *reasoning, const char *message) {
    struct dialect with_model = *d;
    with_model.model = model;
    char scenario[96], extra[256];
    snprintf(scenario, sizeof scenario, "text/%s", unique_token());
    snprintf(extra, sizeof extra, "\"reasoning\":%s", reasoning);
    tracia_client *c = client_for(d);
    char *req = request_for(&with_model, scenario, 1, "[{\"role\":\"user\",\"content\":\"q\"}]", extra);
    expect_run_refused(c, req, message);
    json_t *body = recorded_body(d, scenario);
    CHECK_MSG(body == NULL, "the refused request reached the server");
    json_decref(body);
    free(req);
    tracia_client_free(c);
}

void test_reasoning_option_refused_before_any_io(void) {
    expect_refused(&dialects[0], "gemini-3-flash-preview", "{\"effort\":\"low\",\"budget_tokens\":2048}",
                   "give effort or budget_tokens for gemini-3-flash-preview, not both");
    expect_refused(&dialects[1], "deepseek-reasoner", "{\"budget_tokens\":2048}", "not budget_tokens");
}
