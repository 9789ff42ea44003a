/* The same behaviours through every provider's wire format (OpenAI's two APIs, Azure's too),
 * each against its fake server:
 * text cut into single bytes, tool calls and the follow-up call, length stops, usage, errors
 * (HTTP, mid-stream, dropped, malformed) and abort. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

struct provider {
    const char *name;
    const char *model;
    const char *url_env;
    const char *key_option;   /* client options giving the fake's key */
    const char *base_suffix;  /* what follows the scenario in base_url */
    long long input_tokens;   /* what the fake reports for a text answer */
    const char *tool_ids[2];
    void (*check_follow_up)(json_t *body);
    const char *request_keys; /* more request keys ("\"k\":v,"), or "" */
    const char *result_provider; /* the result's provider; NULL: name */
};

static void follow_up_openai(json_t *body) {
    CHECK_STR(str_at(body, "messages.0.role"), "system");
    CHECK_STR(str_at(body, "messages.2.tool_calls.0.function.arguments"), "{\"city\":\"Paris\"}");
    CHECK_STR(str_at(body, "messages.3.role"), "tool");
    CHECK_STR(str_at(body, "messages.3.tool_call_id"), "call_A");
    CHECK_STR(str_at(body, "messages.4.tool_call_id"), "call_B");
    CHECK_STR(str_at(body, "tool_choice"), "required");
}

static void follow_up_responses(json_t *body) {
    CHECK_STR(str_at(body, "instructions"), "Be brief.");
    CHECK_STR(str_at(body, "input.0.role"), "user");
    CHECK_STR(str_at(body, "input.0.content"), "Weather?");
    CHECK_STR(str_at(body, "input.1.type"), "function_call");
    CHECK_STR(str_at(body, "input.1.call_id"), "call_A");
    CHECK_STR(str_at(body, "input.1.arguments"), "{\"city\":\"Paris\"}");
    CHECK_STR(str_at(body, "input.2.call_id"), "call_B");
    CHECK_STR(str_at(body, "input.3.type"), "function_call_output");
    CHECK_STR(str_at(body, "input.3.call_id"), "call_A");
    CHECK_STR(str_at(body, "input.3.output"), "21C");
    CHECK_STR(str_at(body, "input.4.call_id"), "call_B");
    CHECK_STR(str_at(body, "input.5.content"), "Thanks");
    CHECK(json_array_size(at(body, "input")) == 6);
    CHECK_STR(str_at(body, "tools.0.name"), "get_weather");
    CHECK_STR(str_at(body, "tools.0.parameters.type"), "object");
    CHECK_STR(str_at(body, "tool_choice"), "required");
}

static void follow_up_anthropic(json_t *body) {
    CHECK_STR(str_at(body, "system"), "Be brief.");
    CHECK(int_at(body, "max_tokens") == 64000); /* Sonnet 4.5's maximum output */
    CHECK_STR(str_at(body, "messages.0.role"), "user");
    CHECK_STR(str_at(body, "messages.1.role"), "assistant");
    CHECK_STR(str_at(body, "messages.1.content.0.type"), "text");
    CHECK_STR(str_at(body, "messages.1.content.0.text"), "Checking.");
    CHECK_STR(str_at(body, "messages.1.content.1.type"), "tool_use");
    CHECK_STR(str_at(body, "messages.1.content.1.id"), "toolu_A");
    CHECK_STR(str_at(body, "messages.1.content.1.input.city"), "Paris");
    CHECK_STR(str_at(body, "messages.1.content.2.input.city"), "Rome");
    /* Both results in one user turn, first, then the user's text. */
    CHECK_STR(str_at(body, "messages.2.role"), "user");
    CHECK_STR(str_at(body, "messages.2.content.0.type"), "tool_result");
    CHECK_STR(str_at(body, "messages.2.content.0.tool_use_id"), "toolu_A");
    CHECK_STR(str_at(body, "messages.2.content.0.content"), "21C");
    CHECK_STR(str_at(body, "messages.2.content.1.tool_use_id"), "toolu_B");
    CHECK_STR(str_at(body, "messages.2.content.2.type"), "text");
    CHECK(json_array_size(at(body, "messages")) == 3);
    CHECK_STR(str_at(body, "tools.0.name"), "get_weather");
    CHECK_STR(str_at(body, "tools.0.input_schema.type"), "object");
    CHECK_STR(str_at(body, "tool_choice.type"), "any");
}

