/* The AWS credential chain of Bedrock calls, against the fake Bedrock (which checks SigV4 and
 * session tokens) and the fake container and instance metadata endpoints: which source wins,
 * credential_process, container tokens, IMDSv2 and v1, refreshes, and clear errors. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define MODEL "anthropic.claude-3-haiku-20240307-v1:0"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

static char dir[64];

static const char *bedrock(void) { return getenv("FAKE_BEDROCK") ?: "http://127.0.0.1:1"; }
static const char *credentials_fake(void) { return getenv("FAKE_AWS_CREDENTIALS") ?: "http://127.0.0.1:1"; }

static void write_file(const char *name, const char *text, int executable) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
    if (executable) chmod(path, 0700);
}

static void set_path_env(const char *variable, const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    setenv(variable, path, 1);
}

static void make_dir(void) {
    if (dir[0]) return;
    snprintf(dir, sizeof dir, "/tmp/tracia-aws-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
}

/* Every variable the chain reads, back to the runner's state (no profile files, no IMDS). */
static void reset_env(void) {
    const char *names[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
                           "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                           "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                           "AWS_EC2_METADATA_SERVICE_ENDPOINT"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) unsetenv(names[i]);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
    setenv("AWS_CONFIG_FILE", "/dev/null", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

static tracia_client *client(const char *extra) {
    char options[512];
    snprintf(options, sizeof options, "{\"spans_file\":\"/dev/null\",\"max_retries\":0%s%s}", extra[0] ? "," : "", extra);
    tracia_client *c = tracia_client_new(options);
    CHECK_MSG(c != NULL, tracia_last_error());
    return c;
}

/* One call to the fake Bedrock; the outcome's rc is 0 on success. */
static struct outcome call(tracia_client *c, const char *text) {
    char request[512];
    snprintf(request, sizeof request,
             "{\"model\":\"" MODEL "\",\"base_url\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}", bedrock(), text);
    return run_call(c, request);
}

/* Whether the fake Bedrock's last request was signed by a key id starting with `key_id` and sent
 * `token` as its session token (NULL: none; "*": any). */
static int last_signed_with(const char *key_id, const char *token) {
    char url[256];
    snprintf(url, sizeof url, "%s/_requests", bedrock());
    json_t *requests = get_json(url);
    json_t *last = json_array_get(requests, json_array_size(requests) - 1);
    const char *auth = str_at(last, "headers.Authorization") ?: "";
    const char *sent = str_at(last, "headers.X-Amz-Security-Token");
    char want[128];
    snprintf(want, sizeof want, "Credential=%s", key_id);
    int ok = strstr(auth, want) != NULL
             && (token ? sent && (strcmp(token, "*") == 0 || strcmp(sent, token) == 0) : sent == NULL);
    json_decref(requests);
    return ok;
}

static long long fetches(const char *kind) {
    char url[256];
    snprintf(url, sizeof url, "%s/_fetches", credentials_fake());
    json_t *counts = get_json(url);
    long long n = int_at(counts, kind);
    json_decref(counts);
    return n;
}

/* tracia_run_local() refuses the call before any I/O, its error holding `text`. */
static void expect_refused(tracia_client *c, const char *text) {
    char request[512];
    snprintf(request, sizeof request, "{\"model\":\"" MODEL "\",\"base_url\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
             bedrock());
    tracia_stream *s = tracia_run_local(c, request);
    CHECK(s == NULL);
    tracia_stream_free(s);
    CHECK_MSG(strstr(tracia_last_error(), text) != NULL, tracia_last_error());
}

/* The container credentials endpoint: the fake's `path`. */
static void use_container_endpoint(const char *path) {
    char url[256];
    snprintf(url, sizeof url, "%s%s", credentials_fake(), path);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
}

/* `times` calls in a row, each of which must succeed; with a `key_id`, each signed as
 * last_signed_with(key_id, token) says. */
static void expect_calls_succeed(tracia_client *c, const char *text, int times, const char *key_id, const char *token) {
    for (int i = 0; i < times; i++) {
        struct outcome o = call(c, text);
        CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
        if (key_id) CHECK(last_signed_with(key_id, token));
        outcome_free(&o);
    }
}

static int message_has(struct outcome *o, const char *text) { return strstr(str_at(o->result, "error.message") ?: "", text) != NULL; }

void test_aws_chain_order(void) {
    make_dir();
    reset_env();
    write_file("credentials", "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = " SECRET "\n"
                              "[wrong]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = not-the-secret\n", 0);
    write_file("config", "[default]\nregion = us-west-2\n[profile admin]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = default\n", 0);
    set_path_env("AWS_SHARED_CREDENTIALS_FILE", "credentials");
    set_path_env("AWS_CONFIG_FILE", "config");

    /* The default profile of the shared credentials file signs the call. */
    tracia_client *c = client("");
    struct outcome o = call(c, "from the file");
    CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
    CHECK_STR(o.text, "from the file");
    CHECK(last_signed_with("AKIDEXAMPLE", NULL));
    outcome_free(&o);
    tracia_client_free(c);

    /* Environment keys beat the files, even with AWS_PROFILE set... */
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "env-secret-is-wrong", 1);
    setenv("AWS_PROFILE", "default", 1);
    c = client("");
    o = call(c, "env");
    CHECK(o.rc == TRACIA_E_UNAUTHORIZED);
    CHECK(message_has(&o, "signature"));
    CHECK(!message_has(&o, "env-secret-is-wrong"));
    outcome_free(&o);
    tracia_client_free(c);

    /* ...but an explicit profile leaves them out. */
    c = client("\"aws_profile\":\"default\"");
    o = call(c, "explicit profile");
    CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
    outcome_free(&o);
    tracia_client_free(c);
    c = client("\"aws_profile\":\"wrong\"");
    o = call(c, "wrong profile");
    CHECK(o.rc == TRACIA_E_UNAUTHORIZED);
    outcome_free(&o);
    tracia_client_free(c);

    /* A profile that assumes a role: refused before any I/O, with the hint; one that is nowhere. */
    c = client("\"aws_profile\":\"admin\"");
    expect_refused(c, "aws configure export-credentials --profile admin");
    tracia_client_free(c);
    c = client("\"aws_profile\":\"nowhere\"");
    expect_refused(c, "the AWS profile 'nowhere' is in neither");
    tracia_client_free(c);
    reset_env();
}

void test_aws_credential_process(void) {
    make_dir();
    reset_env();
    char config[1024];
    snprintf(config, sizeof config,
             "[profile proc]\ncredential_process = \"%s/creds.sh\" --flag 'two words'\n"
             "[profile failing]\ncredential_process = %s/fail.sh\n"
             "[profile v2]\ncredential_process = %s/v2.sh\n", dir, dir, dir);
    write_file("config", config, 0);
    write_file("creds.sh", "#!/bin/sh\n[ \"$2\" = 'two words' ] || exit 7\n"
                           "echo '{\"Version\":1,\"AccessKeyId\":\"AKIDEXAMPLE\",\"SecretAccessKey\":\"" SECRET "\","
                           "\"SessionToken\":\"SESSIONTOKEN\",\"Expiration\":\"2999-01-01T00:00:00Z\"}'\n", 1);
    write_file("fail.sh", "#!/bin/sh\necho 'no credentials for you' >&2\nexit 3\n", 1);
    write_file("v2.sh", "#!/bin/sh\necho '{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}'\n", 1);
    set_path_env("AWS_CONFIG_FILE", "config");

    tracia_client *c = client("\"aws_profile\":\"proc\"");
    expect_calls_succeed(c, "from a process", 2, "AKIDEXAMPLE", "SESSIONTOKEN");
    tracia_client_free(c);

    c = client("\"aws_profile\":\"failing\"");
    struct outcome o = call(c, "x");
    CHECK(o.rc < 0);
    CHECK_MSG(message_has(&o, "no credentials for you") && message_has(&o, "status 3"), str_at(o.result, "error.message"));
    outcome_free(&o);
    tracia_client_free(c);

    c = client("\"aws_profile\":\"v2\"");
    o = call(c, "x");
    CHECK_MSG(message_has(&o, "unsupported Version 2"), str_at(o.result, "error.message"));
    outcome_free(&o);
    tracia_client_free(c);
    reset_env();
}

void test_aws_container_credentials(void) {
    make_dir();
    reset_env();
    char url[256];
    use_container_endpoint("/container/3600/auth");
    write_file("token", "container-token-abc", 0);
    set_path_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "token");

    /* One fetch for a run of calls while the keys are far from expiry. */
    long long before = fetches("container");
    tracia_client *c = client("");
    expect_calls_succeed(c, "container", 3, "ASIAFAKE", "*");
    CHECK(fetches("container") == before + 1);
    /* The token file is read at each fetch: a token with a newline is refused. */
    write_file("token", "container-token-abc\n", 0);
    tracia_client_free(c);
    c = client("");
    struct outcome o = call(c, "x");
    CHECK_MSG(message_has(&o, "CR or LF"), str_at(o.result, "error.message"));
    outcome_free(&o);
    tracia_client_free(c);
    write_file("token", "container-token-abc", 0);

    /* Keys within the mandatory window are fetched again for each call; within the advisory
     * window a call uses them and a refresh starts. */
    use_container_endpoint("/container/5/auth");
    c = client("");
    before = fetches("container");
    expect_calls_succeed(c, "short-lived", 3, NULL, NULL);
    CHECK(fetches("container") == before + 3);
    tracia_client_free(c);
    /* Keys that come with less than the 15 minutes of the advisory window are refreshed halfway
     * between their arrival and the mandatory 10 minutes (here after 2 s), not on every call. */
    use_container_endpoint("/container/604/auth");
    c = client("");
    before = fetches("container");
    expect_calls_succeed(c, "used at once", 3, NULL, NULL);
    CHECK(fetches("container") == before + 1);
    nanosleep(&(struct timespec){2, 500000000}, NULL);
    expect_calls_succeed(c, "refreshed ahead", 2, NULL, NULL);
    CHECK(fetches("container") >= before + 2);
    tracia_client_free(c);

    /* Keys AWS stops taking before their stated expiry (revoked, or the clocks disagree) get
     * its 403 "security token ... expired": the call is tried once more with fresh keys. */
    use_container_endpoint("/container/3600/auth");
    c = client("");
    before = fetches("container");
    o = call(c, "before");
    CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
    outcome_free(&o);
    snprintf(url, sizeof url, "%s/_revoke", credentials_fake());
    CHECK(post_json(url, "{}"));
    o = call(c, "after the revocation");
    CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
    CHECK(fetches("container") == before + 2);
    outcome_free(&o);
    tracia_client_free(c);

    /* A failing endpoint: a clear error, no request sent. */
    use_container_endpoint("/container-fail");
    c = client("");
    o = call(c, "x");
    CHECK(o.rc < 0);
    CHECK_MSG(message_has(&o, "container credentials") && message_has(&o, "HTTP 500"), str_at(o.result, "error.message"));
    outcome_free(&o);
    tracia_client_free(c);

    /* Hosts outside the allowed list are refused. */
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds", 1);
    c = client("");
    expect_refused(c, "loopback");
    tracia_client_free(c);
    reset_env();
}

