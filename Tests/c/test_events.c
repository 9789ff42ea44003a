/* Typed events: tracia_stream_next_event() and tracia_stream_poll_event() against the mock
 * provider and the fake OpenAI server: order and indexes of parallel tool calls, borrowed
 * payloads, abort, descriptor readiness, the one-way choice between chunks and events, misuse. */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* An event as the tests compare it: "TEXT Hel", "START 0 t1 lookup", "DELTA 0 {...}", "END 0". */
static char *describe(const tracia_event *e) {
    char *out = NULL;
    int n = -1;
    switch (e->type) {
    case TRACIA_EVENT_TEXT: n = asprintf(&out, "TEXT %.*s", (int)e->length, e->data); break;
    case TRACIA_EVENT_REASONING: n = asprintf(&out, "REASONING %.*s", (int)e->length, e->data); break;
    case TRACIA_EVENT_TOOL_CALL_START:
        n = asprintf(&out, "START %zu %.*s %.*s", e->index, (int)e->id_length, e->id, (int)e->name_length, e->name);
        break;
    case TRACIA_EVENT_TOOL_CALL_DELTA: n = asprintf(&out, "DELTA %zu %.*s", e->index, (int)e->length, e->data); break;
    case TRACIA_EVENT_TOOL_CALL_END: n = asprintf(&out, "END %zu", e->index); break;
    default: n = asprintf(&out, "TYPE %d", e->type);
    }
    return n < 0 ? NULL : out;
}

/* Every string is there, NUL-terminated at its length; what the type does not use is "" and 0. */
static int well_formed(const tracia_event *e) {
    if (!e->data || !e->id || !e->name) return 0;
    if (e->data[e->length] || e->id[e->id_length] || e->name[e->name_length]) return 0;
    int payload = e->type == TRACIA_EVENT_TEXT || e->type == TRACIA_EVENT_REASONING || e->type == TRACIA_EVENT_TOOL_CALL_DELTA;
    int start = e->type == TRACIA_EVENT_TOOL_CALL_START;
    int tool = start || e->type == TRACIA_EVENT_TOOL_CALL_DELTA || e->type == TRACIA_EVENT_TOOL_CALL_END;
    if (!payload && e->length) return 0;
    if (!start && (e->id_length || e->name_length)) return 0;
    return tool || e->index == 0;
}

struct event_log {
    char *lines[64];
    int count;
    int rc;
    int malformed;
};

/* Reads every event with next_event, up to 64 of them; rc is the final return. */
static struct event_log read_events(tracia_stream *s) {
    struct event_log log = {{0}, 0, 0, 0};
    tracia_event e;
    while ((log.rc = tracia_stream_next_event(s, &e)) == 1) {
        if (!well_formed(&e)) log.malformed++;
        if (log.count < 64) log.lines[log.count++] = describe(&e);
    }
    if (e.type != TRACIA_EVENT_END || !well_formed(&e) || e.length || e.index) log.malformed++;
    return log;
}

static void log_free(struct event_log *log) {
    for (int i = 0; i < log->count; i++) free(log->lines[i]);
}

static void check_log(struct event_log *log, const char **expected, int n) {
    CHECK(log->count == n);
    for (int i = 0; i < n && i < log->count; i++) CHECK_STR(log->lines[i], expected[i]);
    CHECK(log->malformed == 0);
}

static const char *MOCK_TOOLS =
    "{\"model\":\"mock/test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
    "\"mock_response\":[\"Hel\",\"lo\"],\"mock_tool_calls\":[{\"id\":\"t1\",\"name\":\"lookup\",\"arguments\":{\"q\":\"a\"}},"
    "{\"name\":\"fetch\",\"arguments\":{}}]}";

void test_events_of_text_and_tool_calls(void) {
    tracia_client *c = test_client("");
    tracia_stream *s = tracia_run_local(c, MOCK_TOOLS);
    struct event_log log = read_events(s);
    const char *expected[] = {"TEXT Hel", "TEXT lo", "START 0 t1 lookup", "DELTA 0 {\"q\":\"a\"}", "START 1 call_mock_1 fetch",
                              "DELTA 1 {}", "END 0", "END 1"};
    check_log(&log, expected, 8);
    CHECK(log.rc == 0);
    /* After the end, the result; the end repeats. */
    char *r = tracia_stream_result(s);
    json_t *result = json_loads(r, 0, NULL);
    CHECK_STR(str_at(result, "text"), "Hello");
    CHECK_STR(str_at(result, "tool_calls.0.id"), "t1");
    CHECK_STR(str_at(result, "tool_calls.1.id"), "call_mock_1");
    tracia_event e;
    CHECK(tracia_stream_next_event(s, &e) == 0 && e.type == TRACIA_EVENT_END);
    CHECK(tracia_stream_poll_event(s, &e) == 0 && e.type == TRACIA_EVENT_END);
    json_decref(result);
    tracia_free(r);
    log_free(&log);
    tracia_stream_free(s);
    tracia_client_free(c);
}

