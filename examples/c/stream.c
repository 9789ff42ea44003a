/* Streams a call, prints the span id first, the text as it arrives, then the token
 * usage; a second call is aborted after its first chunk.
 *   cc stream.c $(pkg-config --cflags --libs tracia) -o stream && ./stream [MODEL]
 * MODEL defaults to mock/echo, which runs offline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tracia.h>

static int run(tracia_client *client, const char *model, int abort_after_first) {
    char request[1024];
    snprintf(request, sizeof request,
             "{\"model\":\"%s\",\"stream\":true,\"messages\":[{\"role\":\"user\","
             "\"content\":\"Write one sentence about streaming.\"}],"
             "\"mock_response\":\"Streaming sends each token the moment it exists.\",\"mock_chunk_delay_ms\":5}",
             model);
    if (strncmp(model, "mock/", 5) != 0) { /* mock_response is for the mock provider only */
        snprintf(request, sizeof request,
                 "{\"model\":\"%s\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                 "\"content\":\"Write one sentence about streaming.\"}]}",
                 model);
    }
    tracia_stream *stream = tracia_run_local(client, request);
    if (!stream) {
        fprintf(stderr, "error: %s\n", tracia_last_error());
        return 1;
    }
    printf("span %s\n", tracia_stream_span_id(stream));

    const char *chunk;
    size_t length;
    int rc;
    while ((rc = tracia_stream_next(stream, &chunk, &length)) == 1) {
        fwrite(chunk, 1, length, stdout);
        fflush(stdout);
        if (abort_after_first) tracia_stream_abort(stream);
    }
    printf("\n");
    if (rc < 0) fprintf(stderr, "stream failed: %s\n", tracia_last_error());

    char *result = tracia_stream_result(stream);
    const char *total = strstr(result, "\"total_tokens\":");
    const char *aborted = strstr(result, "\"aborted\":true");
    printf("total tokens: %d%s\n", total ? atoi(total + 15) : 0, aborted ? " (aborted)" : "");
    tracia_free(result);
    tracia_stream_free(stream);
    return rc < 0;
}

int main(int argc, char **argv) {
    const char *model = argc > 1 ? argv[1] : "mock/echo";
    tracia_client *client = tracia_client_new(NULL);
    if (!client) {
        fprintf(stderr, "error: %s\n", tracia_last_error());
        return 1;
    }
    int failed = run(client, model, 0) || run(client, model, 1);
    tracia_client_free(client); /* flushes the spans */
    return failed;
}