void test_aws_instance_metadata(void) {
    reset_env();
    unsetenv("AWS_EC2_METADATA_DISABLED");
    const char *modes[] = {"v2", "v1"};
    for (int i = 0; i < 2; i++) {
        char url[256];
        snprintf(url, sizeof url, "%s/imds/%s/3600", credentials_fake(), modes[i]);
        setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
        long long before = fetches("imds"), tokens = fetches("imds_tokens");
        tracia_client *c = client("");
        struct outcome o = call(c, "from IMDS");
        CHECK_MSG(o.rc == 0, str_at(o.result, "error.message"));
        CHECK_STR(o.text, "from IMDS");
        outcome_free(&o);
        tracia_client_free(c);
        CHECK(fetches("imds") == before + 1);
        CHECK(fetches("imds_tokens") == tokens + (i == 0 ? 1 : 0));
    }
    char url[256];
    snprintf(url, sizeof url, "%s/imds/failing/3600", credentials_fake());
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
    tracia_client *c = client("");
    struct outcome o = call(c, "x");
    CHECK_MSG(message_has(&o, "AssumeRoleUnauthorizedAccess"), str_at(o.result, "error.message"));
    outcome_free(&o);
    tracia_client_free(c);
    /* Nothing listening: no credentials anywhere, and the error names every source. */
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1", 1);
    c = client("");
    o = call(c, "x");
    CHECK(o.rc == TRACIA_E_MISSING_PROVIDER_API_KEY);
    CHECK_MSG(message_has(&o, "credential_process") && message_has(&o, "AWS_CONTAINER_CREDENTIALS_FULL_URI"),
              str_at(o.result, "error.message"));
    outcome_free(&o);
    tracia_client_free(c);
    reset_env();
}

