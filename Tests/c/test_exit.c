/* Process exit with the library busy: calls in flight, a collector that hangs, handles never
 * freed. Each case runs in a child process (this test program started again with --exit-child)
 * that must end promptly, with the status it chose, and without a signal. */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

extern char **environ;

enum { CHILD_STATUS = 7 };

/* The child: a traced client whose collector hangs, streams in flight, then exit. */
int exit_child(const char *mode) {
    if (strncmp(mode, "spans-", 6) == 0) return span_file_child(mode);
    char options[512];
    snprintf(options, sizeof options,
             "{\"openai_api_key\":\"sk-test-key\",\"api_key\":\"tr-test-key\",\"base_url\":\"%s\",\"flush_timeout_ms\":300}",
             collector_url());
    tracia_client *c = tracia_client_new(options);
    if (!c) return 2;
    char *req = request_json("s/slow", "exit while busy", "");
    tracia_stream *streams[4];
    for (int i = 0; i < 4; i++) {
        streams[i] = tracia_run_local(c, req);
        const char *chunk;
        size_t length;
        if (!streams[i] || tracia_stream_next(streams[i], &chunk, &length) != 1) return 3;
    }
    free(req);
    if (strcmp(mode, "streams-freed") == 0 || strcmp(mode, "all-freed") == 0) {
        for (int i = 0; i < 4; i++) tracia_stream_free(streams[i]);
    }
    if (strcmp(mode, "all-freed") == 0) tracia_client_free(c);
    if (strcmp(mode, "quick-exit") == 0) _exit(CHILD_STATUS);
    exit(CHILD_STATUS);
}

pid_t spawn_child(const char *mode) {
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return -1;
    self[n] = 0;
    char *argv[] = {self, "--exit-child", (char *)mode, NULL};
    /* The child leaves its handles on purpose: a leak checker in it would change its status. */
    size_t count = 0;
    while (environ[count]) count++;
    char **env = calloc(count + 2, sizeof *env);
    if (!env) return -1;
    memcpy(env, environ, count * sizeof *env);
    env[count] = "ASAN_OPTIONS=detect_leaks=0";
    pid_t pid;
    int rc = posix_spawn(&pid, self, NULL, NULL, argv, env);
    free(env);
    return rc == 0 ? pid : -1;
}

/* Waits up to `ms` for the child; -1 when it did not end in time (then it is killed). */
int wait_child(pid_t pid, int ms, int *status) {
    for (int waited = 0; waited < ms; waited += 5) {
        if (waitpid(pid, status, WNOHANG) == pid) return 0;
        usleep(5000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, status, 0);
    return -1;
}

void test_process_exit_never_hangs_or_crashes(void) {
    char url[512];
    snprintf(url, sizeof url, "%s/_hang", collector_url());
    CHECK(post_json(url, "{\"seconds\":5}"));
    const char *modes[] = {"nothing-freed", "streams-freed", "all-freed", "quick-exit"};
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        for (int round = 0; round < 10; round++) {
            double start = now_ms();
            pid_t pid = spawn_child(modes[m]);
            CHECK(pid > 0);
            int status = 0;
            CHECK_MSG(wait_child(pid, 4000, &status) == 0, modes[m]);
            CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == CHILD_STATUS, modes[m]);
            /* all-freed may spend flush_timeout_ms on the hanging collector; nothing else waits. */
            CHECK_MSG(now_ms() - start < 2500, modes[m]);
        }
    }
    CHECK(post_json(url, "{\"seconds\":0}"));
}
