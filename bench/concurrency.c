/* N concurrent streams on one client, read by one thread polling every stream's readiness fd.
 *   concurrency BASE_URL STREAMS -> prints "streams_ok wall_ms threads peak_rss_kb" */
#define _GNU_SOURCE
#include <dirent.h>
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

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    int n = atoi(argv[2]);
    tracia_client *client = tracia_client_new("{\"openai_api_key\":\"sk-bench\",\"spans_file\":\"/dev/null\"}");
    tracia_stream **streams = calloc((size_t)n, sizeof *streams);
    struct pollfd *fds = calloc((size_t)n, sizeof *fds);
    long *bytes = calloc((size_t)n, sizeof *bytes);
    char request[1024];
    snprintf(request, sizeof request,
             "{\"model\":\"gpt-4.1-mini\",\"stream\":true,\"base_url\":\"%s\","
             "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", argv[1]);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < n; i++) {
        streams[i] = tracia_run_local(client, request);
        if (!streams[i]) { fprintf(stderr, "%s\n", tracia_last_error()); return 1; }
        fds[i].fd = tracia_stream_fd(streams[i]);
        fds[i].events = POLLIN;
    }
    int threads = count_threads();
    int open = n, ok = 0;
    while (open > 0) {
        poll(fds, (nfds_t)n, -1);
        for (int i = 0; i < n; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & POLLIN)) continue;
            const char *chunk;
            size_t len;
            int rc;
            /* Drain what is ready; the fd stays readable exactly while next would not block. */
            do {
                rc = tracia_stream_next(streams[i], &chunk, &len);
                if (rc == 1) bytes[i] += (long)len;
                struct pollfd p = {fds[i].fd, POLLIN, 0};
                if (rc == 1 && poll(&p, 1, 0) == 0) break;
            } while (rc == 1);
            if (rc <= 0) {
                if (rc == 0) ok++;
                else fprintf(stderr, "stream %d: %s\n", i, tracia_last_error());
                fds[i].fd = -1;
                open--;
            }
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int peak_threads = count_threads();
    if (peak_threads > threads) threads = peak_threads;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    for (int i = 0; i < n; i++) tracia_stream_free(streams[i]);
    tracia_client_free(client);
    printf("%d %.1f %d %ld\n", ok, ms, threads, ru.ru_maxrss);
    return ok != n;
}