static void follow_up_gemini(json_t *body) {
    CHECK_STR(str_at(body, "systemInstruction.parts.0.text"), "Be brief.");
    CHECK_STR(str_at(body, "contents.0.role"), "user");
    CHECK_STR(str_at(body, "contents.0.parts.0.text"), "Weather?");
    CHECK_STR(str_at(body, "contents.1.role"), "model");
    CHECK_STR(str_at(body, "contents.1.parts.0.functionCall.name"), "get_weather");
    CHECK_STR(str_at(body, "contents.1.parts.0.functionCall.args.city"), "Paris");
    CHECK(at(body, "contents.1.parts.0.functionCall.id") == NULL); /* ids Gemini did not send are not invented */
    CHECK_STR(str_at(body, "contents.2.role"), "user");
    CHECK_STR(str_at(body, "contents.2.parts.0.functionResponse.name"), "get_weather");
    CHECK_STR(str_at(body, "contents.2.parts.0.functionResponse.response.output"), "21C");
    CHECK_STR(str_at(body, "contents.2.parts.1.functionResponse.response.output"), "25C");
    CHECK_STR(str_at(body, "contents.2.parts.2.text"), "Thanks");
    CHECK_STR(str_at(body, "tools.0.functionDeclarations.0.name"), "get_weather");
    CHECK_STR(str_at(body, "tools.0.functionDeclarations.0.parametersJsonSchema.type"), "object");
    CHECK_STR(str_at(body, "toolConfig.functionCallingConfig.mode"), "ANY");
}

static void follow_up_bedrock(json_t *body) {
    CHECK_STR(str_at(body, "system.0.text"), "Be brief.");
    CHECK_STR(str_at(body, "messages.0.role"), "user");
    CHECK_STR(str_at(body, "messages.0.content.0.text"), "Weather?");
    CHECK_STR(str_at(body, "messages.1.role"), "assistant");
    CHECK_STR(str_at(body, "messages.1.content.0.text"), "Checking.");
    CHECK_STR(str_at(body, "messages.1.content.1.toolUse.toolUseId"), "tooluse_A");
    CHECK_STR(str_at(body, "messages.1.content.1.toolUse.input.city"), "Paris");
    CHECK_STR(str_at(body, "messages.2.role"), "user");
    CHECK_STR(str_at(body, "messages.2.content.0.toolResult.toolUseId"), "tooluse_A");
    CHECK_STR(str_at(body, "messages.2.content.0.toolResult.content.0.text"), "21C");
    CHECK_STR(str_at(body, "messages.2.content.0.toolResult.status"), "success");
    CHECK_STR(str_at(body, "messages.2.content.1.toolResult.toolUseId"), "tooluse_B");
    CHECK_STR(str_at(body, "messages.2.content.2.text"), "Thanks");
    CHECK_STR(str_at(body, "toolConfig.tools.0.toolSpec.name"), "get_weather");
    CHECK_STR(str_at(body, "toolConfig.tools.0.toolSpec.inputSchema.json.type"), "object");
    CHECK(json_is_object(at(body, "toolConfig.toolChoice.any")));
}

