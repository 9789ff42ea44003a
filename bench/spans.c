/* Span export throughput to a loopback collector with keep-alive.
 *   spans tracia BASE_URL N   N mock calls on one traced client, then flush: the time until the
 *                             collector has every span
 *   spans untraced BASE_URL N the same calls with send_trace false: what the calls alone cost
 *   spans curl BASE_URL N     the baseline: libcurl's multi interface POSTing N bodies of a real
 *                             span's size over 8 keep-alive connections (the library's in-flight
 *                             limit)
 * Both print "N milliseconds". */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tracia.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static size_t discard(char *data, size_t size, size_t count, void *user) {
    (void)data, (void)user;
    return size * count;
}

static int tracia(const char *base, int n, int traced) {
    char options[512];
    snprintf(options, sizeof options, "{\"api_key\":\"tr-bench\",\"base_url\":\"%s\",\"span_queue_size\":%d}", base, n + 16);
    tracia_client *client = tracia_client_new(options);
    if (!client) return fprintf(stderr, "%s\n", tracia_last_error()), 1;
    const char *request = traced ? "{\"model\":\"mock/bench\",\"mock_response\":\"a short answer of a few words\","
                                   "\"messages\":[{\"role\":\"user\",\"content\":\"a short question\"}]}"
                                 : "{\"model\":\"mock/bench\",\"mock_response\":\"a short answer of a few words\","
                                   "\"send_trace\":false,\"messages\":[{\"role\":\"user\",\"content\":\"a short question\"}]}";
    double start = now_ms();
    for (int i = 0; i < n; i++) {
        tracia_stream *s = tracia_run_local(client, request);
        if (!s) return fprintf(stderr, "%s\n", tracia_last_error()), 1;
        tracia_free(tracia_stream_result(s));
        tracia_stream_free(s);
    }
    int rc = tracia_flush(client, 120000);
    double ms = now_ms() - start;
    tracia_client_free(client);
    printf("%d %.1f\n", n, ms);
    return rc != 0;
}

static int baseline(const char *base, int n) {
    char url[512], body[1024];
    snprintf(url, sizeof url, "%s/api/v1/spans", base);
    memset(body, 'x', sizeof body - 1);
    body[sizeof body - 1] = 0;
    memcpy(body, "{\"spanId\":\"", 11);
    body[sizeof body - 3] = '"';
    body[sizeof body - 2] = '}';
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Authorization: Bearer tr-bench");
    headers = curl_slist_append(headers, "Expect:");
    CURLM *multi = curl_multi_init();
    enum { SLOTS = 8 };
    int started = 0, done = 0;
    double start = now_ms();
    for (int i = 0; i < SLOTS && started < n; i++, started++) {
        CURL *e = curl_easy_init();
        curl_easy_setopt(e, CURLOPT_URL, url);
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
        curl_multi_add_handle(multi, e);
    }
    while (done < n) {
        int running;
        curl_multi_perform(multi, &running);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(multi, &left))) {
            if (m->msg != CURLMSG_DONE) continue;
            CURL *e = m->easy_handle;
            curl_multi_remove_handle(multi, e);
            done++;
            if (started < n) {
                started++;
                curl_multi_add_handle(multi, e); /* the same handle reuses its connection */
            } else {
                curl_easy_cleanup(e);
            }
        }
        if (done < n) curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    double ms = now_ms() - start;
    curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
    printf("%d %.1f\n", n, ms);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) return 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int n = atoi(argv[3]);
    if (strcmp(argv[1], "curl") == 0) return baseline(argv[2], n);
    return tracia(argv[2], n, strcmp(argv[1], "tracia") == 0);
}