void test_events_of_parallel_tool_calls_with_fragmented_arguments(void) {
    tracia_client *c = test_client("");
    char *req = request_json("s/tools", "Weather in Paris and Rome?", "\"tools\":[{\"name\":\"get_weather\"}]");
    tracia_stream *s = tracia_run_local(c, req);
    struct event_log log = read_events(s);
    const char *expected[] = {"START 0 call_A get_weather", "DELTA 0 {\"ci", "DELTA 0 ty\": \"Paris\"}",
                              "START 1 call_B get_weather", "DELTA 1 {\"city\": \"Rome\"}", "END 0", "END 1"};
    check_log(&log, expected, 7);
    CHECK(log.rc == 0);
    /* The fragments of each index, joined, are the arguments of the result's call at that index. */
    char *r = tracia_stream_result(s);
    json_t *result = json_loads(r, 0, NULL);
    for (size_t index = 0; index < 2; index++) {
        char joined[256] = "";
        char prefix[16];
        snprintf(prefix, sizeof prefix, "DELTA %zu ", index);
        for (int i = 0; i < log.count; i++)
            if (strncmp(log.lines[i], prefix, strlen(prefix)) == 0) strcat(joined, log.lines[i] + strlen(prefix));
        json_t *arguments = json_loads(joined, 0, NULL);
        CHECK_MSG(json_equal(arguments, json_object_get(json_array_get(at(result, "tool_calls"), index), "arguments")), joined);
        json_decref(arguments);
    }
    json_decref(result);
    tracia_free(r);
    log_free(&log);
    tracia_stream_free(s);
    free(req);
    tracia_client_free(c);
}

/* A payload stays intact until the next call on the stream, while the engine goes on
 * publishing (and freeing what the reader is done with). */
void test_event_payloads_are_borrowed_until_the_next_call(void) {
    tracia_client *c = test_client("");
    tracia_stream *s = tracia_run_local(
        c, "{\"model\":\"mock/test\",\"stream\":true,\"mock_chunk_delay_ms\":5,\"messages\":[{\"role\":\"user\",\"content\":"
           "\"alpha beta gamma delta epsilon zeta eta theta\"}],\"mock_tool_calls\":[{\"id\":\"k\",\"name\":\"n\"}]}");
    tracia_event e;
    int rc, events = 0;
    while ((rc = tracia_stream_next_event(s, &e)) == 1) {
        char *before = describe(&e);
        usleep(20000); /* several more chunks are published meanwhile */
        char *after = describe(&e);
        CHECK_STR(after, before);
        free(before);
        free(after);
        events++;
    }
    CHECK(rc == 0);
    CHECK(events == 8 + 3);
    tracia_stream_free(s);
    tracia_client_free(c);
}

struct abort_job {
    tracia_stream *stream;
    int delay_ms;
    double aborted_at;
};

static void *abort_later(void *arg) {
    struct abort_job *job = arg;
    usleep(job->delay_ms * 1000);
    job->aborted_at = now_ms();
    tracia_stream_abort(job->stream);
    return NULL;
}

void test_abort_in_the_middle_of_events(void) {
    tracia_client *c = test_client("");
    char scenario[128];
    snprintf(scenario, sizeof scenario, "s/slow/%s", unique_token());
    char *req = request_json(scenario, "a long answer", "");
    tracia_stream *s = tracia_run_local(c, req);
    /* From another thread, while this one is blocked in next_event. */
    struct abort_job job = {s, 200, 0};
    pthread_t thread;
    pthread_create(&thread, NULL, abort_later, &job);
    tracia_event e;
    int rc, received = 0;
    while ((rc = tracia_stream_next_event(s, &e)) == 1) received += e.type == TRACIA_EVENT_TEXT;
    double returned_at = now_ms();
    pthread_join(thread, NULL);
    CHECK(rc == 0 && e.type == TRACIA_EVENT_END);
    CHECK(received >= 3);
    CHECK_MSG(returned_at - job.aborted_at < 100, "next_event took too long to return after abort");
    CHECK(tracia_stream_next_event(s, &e) == 0);
    char *r = tracia_stream_result(s);
    json_t *result = json_loads(r, 0, NULL);
    CHECK(json_is_true(at(result, "aborted")));
    json_decref(result);
    tracia_free(r);
    tracia_stream_free(s);

    /* Events queued and not yet read are dropped by the abort. */
    s = tracia_run_local(c, req);
    struct pollfd p = {tracia_stream_fd(s), POLLIN, 0};
    CHECK(poll(&p, 1, 5000) == 1);
    usleep(100000); /* a few more events are queued */
    tracia_stream_abort(s);
    CHECK(tracia_stream_poll_event(s, &e) == 0 && e.type == TRACIA_EVENT_END);
    tracia_stream_free(s);
    free(req);
    tracia_client_free(c);
}

