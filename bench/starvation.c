/* One steady stream (a text event every few ms) and, back to back on the same client, hostile
 * responses (tens of thousands of tool-call indexes) decoded on the same engine thread. The
 * steady stream has a reader thread of its own, so what delays its chunks is the engine, not a
 * reader busy with the other stream's result. Reports the gaps between the steady stream's
 * chunks; with "-" for the hostile URL it runs the steady stream alone, the baseline.
 * With "untraced" the hostile calls send no span, which leaves out the span's rendering.
 *   starvation STEADY_URL HOSTILE_URL|- EXPECTED_CALLS [untraced]
 *     -> prints "gaps max_gap_ms p99_gap_ms hostile_responses" */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tracia.h>

/* Gaps are counted from this chunk on: connection set-up is not starvation. */
#define WARMUP 20

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static tracia_stream *start(tracia_client *client, const char *url, int traced) {
    char request[1024];
    snprintf(request, sizeof request,
             "{\"model\":\"gpt-4.1-mini\",\"stream\":true,\"send_trace\":%s,\"base_url\":\"%s\","
             "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", traced ? "true" : "false", url);
    tracia_stream *s = tracia_run_local(client, request);
    if (!s) {
        fprintf(stderr, "%s\n", tracia_last_error());
        exit(1);
    }
    return s;
}

/* The hostile response must have been decoded in full, not dropped. */
static void check_hostile(tracia_stream *s, long expected) {
    char *result = tracia_stream_result(s);
    long calls = 0;
    /* Each call once in tool_calls (the message repeats them as parts of another shape). */
    for (const char *p = result; (p = strstr(p, "{\"id\":\"c")); p++) calls++;
    if (calls != expected) {
        fprintf(stderr, "hostile response: %ld tool calls, expected %ld: %.300s\n", calls, expected, result);
        exit(1);
    }
    tracia_free(result);
}

struct hostile {
    tracia_client *client;
    const char *url;
    long expected;
    int traced;
    atomic_int stop;
    int responses;
};

static void *run_hostile(void *arg) {
    struct hostile *h = arg;
    while (!atomic_load(&h->stop)) {
        tracia_stream *s = start(h->client, h->url, h->traced);
        check_hostile(s, h->expected);
        tracia_stream_free(s);
        h->responses++;
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 4) return 2;
    tracia_client *client = tracia_client_new("{\"openai_api_key\":\"sk-bench\",\"spans_file\":\"/dev/null\"}");
    int traced = !(argc > 4 && strcmp(argv[4], "untraced") == 0);
    struct hostile h = {client, strcmp(argv[2], "-") ? argv[2] : NULL, atol(argv[3]), traced, 0, 0};
    pthread_t thread;
    int started = 0;
    tracia_stream *steady = start(client, argv[1], 1);
    size_t capacity = 1024, count = 0;
    double *gaps = malloc(capacity * sizeof *gaps);
    double last = 0;
    int chunks = 0, rc;
    const char *chunk;
    size_t len;
    while ((rc = tracia_stream_next(steady, &chunk, &len)) == 1) {
        double t = now_ms();
        if (chunks >= WARMUP) {
            if (count == capacity) gaps = realloc(gaps, (capacity *= 2) * sizeof *gaps);
            gaps[count++] = t - last;
        }
        last = t;
        chunks++;
        if (chunks == WARMUP && h.url) started = pthread_create(&thread, NULL, run_hostile, &h) == 0;
    }
    if (rc < 0) {
        fprintf(stderr, "steady stream: %s\n", tracia_last_error());
        return 1;
    }
    atomic_store(&h.stop, 1);
    if (started) pthread_join(thread, NULL);
    tracia_stream_free(steady);
    tracia_client_free(client);
    if (count == 0) return 1;
    qsort(gaps, count, sizeof *gaps, cmp);
    printf("%zu %.2f %.2f %d\n", count, gaps[count - 1], gaps[count * 99 / 100], h.responses);
    free(gaps);
    return 0;
}