static const struct provider providers[] = {
    {"openai", "gpt-4.1-mini", "FAKE_OPENAI", "\"openai_api_key\":\"sk-test-key\"", "/v1", 9, {"call_A", "call_B"}, follow_up_openai,
     "", NULL},
    {"anthropic", "claude-sonnet-4-5", "FAKE_ANTHROPIC", "\"anthropic_api_key\":\"sk-ant-test-key\"", "", 12, {"toolu_A", "toolu_B"},
     follow_up_anthropic, "", NULL},
    {"google", "gemini-2.5-flash", "FAKE_GOOGLE", "\"google_api_key\":\"gemini-test-key\"", "", 8,
     {"call_gemini_0", "call_gemini_1"}, follow_up_gemini, "", NULL},
    {"amazon_bedrock", "anthropic.claude-3-haiku-20240307-v1:0", "FAKE_BEDROCK",
     "\"aws_access_key_id\":\"AKIDEXAMPLE\",\"aws_secret_access_key\":\"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\","
     "\"aws_session_token\":\"SESSIONTOKEN\",\"aws_region\":\"us-east-1\"",
     "", 8, {"tooluse_A", "tooluse_B"}, follow_up_bedrock, "", NULL},
    {"openai responses", "gpt-5", "FAKE_OPENAI", "\"openai_api_key\":\"sk-test-key\"", "/v1", 9, {"call_A", "call_B"},
     follow_up_responses, "\"api\":\"responses\",", "openai"},
    {"azure", "gpt-4o-mini", "FAKE_AZURE", "\"azure_api_key\":\"azure-test-key\",\"azure_api_version\":\"2024-10-21\"", "", 9,
     {"call_A", "call_B"}, follow_up_openai, "\"provider\":\"azure\",", NULL},
    {"azure responses", "gpt-5", "FAKE_AZURE", "\"azure_ad_token\":\"azure-ad-test-token\"", "", 9, {"call_A", "call_B"},
     follow_up_responses, "\"provider\":\"azure\",\"api\":\"responses\",", "azure"},
};
#define EACH_PROVIDER(p) for (const struct provider *p = providers; p < providers + sizeof providers / sizeof providers[0]; p++)

static const char *fake_url(const struct provider *p) {
    const char *u = getenv(p->url_env);
    return u ? u : "http://127.0.0.1:1";
}

static tracia_client *client_for(const struct provider *p, const char *extra) {
    char options[1024];
    snprintf(options, sizeof options, "{%s,\"spans_file\":\"/dev/null\",\"max_retries\":0%s%s}", p->key_option,
             extra && *extra ? "," : "", extra ? extra : "");
    tracia_client *c = tracia_client_new(options);
    CHECK_MSG(c != NULL, tracia_last_error());
    return c;
}

static char *request_for(const struct provider *p, const char *scenario, int stream, const char *messages, const char *extra) {
    char *out = NULL;
    int n = asprintf(&out, "{\"model\":\"%s\",%s\"stream\":%s,\"base_url\":\"%s/s/%s%s\",\"messages\":%s%s%s}", p->model,
                     p->request_keys, stream ? "true" : "false", fake_url(p), scenario, p->base_suffix, messages,
                     extra && *extra ? "," : "", extra ? extra : "");
    return n < 0 ? NULL : out;
}

static struct outcome call(const struct provider *p, const char *options, const char *scenario, int stream, const char *text) {
    char messages[512];
    snprintf(messages, sizeof messages, "[{\"role\":\"user\",\"content\":\"%s\"}]", text);
    tracia_client *c = client_for(p, options);
    char *req = request_for(p, scenario, stream, messages, "");
    struct outcome o = run_call(c, req);
    free(req);
    tracia_client_free(c);
    return o;
}

void test_providers_stream_utf8_bytewise(void) {
    const char *text = "h\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89";
    EACH_PROVIDER(p) {
        struct outcome o = call(p, "", "bytewise", 1, text);
        CHECK_MSG(o.rc == 0, p->name);
        CHECK_STR(o.text, text);
        CHECK_MSG(!o.chunk_was_bad_utf8, p->name);
        CHECK_MSG(o.chunks == 3, p->name);
        CHECK_MSG(int_at(o.result, "usage.input_tokens") == p->input_tokens, p->name);
        CHECK_MSG(int_at(o.result, "usage.output_tokens") == 3, p->name);
        CHECK_MSG(int_at(o.result, "usage.total_tokens") == p->input_tokens + 3, p->name);
        CHECK_STR(str_at(o.result, "finish_reason"), "stop");
        CHECK_STR(str_at(o.result, "provider"), p->result_provider ? p->result_provider : p->name);
        outcome_free(&o);
    }
}

void test_providers_non_streaming(void) {
    EACH_PROVIDER(p) {
        struct outcome o = call(p, "", "text", 0, "all at once");
        CHECK_MSG(o.rc == 0 && o.chunks == 1, p->name);
        CHECK_STR(o.text, "all at once");
        CHECK_MSG(int_at(o.result, "usage.output_tokens") == 3, p->name);
        outcome_free(&o);
    }
}