/* Reads a stream by its descriptor: whenever it is readable, the poll does not return AGAIN.
 * Only the first poll, before the stream's mode is fixed, may (see tracia_stream_fd()). */
static int read_by_descriptor(tracia_stream *s, int as_events, int *readable_but_again) {
    struct pollfd p = {tracia_stream_fd(s), POLLIN, 0};
    int rc, first = 1;
    do {
        CHECK(poll(&p, 1, 5000) == 1);
        tracia_event e;
        const char *chunk;
        size_t length;
        rc = as_events ? tracia_stream_poll_event(s, &e) : tracia_stream_poll(s, &chunk, &length);
        if (rc == TRACIA_AGAIN && !first) (*readable_but_again)++;
        first = 0;
    } while (rc == 1 || rc == TRACIA_AGAIN);
    return rc;
}

void test_event_readiness_by_descriptor(void) {
    tracia_client *c = test_client("");
    const char *scenarios[] = {"s/text", "s/tools"};
    for (int i = 0; i < 2; i++) {
        for (int as_events = 0; as_events < 2; as_events++) {
            char *req = request_json(scenarios[i], "one two three four", "");
            tracia_stream *s = tracia_run_local(c, req);
            int spurious = 0;
            int rc = read_by_descriptor(s, as_events, &spurious);
            CHECK(rc == 0);
            CHECK_MSG(spurious == 0, scenarios[i]);
            tracia_stream_free(s);
            free(req);
        }
    }
    /* Not readable while nothing is queued: poll_event says AGAIN, and the call goes on. */
    char *req = request_json("s/slow", "a b c", "");
    tracia_stream *s = tracia_run_local(c, req);
    struct pollfd p = {tracia_stream_fd(s), POLLIN, 0};
    tracia_event e;
    CHECK(poll(&p, 1, 5000) == 1);
    while (poll(&p, 1, 0) == 1) CHECK(tracia_stream_poll_event(s, &e) == 1);
    if (poll(&p, 1, 0) == 0) CHECK(tracia_stream_poll_event(s, &e) == TRACIA_AGAIN && e.type == TRACIA_EVENT_END);
    tracia_stream_abort(s);
    CHECK(poll(&p, 1, 0) == 1);
    CHECK(tracia_stream_poll_event(s, &e) == 0);
    tracia_stream_free(s);
    free(req);
    tracia_client_free(c);
}

static int is_misuse_naming(int rc, const char *function) {
    return rc == TRACIA_E_MISUSE && strstr(tracia_last_error(), function) != NULL;
}

void test_a_stream_is_read_as_chunks_or_as_events(void) {
    tracia_client *c = test_client("");
    const char *req = "{\"model\":\"mock/test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a b c\"}]}";
    const char *chunk;
    size_t length;
    tracia_event e;

    tracia_stream *s = tracia_run_local(c, req);
    CHECK(tracia_stream_next(s, &chunk, &length) == 1);
    CHECK(is_misuse_naming(tracia_stream_next_event(s, &e), "tracia_stream_next_event"));
    CHECK(e.type == TRACIA_EVENT_END && e.length == 0);
    CHECK(is_misuse_naming(tracia_stream_poll_event(s, &e), "tracia_stream_poll_event"));
    CHECK(tracia_stream_next(s, &chunk, &length) == 1 && length == 2 && memcmp(chunk, "b ", 2) == 0);
    tracia_stream_free(s);

    s = tracia_run_local(c, req);
    CHECK(tracia_stream_next_event(s, &e) == 1 && e.type == TRACIA_EVENT_TEXT);
    CHECK(is_misuse_naming(tracia_stream_next(s, &chunk, &length), "tracia_stream_next"));
    CHECK(chunk == NULL && length == 0);
    CHECK(is_misuse_naming(tracia_stream_poll(s, &chunk, &length), "tracia_stream_poll"));
    CHECK(tracia_stream_next_event(s, &e) == 1 && e.length == 2 && memcmp(e.data, "b ", 2) == 0);
    tracia_stream_free(s);

    /* A poll that found nothing fixes the mode all the same. */
    s = tracia_run_local(c, "{\"model\":\"mock/test\",\"stream\":true,\"mock_chunk_delay_ms\":2000,"
                            "\"messages\":[{\"role\":\"user\",\"content\":\"late\"}]}");
    CHECK(tracia_stream_poll_event(s, &e) == TRACIA_AGAIN);
    CHECK(tracia_stream_poll(s, &chunk, &length) == TRACIA_E_MISUSE);
    tracia_stream_free(s);
    tracia_client_free(c);
}