/* An embedding request signs with the keys the chain fetches too, from the client's cache. */
void test_aws_fetched_keys_sign_embeddings(void) {
    make_dir();
    reset_env();
    use_container_endpoint("/container/3600");
    const char *embeddings = getenv("FAKE_EMBEDDINGS") ?: "http://127.0.0.1:1";
    tracia_client *c = client("\"aws_region\":\"us-east-1\"");
    long long before = fetches("container");
    char request[512];
    snprintf(request, sizeof request,
             "{\"model\":\"amazon.titan-embed-text-v2:0\",\"input\":[\"alpha\",\"be\"],\"base_url\":\"%s\"}", embeddings);
    for (int i = 0; i < 2; i++) {
        tracia_request *r = tracia_run_embedding(c, request);
        CHECK_MSG(r != NULL, tracia_last_error());
        char *result = r ? tracia_request_result(r) : NULL;
        CHECK_MSG(result != NULL, tracia_last_error());
        json_t *j = result ? json_loads(result, 0, NULL) : NULL;
        CHECK(json_array_size(json_object_get(j, "embeddings")) == 2);
        json_decref(j);
        tracia_free(result);
        tracia_request_free(r);
    }
    CHECK(fetches("container") == before + 1);
    char url[256];
    snprintf(url, sizeof url, "%s/_requests", embeddings);
    json_t *requests = get_json(url);
    const char *auth = str_at(json_array_get(requests, json_array_size(requests) - 1), "headers.Authorization");
    CHECK_MSG(auth && strstr(auth, "Credential=ASIAFAKE") != NULL, auth);
    json_decref(requests);
    tracia_client_free(c);

    /* The endpoint failing fails the request with its error, before any request to Bedrock. */
    use_container_endpoint("/container-fail");
    c = client("");
    tracia_request *r = tracia_run_embedding(c, request);
    CHECK(r != NULL && tracia_request_result(r) == NULL);
    CHECK_MSG(strstr(tracia_last_error(), "HTTP 500") != NULL, tracia_last_error());
    tracia_request_free(r);
    tracia_client_free(c);
    reset_env();
}