static json_t *last_body(const struct provider *p, const char *fragment) { return fake_request_body(fake_url(p), fragment); }

void test_providers_tool_calls_and_follow_up(void) {
    const char *tools = "\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather\",\"parameters\":{\"type\":\"object\","
                        "\"properties\":{\"city\":{\"type\":\"string\"}}}}],\"tool_choice\":\"required\"";
    EACH_PROVIDER(p) {
        for (int stream = 0; stream <= 1; stream++) {
            tracia_client *c = client_for(p, "");
            char *req = request_for(p, "tools", stream,
                                    "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Weather?\"}]", tools);
            struct outcome o = run_call(c, req);
            CHECK_MSG(o.rc == 0, p->name);
            CHECK_STR(str_at(o.result, "finish_reason"), "tool_calls");
            CHECK_MSG(json_array_size(at(o.result, "tool_calls")) == 2, p->name);
            CHECK_STR(str_at(o.result, "tool_calls.0.id"), p->tool_ids[0]);
            CHECK_STR(str_at(o.result, "tool_calls.0.name"), "get_weather");
            CHECK_STR(str_at(o.result, "tool_calls.0.arguments.city"), "Paris");
            CHECK_STR(str_at(o.result, "tool_calls.1.id"), p->tool_ids[1]);
            CHECK_STR(str_at(o.result, "tool_calls.1.arguments.city"), "Rome");

            char *message = json_dumps(at(o.result, "message"), JSON_COMPACT);
            char *messages = NULL, *token = strdup(unique_token()), scenario[128];
            int n = asprintf(&messages,
                             "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Weather?\"},%s,"
                             "{\"role\":\"tool\",\"tool_call_id\":\"%s\",\"tool_name\":\"get_weather\",\"content\":\"21C\"},"
                             "{\"role\":\"tool\",\"tool_call_id\":\"%s\",\"tool_name\":\"get_weather\",\"content\":\"25C\"},"
                             "{\"role\":\"user\",\"content\":\"Thanks\"}]",
                             message, p->tool_ids[0], p->tool_ids[1]);
            CHECK(n > 0);
            snprintf(scenario, sizeof scenario, "text/%s", token);
            char *follow = request_for(p, scenario, stream, messages, tools);
            struct outcome f = run_call(c, follow);
            CHECK_MSG(f.rc == 0, p->name);
            CHECK_STR(f.text, "Thanks");
            json_t *body = last_body(p, token);
            CHECK_MSG(body != NULL, p->name);
            p->check_follow_up(body);
            json_decref(body);
            outcome_free(&f);
            free(follow);
            free(messages);
            free(message);
            free(token);
            outcome_free(&o);
            free(req);
            tracia_client_free(c);
        }
    }
}

void test_providers_length_stop(void) {
    EACH_PROVIDER(p) {
        for (int stream = 0; stream <= 1; stream++) {
            struct outcome o = call(p, "", "length", stream, "cut here");
            CHECK_MSG(o.rc == 0, p->name);
            CHECK_STR(str_at(o.result, "finish_reason"), "max_tokens");
            outcome_free(&o);
        }
    }
}

/* Every fault on every provider, streaming and not: the right code, the text received before the
 * fault kept, next() bounded, an ERROR span with a sanitized error, and the client still works. */
