/* Span files that would block, corrupt or signal: a FIFO without a reader or with one that
 * does not read, a full device, a short write, a pipe whose reader left, and a flush from the
 * span-error callback. Each must fail the span clearly and leave the client working. The
 * cases that could kill the process run in a child (this program with --exit-child). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

struct span_errors {
    pthread_mutex_t lock;
    int count;
    char last[1024];
    /* Set by the callback that flushes from inside. */
    tracia_client *client;
    int flush_rc;
    char flush_error[512];
};

#define SPAN_ERRORS_INIT {PTHREAD_MUTEX_INITIALIZER, 0, "", NULL, 1, ""}

static void record_error(const char *span_id, const char *error_json, void *user_data) {
    (void)span_id;
    struct span_errors *e = user_data;
    pthread_mutex_lock(&e->lock);
    e->count++;
    snprintf(e->last, sizeof e->last, "%s", error_json);
    pthread_mutex_unlock(&e->lock);
}

static int error_count(struct span_errors *e, const char *needle) {
    pthread_mutex_lock(&e->lock);
    int found = e->count > 0 && strstr(e->last, needle) != NULL;
    int count = e->count;
    pthread_mutex_unlock(&e->lock);
    return found ? count : -count;
}

static tracia_client *file_client(const char *path, struct span_errors *errors) {
    char options[1024];
    snprintf(options, sizeof options, "{\"spans_file\":\"%s\"}", path);
    tracia_client *c = tracia_client_new(options);
    CHECK_MSG(c != NULL, tracia_last_error());
    if (c && errors) tracia_client_set_span_error_callback(c, record_error, errors);
    return c;
}

/* A mock call whose prompt (and echoed answer) is `content`; returns its span id (malloc'd). */
static char *mock_span(tracia_client *c, const char *content) {
    size_t size = strlen(content) + 256;
    char *req = malloc(size);
    snprintf(req, size, "{\"model\":\"mock/test\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}", content);
    struct outcome o = run_call(c, req);
    CHECK(o.rc == 0);
    char *id = strdup(o.span_id);
    outcome_free(&o);
    free(req);
    return id;
}

static long long stat_of(tracia_client *c, const char *name) {
    char *stats = tracia_client_stats(c);
    json_t *j = stats ? json_loads(stats, 0, NULL) : NULL;
    long long v = int_at(j, name);
    json_decref(j);
    tracia_free(stats);
    return v;
}

static void temp_path(char *dir, char *path, size_t size) {
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, size, "%s/spans", dir);
}

void test_span_fifo_without_a_reader_fails_instead_of_hanging(void) {
    char dir[] = "/tmp/tracia-fifo-XXXXXX", path[256];
    temp_path(dir, path, sizeof path);
    CHECK(mkfifo(path, 0600) == 0);
    struct span_errors e = SPAN_ERRORS_INIT;
    tracia_client *c = file_client(path, &e);
    int reader = -1;
    /* The second call shows the engine still runs. */
    for (int round = 1; round <= 2 && reader < 0; round++) {
        free(mock_span(c, "nobody reads"));
        double start = now_ms();
        int rc = tracia_flush(c, 2000);
        CHECK(rc == TRACIA_E_NETWORK_ERROR);
        CHECK(now_ms() - start < 1500);
        CHECK_MSG(error_count(&e, "ENXIO") == round, e.last);
        CHECK(stat_of(c, "failed") == round && stat_of(c, "delivered") == 0);
        /* An engine blocked in open() is let go by a reader, or the next call would hang. */
        if (rc == TRACIA_E_TIMEOUT) reader = open(path, O_RDONLY | O_NONBLOCK);
    }
    if (reader < 0) reader = open(path, O_RDONLY | O_NONBLOCK);
    tracia_client_free(c);
    close(reader);
    unlink(path);
    rmdir(dir);
}

/* Reads what the pipe holds now (it is non-blocking). */
static size_t drain(int fd, char **data) {
    size_t size = 0, capacity = 1 << 16;
    *data = malloc(capacity + 1);
    ssize_t n;
    for (;;) {
        if (size == capacity) *data = realloc(*data, (capacity *= 2) + 1);
        n = read(fd, *data + size, capacity - size);
        if (n <= 0) break;
        size += (size_t)n;
    }
    (*data)[size] = '\0';
    return size;
}

