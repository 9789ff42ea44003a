/* Aborts streams after their third chunk and prints the monotonic time of each abort call (ns),
 * for the server to pair with the time it saw the connection close.
 *   abort_latency BASE_URL COUNT */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <tracia.h>

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    int count = atoi(argv[2]);
    tracia_client *client = tracia_client_new("{\"openai_api_key\":\"sk-bench\",\"spans_file\":\"/dev/null\"}");
    char request[1024];
    snprintf(request, sizeof request,
             "{\"model\":\"gpt-4.1-mini\",\"stream\":true,\"base_url\":\"%s\","
             "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", argv[1]);
    for (int i = 0; i < count; i++) {
        tracia_stream *stream = tracia_run_local(client, request);
        const char *chunk;
        size_t len;
        for (int c = 0; c < 3 && tracia_stream_next(stream, &chunk, &len) == 1; c++) {}
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        tracia_stream_abort(stream);
        printf("%lld\n", (long long)t.tv_sec * 1000000000LL + t.tv_nsec);
        tracia_stream_free(stream);
    }
    tracia_client_free(client);
    return 0;
}
