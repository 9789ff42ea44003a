/* Load: STREAMS concurrent streams on one client, spread over the four providers' fake servers,
 * read by one thread polling every stream's readiness fd, traced to the fake collector. Each
 * text must be exactly what its fake answers, each span must arrive once with that text.
 * Prints one JSON line of figures; exits non-zero on any failure. */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <dirent.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <tracia.h>

static int count_threads(void) {
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) n += e->d_name[0] != '.';
    if (d) closedir(d);
    return n;
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static size_t collect(char *data, size_t size, size_t count, void *user) {
    FILE *out = user;
    return fwrite(data, size, count, out) * size;
}

static json_t *get_spans(const char *collector) {
    char url[512], *body = NULL;
    size_t length = 0;
    snprintf(url, sizeof url, "%s/_spans", collector);
    FILE *out = open_memstream(&body, &length);
    CURL *curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_cleanup(curl);
    fclose(out);
    json_t *all = rc == CURLE_OK ? json_loadb(body, length, 0, NULL) : NULL;
    free(body);
    return all;
}

struct provider {
    const char *model, *url_env, *suffix;
};

static const struct provider providers[] = {
    {"gpt-4.1-mini", "FAKE_OPENAI", "/v1"},
    {"claude-sonnet-4-5", "FAKE_ANTHROPIC", ""},
    {"gemini-2.5-flash", "FAKE_GOOGLE", ""},
    {"anthropic.claude-3-haiku-20240307-v1:0", "FAKE_BEDROCK", ""},
};

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    const char *collector = getenv("FAKE_COLLECTOR");
    if (n <= 0 || !collector) return 2;
    char options[1024];
    snprintf(options, sizeof options,
             "{\"api_key\":\"tr-test-key\",\"base_url\":\"%s\",\"spans_file\":\"/dev/null\",\"span_queue_size\":%d,"
             "\"openai_api_key\":\"sk-test-key\",\"anthropic_api_key\":\"sk-ant-test-key\","
             "\"google_api_key\":\"gemini-test-key\",\"bedrock_api_key\":\"bedrock-test-key\",\"aws_region\":\"us-east-1\"}",
             collector, 2 * n);
    tracia_client *client = tracia_client_new(options);
    if (!client) return fprintf(stderr, "%s\n", tracia_last_error()), 1;
    tracia_stream **streams = calloc((size_t)n, sizeof *streams);
    struct pollfd *fds = calloc((size_t)n, sizeof *fds);
    char **texts = calloc((size_t)n, sizeof *texts);
    size_t *lengths = calloc((size_t)n, sizeof *lengths);
    char (*ids)[40] = calloc((size_t)n, sizeof *ids);
    int threads = count_threads(), failures = 0;
    double start = now_ms();
    for (int i = 0; i < n; i++) {
        const struct provider *p = &providers[i % 4];
        char request[1024];
        snprintf(request, sizeof request,
                 "{\"model\":\"%s\",\"stream\":true,\"base_url\":\"%s/s/text%s\",\"messages\":[{\"role\":\"user\","
                 "\"content\":\"load stream number %d of %d\"}]}",
                 p->model, getenv(p->url_env), p->suffix, i, n);
        streams[i] = tracia_run_local(client, request);
        if (!streams[i]) return fprintf(stderr, "%s\n", tracia_last_error()), 1;
        snprintf(ids[i], sizeof ids[i], "%s", tracia_stream_span_id(streams[i]));
        texts[i] = calloc(1, 256);
        fds[i].fd = tracia_stream_fd(streams[i]);
        fds[i].events = POLLIN;
    }
    int open = n;
    while (open > 0) {
        if (poll(fds, (nfds_t)n, 30000) <= 0) return fprintf(stderr, "no stream progressed for 30 s\n"), 1;
        int t = count_threads();
        if (t > threads) threads = t;
        for (int i = 0; i < n; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & POLLIN)) continue;
            const char *chunk;
            size_t len;
            int rc;
            while ((rc = tracia_stream_poll(streams[i], &chunk, &len)) == 1) {
                if (lengths[i] + len < 255) memcpy(texts[i] + lengths[i], chunk, len);
                lengths[i] += len;
            }
            if (rc == TRACIA_AGAIN) continue;
            char expected[128];
            snprintf(expected, sizeof expected, "load stream number %d of %d", i, n);
            if (rc != 0 || strcmp(texts[i], expected) != 0) {
                failures++;
                fprintf(stderr, "stream %d: rc %d, text '%s' %s\n", i, rc, texts[i], rc ? tracia_last_error() : "");
            }
            fds[i].fd = -1;
            open--;
        }
    }
    double wall = now_ms() - start;
    for (int i = 0; i < n; i++) tracia_stream_free(streams[i]);
    int flushed = tracia_flush(client, 60000);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    tracia_client_free(client);
    /* Every span once, with its text. */
    json_t *all = get_spans(collector);
    int spans_ok = 0;
    for (int i = 0; i < n; i++) {
        int seen = 0;
        size_t k;
        json_t *span;
        json_array_foreach(json_object_get(all, "spans"), k, span) {
            if (strcmp(json_string_value(json_object_get(span, "spanId")) ?: "", ids[i]) != 0) continue;
            seen++;
            if (strcmp(json_string_value(json_object_get(span, "output")) ?: "", texts[i]) != 0) seen = 99;
        }
        if (seen == 1) spans_ok++;
        else fprintf(stderr, "span of stream %d seen %d times (99: wrong text)\n", i, seen);
    }
    json_decref(all);
    printf("{\"streams\":%d,\"failures\":%d,\"spans_ok\":%d,\"flush\":%d,\"wall_ms\":%.0f,\"threads\":%d,\"peak_rss_mb\":%.1f}\n", n,
           failures, spans_ok, flushed, wall, threads, (double)ru.ru_maxrss / 1024);
    for (int i = 0; i < n; i++) free(texts[i]);
    free(streams), free(fds), free(texts), free(lengths), free(ids);
    return failures || spans_ok != n || flushed != 0;
}
