/* Spans: the payload the collector receives, delivery through failures, flush, the
 * span-error callback, the JSONL sink, send_trace. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static tracia_client *traced_client(const char *extra) {
    char options[1024];
    snprintf(options, sizeof options, "\"api_key\":\"tr-test-key\",\"base_url\":\"%s\",\"span_retry_base_ms\":50%s%s",
             collector_url(), extra && *extra ? "," : "", extra ? extra : "");
    return test_client(options);
}

static int count_spans(json_t *all, const char *span_id) {
    int n = 0;
    size_t i;
    json_t *span;
    json_array_foreach(json_object_get(all, "spans"), i, span) n += strcmp(str_at(span, "spanId") ?: "", span_id) == 0;
    return n;
}

void test_span_payload_of_a_success(void) {
    tracia_client *c = traced_client("");
    const char *extra = "\"tags\":[\"demo\"],\"user_id\":\"u-1\",\"session_id\":\"s-1\",\"temperature\":0.5,\"top_p\":0.9,"
                        "\"max_output_tokens\":64,\"trace_id\":\"tr_00000000000000ab\",\"parent_span_id\":\"sp_00000000000000cd\","
                        "\"variables\":{\"name\":\"Ada\"}";
    char *req = request_json("s/text", "Hello {{name}}", extra);
    struct outcome o = run_call(c, req);
    CHECK(o.rc == 0);
    CHECK_STR(o.text, "Hello Ada");
    CHECK(tracia_flush(c, 5000) == 0);
    json_t *all;
    json_t *span = wait_for_span(o.span_id, &all, 2000);
    CHECK(span != NULL);
    CHECK(strncmp(o.span_id, "sp_", 3) == 0 && strlen(o.span_id) == 19);
    CHECK_STR(str_at(span, "traceId"), "tr_00000000000000ab");
    CHECK_STR(str_at(span, "parentSpanId"), "sp_00000000000000cd");
    CHECK_STR(str_at(span, "model"), "gpt-4.1-mini");
    CHECK_STR(str_at(span, "provider"), "openai");
    CHECK_STR(str_at(span, "status"), "SUCCESS");
    CHECK_STR(str_at(span, "output"), "Hello Ada");
    CHECK_STR(str_at(span, "input.messages.0.content"), "Hello Ada");
    CHECK_STR(str_at(span, "variables.name"), "Ada");
    CHECK(int_at(span, "inputTokens") == 9);
    CHECK(int_at(span, "outputTokens") == 2);
    CHECK(int_at(span, "totalTokens") == 11);
    CHECK(int_at(span, "latencyMs") >= 0);
    CHECK_STR(str_at(span, "tags.0"), "demo");
    CHECK_STR(str_at(span, "userId"), "u-1");
    CHECK_STR(str_at(span, "sessionId"), "s-1");
    CHECK(json_number_value(at(span, "temperature")) == 0.5);
    CHECK(json_number_value(at(span, "topP")) == 0.9);
    CHECK(int_at(span, "maxOutputTokens") == 64);
    CHECK(at(span, "error") == NULL);
    CHECK(at(span, "toolCalls") == NULL);
    char *dump = json_dumps(span, JSON_COMPACT);
    CHECK_MSG(strstr(dump, "sk-test-key") == NULL && strstr(dump, "tr-test-key") == NULL, "a key leaked into the span");
    free(dump);
    json_decref(all);
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}

/* The OTLP span of a Tracia span id, or NULL. */
static json_t *otlp_span(const char *span_id) {
    char url[512];
    snprintf(url, sizeof url, "%s/_traces", collector_url());
    json_t *all = get_json(url), *found = NULL;
    size_t i, j;
    json_t *trace, *kv;
    json_array_foreach(json_object_get(all, "traces"), i, trace) {
        json_t *span = at(trace, "resourceSpans.0.scopeSpans.0.spans.0");
        json_array_foreach(json_object_get(span, "attributes"), j, kv) {
            if (strcmp(str_at(kv, "key") ?: "", "tracia.span_id") == 0 && strcmp(str_at(kv, "value.stringValue") ?: "", span_id) == 0)
                found = json_incref(span);
        }
    }
    json_decref(all);
    return found;
}

