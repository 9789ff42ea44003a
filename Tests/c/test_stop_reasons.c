/* What real traffic carries, through the Anthropic fake: server-side tool blocks kept in the
 * message (never tool calls) and accepted back unchanged, a refusal, a pause, a tool call cut by
 * the output budget, and finish_reason null when the model did not finish. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *anthropic_url(void) { return getenv("FAKE_ANTHROPIC") ?: "http://127.0.0.1:1"; }

static tracia_client *anthropic_client(void) {
    tracia_client *c = tracia_client_new("{\"anthropic_api_key\":\"sk-ant-test-key\",\"spans_file\":\"/dev/null\",\"max_retries\":0}");
    CHECK_MSG(c != NULL, tracia_last_error());
    return c;
}

static char *anthropic_request(const char *scenario, int stream, const char *messages) {
    char *out = NULL;
    int n = asprintf(&out, "{\"model\":\"claude-sonnet-4-5\",\"stream\":%s,\"base_url\":\"%s/s/%s\",\"messages\":%s}",
                     stream ? "true" : "false", anthropic_url(), scenario, messages);
    return n < 0 ? NULL : out;
}

/* Runs a call to the end; returns the result JSON (the caller frees it) and the streamed text. */
static json_t *run_to_end(tracia_client *c, const char *request, struct outcome *o) {
    tracia_stream *s = tracia_run_local(c, request);
    CHECK_MSG(s != NULL, tracia_last_error());
    *o = run_stream(s);
    tracia_stream_free(s);
    return o->result;
}

#define USER "[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]"

void test_server_tools_stay_in_the_message_and_come_back_unchanged(void) {
    tracia_client *c = anthropic_client();
    for (int stream = 0; stream <= 1; stream++) {
        char *req = anthropic_request("server-tools", stream, USER);
        struct outcome o;
        json_t *r = run_to_end(c, req, &o);
        CHECK(o.rc == 0);
        /* Only the client call is a tool call; the search is the service's own. */
        CHECK(json_array_size(at(r, "tool_calls")) == 1);
        CHECK_STR(str_at(r, "tool_calls.0.id"), "toolu_A");
        CHECK_STR(str_at(r, "finish_reason"), "tool_calls");
        CHECK_STR(str_at(r, "message.content.0.type"), "server_tool");
        CHECK_STR(str_at(r, "message.content.0.provider"), "anthropic");
        CHECK_STR(str_at(r, "message.content.0.block.type"), "server_tool_use");
        CHECK_STR(str_at(r, "message.content.0.block.input.query"), "weather Paris");
        CHECK_STR(str_at(r, "message.content.1.block.type"), "web_search_tool_result");
        CHECK_STR(str_at(r, "message.content.1.block.content.0.encrypted_content"), "EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5");
        CHECK_STR(str_at(r, "message.content.2.text"), "Sunny.");
        CHECK_STR(str_at(r, "message.content.3.type"), "tool_call");

        /* The follow-up with the message and the tool's result: the fake refuses any change. */
        char *message = json_dumps(at(r, "message"), JSON_COMPACT);
        char *messages = NULL;
        CHECK(asprintf(&messages,
                       "[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},%s,"
                       "{\"role\":\"tool\",\"tool_call_id\":\"toolu_A\",\"content\":\"sunny\"}]",
                       message) > 0);
        char *follow = anthropic_request("server-tools", stream, messages);
        struct outcome f;
        json_t *fr = run_to_end(c, follow, &f);
        CHECK_MSG(f.rc == 0, str_at(fr, "error.message") ?: "");
        CHECK_STR(str_at(fr, "finish_reason"), "stop");

        /* An altered server block is the service's 400. */
        char *altered = strdup(messages);
        char *at_query = strstr(altered, "weather Paris");
        CHECK(at_query != NULL);
        if (at_query) memcpy(at_query, "weather Rome ", 13);
        char *bad = anthropic_request("server-tools", stream, altered);
        struct outcome b;
        json_t *br = run_to_end(c, bad, &b);
        CHECK(b.rc == TRACIA_E_PROVIDER_ERROR);
        CHECK(strstr(str_at(br, "error.message") ?: "", "unchanged") != NULL);

        outcome_free(&b);
        free(bad);
        free(altered);
        outcome_free(&f);
        free(follow);
        free(messages);
        free(message);
        outcome_free(&o);
        free(req);
    }
    tracia_client_free(c);
}

void test_refusal_pause_and_cut_tool_call_are_results(void) {
    tracia_client *c = anthropic_client();
    for (int stream = 0; stream <= 1; stream++) {
        struct outcome o;
        char *req = anthropic_request("refusal", stream, USER);
        json_t *r = run_to_end(c, req, &o);
        CHECK(o.rc == 0 && at(r, "error") == NULL);
        CHECK_STR(str_at(r, "finish_reason"), "content_filter");
        CHECK_STR(str_at(r, "stop_reason"), "refusal");
        CHECK_STR(str_at(r, "refusal"), "This request triggered restrictions on violative cyber content.");
        CHECK_STR(str_at(r, "text"), "");
        outcome_free(&o);
        free(req);

        req = anthropic_request("pause-turn", stream, USER);
        r = run_to_end(c, req, &o);
        CHECK_STR(str_at(r, "finish_reason"), "pause_turn");
        CHECK_STR(str_at(r, "stop_reason"), "pause_turn");
        CHECK_STR(str_at(r, "text"), "Weather in Paris?");
        outcome_free(&o);
        free(req);

        req = anthropic_request("tool-cut", stream, USER);
        r = run_to_end(c, req, &o);
        CHECK_MSG(o.rc == 0, str_at(r, "error.message") ?: "");
        CHECK_STR(str_at(r, "finish_reason"), "max_tokens");
        CHECK_STR(str_at(r, "text"), "Let me check.");
        if (stream) { /* a whole response carries the text only */
            CHECK(json_is_true(at(r, "tool_calls.0.incomplete")));
            CHECK_STR(str_at(r, "tool_calls.0.raw_arguments"), "{\"city\": \"Par");
            CHECK(json_object_size(at(r, "tool_calls.0.arguments")) == 0);
        }
        CHECK(json_is_string(at(r, "message.content")));  /* the cut call is not sent back */
        CHECK(int_at(r, "usage.output_tokens") == 16);
        outcome_free(&o);
        free(req);
    }
    tracia_client_free(c);
}

void test_finish_reason_is_null_when_the_model_did_not_finish(void) {
    tracia_client *c = anthropic_client();
    char *req = anthropic_request("text/hold", 1, USER);
    tracia_stream *s = tracia_run_local(c, req);
    CHECK_MSG(s != NULL, tracia_last_error());
    const char *chunk;
    size_t length;
    CHECK(tracia_stream_next(s, &chunk, &length) == 1);
    tracia_stream_abort(s);
    char *text = tracia_stream_result(s);
    json_t *r = json_loads(text, 0, NULL);
    CHECK(json_is_true(at(r, "aborted")) && json_is_null(at(r, "finish_reason")));
    CHECK(json_is_false(at(r, "usage_complete")));
    json_decref(r);
    tracia_free(text);
    tracia_stream_free(s);
    free(req);

    req = anthropic_request("status/500", 1, USER);
    struct outcome o;
    r = run_to_end(c, req, &o);
    CHECK(o.rc == TRACIA_E_PROVIDER_ERROR && json_is_null(at(r, "finish_reason")));
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}
