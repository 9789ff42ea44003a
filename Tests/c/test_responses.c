/* OpenAI's Responses API against the fake (Tests/fakes/fake_openai_responses.py, on the OpenAI
 * fake's port): the request as items, streamed and whole answers, usage, reasoning with its
 * encrypted content sent back on a stateless tool follow-up, stop reasons, failures and an abort. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* Tests/fakes/fake_reasoning.py */
#define REASONING_TEXT "R\xc3\xa9" "flexion \xe2\x80\x94 \xe6\x80\x9d\xe8\x80\x83 \xf0\x9f\xa4\x94 step by step."
#define THINKING_TOOLS_SIGNATURE \
    "qkQW9VJr2jL3EyKpLOLPoKnVesAdVaKNRVUpvgyu3FBZjufFbLicosTLDhCBxkmgmM+FgcIhH/qwsnCV+Uje49so+T15RN1r2Za1mWbqtAJXt2234sXivW0o" \
    "9qTDt1UGxyel4ukozsKfx37tJlU8MdwxKaaCvlEMajcZw+ntRbRVwk9fxYzaeiyh+OjlWgOKAbaGjytE9Ji1kqiaFFVJIY/5JwjefevOD3lVtxBuQbEwoTpL"
#define WEATHER "[{\"role\":\"system\",\"content\":\"Be terse.\"},{\"role\":\"user\",\"content\":\"Weather?\"}]"

static tracia_client *client(void) {
    tracia_client *c = tracia_client_new("{\"openai_api_key\":\"sk-test-key\",\"spans_file\":\"/dev/null\",\"max_retries\":0}");
    CHECK_MSG(c != NULL, tracia_last_error());
    return c;
}

/* A Responses request to the fake's scenario; `messages` is JSON, `extra` more keys or "". */
static char *request(const char *scenario, int stream, const char *messages, const char *extra) {
    char *out = NULL;
    int n = asprintf(&out, "{\"model\":\"gpt-5\",\"api\":\"responses\",\"stream\":%s,\"base_url\":\"%s/s/%s/v1\",\"messages\":%s%s%s}",
                     stream ? "true" : "false", openai_url(), scenario, messages, *extra ? "," : "", extra);
    return n < 0 ? NULL : out;
}

static struct outcome call(tracia_client *c, const char *scenario, int stream, const char *messages, const char *extra) {
    char *req = request(scenario, stream, messages, extra);
    struct outcome o = run_call(c, req);
    free(req);
    return o;
}

/* `check` with one client for a streamed call, then for a whole one; `what` names the mode. */
static void in_both_modes(void (*check)(tracia_client *c, int stream, const char *what)) {
    tracia_client *c = client();
    for (int stream = 0; stream <= 1; stream++) check(c, stream, stream ? "stream" : "whole");
    tracia_client_free(c);
}

static void text_streamed_or_whole(tracia_client *c, int stream, const char *what) {
    char scenario[96];
    snprintf(scenario, sizeof scenario, "text/%s", unique_token());
    struct outcome o = call(c, scenario, stream,
                            "[{\"role\":\"developer\",\"content\":\"Be terse.\"},{\"role\":\"user\",\"content\":\"Il fait beau\"}]",
                            "\"max_output_tokens\":64,\"temperature\":0.5");
    CHECK_MSG(o.rc == 0, str_at(o.result, "error.message") ?: what);
    CHECK_MSG(strcmp(o.text, "Il fait beau") == 0, o.text);
    CHECK_MSG(stream ? o.chunks == 3 : o.chunks == 1, what);
    CHECK_STR(str_at(o.result, "finish_reason"), "stop");
    CHECK_STR(str_at(o.result, "provider"), "openai");
    CHECK_MSG(int_at(o.result, "usage.input_tokens") == 9, what);
    CHECK_MSG(int_at(o.result, "usage.output_tokens") == 3, what);
    CHECK_MSG(int_at(o.result, "usage.total_tokens") == 12, what);
    json_t *seen = fake_request(openai_url(), scenario);
    CHECK_MSG(seen && strstr(str_at(seen, "path") ?: "", "/v1/responses"), what);
    json_t *body = json_object_get(seen, "body");
    CHECK_STR(str_at(body, "instructions"), "Be terse.");
    CHECK_STR(str_at(body, "input.0.role"), "user");
    CHECK_STR(str_at(body, "input.0.content"), "Il fait beau");
    CHECK(json_array_size(at(body, "input")) == 1);
    CHECK(json_is_false(at(body, "store")));
    CHECK_STR(str_at(body, "include.0"), "reasoning.encrypted_content");
    CHECK(int_at(body, "max_output_tokens") == 64);
    CHECK(at(body, "messages") == NULL);
    CHECK(stream ? json_is_true(at(body, "stream")) : at(body, "stream") == NULL);
    json_decref(seen);
    outcome_free(&o);
}