/* Any text links a call to a trace, as the official SDK allows; the Tracia span keeps it as
 * given and OTLP gets W3C ids hashed from it (SHA-256's leading bytes, the same for every call). */
void test_free_form_trace_ids(void) {
    char options[512];
    snprintf(options, sizeof options, "\"otlp_endpoint\":\"%s/v1/traces\"", collector_url());
    tracia_client *c = traced_client(options);
    char *req = request_json("s/text", "Hi", "\"trace_id\":\"conversation-42\",\"parent_span_id\":\"step 3\"");
    struct outcome first = run_call(c, req), second = run_call(c, req);
    CHECK(first.rc == 0 && second.rc == 0);
    CHECK(tracia_flush(c, 5000) == 0);
    json_t *all;
    json_t *span = wait_for_span(first.span_id, &all, 2000);
    CHECK_STR(str_at(span, "traceId"), "conversation-42");
    CHECK_STR(str_at(span, "parentSpanId"), "step 3");
    json_decref(all);
    json_t *a = otlp_span(first.span_id), *b = otlp_span(second.span_id);
    CHECK(a != NULL && b != NULL);
    CHECK_STR(str_at(a, "traceId"), "c5119362c78ef8e9b008218e214e3ac8");
    CHECK_STR(str_at(a, "parentSpanId"), "6602bd1d9766873f");
    CHECK_STR(str_at(b, "traceId"), "c5119362c78ef8e9b008218e214e3ac8");
    CHECK(strlen(str_at(a, "spanId") ?: "") == 16 && strcmp(str_at(a, "spanId") ?: "", first.span_id + 3) == 0);
    json_decref(a);
    json_decref(b);
    outcome_free(&first);
    outcome_free(&second);
    free(req);

    const char *refused[][2] = {{"\"trace_id\":\"\"", "'trace_id' must not be empty"},
                                {"\"parent_span_id\":\"a\\u0001b\"", "'parent_span_id' must not contain control characters"},
                                {"\"trace_id\":7", "'trace_id' in request must be a string"}};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        char *bad = request_json("s/text", "Hi", refused[i][0]);
        expect_run_refused(c, bad, refused[i][1]);
        free(bad);
    }
    tracia_client_free(c);
}

void test_span_of_tool_calls(void) {
    tracia_client *c = traced_client("");
    char *req = request_json("s/tools", "weather?", "\"tools\":[{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}]");
    struct outcome o = run_call(c, req);
    CHECK(tracia_flush(c, 5000) == 0);
    json_t *all;
    json_t *span = wait_for_span(o.span_id, &all, 2000);
    CHECK_STR(str_at(span, "toolCalls.0.id"), "call_A");
    CHECK_STR(str_at(span, "toolCalls.1.arguments.city"), "Rome");
    CHECK_STR(str_at(span, "tools.0.name"), "get_weather");
    CHECK_STR(str_at(span, "output"), "");
    json_decref(all);
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}

void test_span_of_a_failure(void) {
    tracia_client *c = traced_client("\"max_retries\":0");
    char *req = request_json("s/drop-mid", "partial text kept", "");
    struct outcome o = run_call(c, req);
    CHECK(o.rc == TRACIA_E_NETWORK_ERROR);
    CHECK(tracia_flush(c, 5000) == 0);
    json_t *all;
    json_t *span = wait_for_span(o.span_id, &all, 2000);
    CHECK_STR(str_at(span, "status"), "ERROR");
    CHECK(strlen(str_at(span, "error") ?: "") > 0);
    CHECK_STR(str_at(span, "output"), "partial text ");
    json_decref(all);
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}

void test_span_of_an_abort(void) {
    tracia_client *c = traced_client("");
    char *req = request_json("s/slow", "cut by the caller", "");
    tracia_stream *s = tracia_run_local(c, req);
    const char *chunk;
    size_t length;
    for (int i = 0; i < 3; i++) CHECK(tracia_stream_next(s, &chunk, &length) == 1);
    tracia_stream_abort(s);
    tracia_stream_abort(s); /* idempotent */
    struct outcome o = run_stream(s);
    CHECK(json_is_true(at(o.result, "aborted")));
    CHECK(tracia_flush(c, 5000) == 0);
    json_t *all;
    json_t *span = wait_for_span(o.span_id, &all, 2000);
    CHECK_STR(str_at(span, "status"), "ERROR");
    CHECK_STR(str_at(span, "error"), "Stream aborted");
    CHECK_STR(str_at(span, "output"), str_at(o.result, "text"));
    CHECK(strncmp(str_at(span, "output") ?: "", "cut by x", 8) == 0);
    json_decref(all);
    outcome_free(&o);
    tracia_stream_free(s);
    free(req);
    tracia_client_free(c);
}