void test_providers_fault_matrix(void) {
    struct fault {
        const char *scenario;
        int rc;
        const char *code;
        const char *streamed_text; /* what a stream keeps; a whole response keeps nothing */
        long long status;
    } faults[] = {
        {"status/400", TRACIA_E_PROVIDER_ERROR, "PROVIDER_ERROR", "", 400},
        {"status/401", TRACIA_E_UNAUTHORIZED, "UNAUTHORIZED", "", 401},
        {"status/429", TRACIA_E_PROVIDER_ERROR, "PROVIDER_ERROR", "", 429},
        {"status/500", TRACIA_E_PROVIDER_ERROR, "PROVIDER_ERROR", "", 500},
        {"status/503", TRACIA_E_PROVIDER_ERROR, "PROVIDER_ERROR", "", 503},
        {"drop-before-headers", TRACIA_E_NETWORK_ERROR, "NETWORK_ERROR", "", 0},
        {"drop-mid", TRACIA_E_NETWORK_ERROR, "NETWORK_ERROR", "partial text ", 0},
        {"midstream-error", TRACIA_E_PROVIDER_ERROR, "PROVIDER_ERROR", "partial text ", 0},
        {"malformed", TRACIA_E_PROVIDER_ERROR, "PROVIDER_ERROR", "partial text ", 0},
        {"truncated", TRACIA_E_NETWORK_ERROR, "NETWORK_ERROR", "partial text kept", 0},
        {"stall", TRACIA_E_TIMEOUT, "TIMEOUT", "partial text ", 0},
        {"no-headers", TRACIA_E_TIMEOUT, "TIMEOUT", "", 0},
        {"long/3000", TRACIA_E_PROVIDER_ERROR, "PROVIDER_ERROR", NULL, 0},
        {"refused", TRACIA_E_NETWORK_ERROR, "NETWORK_ERROR", "", 0},
    };
    char dir[] = "/tmp/tracia-faults-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    EACH_PROVIDER(p) {
        char spans[256], options[512];
        snprintf(spans, sizeof spans, "%s/%s.jsonl", dir, p->name);
        snprintf(options, sizeof options, "\"idle_timeout_ms\":300,\"max_response_bytes\":4096,\"spans_file\":\"%s\"", spans);
        char *json_options = NULL;
        int n = asprintf(&json_options, "{%s,\"max_retries\":0,%s}", p->key_option, options);
        CHECK(n > 0);
        tracia_client *c = tracia_client_new(json_options);
        free(json_options);
        for (int stream = 0; stream <= 1; stream++) {
            for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
                struct fault *f = &faults[i];
                char what[160], messages[] = "[{\"role\":\"user\",\"content\":\"partial text kept\"}]", *req;
                snprintf(what, sizeof what, "%s %s %s", p->name, stream ? "stream" : "whole", f->scenario);
                if (strcmp(f->scenario, "refused") == 0) {
                    n = asprintf(&req, "{\"model\":\"%s\",%s\"stream\":%s,\"base_url\":\"http://127.0.0.1:1\",\"messages\":%s}",
                                 p->model, p->request_keys, stream ? "true" : "false", messages);
                    CHECK(n > 0);
                } else {
                    req = request_for(p, f->scenario, stream, messages, "\"timeout_ms\":1500");
                }
                double start = now_ms();
                struct outcome o = run_call(c, req);
                CHECK_MSG(now_ms() - start < 3000, what);
                CHECK_MSG(o.rc == f->rc, what);
                CHECK_MSG(str_at(o.result, "error.code") && strcmp(str_at(o.result, "error.code"), f->code) == 0, what);
                if (f->streamed_text) CHECK_MSG(strcmp(o.text, stream ? f->streamed_text : "") == 0, what);
                if (f->status) CHECK_MSG(int_at(o.result, "error.status_code") == f->status, what);
                CHECK_MSG(strstr(str_at(o.result, "error.message") ?: "", "test-key") == NULL, what);
                CHECK(tracia_flush(c, 5000) == 0);
                /* The span of the failed call: ERROR, with the error and the partial text. */
                FILE *file = fopen(spans, "r");
                char line[65536], last[65536] = "";
                while (file && fgets(line, sizeof line, file)) strcpy(last, line);
                if (file) fclose(file);
                json_t *span = json_loads(last, 0, NULL);
                CHECK_MSG(span && strcmp(str_at(span, "spanId") ?: "", o.span_id) == 0, what);
                CHECK_MSG(strcmp(str_at(span, "status") ?: "", "ERROR") == 0, what);
                CHECK_MSG(strlen(str_at(span, "error") ?: "") > 0, what);
                CHECK_MSG(strcmp(str_at(span, "output") ?: "?", o.text) == 0, what);
                CHECK_MSG(strstr(last, "test-key") == NULL && strstr(last, "EXAMPLEKEY") == NULL, what);
                json_decref(span);
                outcome_free(&o);
                free(req);
                /* The client keeps working. */
                char *again = request_for(p, "text", stream, "[{\"role\":\"user\",\"content\":\"still fine\"}]", "");
                struct outcome ok = run_call(c, again);
                CHECK_MSG(ok.rc == 0 && strcmp(ok.text, "still fine") == 0, what);
                outcome_free(&ok);
                free(again);
            }
        }
        tracia_client_free(c);
        unlink(spans);
    }
}

