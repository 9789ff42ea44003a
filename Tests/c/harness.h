/* A small test harness: CHECK records a failure and continues; each test passes when it
 * recorded none. main() prints "N passed, N failed". */
#ifndef TRACIA_TEST_HARNESS_H
#define TRACIA_TEST_HARNESS_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>
#include <tracia.h>

void harness_fail(const char *file, int line, const char *what, const char *detail);

#define CHECK(cond) \
    do { \
        if (!(cond)) harness_fail(__FILE__, __LINE__, #cond, NULL); \
    } while (0)

#define CHECK_MSG(cond, detail) \
    do { \
        if (!(cond)) harness_fail(__FILE__, __LINE__, #cond, (detail)); \
    } while (0)

#define CHECK_STR(actual, expected) \
    do { \
        const char *a_ = (actual), *e_ = (expected); \
        if (!a_ || strcmp(a_, e_) != 0) harness_fail(__FILE__, __LINE__, #actual " == " #expected, a_ ? a_ : "(null)"); \
    } while (0)

/* ---- support: fakes, calls, JSON ---- */

/* Base URLs of the fake servers, from the environment the runner sets. */
const char *openai_url(void);
const char *collector_url(void);

/* A client for the fake OpenAI server; `extra` is more option JSON ("" or "\"k\":v,..."). */
tracia_client *test_client(const char *extra);

/* A request for the fake server's scenario path ("text", "s/tools", ...). */
char *request_json(const char *scenario, const char *content, const char *extra);

/* What a call produced: every chunk concatenated, the count, the final next() code, the result. */
struct outcome {
    char *text;
    size_t length;
    int chunks;
    int rc;
    int chunk_was_bad_utf8;
    json_t *result;
    char *span_id;
};

struct outcome run_stream(tracia_stream *stream);
/* tracia_run_local(c, request) refuses the request: no stream, INVALID_REQUEST in
 * tracia_last_error() with `message` in its text. */
void expect_run_refused(tracia_client *c, const char *request, const char *message);
struct outcome run_call(tracia_client *client, const char *request);
void outcome_free(struct outcome *o);
/* Starts the request, reads `chunks` chunks, aborts and checks that the stream then ends and its
 * result says aborted; returns that result (a new reference) for more checks, or NULL. */
json_t *run_aborted_after(tracia_client *c, const char *request, int chunks);

/* GET a URL and parse the JSON answer (NULL on failure). */
json_t *get_json(const char *url);
int post_json(const char *url, const char *body);
/* The last request a fake server (at base_url) received whose path holds fragment: its path,
 * headers and body; NULL when there is none. */
json_t *fake_request(const char *base_url, const char *fragment);
/* The JSON body of that request (a new reference), or NULL. */
json_t *fake_request_body(const char *base_url, const char *fragment);

/* Values inside JSON by a dotted path ("usage.total_tokens", "tool_calls.0.id"). */
json_t *at(json_t *root, const char *path);
const char *str_at(json_t *root, const char *path);
long long int_at(json_t *root, const char *path);

/* A token unique in this process, for stateful scenarios. */
const char *unique_token(void);
double now_ms(void);
int valid_utf8(const char *s, size_t n);

/* Waits (bounded) until the collector holds a span with this id; returns it (borrowed from *all). */
json_t *wait_for_span(const char *span_id, json_t **all, int timeout_ms);

/* This program started again with --exit-child <mode>, and a bounded wait for it (-1: it did not
 * end in time and was killed). Modes "spans-*" run span_file_child. */
pid_t spawn_child(const char *mode);
int wait_child(pid_t pid, int ms, int *status);
int span_file_child(const char *mode);

#endif