void test_collector_fails_then_recovers(void) {
    tracia_client *c = traced_client("\"span_max_attempts\":3");
    char url[512];
    snprintf(url, sizeof url, "%s/_fail", collector_url());
    CHECK(post_json(url, "{\"count\":2,\"status\":503}"));
    char *req = request_json("s/text", "delivered once", "");
    struct outcome o = run_call(c, req);
    CHECK(tracia_flush(c, 5000) == 0);
    json_t *all;
    CHECK(wait_for_span(o.span_id, &all, 2000) != NULL);
    CHECK(count_spans(all, o.span_id) == 1);
    char *stats = tracia_client_stats(c);
    json_t *st = json_loads(stats, 0, NULL);
    CHECK(int_at(st, "delivered") >= 1);
    CHECK(int_at(st, "pending") == 0);
    json_decref(st);
    tracia_free(stats);
    json_decref(all);
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}

struct errors {
    pthread_mutex_t lock;
    int count;
    char span_id[64];
    char error[512];
};

static void on_span_error(const char *span_id, const char *error_json, void *user_data) {
    struct errors *e = user_data;
    pthread_mutex_lock(&e->lock);
    e->count++;
    snprintf(e->span_id, sizeof e->span_id, "%s", span_id);
    snprintf(e->error, sizeof e->error, "%s", error_json);
    pthread_mutex_unlock(&e->lock);
}

void test_span_error_callback(void) {
    tracia_client *c = traced_client("\"span_max_attempts\":2");
    struct errors e = {PTHREAD_MUTEX_INITIALIZER, 0, "", ""};
    CHECK(tracia_client_set_span_error_callback(c, on_span_error, &e) == 0);
    char url[512];
    snprintf(url, sizeof url, "%s/_fail", collector_url());
    CHECK(post_json(url, "{\"count\":2,\"status\":500}"));
    char *req = request_json("s/text", "never delivered", "");
    struct outcome o = run_call(c, req);
    CHECK(tracia_flush(c, 5000) == TRACIA_E_NETWORK_ERROR);
    pthread_mutex_lock(&e.lock);
    CHECK(e.count == 1);
    CHECK_STR(e.span_id, o.span_id);
    CHECK(strstr(e.error, "500") != NULL);
    pthread_mutex_unlock(&e.lock);
    CHECK(tracia_flush(c, 1000) == 0); /* nothing new failed since */
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}

void test_flush_times_out_when_the_collector_hangs(void) {
    tracia_client *c = traced_client("\"flush_timeout_ms\":300");
    char url[512];
    snprintf(url, sizeof url, "%s/_hang", collector_url());
    CHECK(post_json(url, "{\"seconds\":1.5}"));
    char *req = request_json("s/text", "slow collector", "");
    struct outcome o = run_call(c, req);
    double start = now_ms();
    CHECK(tracia_flush(c, 200) == TRACIA_E_TIMEOUT);
    CHECK(now_ms() - start < 1000);
    start = now_ms();
    tracia_client_free(c); /* bounded by flush_timeout_ms */
    CHECK(now_ms() - start < 1500);
    CHECK(post_json(url, "{\"seconds\":0}"));
    outcome_free(&o);
    free(req);
}

struct flusher {
    tracia_client *client;
    int rc;
};

static void *flush_in_thread(void *arg) {
    struct flusher *f = arg;
    f->rc = tracia_flush(f->client, 5000);
    return NULL;
}

/* Two threads flush while one span is still being posted and then fails: each reports the
 * failure, whichever returns first. A flush after both has nothing new to report. */