void test_null_arguments_to_the_event_functions(void) {
    tracia_event e;
    CHECK(is_misuse_naming(tracia_stream_next_event(NULL, &e), "stream is NULL"));
    CHECK(is_misuse_naming(tracia_stream_poll_event(NULL, &e), "stream is NULL"));
    CHECK(tracia_stream_next_event(NULL, NULL) == TRACIA_E_MISUSE);
    tracia_client *c = test_client("");
    tracia_stream *s = tracia_run_local(c, MOCK_TOOLS);
    CHECK(is_misuse_naming(tracia_stream_next_event(s, NULL), "event must not be NULL"));
    CHECK(is_misuse_naming(tracia_stream_poll_event(s, NULL), "event must not be NULL"));
    /* A refused call reads nothing and fixes nothing: the stream is still read as text. */
    struct outcome o = run_stream(s);
    CHECK(o.rc == 0);
    CHECK_STR(o.text, "Hello");
    outcome_free(&o);
    tracia_stream_free(s);
    tracia_client_free(c);
}

void test_events_after_a_failure_repeat_it(void) {
    tracia_client *c = test_client("");
    tracia_stream *s = tracia_run_local(
        c, "{\"model\":\"mock/test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a b c\"}],"
           "\"mock_error\":{\"code\":\"NOT_FOUND\",\"message\":\"gone\",\"after_chunks\":1}}");
    struct event_log log = read_events(s);
    const char *expected[] = {"TEXT a "};
    check_log(&log, expected, 1);
    CHECK(log.rc == TRACIA_E_NOT_FOUND);
    CHECK(strstr(tracia_last_error(), "gone") != NULL);
    tracia_event e;
    CHECK(tracia_stream_next_event(s, &e) == TRACIA_E_NOT_FOUND && e.type == TRACIA_EVENT_END);
    CHECK(tracia_stream_poll_event(s, &e) == TRACIA_E_NOT_FOUND);
    char *r = tracia_stream_result(s);
    json_t *result = json_loads(r, 0, NULL);
    CHECK_STR(str_at(result, "error.code"), "NOT_FOUND");
    json_decref(result);
    tracia_free(r);
    log_free(&log);
    tracia_stream_free(s);
    tracia_client_free(c);
}

struct blocked_reader {
    tracia_stream *stream;
    int rc;
};

static void *next_event_once(void *arg) {
    struct blocked_reader *b = arg;
    tracia_event e;
    b->rc = tracia_stream_next_event(b->stream, &e);
    return NULL;
}

void test_free_while_another_thread_is_in_next_event(void) {
    tracia_client *c = test_client("\"idle_timeout_ms\":60000");
    for (int round = 0; round < 10; round++) {
        char *req = request_json("s/no-headers", "free me while blocked", "");
        struct blocked_reader b = {tracia_run_local(c, req), 99};
        pthread_t thread;
        pthread_create(&thread, NULL, next_event_once, &b);
        usleep(10000 + round * 1000);
        tracia_stream_free(b.stream);
        pthread_join(thread, NULL);
        CHECK(b.rc == 0);
        free(req);
    }
    tracia_client_free(c);
}

/* A reader of events that falls far behind pauses the transfer as a reader of chunks does;
 * then every event arrives, in order. */
void test_slow_reader_of_events_pauses_the_transfer(void) {
    enum { EVENTS = 100000 };
    tracia_client *c = test_client("\"idle_timeout_ms\":500");
    char scenario[64];
    snprintf(scenario, sizeof scenario, "s/long/%d", EVENTS);
    char *req = request_json(scenario, "slow reader", "");
    tracia_stream *s = tracia_run_local(c, req);
    usleep(1500 * 1000); /* longer than the idle timeout: only a paused transfer survives it */
    tracia_event e;
    long lorem = 0;
    int rc;
    while ((rc = tracia_stream_next_event(s, &e)) == 1)
        lorem += e.type == TRACIA_EVENT_TEXT && e.length == 6 && memcmp(e.data, "lorem ", 6) == 0;
    CHECK_MSG(rc == 0, tracia_last_error());
    CHECK(lorem == EVENTS);
    tracia_stream_free(s);
    free(req);
    tracia_client_free(c);
}
