#define _GNU_SOURCE
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

const char *openai_url(void) {
    const char *u = getenv("FAKE_OPENAI");
    return u ? u : "http://127.0.0.1:1";
}

const char *collector_url(void) {
    const char *u = getenv("FAKE_COLLECTOR");
    return u ? u : "http://127.0.0.1:1";
}

tracia_client *test_client(const char *extra) {
    char options[2048];
    /* One retry by default keeps failure tests fast; a test may ask for another number. */
    int own_retries = extra && strstr(extra, "max_retries");
    snprintf(options, sizeof options,
             "{\"openai_api_key\":\"sk-test-key\",\"openai_base_url\":\"%s/v1\",\"spans_file\":\"/dev/null\"%s%s%s}",
             openai_url(), own_retries ? "" : ",\"max_retries\":1", extra && *extra ? "," : "", extra ? extra : "");
    tracia_client *c = tracia_client_new(options);
    CHECK_MSG(c != NULL, tracia_last_error());
    return c;
}

char *request_json(const char *scenario, const char *content, const char *extra) {
    char *out = NULL;
    int n = asprintf(&out,
                     "{\"model\":\"gpt-4.1-mini\",\"stream\":true,\"base_url\":\"%s/%s/v1\","
                     "\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]%s%s}",
                     openai_url(), scenario, content, extra && *extra ? "," : "", extra ? extra : "");
    return n < 0 ? NULL : out;
}

void expect_run_refused(tracia_client *c, const char *request, const char *message) {
    tracia_stream *s = tracia_run_local(c, request);
    CHECK_MSG(s == NULL, request);
    if (s) {
        tracia_free(tracia_stream_result(s));
        tracia_stream_free(s);
    } else {
        json_t *e = json_loads(tracia_last_error(), 0, NULL);
        CHECK_STR(str_at(e, "code"), "INVALID_REQUEST");
        CHECK_MSG(strstr(str_at(e, "message") ?: "", message) != NULL, tracia_last_error());
        json_decref(e);
    }
}

struct outcome run_stream(tracia_stream *stream) {
    struct outcome o = {0};
    size_t capacity = 256;
    o.text = calloc(1, capacity);
    const char *chunk;
    size_t length;
    while ((o.rc = tracia_stream_next(stream, &chunk, &length)) == 1) {
        if (!valid_utf8(chunk, length) || chunk[length] != '\0') o.chunk_was_bad_utf8 = 1;
        while (o.length + length + 1 > capacity) capacity *= 2;
        o.text = realloc(o.text, capacity);
        memcpy(o.text + o.length, chunk, length);
        o.length += length;
        o.text[o.length] = '\0';
        o.chunks++;
    }
    char *result = tracia_stream_result(stream);
    o.result = result ? json_loads(result, 0, NULL) : NULL;
    tracia_free(result);
    const char *id = str_at(o.result, "span_id");
    o.span_id = strdup(id ? id : "");
    return o;
}

struct outcome run_call(tracia_client *client, const char *request) {
    tracia_stream *stream = tracia_run_local(client, request);
    CHECK_MSG(stream != NULL, tracia_last_error());
    if (!stream) {
        struct outcome none = {0};
        none.rc = -100;
        none.text = strdup("");
        none.span_id = strdup("");
        return none;
    }
    struct outcome o = run_stream(stream);
    tracia_stream_free(stream);
    return o;
}

json_t *run_aborted_after(tracia_client *c, const char *request, int chunks) {
    tracia_stream *s = tracia_run_local(c, request);
    CHECK_MSG(s != NULL, tracia_last_error());
    if (!s) return NULL;
    const char *chunk;
    size_t length;
    for (int i = 0; i < chunks; i++) CHECK(tracia_stream_next(s, &chunk, &length) == 1);
    tracia_stream_abort(s);
    CHECK(tracia_stream_next(s, &chunk, &length) == 0);
    char *result = tracia_stream_result(s);
    json_t *r = result ? json_loads(result, 0, NULL) : NULL;
    CHECK(json_is_true(at(r, "aborted")));
    tracia_free(result);
    tracia_stream_free(s);
    return r;
}

void outcome_free(struct outcome *o) {
    free(o->text);
    free(o->span_id);
    json_decref(o->result);
}

struct buffer {
    char *data;
    size_t size;
};

static size_t collect(char *p, size_t size, size_t n, void *user) {
    struct buffer *b = user;
    b->data = realloc(b->data, b->size + size * n + 1);
    memcpy(b->data + b->size, p, size * n);
    b->size += size * n;
    b->data[b->size] = '\0';
    return size * n;
}

static json_t *http(const char *url, const char *post) {
    CURL *h = curl_easy_init();
    struct buffer b = {0};
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    if (post) curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    json_t *j = rc == CURLE_OK && b.data ? json_loads(b.data, 0, NULL) : NULL;
    free(b.data);
    return j;
}

json_t *get_json(const char *url) { return http(url, NULL); }

int post_json(const char *url, const char *body) {
    json_t *j = http(url, body);
    int ok = j != NULL;
    json_decref(j);
    return ok;
}

json_t *fake_request(const char *base_url, const char *fragment) {
    char url[512];
    snprintf(url, sizeof url, "%s/_requests", base_url);
    json_t *all = get_json(url);
    json_t *found = NULL;
    size_t i;
    json_t *r;
    json_array_foreach(all, i, r) {
        if (strstr(str_at(r, "path") ?: "", fragment)) found = r;
    }
    json_incref(found);
    json_decref(all);
    return found;
}

json_t *fake_request_body(const char *base_url, const char *fragment) {
    json_t *r = fake_request(base_url, fragment);
    json_t *body = json_incref(json_object_get(r, "body"));
    json_decref(r);
    return body;
}

json_t *at(json_t *root, const char *path) {
    char key[256];
    json_t *cur = root;
    while (cur && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof key) return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        char *end;
        long index = strtol(key, &end, 10);
        cur = (*end == '\0' && json_is_array(cur)) ? json_array_get(cur, (size_t)index) : json_object_get(cur, key);
        path += n + (path[n] == '.');
    }
    return cur;
}

const char *str_at(json_t *root, const char *path) { return json_string_value(at(root, path)); }
long long int_at(json_t *root, const char *path) {
    json_t *v = at(root, path);
    return json_is_integer(v) ? json_integer_value(v) : -1;
}

const char *unique_token(void) {
    static char token[64];
    static int counter;
    snprintf(token, sizeof token, "t%d-%d-%ld", (int)getpid(), ++counter, (long)time(NULL));
    return token;
}

double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int valid_utf8(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        size_t extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 99;
        if (extra == 99 || i + extra >= n) return 0;
        for (size_t k = 1; k <= extra; k++)
            if ((p[i + k] & 0xC0) != 0x80) return 0;
        i += extra + 1;
    }
    return 1;
}

json_t *wait_for_span(const char *span_id, json_t **all, int timeout_ms) {
    char url[512];
    snprintf(url, sizeof url, "%s/_spans", collector_url());
    double deadline = now_ms() + timeout_ms;
    *all = NULL;
    do {
        json_decref(*all);
        *all = get_json(url);
        size_t i;
        json_t *span;
        json_array_foreach(json_object_get(*all, "spans"), i, span) {
            if (strcmp(json_string_value(json_object_get(span, "spanId")) ?: "", span_id) == 0) return span;
        }
        usleep(20000);
    } while (now_ms() < deadline);
    return NULL;
}
