/* Time to first chunk over loopback: raw libcurl (one easy handle) against libtracia (one
 * client), interleaved in one process; both read each stream to its end, so both reuse their
 * connection as a long-lived client does.
 *   ttfb BASE_URL ROUNDS -> prints "curl_median_us tracia_median_us" */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tracia.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

struct first { double start, at; };

static size_t on_data(char *p, size_t size, size_t count, void *user) {
    struct first *f = user;
    (void)p;
    if (f->at == 0) f->at = now_us();
    return size * count;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    int rounds = atoi(argv[2]);
    char url[512], request[1024];
    snprintf(url, sizeof url, "%s/chat/completions", argv[1]);
    snprintf(request, sizeof request,
             "{\"model\":\"gpt-4.1-mini\",\"stream\":true,\"base_url\":\"%s\","
             "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", argv[1]);
    const char *body = "{\"model\":\"gpt-4.1-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                       "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Authorization: Bearer sk-bench");
    tracia_client *client = tracia_client_new("{\"openai_api_key\":\"sk-bench\",\"spans_file\":\"/dev/null\"}");
    double *c = calloc((size_t)rounds, sizeof *c), *t = calloc((size_t)rounds, sizeof *t);
    for (int i = 0; i < rounds; i++) {
        struct first f = {now_us(), 0};
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &f);
        curl_easy_perform(h);
        c[i] = f.at - f.start;

        double start = now_us();
        tracia_stream *s = tracia_run_local(client, request);
        const char *chunk;
        size_t len;
        if (tracia_stream_next(s, &chunk, &len) != 1) { fprintf(stderr, "no chunk\n"); return 1; }
        t[i] = now_us() - start;
        while (tracia_stream_next(s, &chunk, &len) == 1) {}
        tracia_stream_free(s);
    }
    qsort(c, (size_t)rounds, sizeof *c, cmp);
    qsort(t, (size_t)rounds, sizeof *t, cmp);
    printf("%.1f %.1f\n", c[rounds / 2], t[rounds / 2]);
    tracia_client_free(client);
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    return 0;
}