void test_providers_retry_after(void) {
    EACH_PROVIDER(p) {
        char scenario[128];
        snprintf(scenario, sizeof scenario, "flaky/429/1/%s", unique_token());
        char options[512];
        snprintf(options, sizeof options, "{%s,\"spans_file\":\"/dev/null\",\"max_retries\":2}", p->key_option);
        tracia_client *c = tracia_client_new(options);
        char *req = request_for(p, scenario, 1, "[{\"role\":\"user\",\"content\":\"after waiting\"}]", "");
        struct outcome o = run_call(c, req);
        CHECK_MSG(o.rc == 0 && strcmp(o.text, "after waiting") == 0, p->name);
        /* The fake asked for 50 ms; the default backoff would have waited at least 375 ms. */
        char url[512];
        snprintf(url, sizeof url, "%s/_requests", fake_url(p));
        json_t *all = get_json(url);
        long long times[2] = {0, 0};
        int seen = 0;
        size_t i;
        json_t *r;
        json_array_foreach(all, i, r) {
            if (strstr(str_at(r, "path") ?: "", scenario) && seen < 2) times[seen++] = int_at(r, "t");
        }
        CHECK_MSG(seen == 2, p->name);
        double gap_ms = (double)(times[1] - times[0]) / 1e6;
        char gap[96];
        snprintf(gap, sizeof gap, "%s: %.1f ms between the attempts", p->name, gap_ms);
        CHECK_MSG(gap_ms >= 40 && gap_ms < 350, gap);
        json_decref(all);
        outcome_free(&o);
        free(req);
        tracia_client_free(c);
    }
}

void test_providers_abort(void) {
    EACH_PROVIDER(p) {
        tracia_client *c = client_for(p, "");
        char *req = request_for(p, "slow", 1, "[{\"role\":\"user\",\"content\":\"a b c\"}]", "");
        tracia_stream *s = tracia_run_local(c, req);
        const char *chunk;
        size_t length;
        for (int i = 0; i < 4; i++) CHECK_MSG(tracia_stream_next(s, &chunk, &length) == 1, p->name);
        tracia_stream_abort(s);
        CHECK(tracia_stream_next(s, &chunk, &length) == 0);
        char *r = tracia_stream_result(s);
        json_t *j = json_loads(r, 0, NULL);
        CHECK_MSG(json_is_true(at(j, "aborted")), p->name);
        CHECK_MSG(strncmp(str_at(j, "text") ?: "", "a b x", 5) == 0, p->name);
        json_decref(j);
        tracia_free(r);
        tracia_stream_free(s);
        free(req);
        tracia_client_free(c);
    }
}

static json_t *last_request(const char *url_env, const char *fragment) {
    return fake_request(getenv(url_env) ?: "http://127.0.0.1:1", fragment);
}

