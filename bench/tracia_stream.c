/* The same request through libtracia's C API: stream, count chunks, read the result.
 *   tracia_stream BASE_URL [trace] [events] -> prints "chunks bytes"
 * With "events" the stream is read with tracia_stream_next_event(), counting its text events. */
#include <stdio.h>
#include <string.h>
#include <tracia.h>

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    int trace = 0, events = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "trace") == 0) trace = 1;
        if (strcmp(argv[i], "events") == 0) events = 1;
    }
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
    long chunks = 0, bytes = 0;
    int rc;
    if (events) {
        tracia_event event;
        while ((rc = tracia_stream_next_event(stream, &event)) == 1) {
            if (event.type != TRACIA_EVENT_TEXT) continue;
            chunks++;
            bytes += (long)event.length;
        }
    } else {
        const char *chunk;
        size_t length;
        while ((rc = tracia_stream_next(stream, &chunk, &length)) == 1) {
            chunks++;
            bytes += (long)length;
        }
    }
    char *result = tracia_stream_result(stream);
    tracia_free(result);
    tracia_stream_free(stream);
    tracia_client_free(client);
    printf("%ld %ld\n", chunks, bytes);
    return rc != 0;
}
