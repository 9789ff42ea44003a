/* The same request through libtracia's C API: stream, count chunks, read the result.
 *   tracia_stream BASE_URL [trace] -> prints "chunks bytes" */
#include <stdio.h>
#include <string.h>
#include <tracia.h>

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    int trace = argc > 2 && strcmp(argv[2], "trace") == 0;
    char options[512];
    snprintf(options, sizeof options, "{\"openai_api_key\":\"sk-bench\",\"spans_file\":\"/dev/null\"}");
    tracia_client *client = tracia_client_new(options);
    char request[1024];
    snprintf(request, sizeof request,
             "{\"model\":\"gpt-4.1-mini\",\"stream\":true,\"base_url\":\"%s\",\"send_trace\":%s,"
             "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
             argv[1], trace ? "true" : "false");
    tracia_stream *stream = tracia_run_local(client, request);
    if (!stream) {
        fprintf(stderr, "%s\n", tracia_last_error());
        return 1;
    }
    const char *chunk;
    size_t length;
    long chunks = 0, bytes = 0;
    int rc;
    while ((rc = tracia_stream_next(stream, &chunk, &length)) == 1) {
        chunks++;
        bytes += (long)length;
    }
    char *result = tracia_stream_result(stream);
    tracia_free(result);
    tracia_stream_free(stream);
    tracia_client_free(client);
    printf("%ld %ld\n", chunks, bytes);
    return rc != 0;
}