void test_bedrock_auth_and_model_ids(void) {
    const char *fake = getenv("FAKE_BEDROCK") ?: "http://127.0.0.1:1";
    char options[512], request[1024];
    /* A bearer key instead of SigV4; the region prefix comes from aws_region. */
    snprintf(options, sizeof options, "{\"bedrock_api_key\":\"bedrock-test-key\",\"aws_region\":\"eu-central-1\",\"spans_file\":\"/dev/null\"}");
    tracia_client *c = tracia_client_new(options);
    snprintf(request, sizeof request, "{\"model\":\"anthropic.claude-3-haiku-20240307-v1:0\",\"stream\":true,\"base_url\":\"%s/s/text/bearer\","
             "\"messages\":[{\"role\":\"user\",\"content\":\"with a key\"}]}", fake);
    struct outcome o = run_call(c, request);
    CHECK(o.rc == 0);
    CHECK_STR(o.text, "with a key");
    json_t *r = last_request("FAKE_BEDROCK", "/bearer/");
    CHECK(strstr(str_at(r, "path") ?: "", "/model/eu.anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream") != NULL);
    CHECK_STR(str_at(r, "headers.Authorization"), "Bearer bedrock-test-key");
    json_decref(r);
    outcome_free(&o);
    /* An id that names its geography keeps it. */
    snprintf(request, sizeof request, "{\"model\":\"global.anthropic.claude-opus-4-6-v1\",\"base_url\":\"%s/s/text/global\","
             "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", fake);
    o = run_call(c, request);
    r = last_request("FAKE_BEDROCK", "/global/");
    CHECK(strstr(str_at(r, "path") ?: "", "/model/global.anthropic.claude-opus-4-6-v1/converse") != NULL);
    json_decref(r);
    outcome_free(&o);
    tracia_client_free(c);

    /* A wrong secret: the fake recomputes the signature and refuses it. */
    snprintf(options, sizeof options, "{\"aws_access_key_id\":\"AKIDEXAMPLE\",\"aws_secret_access_key\":\"not-the-secret\","
             "\"aws_region\":\"us-east-1\",\"spans_file\":\"/dev/null\",\"max_retries\":0}");
    c = tracia_client_new(options);
    snprintf(request, sizeof request, "{\"model\":\"amazon.nova-lite-v1:0\",\"stream\":true,\"base_url\":\"%s/s/text\","
             "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", fake);
    o = run_call(c, request);
    CHECK(o.rc == TRACIA_E_UNAUTHORIZED);
    CHECK(strstr(str_at(o.result, "error.message") ?: "", "signature") != NULL);
    CHECK(strstr(str_at(o.result, "error.message") ?: "", "not-the-secret") == NULL);
    outcome_free(&o);
    tracia_client_free(c);

    /* No key and no credentials: a clear error naming what to set. */
    c = tracia_client_new("{\"spans_file\":\"/dev/null\"}");
    if (!getenv("AWS_ACCESS_KEY_ID") && !getenv("BEDROCK_API_KEY") && !getenv("AWS_BEARER_TOKEN_BEDROCK")) {
        CHECK(tracia_run_local(c, "{\"model\":\"amazon.nova-lite-v1:0\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}") == NULL);
        CHECK(strstr(tracia_last_error(), "MISSING_PROVIDER_API_KEY") != NULL);
        CHECK(strstr(tracia_last_error(), "AWS_ACCESS_KEY_ID") != NULL);
    }
    tracia_client_free(c);
}

void test_anthropic_version_and_sampling(void) {
    const char *fake = getenv("FAKE_ANTHROPIC") ?: "http://127.0.0.1:1";
    char request[1024];
    const char *versions[] = {"2023-06-01", "2026-10-21"};
    for (int i = 0; i < 2; i++) {
        char options[256];
        snprintf(options, sizeof options, "{\"anthropic_api_key\":\"sk-ant-test-key\",\"anthropic_version\":\"%s\",\"spans_file\":\"/dev/null\"}",
                 versions[i]);
        tracia_client *c = tracia_client_new(options);
        snprintf(request, sizeof request, "{\"model\":\"claude-sonnet-4-5\",\"base_url\":\"%s/s/text/version-%d\",\"temperature\":0.3,"
                 "\"top_p\":0.8,\"max_output_tokens\":77,\"stop_sequences\":[\"END\"],\"messages\":[{\"role\":\"user\",\"content\":\"v\"}]}",
                 fake, i);
        struct outcome o = run_call(c, request);
        CHECK(o.rc == 0);
        char fragment[32];
        snprintf(fragment, sizeof fragment, "/version-%d/", i);
        json_t *r = last_request("FAKE_ANTHROPIC", fragment);
        CHECK_STR(str_at(r, "headers.anthropic-version"), versions[i]);
        CHECK(int_at(r, "body.max_tokens") == 77);
        CHECK_STR(str_at(r, "body.stop_sequences.0"), "END");
        /* 2026-10-21 rejects sampling parameters, so they are not sent to it. */
        CHECK((at(r, "body.temperature") != NULL) == (i == 0));
        CHECK((at(r, "body.top_p") != NULL) == (i == 0));
        json_decref(r);
        outcome_free(&o);
        tracia_client_free(c);
    }
}