void test_concurrent_flushes_each_report_the_failure(void) {
    tracia_client *c = traced_client("\"span_max_attempts\":1");
    char hang[512], fail[512];
    snprintf(hang, sizeof hang, "%s/_hang", collector_url());
    snprintf(fail, sizeof fail, "%s/_fail", collector_url());
    CHECK(post_json(fail, "{\"count\":1,\"status\":500}"));
    CHECK(post_json(hang, "{\"seconds\":0.5}"));
    char *req = request_json("s/text", "one failed span", "");
    struct outcome o = run_call(c, req);
    CHECK(o.rc == 0);
    struct flusher a = {c, -100}, b = {c, -100};
    pthread_t ta, tb;
    CHECK(pthread_create(&ta, NULL, flush_in_thread, &a) == 0);
    CHECK(pthread_create(&tb, NULL, flush_in_thread, &b) == 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK(post_json(hang, "{\"seconds\":0}"));
    CHECK(a.rc == TRACIA_E_NETWORK_ERROR);
    CHECK(b.rc == TRACIA_E_NETWORK_ERROR);
    CHECK(tracia_flush(c, 1000) == 0);
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
}

void test_jsonl_sink(void) {
    char dir[] = "/tmp/tracia-jsonl-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], options[512];
    snprintf(path, sizeof path, "%s/nested/spans.jsonl", dir);
    snprintf(options, sizeof options, "{\"openai_api_key\":\"sk-test-key\",\"spans_file\":\"%s\"}", path);
    tracia_client *c = tracia_client_new(options);
    char *req = request_json("s/text", "to the file", "");
    struct outcome a = run_call(c, req);
    struct outcome b = run_call(c, req);
    char *untraced = request_json("s/text", "not traced", "\"send_trace\":false");
    struct outcome n = run_call(c, untraced);
    CHECK(strncmp(str_at(n.result, "span_id") ?: "", "sp_", 3) == 0); /* ids exist, nothing is sent */
    CHECK(tracia_flush(c, 5000) == 0);
    tracia_client_free(c);
    /* Spans hold prompts and answers: the file and the directories created for it are private. */
    struct stat info;
    char nested[300];
    snprintf(nested, sizeof nested, "%s/nested", dir);
    CHECK(stat(path, &info) == 0 && (info.st_mode & 0777) == 0600);
    CHECK(stat(nested, &info) == 0 && (info.st_mode & 0777) == 0700);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    char line[8192];
    int lines = 0, found_a = 0, found_b = 0;
    while (f && fgets(line, sizeof line, f)) {
        json_t *span = json_loads(line, 0, NULL);
        CHECK(span != NULL);
        found_a += strcmp(str_at(span, "spanId") ?: "", a.span_id) == 0;
        found_b += strcmp(str_at(span, "spanId") ?: "", b.span_id) == 0;
        CHECK(strstr(line, "not traced") == NULL);
        CHECK(strstr(line, "sk-test-key") == NULL);
        json_decref(span);
        lines++;
    }
    if (f) fclose(f);
    CHECK(lines == 2 && found_a == 1 && found_b == 1);
    unlink(path);
    outcome_free(&a);
    outcome_free(&b);
    outcome_free(&n);
    free(req);
    free(untraced);
}

/* Spans and callbacks of one bulk run, for the delivery tests below. */
struct drops {
    pthread_mutex_t lock;
    int count;                 /* every drop */
    int collector_count;       /* drops of spans bound for the collector */
    char ids[4096][40];
};

static void on_drop(const char *span_id, const char *error_json, void *user_data) {
    struct drops *d = user_data;
    pthread_mutex_lock(&d->lock);
    if (strstr(error_json, "dropped")) d->count++;
    if (strstr(error_json, "dropped") && strstr(error_json, "/api/v1/spans") && d->collector_count < 4096) {
        snprintf(d->ids[d->collector_count++], sizeof d->ids[0], "%s", span_id);
    }
    pthread_mutex_unlock(&d->lock);
}

static long long stat_of(tracia_client *c, const char *name) {
    char *stats = tracia_client_stats(c);
    json_t *st = json_loads(stats, 0, NULL);
    long long v = int_at(st, name);
    json_decref(st);
    tracia_free(stats);
    return v;
}

static int was_dropped(struct drops *d, const char *span_id) {
    for (int i = 0; i < d->collector_count; i++) {
        if (strcmp(d->ids[i], span_id) == 0) return 1;
    }
    return 0;
}

/* With the collector down, the queue holds at most span_queue_size spans (plus the few in
 * flight): older spans are dropped, counted and reported. When it comes back, every span still
 * held is delivered exactly once. */
void test_collector_down_bounds_memory_and_reports_drops(void) {
    enum { CALLS = 400, QUEUE = 16, IN_FLIGHT = 8 };
    char options[1024];
    snprintf(options, sizeof options,
             "{\"api_key\":\"tr-test-key\",\"base_url\":\"%s\",\"spans_file\":\"/dev/null\",\"span_queue_size\":%d,"
             "\"span_max_attempts\":20,\"span_retry_base_ms\":20}",
             collector_url(), QUEUE);
    tracia_client *c = tracia_client_new(options);
    CHECK_MSG(c != NULL, tracia_last_error());
    if (!c) return;
    static struct drops d = {PTHREAD_MUTEX_INITIALIZER, 0, 0, {{0}}};
    CHECK(tracia_client_set_span_error_callback(c, on_drop, &d) == 0);
    char url[512];
    snprintf(url, sizeof url, "%s/_fail", collector_url());
    CHECK(post_json(url, "{\"count\":1000000,\"status\":503}"));
    static char span_ids[CALLS][40];
    long long most_pending = 0;
    for (int i = 0; i < CALLS; i++) {
        char *req = NULL;
        CHECK(asprintf(&req, "{\"model\":\"mock/x\",\"messages\":[{\"role\":\"user\",\"content\":\"span %d\"}]}", i) > 0);
        struct outcome o = run_call(c, req);
        CHECK(o.rc == 0);
        snprintf(span_ids[i], sizeof span_ids[i], "%s", o.span_id ? o.span_id : "");
        outcome_free(&o);
        free(req);
        long long pending = stat_of(c, "pending");
        if (pending > most_pending) most_pending = pending;
    }
    /* Two destinations (collector and file) per call; the bound covers both. */
    CHECK_MSG(most_pending <= QUEUE + IN_FLIGHT + 2, "pending spans exceeded the queue bound");
    CHECK(stat_of(c, "dropped") >= CALLS - QUEUE - IN_FLIGHT);
    /* The collector recovers: what was held is delivered once, what was dropped never. */
    CHECK(post_json(url, "{\"count\":0}"));
    CHECK(tracia_flush(c, 10000) == TRACIA_E_NETWORK_ERROR); /* drops happened since the last flush */
    long long dropped = stat_of(c, "dropped");
    pthread_mutex_lock(&d.lock);
    CHECK(d.count == dropped); /* every drop reported through the callback, before flush returned */
    pthread_mutex_unlock(&d.lock);
    json_t *all = get_json(strcat(strcpy(url, collector_url()), "/_spans"));
    int delivered = 0;
    for (int i = 0; i < CALLS; i++) {
        int n = count_spans(all, span_ids[i]);
        pthread_mutex_lock(&d.lock);
        CHECK_MSG(n == (was_dropped(&d, span_ids[i]) ? 0 : 1), span_ids[i]);
        pthread_mutex_unlock(&d.lock);
        delivered += n;
    }
    CHECK(delivered == CALLS - d.collector_count);
    CHECK(delivered >= 1 && delivered <= QUEUE + IN_FLIGHT);
    CHECK(stat_of(c, "pending") == 0);
    json_decref(all);
    tracia_client_free(c);
}

/* A collector that fails for a while: every span within the queue bound arrives exactly once. */
void test_every_span_delivered_once_after_an_outage(void) {
    tracia_client *c = traced_client("\"span_max_attempts\":10");
    char url[512];
    snprintf(url, sizeof url, "%s/_fail", collector_url());
    CHECK(post_json(url, "{\"count\":30,\"status\":500}"));
    char ids[50][40];
    for (int i = 0; i < 50; i++) {
        char *req = request_json("s/text", "outage", "");
        struct outcome o = run_call(c, req);
        snprintf(ids[i], sizeof ids[i], "%s", o.span_id ? o.span_id : "");
        outcome_free(&o);
        free(req);
    }
    CHECK(tracia_flush(c, 15000) == 0);
    json_t *all = get_json(strcat(strcpy(url, collector_url()), "/_spans"));
    for (int i = 0; i < 50; i++) CHECK_MSG(count_spans(all, ids[i]) == 1, ids[i]);
    CHECK(stat_of(c, "dropped") == 0 && stat_of(c, "failed") == 0);
    json_decref(all);
    tracia_client_free(c);
}