void test_responses_text_streamed_and_whole(void) { in_both_modes(text_streamed_or_whole); }

static struct outcome follow_up(tracia_client *c, int stream, const char *message, const char *token) {
    char *messages = NULL, scenario[128];
    int n = asprintf(&messages,
                     "[{\"role\":\"user\",\"content\":\"Weather?\"},%s,"
                     "{\"role\":\"tool\",\"tool_call_id\":\"call_A\",\"content\":\"21C\"},"
                     "{\"role\":\"tool\",\"tool_call_id\":\"call_B\",\"content\":\"25C\"}]",
                     message);
    CHECK(n > 0);
    snprintf(scenario, sizeof scenario, "thinking-tools/%s", token);
    struct outcome f = call(c, scenario, stream, messages, "\"reasoning\":{\"effort\":\"low\"}");
    free(messages);
    return f;
}

/* The message with its reasoning parts' signatures (the encrypted content) removed. */
static char *without_encrypted_content(json_t *result) {
    json_t *message = json_deep_copy(at(result, "message"));
    size_t i;
    json_t *part;
    json_array_foreach(json_object_get(message, "content"), i, part) json_object_del(part, "signature");
    char *out = json_dumps(message, JSON_COMPACT);
    json_decref(message);
    return out;
}

static void tools_with_reasoning_follow_up(tracia_client *c, int stream, const char *what) {
    struct outcome o = call(c, "thinking-tools", stream, WEATHER,
                            "\"reasoning\":{\"effort\":\"low\"},\"tools\":[{\"name\":\"get_weather\",\"parameters\":"
                            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}],\"tool_choice\":\"auto\"");
    CHECK_MSG(o.rc == 0, str_at(o.result, "error.message") ?: what);
    CHECK_MSG(strcmp(o.text, "") == 0, what);
    CHECK_STR(str_at(o.result, "finish_reason"), "tool_calls");
    CHECK_STR(str_at(o.result, "reasoning"), REASONING_TEXT);
    CHECK(int_at(o.result, "usage.reasoning_tokens") == 41);
    CHECK(int_at(o.result, "usage.output_tokens") == 38 + 41);
    CHECK(json_array_size(at(o.result, "tool_calls")) == 2);
    CHECK_STR(str_at(o.result, "tool_calls.0.id"), "call_A");
    CHECK_STR(str_at(o.result, "tool_calls.0.arguments.city"), "Paris");
    CHECK_STR(str_at(o.result, "tool_calls.1.id"), "call_B");
    CHECK_STR(str_at(o.result, "tool_calls.1.arguments.city"), "Rome");
    CHECK_STR(str_at(o.result, "message.content.0.type"), "reasoning");
    CHECK_STR(str_at(o.result, "message.content.0.id"), "rs_fake_tools");
    CHECK_STR(str_at(o.result, "message.content.0.signature"), THINKING_TOOLS_SIGNATURE);
    CHECK_STR(str_at(o.result, "message.content.1.type"), "tool_call");
    json_t *sent = fake_request_body(openai_url(), "thinking-tools");
    CHECK_STR(str_at(sent, "tools.0.type"), "function");
    CHECK_STR(str_at(sent, "tools.0.name"), "get_weather");
    CHECK(json_is_false(at(sent, "tools.0.strict")));
    CHECK(at(sent, "tools.0.function") == NULL);
    CHECK_STR(str_at(sent, "reasoning.effort"), "low");
    CHECK_STR(str_at(sent, "reasoning.summary"), "auto");
    json_decref(sent);

    /* The message as it came: the fake checks the reasoning item, the calls and the outputs. */
    char *message = json_dumps(at(o.result, "message"), JSON_COMPACT);
    char token[64];
    snprintf(token, sizeof token, "%s", unique_token());
    struct outcome accepted = follow_up(c, stream, message, token);
    CHECK_MSG(accepted.rc == 0, str_at(accepted.result, "error.message") ?: what);
    CHECK_STR(accepted.text, "Weather?");
    json_t *body = fake_request_body(openai_url(), token);
    CHECK_STR(str_at(body, "input.1.type"), "reasoning");
    CHECK_STR(str_at(body, "input.1.encrypted_content"), THINKING_TOOLS_SIGNATURE);
    CHECK_STR(str_at(body, "input.2.type"), "function_call");
    CHECK_STR(str_at(body, "input.2.call_id"), "call_A");
    CHECK_STR(str_at(body, "input.2.arguments"), "{\"city\":\"Paris\"}");
    CHECK_STR(str_at(body, "input.4.type"), "function_call_output");
    CHECK_STR(str_at(body, "input.4.output"), "21C");
    json_decref(body);

    /* Without the encrypted content the stateless service has nothing to go on: its 404. */
    char *stripped = without_encrypted_content(o.result);
    snprintf(token, sizeof token, "%s", unique_token());
    struct outcome refused = follow_up(c, stream, stripped, token);
    CHECK(refused.rc == TRACIA_E_NOT_FOUND);
    CHECK(int_at(refused.result, "error.status_code") == 404);
    CHECK_MSG(strstr(str_at(refused.result, "error.message") ?: "", "Items are not persisted when `store` is set to false") != NULL,
              str_at(refused.result, "error.message"));
    outcome_free(&refused);
    free(stripped);
    outcome_free(&accepted);
    free(message);
    outcome_free(&o);
}

