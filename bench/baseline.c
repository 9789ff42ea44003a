/* The practical limit: a minimal libcurl + jansson client that streams the same request,
 * splits SSE lines, parses each event and extracts choices[0].delta.content.
 *   baseline URL -> prints "chunks bytes" */
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct state {
    char line[65536];
    size_t used;
    long chunks;
    long bytes;
};

static void event(struct state *s, const char *data, size_t n) {
    if (n >= 6 && memcmp(data, "[DONE]", 6) == 0) return;
    json_t *root = json_loadb(data, n, 0, NULL);
    if (!root) return;
    json_t *choice = json_array_get(json_object_get(root, "choices"), 0);
    json_t *content = json_object_get(json_object_get(choice, "delta"), "content");
    if (json_is_string(content) && json_string_length(content) > 0) {
        s->chunks++;
        s->bytes += (long)json_string_length(content);
    }
    json_decref(root);
}

static size_t on_data(char *p, size_t size, size_t count, void *user) {
    struct state *s = user;
    size_t n = size * count;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            if (s->used > 6 && memcmp(s->line, "data: ", 6) == 0) event(s, s->line + 6, s->used - 6);
            s->used = 0;
        } else if (s->used < sizeof s->line) {
            s->line[s->used++] = p[i];
        }
    }
    return n;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Authorization: Bearer sk-bench");
    const char *body = "{\"model\":\"gpt-4.1-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    struct state *s = calloc(1, sizeof *s);
    curl_easy_setopt(h, CURLOPT_URL, argv[1]);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
    CURLcode rc = curl_easy_perform(h);
    printf("%ld %ld\n", s->chunks, s->bytes);
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    free(s);
    return rc != CURLE_OK;
}