void test_span_fifo_reader_that_does_not_read_fails_the_span(void) {
    char dir[] = "/tmp/tracia-fifo-XXXXXX", path[256];
    temp_path(dir, path, sizeof path);
    CHECK(mkfifo(path, 0600) == 0);
    int reader = open(path, O_RDONLY | O_NONBLOCK);
    CHECK(reader >= 0);
    int capacity = fcntl(reader, F_GETPIPE_SZ);
    struct span_errors e = SPAN_ERRORS_INIT;
    tracia_client *c = file_client(path, &e);
    /* A span larger than the pipe: part of it fits, then the pipe is full. */
    size_t big = (size_t)capacity * 2;
    char *content = malloc(big + 1);
    memset(content, 'a', big);
    content[big] = '\0';
    char *lost = mock_span(c, content);
    double start = now_ms();
    CHECK(tracia_flush(c, 3000) == TRACIA_E_NETWORK_ERROR);
    CHECK(now_ms() - start < 2000);
    CHECK_MSG(error_count(&e, "errno 11") == 1, e.last); /* EAGAIN */
    char *partial;
    size_t partial_size = drain(reader, &partial);
    CHECK(partial_size > 0 && memchr(partial, '\n', partial_size) == NULL);
    /* The next span starts on a line of its own. */
    char *next = mock_span(c, "after the cut");
    CHECK(tracia_flush(c, 3000) == 0);
    char *rest;
    size_t rest_size = drain(reader, &rest);
    CHECK(rest_size > 2 && rest[0] == '\n' && rest[rest_size - 1] == '\n');
    json_t *span = rest_size > 2 ? json_loads(rest + 1, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
    CHECK_STR(str_at(span, "spanId"), next);
    json_decref(span);
    tracia_client_free(c);
    close(reader);
    unlink(path);
    rmdir(dir);
    free(partial);
    free(rest);
    free(content);
    free(lost);
    free(next);
}

void test_span_file_on_a_full_device_fails_each_span(void) {
    struct span_errors e = SPAN_ERRORS_INIT;
    tracia_client *c = file_client("/dev/full", &e);
    for (int round = 1; round <= 2; round++) {
        free(mock_span(c, "disk full"));
        CHECK(tracia_flush(c, 2000) == TRACIA_E_NETWORK_ERROR);
        CHECK_MSG(error_count(&e, "No space left on device") == round, e.last);
        CHECK_MSG(error_count(&e, "span for file /dev/full failed") == round, e.last);
    }
    CHECK(stat_of(c, "failed") == 2 && stat_of(c, "delivered") == 0);
    tracia_client_free(c);
}

void test_span_file_on_dev_null_delivers(void) {
    struct span_errors e = SPAN_ERRORS_INIT;
    tracia_client *c = file_client("/dev/null", &e);
    free(mock_span(c, "into the void"));
    CHECK(tracia_flush(c, 2000) == 0);
    CHECK(stat_of(c, "delivered") == 1 && e.count == 0);
    tracia_client_free(c);
}

static void flush_from_callback(const char *span_id, const char *error_json, void *user_data) {
    record_error(span_id, error_json, user_data);
    struct span_errors *e = user_data;
    int rc = tracia_flush(e->client, 2000); /* bounded: a regression times out, never hangs */
    const char *last = tracia_last_error();
    pthread_mutex_lock(&e->lock);
    e->flush_rc = rc;
    snprintf(e->flush_error, sizeof e->flush_error, "%s", last ? last : "");
    pthread_mutex_unlock(&e->lock);
}

void test_flush_from_the_span_error_callback_is_misuse(void) {
    struct span_errors e = SPAN_ERRORS_INIT;
    tracia_client *c = file_client("/dev/full", NULL);
    e.client = c;
    CHECK(tracia_client_set_span_error_callback(c, flush_from_callback, &e) == 0);
    free(mock_span(c, "flush inside"));
    double start = now_ms();
    CHECK(tracia_flush(c, 5000) == TRACIA_E_NETWORK_ERROR);
    CHECK(now_ms() - start < 1500);
    pthread_mutex_lock(&e.lock);
    CHECK(e.count == 1);
    CHECK(e.flush_rc == TRACIA_E_MISUSE);
    CHECK_MSG(strstr(e.flush_error, "span-error callback") != NULL, e.flush_error);
    pthread_mutex_unlock(&e.lock);
    tracia_client_free(c);
}

/* ---- in a child process ---- */

/* A FIFO whose reader opened and then left: write() fails with EPIPE and raises SIGPIPE. */
static int broken_pipe_child(void) {
    signal(SIGPIPE, SIG_DFL); /* as in a program that never touched it */
    char dir[] = "/tmp/tracia-pipe-XXXXXX", path[256];
    if (!mkdtemp(dir)) return 10;
    snprintf(path, sizeof path, "%s/spans", dir);
    if (mkfifo(path, 0600) != 0) return 11;
    int reader = open(path, O_RDONLY | O_NONBLOCK);
    if (reader < 0) return 12;
    struct span_errors e = SPAN_ERRORS_INIT;
    tracia_client *c = file_client(path, &e);
    free(mock_span(c, "read"));
    if (tracia_flush(c, 2000) != 0) return 13;
    close(reader);
    free(mock_span(c, "nobody left"));
    if (tracia_flush(c, 2000) != TRACIA_E_NETWORK_ERROR) return 14;
    if (error_count(&e, "Broken pipe") != 1) return 15;
    tracia_client_free(c);
    unlink(path);
    rmdir(dir);
    return 0;
}

static int limit_file_size(long long size) {
    struct rlimit limit;
    getrlimit(RLIMIT_FSIZE, &limit);
    limit.rlim_cur = size < 0 ? limit.rlim_max : (rlim_t)size;
    return setrlimit(RLIMIT_FSIZE, &limit);
}

static long long file_size(const char *path) {
    struct stat info;
    return stat(path, &info) == 0 ? (long long)info.st_size : -1;
}

/* A regular file that fills up mid-line (RLIMIT_FSIZE makes write() stop short, then fail
 * with EFBIG): the next span, from this client or a new one, starts on a fresh line. */
static int short_write_child(void) {
    signal(SIGXFSZ, SIG_IGN);
    char dir[] = "/tmp/tracia-short-XXXXXX", path[256];
    if (!mkdtemp(dir)) return 10;
    snprintf(path, sizeof path, "%s/spans.jsonl", dir);
    struct span_errors e = SPAN_ERRORS_INIT;
    tracia_client *c = file_client(path, &e);
    char *ids[5];
    ids[0] = mock_span(c, "first");
    if (tracia_flush(c, 2000) != 0) return 11;
    for (int cut = 1; cut <= 3; cut += 2) {
        if (limit_file_size(file_size(path) + 40) != 0) return 12;
        ids[cut] = mock_span(c, "cut short");
        if (tracia_flush(c, 2000) != TRACIA_E_NETWORK_ERROR) return 13;
        if (error_count(&e, "File too large") != (cut + 1) / 2) return 14;
        if (limit_file_size(-1) != 0) return 15;
        if (cut == 3) {
            /* A new client finds the file ending mid-line. */
            tracia_client_free(c);
            c = file_client(path, &e);
        }
        ids[cut + 1] = mock_span(c, "whole again");
        if (tracia_flush(c, 2000) != 0) return 16;
    }
    tracia_client_free(c);
    FILE *f = fopen(path, "r");
    if (!f) return 17;
    char line[16384];
    int lines = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        json_t *span = json_loads(line, 0, NULL);
        int cut_line = lines == 1 || lines == 3;
        if (lines >= 5) rc = 18;
        else if (cut_line && span) rc = 19;
        else if (!cut_line && (!span || strcmp(str_at(span, "spanId") ?: "", ids[lines]) != 0)) rc = 20 + lines;
        json_decref(span);
        lines++;
    }
    fclose(f);
    if (!rc && lines != 5) rc = 30;
    for (int i = 0; i < 5; i++) free(ids[i]);
    unlink(path);
    rmdir(dir);
    return rc;
}

int span_file_child(const char *mode) {
    if (strcmp(mode, "spans-broken-pipe") == 0) return broken_pipe_child();
    if (strcmp(mode, "spans-short-write") == 0) return short_write_child();
    return 99;
}

static void run_child(const char *mode) {
    pid_t pid = spawn_child(mode);
    CHECK(pid > 0);
    int status = 0;
    CHECK_MSG(wait_child(pid, 10000, &status) == 0, mode);
    char detail[128];
    snprintf(detail, sizeof detail, "%s: %s %d", mode, WIFSIGNALED(status) ? "killed by signal" : "exit status",
             WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, detail);
}

void test_span_fifo_whose_reader_left_never_raises_sigpipe(void) { run_child("spans-broken-pipe"); }

void test_span_file_cut_short_never_glues_the_next_span(void) { run_child("spans-short-write"); }