void test_responses_tools_with_reasoning_follow_up_statelessly(void) { in_both_modes(tools_with_reasoning_follow_up); }

static void usage_and_stop_reasons(tracia_client *c, int stream, const char *what) {
    struct outcome cached = call(c, "cached", stream, WEATHER, "");
    CHECK_MSG(cached.rc == 0, what);
    CHECK(int_at(cached.result, "usage.input_tokens") == 4512);
    CHECK(int_at(cached.result, "usage.cache_read_input_tokens") == 3000);
    outcome_free(&cached);

    struct outcome thinking = call(c, "thinking", stream, "[{\"role\":\"user\",\"content\":\"Il fait beau\"}]", "");
    CHECK_MSG(thinking.rc == 0, what);
    CHECK_STR(thinking.text, "Il fait beau");
    CHECK_STR(str_at(thinking.result, "reasoning"), REASONING_TEXT);
    CHECK(int_at(thinking.result, "usage.output_tokens") == 3 + 41);
    CHECK(int_at(thinking.result, "usage.reasoning_tokens") == 41);
    outcome_free(&thinking);

    const char *scenarios[][2] = {{"length", "max_tokens"}, {"filtered", "content_filter"}};
    for (int i = 0; i < 2; i++) {
        struct outcome o = call(c, scenarios[i][0], stream, WEATHER, "");
        CHECK_MSG(o.rc == 0, scenarios[i][0]);
        CHECK_STR(o.text, "Weather?");
        CHECK_STR(str_at(o.result, "finish_reason"), scenarios[i][1]);
        outcome_free(&o);
    }
}

void test_responses_usage_and_stop_reasons(void) { in_both_modes(usage_and_stop_reasons); }

void test_responses_failures_keep_partial_text(void) {
    tracia_client *c = client();
    for (int stream = 0; stream <= 1; stream++) {
        struct outcome failed = call(c, "failed", stream, WEATHER, "");
        CHECK(failed.rc == TRACIA_E_PROVIDER_ERROR);
        CHECK_MSG(strstr(str_at(failed.result, "error.message") ?: "", "response failed: server_error: The server had an error") != NULL,
                  str_at(failed.result, "error.message"));
        outcome_free(&failed);
    }
    struct outcome mid = call(c, "midstream-error", 1, "[{\"role\":\"user\",\"content\":\"partial text here\"}]", "");
    CHECK(mid.rc == TRACIA_E_PROVIDER_ERROR);
    CHECK_STR(mid.text, "partial text ");
    CHECK_STR(str_at(mid.result, "text"), "partial text ");
    CHECK_MSG(strstr(str_at(mid.result, "error.message") ?: "", "error event in stream: server_error:") != NULL,
              str_at(mid.result, "error.message"));
    outcome_free(&mid);

    struct outcome unauthorized = call(c, "text", 1, WEATHER, "\"provider_api_key\":\"sk-wrong\"");
    CHECK(unauthorized.rc == TRACIA_E_UNAUTHORIZED);
    CHECK_MSG(strstr(str_at(unauthorized.result, "error.message") ?: "", "HTTP 401: Incorrect API key") != NULL,
              str_at(unauthorized.result, "error.message"));
    outcome_free(&unauthorized);

    /* What Responses cannot take, refused before any I/O. */
    char *req = request("text", 1, WEATHER, "\"stop_sequences\":[\"END\"]");
    expect_run_refused(c, req, "the Responses API takes no stop sequences");
    free(req);
    req = request("text", 1, WEATHER, "\"reasoning\":{\"budget_tokens\":2048}");
    expect_run_refused(c, req, "takes an effort");
    free(req);
    expect_run_refused(c, "{\"model\":\"gpt-5\",\"api\":\"graphql\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                       "unknown api 'graphql' (expected chat or responses)");
    expect_run_refused(c,
                       "{\"model\":\"claude-sonnet-4-5\",\"api\":\"responses\",\"provider_api_key\":\"k\","
                       "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                       "'api' chooses an OpenAI API");
    tracia_client_free(c);
}

/* A one-line call: `keys` name the model (and the API), the base URL is the fake's plus `base_path`. */
static struct outcome call_hi(tracia_client *c, const char *keys, const char *base_path) {
    char *req = NULL;
    CHECK(asprintf(&req, "{%s,\"base_url\":\"%s%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", keys, openai_url(),
                   base_path) > 0);
    struct outcome o = run_call(c, req);
    free(req);
    return o;
}

void test_responses_chosen_for_models_only_it_serves(void) {
    tracia_client *c = client();
    const char *models[] = {"gpt-5-codex", "o3-pro", "gpt-5.2-pro-2025-12-11", "codex-mini-latest"};
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        char token[64], keys[128], base_path[128];
        snprintf(token, sizeof token, "%s", unique_token());
        snprintf(keys, sizeof keys, "\"model\":\"%s\",\"provider\":\"openai\"", models[i]);
        snprintf(base_path, sizeof base_path, "/s/text/%s/v1", token);
        struct outcome o = call_hi(c, keys, base_path);
        CHECK_MSG(o.rc == 0, models[i]);
        json_t *seen = fake_request(openai_url(), token);
        CHECK_MSG(strstr(str_at(seen, "path") ?: "", "/v1/responses") != NULL, models[i]);
        json_decref(seen);
        outcome_free(&o);
    }
    /* Forced to Chat Completions: the service's 404 for such a model. */
    struct outcome chat = call_hi(c, "\"model\":\"gpt-5-codex\",\"api\":\"chat\"", "/v1");
    CHECK(chat.rc == TRACIA_E_NOT_FOUND);
    CHECK_MSG(strstr(str_at(chat.result, "error.message") ?: "", "only supported in v1/responses") != NULL, str_at(chat.result, "error.message"));
    outcome_free(&chat);
    /* gpt-5 itself is served by both: Chat Completions unless asked. */
    chat = call_hi(c, "\"model\":\"gpt-5\"", "/v1");
    CHECK(chat.rc == 0);
    json_t *seen = fake_request(openai_url(), "/v1/");
    CHECK(strstr(str_at(seen, "path") ?: "", "/chat/completions") != NULL);
    json_decref(seen);
    outcome_free(&chat);
    tracia_client_free(c);
}

void test_responses_abort_keeps_what_came(void) {
    tracia_client *c = client();
    char *req = request("thinking/hold", 1, "[{\"role\":\"user\",\"content\":\"Il fait beau\"}]", "");
    tracia_stream *s = tracia_run_local(c, req);
    CHECK(s != NULL);
    const char *chunk;
    size_t length;
    char text[64] = "";
    while (strlen(text) < strlen("Il fait beau") && tracia_stream_next(s, &chunk, &length) == 1) strncat(text, chunk, length);
    CHECK_STR(text, "Il fait beau");
    double start = now_ms();
    tracia_stream_abort(s);
    CHECK(tracia_stream_next(s, &chunk, &length) == 0);
    CHECK(now_ms() - start < 500);
    char *result = tracia_stream_result(s);
    json_t *r = json_loads(result, 0, NULL);
    CHECK(json_is_true(at(r, "aborted")));
    CHECK_STR(str_at(r, "text"), "Il fait beau");
    CHECK_STR(str_at(r, "reasoning"), REASONING_TEXT);
    CHECK_STR(str_at(r, "message.content.0.id"), "rs_fake_thinking");
    json_decref(r);
    tracia_free(result);
    tracia_stream_free(s);
    free(req);
    tracia_client_free(c);
}

/* Images and documents as Responses input parts; the fake describes what it received. */
void test_responses_media_parts(void) {
    tracia_client *c = client();
    const char *parts =
        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Describe\"},"
        "{\"type\":\"image\",\"data\":\"iVBORw0KGgo=\",\"media_type\":\"image/png\",\"detail\":\"low\"},"
        "{\"type\":\"document\",\"data\":\"JVBERi0xLjQK\",\"media_type\":\"application/pdf\",\"filename\":\"q3.pdf\"},"
        "{\"type\":\"image_url\",\"image_url\":\"https://x.test/cat.png\"},"
        "{\"type\":\"file\",\"file\":{\"file_id\":\"file-abc123\"}}]}]";
    for (int stream = 0; stream <= 1; stream++) {
        char scenario[96];
        snprintf(scenario, sizeof scenario, "describe/%s", unique_token());
        struct outcome o = call(c, scenario, stream, parts, "");
        CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
        CHECK_STR(o.text, "image image/png 8 bytes, document application/pdf 9 bytes, image https://x.test/cat.png, document file-abc123");
        json_t *body = fake_request_body(openai_url(), scenario);
        CHECK_STR(str_at(body, "input.0.content.0.type"), "input_text");
        CHECK_STR(str_at(body, "input.0.content.1.type"), "input_image");
        CHECK_STR(str_at(body, "input.0.content.1.image_url"), "data:image/png;base64,iVBORw0KGgo=");
        CHECK_STR(str_at(body, "input.0.content.1.detail"), "low");
        CHECK_STR(str_at(body, "input.0.content.2.type"), "input_file");
        CHECK_STR(str_at(body, "input.0.content.2.filename"), "q3.pdf");
        CHECK_STR(str_at(body, "input.0.content.4.file_id"), "file-abc123");
        json_decref(body);
        outcome_free(&o);
    }
    tracia_client_free(c);
}

/* The Responses stream read as typed events: the reasoning summary, then each call started, its
 * argument fragments and its end (output_item.done), in the order of the output items. */
void test_responses_events_in_item_order(void) {
    tracia_client *c = client();
    char *req = request("thinking-tools", 1, WEATHER, "");
    tracia_stream *s = tracia_run_local(c, req);
    CHECK(s != NULL);
    tracia_event e;
    char order[256] = "", reasoning[128] = "", arguments[2][64] = {"", ""};
    int rc;
    while ((rc = tracia_stream_next_event(s, &e)) == 1 && e.type != TRACIA_EVENT_END) {
        const char *mark = "";
        switch (e.type) {
        case TRACIA_EVENT_REASONING:
            strncat(reasoning, e.data, e.length);
            mark = strstr(order, "R") ? "" : "R";
            break;
        case TRACIA_EVENT_TOOL_CALL_START: mark = e.index == 0 ? "S0" : "S1"; break;
        case TRACIA_EVENT_TOOL_CALL_DELTA:
            if (e.index < 2) strncat(arguments[e.index], e.data, e.length);
            break;
        case TRACIA_EVENT_TOOL_CALL_END: mark = e.index == 0 ? "E0" : "E1"; break;
        case TRACIA_EVENT_TEXT: mark = "T"; break;
        }
        strcat(order, mark);
    }
    CHECK(rc >= 0);
    CHECK_STR(order, "RS0E0S1E1");
    CHECK_STR(reasoning, REASONING_TEXT);
    CHECK_STR(arguments[0], "{\"city\": \"Paris\"}");
    CHECK_STR(arguments[1], "{\"city\": \"Rome\"}");
    tracia_stream_free(s);
    free(req);
    tracia_client_free(c);
}
