/* tracia_request: calls of the Tracia REST API and embeddings against the fake Tracia API
 * (in the collector) and the fake embedding endpoints; readiness, abort, free, result twice. */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static const char *embeddings_url(void) {
    const char *u = getenv("FAKE_EMBEDDINGS");
    return u ? u : "http://127.0.0.1:1";
}

static tracia_client *api_client(const char *key) {
    char options[1024];
    snprintf(options, sizeof options, "\"api_key\":\"%s\",\"base_url\":\"%s\",\"max_retries\":0", key, collector_url());
    return test_client(options);
}

/* The result of a request, parsed; NULL (and *error the last error, parsed) when it failed. */
static json_t *finish(tracia_request *r, json_t **error) {
    *error = NULL;
    char *text = tracia_request_result(r);
    json_t *out = text ? json_loads(text, 0, NULL) : NULL;
    if (!text) *error = json_loads(tracia_last_error(), 0, NULL);
    tracia_free(text);
    tracia_request_free(r);
    return out;
}

static json_t *api(tracia_client *c, const char *request, json_t **error) {
    tracia_request *r = tracia_api_request(c, request);
    CHECK_MSG(r != NULL, tracia_last_error());
    if (!r) {
        *error = json_loads(tracia_last_error(), 0, NULL);
        return NULL;
    }
    return finish(r, error);
}

/* A call that must fail with `code`, HTTP `status` (0: none) and `message` in its message. */
static void expect_api_error(tracia_client *c, const char *request, const char *code, int status, const char *message) {
    json_t *error;
    json_t *ok = api(c, request, &error);
    CHECK_MSG(ok == NULL, request);
    CHECK_STR(str_at(error, "code"), code);
    if (status) CHECK(int_at(error, "status_code") == status);
    CHECK_MSG(strstr(str_at(error, "message") ?: "", message) != NULL, str_at(error, "message"));
    json_decref(ok);
    json_decref(error);
}

static char *prompt_create(const char *slug, const char *text) {
    char *out = NULL;
    int n = asprintf(&out,
                     "{\"method\":\"POST\",\"path\":\"/api/v1/prompts\",\"body\":{\"name\":\"%s\",\"slug\":\"%s\","
                     "\"content\":[{\"id\":\"m1\",\"role\":\"user\",\"content\":\"%s\"}]}}",
                     slug, slug, text);
    return n < 0 ? NULL : out;
}

void test_api_request_prompts_and_spans(void) {
    tracia_client *c = api_client("tr-test-key");
    char slug[64], req[512];
    snprintf(slug, sizeof slug, "c-%s", unique_token());
    char *create = prompt_create(slug, "Hi {{name}}");
    json_t *error;
    json_t *created = api(c, create, &error);
    CHECK_MSG(created != NULL, str_at(error, "message"));
    CHECK(int_at(created, "status") == 201);
    CHECK_STR(str_at(created, "body.slug"), slug);
    CHECK(int_at(created, "body.currentVersion") == 1);
    json_decref(created);
    json_decref(error);

    snprintf(req, sizeof req, "{\"method\":\"GET\",\"path\":\"/api/v1/prompts/%s\"}", slug);
    json_t *got = api(c, req, &error);
    CHECK(int_at(got, "status") == 200);
    CHECK_STR(str_at(got, "body.versions.0.messages.0.content"), "Hi {{name}}");
    json_decref(got);
    json_decref(error);

    snprintf(req, sizeof req,
             "{\"method\":\"POST\",\"path\":\"/api/v1/prompts/%s/run\",\"body\":{\"variables\":{\"name\":\"Ada\"},"
             "\"tags\":[\"c\"]}}",
             slug);
    json_t *run = api(c, req, &error);
    CHECK_STR(str_at(run, "body.text"), "Hi Ada");
    const char *span_id = str_at(run, "body.spanId");
    CHECK(span_id != NULL);

    /* The query is percent-encoded; the fake filters on it. */
    snprintf(req, sizeof req,
             "{\"method\":\"GET\",\"path\":\"/api/v1/spans\",\"query\":{\"promptSlug\":\"%s\",\"tags\":\"c\",\"limit\":5,"
             "\"userId\":null}}",
             slug);
    json_t *listed = api(c, req, &error);
    CHECK(json_array_size(at(listed, "body.spans")) == 1);
    CHECK_STR(str_at(listed, "body.spans.0.spanId"), span_id ?: "");
    json_decref(listed);
    json_decref(error);
    char url[512];
    snprintf(url, sizeof url, "%s/_api_requests", collector_url());
    json_t *requests = get_json(url);
    json_t *last = json_array_get(at(requests, "requests"), json_array_size(at(requests, "requests")) - 1);
    CHECK_STR(str_at(last, "query.promptSlug"), slug);
    CHECK_STR(str_at(last, "query.limit"), "5");
    CHECK(at(last, "query.userId") == NULL);
    CHECK_MSG(strstr(str_at(last, "user_agent") ?: "", "tracia") != NULL, str_at(last, "user_agent"));
    json_decref(requests);

    snprintf(req, sizeof req, "{\"method\":\"POST\",\"path\":\"/api/v1/spans/%s/evaluations\",\"body\":"
             "{\"evaluatorKey\":\"quality\",\"value\":1}}", span_id ?: "");
    json_t *evaluated = api(c, req, &error);
    CHECK(int_at(evaluated, "status") == 201);
    CHECK_STR(str_at(evaluated, "body.evaluatorKey"), "quality");
    json_decref(evaluated);
    json_decref(error);
    json_decref(run);

    snprintf(req, sizeof req, "{\"method\":\"DELETE\",\"path\":\"/api/v1/prompts/%s\"}", slug);
    json_t *deleted = api(c, req, &error);
    CHECK(int_at(deleted, "status") == 204);
    CHECK(at(deleted, "body") && json_is_null(at(deleted, "body")));
    json_decref(deleted);
    json_decref(error);
    free(create);
    tracia_client_free(c);
}

void test_api_request_error_codes(void) {
    tracia_client *c = api_client("tr-test-key");
    char slug[64], req[512];
    snprintf(slug, sizeof slug, "e-%s", unique_token());
    char *create = prompt_create(slug, "Dear {{first}} {{last}}");
    json_t *error;
    json_decref(api(c, create, &error));
    json_decref(error);
    expect_api_error(c, create, "CONFLICT", 409, "already exists");
    snprintf(req, sizeof req, "{\"method\":\"POST\",\"path\":\"/api/v1/prompts/%s/run\",\"body\":{\"variables\":{}}}", slug);
    expect_api_error(c, req, "MISSING_VARIABLES", 400, "Missing variables: first, last");
    expect_api_error(c, "{\"method\":\"GET\",\"path\":\"/api/v1/prompts/no-such-prompt\"}", "NOT_FOUND", 404,
                     "Prompt not found: no-such-prompt");
    expect_api_error(c, "{\"method\":\"GET\",\"path\":\"/api/v1/spans/sp_ffffffffffffffff\"}", "NOT_FOUND", 404, "Span not found");
    expect_api_error(c, "{\"method\":\"POST\",\"path\":\"/api/v1/prompts\",\"body\":{\"slug\":\"x\"}}", "INVALID_REQUEST", 400,
                     "name and content are required");
    /* A code no SDK knows is UNKNOWN with the API's message; a body that is not JSON is its text. */
    expect_api_error(c, "{\"method\":\"GET\",\"path\":\"/api/v1/prompts/odd-error\"}", "UNKNOWN", 418, "no SDK knows this code");
    expect_api_error(c, "{\"method\":\"GET\",\"path\":\"/api/v1/prompts/server-error\"}", "UNKNOWN", 500,
                     "<html>Internal Server Error</html>");
    free(create);
    tracia_client_free(c);

    tracia_client *wrong = api_client("tr-wrong-key");
    expect_api_error(wrong, "{\"method\":\"GET\",\"path\":\"/api/v1/prompts\"}", "UNAUTHORIZED", 401, "Invalid API key");
    tracia_client_free(wrong);
}

/* The request is refused before any I/O with `code` and `message` in the last error. */
static void expect_refused(tracia_request *r, const char *what, const char *code, const char *message) {
    CHECK_MSG(r == NULL, what);
    if (r) {
        tracia_free(tracia_request_result(r));
        tracia_request_free(r);
        return;
    }
    json_t *e = json_loads(tracia_last_error(), 0, NULL);
    CHECK_MSG(e != NULL, tracia_last_error());
    CHECK_STR(str_at(e, "code"), code);
    CHECK_MSG(strstr(str_at(e, "message") ?: "", message) != NULL, tracia_last_error());
    json_decref(e);
}

void test_api_request_refused_before_any_io(void) {
    tracia_client *c = api_client("tr-test-key");
    const char *ok = "{\"method\":\"GET\",\"path\":\"/api/v1/prompts\"}";
    expect_refused(tracia_api_request(NULL, ok), "NULL client", "MISUSE", "tracia_api_request: client is NULL");
    expect_refused(tracia_api_request(c, NULL), "NULL json", "INVALID_REQUEST", "request_json is NULL");
    struct {
        const char *request, *message;
    } bad[] = {
        {"{\"method\":\"GET\",", "JSON"},
        {"[1,2]", "object"},
        {"{\"method\":\"GET\",\"path\":\"/api/v1/prompts\",\"verb\":1}", "verb"},
        {"{\"path\":\"/api/v1/prompts\"}", "method"},
        {"{\"method\":\"get\",\"path\":\"/x\"}", "'method' must be one of GET, POST, PUT, PATCH, DELETE, not 'get'"},
        {"{\"method\":7,\"path\":\"/x\"}", "method"},
        {"{\"method\":\"GET\"}", "path"},
        {"{\"method\":\"GET\",\"path\":\"api/v1\"}", "'path' must start with '/'"},
        {"{\"method\":\"GET\",\"path\":\"/a?b=1\"}", "pass 'query'"},
        {"{\"method\":\"GET\",\"path\":\"/a b\"}", "'path' must start with '/'"},
        {"{\"method\":\"GET\",\"path\":\"/a\\r\\nX-Evil: 1\"}", "'path' must start with '/'"},
        {"{\"method\":\"GET\",\"path\":\"/a\",\"query\":{\"k\":{\"x\":1}}}", "'query.k' must be a string, a number or a boolean"},
        {"{\"method\":\"GET\",\"path\":\"/a\",\"query\":[1]}", "query"},
        {"{\"method\":\"GET\",\"path\":\"/a\",\"timeout_ms\":0}", "timeout_ms"},
        {"{\"method\":\"GET\",\"path\":\"/a\",\"timeout_ms\":1e300}", "timeout_ms"},
        {"{\"method\":\"GET\",\"path\":\"/a\",\"timeout_ms\":\"5\"}", "timeout_ms"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_refused(tracia_api_request(c, bad[i].request), bad[i].request, "INVALID_REQUEST", bad[i].message);
    tracia_client_free(c);

    tracia_client *keyless = test_client("");
    expect_refused(tracia_api_request(keyless, ok), "no api_key", "INVALID_REQUEST", "the Tracia API needs an API key");
    tracia_client_free(keyless);
}

void test_request_functions_with_null(void) {
    CHECK(tracia_request_fd(NULL) == TRACIA_E_MISUSE);
    CHECK(strstr(tracia_last_error(), "tracia_request_fd: request is NULL") != NULL);
    CHECK(tracia_request_result(NULL) == NULL);
    CHECK(strstr(tracia_last_error(), "MISUSE") != NULL);
    CHECK(strstr(tracia_last_error(), "tracia_request_result: request is NULL") != NULL);
    tracia_request_abort(NULL);
    tracia_request_free(NULL);
    expect_refused(tracia_run_embedding(NULL, "{}"), "NULL client", "MISUSE", "tracia_run_embedding: client is NULL");
}

void test_request_fd_readiness_and_result_twice(void) {
    tracia_client *c = api_client("tr-test-key");
    tracia_request *r = tracia_api_request(c, "{\"method\":\"GET\",\"path\":\"/api/v1/prompts\"}");
    CHECK_MSG(r != NULL, tracia_last_error());
    if (!r) return tracia_client_free(c);
    int fd = tracia_request_fd(r);
    CHECK(fd >= 0);
    CHECK(tracia_request_fd(r) == fd);
    struct pollfd p = {fd, POLLIN, 0};
    CHECK(poll(&p, 1, 5000) == 1);
    double before = now_ms();
    char *first = tracia_request_result(r);
    CHECK(now_ms() - before < 100);
    CHECK(poll(&p, 1, 0) == 1); /* stays readable */
    char *second = tracia_request_result(r);
    CHECK_MSG(first != NULL, tracia_last_error());
    CHECK_STR(second, first ?: "");
    tracia_free(first);
    tracia_free(second);
    tracia_request_abort(r); /* after the end: no effect */
    char *third = tracia_request_result(r);
    CHECK(third != NULL);
    tracia_free(third);
    tracia_request_free(r);

    /* A failure repeats too. */
    r = tracia_api_request(c, "{\"method\":\"GET\",\"path\":\"/api/v1/prompts/no-such\"}");
    CHECK(tracia_request_result(r) == NULL);
    CHECK(strstr(tracia_last_error(), "NOT_FOUND") != NULL);
    CHECK(tracia_request_result(r) == NULL);
    CHECK(strstr(tracia_last_error(), "NOT_FOUND") != NULL);
    tracia_request_free(r);
    tracia_client_free(c);
}

void test_request_abort_and_free_in_flight(void) {
    tracia_client *c = api_client("tr-test-key");
    const char *hold = "{\"method\":\"GET\",\"path\":\"/api/v1/prompts/hold\"}";
    tracia_request *r = tracia_api_request(c, hold);
    CHECK_MSG(r != NULL, tracia_last_error());
    if (!r) return tracia_client_free(c);
    struct pollfd p = {tracia_request_fd(r), POLLIN, 0};
    CHECK(poll(&p, 1, 200) == 0); /* still waiting for the fake */
    double before = now_ms();
    tracia_request_abort(r);
    tracia_request_abort(r);
    CHECK(poll(&p, 1, 0) == 1);
    CHECK(tracia_request_result(r) == NULL);
    CHECK(now_ms() - before < 1000);
    CHECK(strstr(tracia_last_error(), "ABORTED") != NULL);
    CHECK(tracia_request_result(r) == NULL);
    CHECK(strstr(tracia_last_error(), "ABORTED") != NULL);
    tracia_request_free(r);

    /* Freed while the fake holds the answer, with no abort first, then the client. */
    r = tracia_api_request(c, hold);
    CHECK(r != NULL);
    usleep(100000);
    before = now_ms();
    tracia_request_free(r);
    tracia_request *embedding = tracia_run_embedding(
        c, "{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"provider_api_key\":\"sk-e\",\"send_trace\":false,"
           "\"base_url\":\"http://127.0.0.1:1/never\"}");
    tracia_request_free(embedding);
    tracia_client_free(c);
    CHECK(now_ms() - before < 1000);
}

/* ---- embeddings ---- */

static tracia_client *embedding_client(void) {
    char options[1024];
    snprintf(options, sizeof options,
             "\"api_key\":\"tr-test-key\",\"base_url\":\"%s\",\"span_retry_base_ms\":50,\"max_retries\":0", collector_url());
    return test_client(options);
}

static json_t *embed(tracia_client *c, const char *model, const char *input, const char *base, const char *extra,
                     json_t **error) {
    char *req = NULL;
    int n = asprintf(&req, "{\"model\":\"%s\",\"input\":%s,\"provider_api_key\":\"ek-secret-key\",\"base_url\":\"%s%s\"%s%s}",
                     model, input, embeddings_url(), base, extra && *extra ? "," : "", extra ? extra : "");
    CHECK(n > 0);
    tracia_request *r = tracia_run_embedding(c, req);
    CHECK_MSG(r != NULL, tracia_last_error());
    free(req);
    if (!r) {
        *error = json_loads(tracia_last_error(), 0, NULL);
        return NULL;
    }
    return finish(r, error);
}

/* An embedding that must succeed (a new reference). */
static json_t *embedded(tracia_client *c, const char *model, const char *input, const char *base, const char *extra) {
    json_t *error;
    json_t *result = embed(c, model, input, base, extra, &error);
    CHECK_MSG(result != NULL, str_at(error, "message"));
    json_decref(error);
    return result;
}

static void check_vector(json_t *result, int index, double length, int dimensions) {
    char path[64];
    snprintf(path, sizeof path, "embeddings.%d.values", index);
    json_t *values = at(result, path);
    CHECK(json_array_size(values) == (size_t)dimensions);
    CHECK(json_real_value(json_array_get(values, 0)) == length);
    CHECK(json_real_value(json_array_get(values, 1)) == index);
    snprintf(path, sizeof path, "embeddings.%d.index", index);
    CHECK(int_at(result, path) == index);
}

void test_embeddings_of_every_wire_format(void) {
    tracia_client *c = embedding_client();
    char tag[64];
    snprintf(tag, sizeof tag, "emb-%s", unique_token());

    /* OpenAI: one request, the texts as input, encoding_format float, dimensions. */
    char extra[256];
    snprintf(extra, sizeof extra, "\"dimensions\":4,\"tags\":[\"%s\"],\"user_id\":\"u-e\"", tag);
    json_t *openai = embedded(c, "text-embedding-3-small", "[\"one\",\"three\"]", "/v1", extra);
    check_vector(openai, 0, 3, 4);
    check_vector(openai, 1, 5, 4);
    CHECK_STR(str_at(openai, "provider"), "openai");
    CHECK_STR(str_at(openai, "model"), "text-embedding-3-small");
    CHECK(int_at(openai, "usage.total_tokens") == 2);
    CHECK(at(openai, "cost") && json_is_null(at(openai, "cost")));
    json_t *body = fake_request_body(embeddings_url(), "/v1/embeddings");
    CHECK_STR(str_at(body, "model"), "text-embedding-3-small");
    CHECK_STR(str_at(body, "input.1"), "three");
    CHECK_STR(str_at(body, "encoding_format"), "float");
    CHECK(int_at(body, "dimensions") == 4);
    json_decref(body);
    json_t *sent = fake_request(embeddings_url(), "/v1/embeddings");
    CHECK_STR(str_at(sent, "headers.Authorization"), "Bearer ek-secret-key");
    json_decref(sent);

    /* The EMBEDDING span, as the official SDK records it. */
    CHECK(tracia_flush(c, 5000) == 0);
    json_t *all;
    json_t *span = wait_for_span(str_at(openai, "span_id") ?: "", &all, 3000);
    CHECK(span != NULL);
    CHECK_STR(str_at(span, "spanKind"), "EMBEDDING");
    CHECK_STR(str_at(span, "status"), "SUCCESS");
    CHECK_STR(str_at(span, "input.text.0"), "one");
    CHECK_STR(str_at(span, "output"), "{\"dimensions\": 4, \"count\": 2}");
    CHECK_STR(str_at(span, "tags.0"), tag);
    CHECK_STR(str_at(span, "userId"), "u-e");
    CHECK_STR(str_at(span, "traceId"), str_at(openai, "trace_id") ?: "");
    CHECK(int_at(span, "totalTokens") == 2);
    json_decref(all);
    json_decref(openai);

    /* Voyage: the OpenAI shape at its own base, no encoding_format. */
    json_t *voyage = embedded(c, "voyage-3", "\"a voyage\"", "/v1", "");
    check_vector(voyage, 0, 8, 3);
    CHECK_STR(str_at(voyage, "provider"), "voyage");
    body = fake_request_body(embeddings_url(), "/v1/embeddings");
    CHECK_STR(str_at(body, "model"), "voyage-3");
    CHECK(at(body, "encoding_format") == NULL);
    json_decref(body);
    json_decref(voyage);

    /* Gemini: batchEmbedContents, one request per text, the model named in each. */
    json_t *gemini = embedded(c, "text-embedding-004", "[\"hi\",\"there\"]", "", "\"dimensions\":5");
    check_vector(gemini, 0, 2, 5);
    check_vector(gemini, 1, 5, 5);
    CHECK_STR(str_at(gemini, "provider"), "google");
    sent = fake_request(embeddings_url(), ":batchEmbedContents");
    CHECK_STR(str_at(sent, "path"), "/v1beta/models/text-embedding-004:batchEmbedContents");
    CHECK_STR(str_at(sent, "headers.x-goog-api-key"), "ek-secret-key");
    CHECK_STR(str_at(sent, "body.requests.1.model"), "models/text-embedding-004");
    CHECK_STR(str_at(sent, "body.requests.1.content.parts.0.text"), "there");
    CHECK(int_at(sent, "body.requests.0.outputDimensionality") == 5);
    json_decref(sent);
    json_decref(gemini);

    /* Bedrock Titan: one invoke per text. */
    json_t *titan = embedded(c, "amazon.titan-embed-text-v2:0", "[\"alpha\",\"be\"]", "", "\"dimensions\":3");
    check_vector(titan, 0, 5, 3);
    check_vector(titan, 1, 2, 3);
    CHECK_STR(str_at(titan, "provider"), "amazon_bedrock");
    CHECK(int_at(titan, "usage.total_tokens") == 2);
    sent = fake_request(embeddings_url(), "titan-embed");
    CHECK_STR(str_at(sent, "path"), "/model/eu.amazon.titan-embed-text-v2%3A0/invoke"); /* eu-central-1's geography */
    CHECK_STR(str_at(sent, "body.inputText"), "be");
    CHECK(int_at(sent, "body.dimensions") == 3);
    json_decref(sent);
    json_decref(titan);

    /* Bedrock Cohere: one invoke for every text. */
    json_t *cohere = embedded(c, "cohere.embed-english-v3", "[\"x\",\"yy\",\"zzz\"]", "", "");
    check_vector(cohere, 2, 3, 3);
    sent = fake_request(embeddings_url(), "cohere.embed");
    CHECK_STR(str_at(sent, "path"), "/model/eu.cohere.embed-english-v3/invoke");
    json_decref(sent);
    body = fake_request_body(embeddings_url(), "cohere.embed");
    CHECK_STR(str_at(body, "texts.2"), "zzz");
    CHECK_STR(str_at(body, "input_type"), "search_document");
    json_decref(body);
    json_decref(cohere);
    tracia_client_free(c);
}

static void expect_embedding_error(tracia_client *c, const char *model, const char *base, const char *code,
                                   const char *message) {
    json_t *error;
    json_t *ok = embed(c, model, "[\"a\",\"b\"]", base, "", &error);
    CHECK_MSG(ok == NULL, model);
    CHECK_STR(str_at(error, "code"), code);
    CHECK_MSG(strstr(str_at(error, "message") ?: "", message) != NULL, str_at(error, "message"));
    CHECK_MSG(strstr(str_at(error, "message") ?: "", "ek-secret-key") == NULL, str_at(error, "message"));
    json_decref(ok);
    json_decref(error);
}

void test_embedding_failures_from_the_providers(void) {
    tracia_client *c = embedding_client();
    expect_embedding_error(c, "text-embedding-3-small", "/unauthorized/v1", "UNAUTHORIZED", "fake failure");
    expect_embedding_error(c, "text-embedding-004", "/unauthorized", "UNAUTHORIZED", "fake failure");
    expect_embedding_error(c, "amazon.titan-embed-text-v2:0", "/unauthorized", "UNAUTHORIZED", "fake failure");
    expect_embedding_error(c, "text-embedding-3-small", "/server-error/v1", "PROVIDER_ERROR", "HTTP 500");
    expect_embedding_error(c, "cohere.embed-english-v3", "/server-error", "PROVIDER_ERROR", "HTTP 500");
    expect_embedding_error(c, "text-embedding-3-small", "/short/v1", "PROVIDER_ERROR", "returned 1 embeddings for 2 texts");
    expect_embedding_error(c, "text-embedding-004", "/short", "PROVIDER_ERROR", "returned 1 embeddings for 2 texts");
    expect_embedding_error(c, "amazon.titan-embed-text-v2:0", "/nowhere", "NOT_FOUND", "no route");

    /* A failed embedding records an ERROR span. */
    json_t *error;
    json_t *ok = embed(c, "text-embedding-3-small", "\"a\"", "/server-error/v1", "\"span_id\":\"sp_00000000000e4401\"", &error);
    CHECK(ok == NULL);
    json_decref(error);
    CHECK(tracia_flush(c, 5000) == 0);
    json_t *all;
    json_t *span = wait_for_span("sp_00000000000e4401", &all, 3000);
    CHECK(span != NULL);
    CHECK_STR(str_at(span, "status"), "ERROR");
    CHECK_STR(str_at(span, "spanKind"), "EMBEDDING");
    CHECK(strstr(str_at(span, "error") ?: "", "HTTP 500") != NULL);
    json_decref(all);
    tracia_client_free(c);
}

void test_embedding_requests_refused_before_any_io(void) {
    tracia_client *c = embedding_client();
    struct {
        const char *request, *code, *message;
    } bad[] = {
        {"{\"model\":", "INVALID_REQUEST", "JSON"},
        {"{\"input\":\"x\"}", "INVALID_REQUEST", "model is required"},
        {"{\"model\":\"\",\"input\":\"x\"}", "INVALID_REQUEST", "model is required"},
        {"{\"model\":\"text-embedding-3-small\"}", "INVALID_REQUEST", "input is required"},
        {"{\"model\":\"text-embedding-3-small\",\"input\":\"  \"}", "INVALID_REQUEST", "input text cannot be empty"},
        {"{\"model\":\"text-embedding-3-small\",\"input\":[]}", "INVALID_REQUEST", "input is required"},
        {"{\"model\":\"text-embedding-3-small\",\"input\":[1]}", "INVALID_REQUEST", "input"},
        {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dims\":3}", "INVALID_REQUEST", "dims"},
        {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":0}", "INVALID_REQUEST", "dimensions"},
        {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":1e30}", "INVALID_REQUEST", "dimensions"},
        {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"span_id\":\"nope\"}", "INVALID_REQUEST", "span_id"},
        {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"base_url\":\"ftp://x\"}", "INVALID_REQUEST", "base_url"},
        {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"provider\":\"mistral\"}", "INVALID_REQUEST",
         "unknown provider 'mistral' for embeddings"},
        {"{\"model\":\"claude-sonnet-4-5\",\"input\":\"x\"}", "UNSUPPORTED_MODEL", "Anthropic does not offer embedding models"},
        {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"provider\":\"anthropic\"}", "UNSUPPORTED_MODEL",
         "Anthropic does not offer embedding models"},
        {"{\"model\":\"my-embedder\",\"input\":\"x\"}", "UNSUPPORTED_MODEL", "cannot tell the embedding provider of model 'my-embedder'"},
        {"{\"model\":\"voyage-3\",\"input\":\"x\",\"dimensions\":8,\"provider_api_key\":\"vk\"}", "UNSUPPORTED_MODEL",
         "Voyage AI does not support custom embedding dimensions"},
        {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}", "MISSING_PROVIDER_API_KEY", "OPENAI_API_KEY"},
        {"{\"model\":\"voyage-3\",\"input\":\"x\"}", "MISSING_PROVIDER_API_KEY", "VOYAGE_API_KEY"},
        {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"provider_api_key\":\"a\\nb\"}", "INVALID_REQUEST",
         "provider_api_key"},
    };
    /* A client without the OpenAI key, so the key's absence is seen. */
    char options[512];
    snprintf(options, sizeof options, "{\"api_key\":\"tr-test-key\",\"base_url\":\"%s\",\"spans_file\":\"/dev/null\"}",
             collector_url());
    tracia_client *keyless = tracia_client_new(options);
    CHECK_MSG(keyless != NULL, tracia_last_error());
    unsetenv("VOYAGE_API_KEY");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_refused(tracia_run_embedding(keyless, bad[i].request), bad[i].request, bad[i].code, bad[i].message);
    expect_refused(tracia_run_embedding(c, NULL), "NULL json", "INVALID_REQUEST", "request_json is NULL");
    tracia_client_free(keyless);
    tracia_client_free(c);
}

void test_embedding_abort_in_flight_records_an_error_span(void) {
    tracia_client *c = embedding_client();
    char req[512];
    snprintf(req, sizeof req,
             "{\"model\":\"text-embedding-3-small\",\"input\":\"held\",\"provider_api_key\":\"ek\",\"base_url\":\"%s/hold/v1\","
             "\"span_id\":\"sp_00000000000ab047\"}",
             embeddings_url());
    tracia_request *r = tracia_run_embedding(c, req);
    CHECK_MSG(r != NULL, tracia_last_error());
    if (!r) return tracia_client_free(c);
    struct pollfd p = {tracia_request_fd(r), POLLIN, 0};
    CHECK(poll(&p, 1, 200) == 0);
    double before = now_ms();
    tracia_request_abort(r);
    CHECK(tracia_request_result(r) == NULL);
    CHECK(strstr(tracia_last_error(), "ABORTED") != NULL);
    CHECK(now_ms() - before < 1000);
    tracia_request_free(r);
    CHECK(tracia_flush(c, 5000) == 0);
    json_t *all;
    json_t *span = wait_for_span("sp_00000000000ab047", &all, 3000);
    CHECK(span != NULL);
    CHECK_STR(str_at(span, "status"), "ERROR");
    CHECK_STR(str_at(span, "error"), "the request was aborted");
    json_decref(all);

    /* Freed in flight, then the client at once. */
    snprintf(req, sizeof req,
             "{\"model\":\"text-embedding-004\",\"input\":[\"a\",\"b\"],\"provider_api_key\":\"ek\",\"base_url\":\"%s/hold\"}",
             embeddings_url());
    r = tracia_run_embedding(c, req);
    CHECK(r != NULL);
    usleep(100000);
    before = now_ms();
    tracia_request_free(r);
    tracia_client_free(c);
    CHECK(now_ms() - before < 2000);
}

/* Custom headers reach the embedding provider too, the request's over the client's; one the
 * provider's request already has is refused. */
void test_embedding_requests_carry_custom_headers(void) {
    tracia_client *c = test_client("\"max_retries\":0,\"headers\":{\"X-Title\":\"client\",\"X-Gateway\":\"gw\"}");
    json_t *ok = embedded(c, "text-embedding-3-small", "[\"a\"]", "/v1", "\"headers\":{\"x-title\":\"request\"}");
    json_decref(ok);
    json_t *sent = fake_request(embeddings_url(), "/v1/embeddings");
    CHECK_STR(str_at(sent, "headers.x-title"), "request"); /* sent as the request spells it */
    CHECK_STR(str_at(sent, "headers.X-Gateway"), "gw");
    json_decref(sent);
    json_t *error = NULL;
    json_t *refused = embed(c, "text-embedding-3-small", "[\"a\"]", "/v1", "\"headers\":{\"Authorization\":\"Bearer x\"}", &error);
    CHECK(refused == NULL);
    CHECK_STR(str_at(error, "code"), "INVALID_REQUEST");
    CHECK_MSG(strstr(str_at(error, "message") ?: "", "'Authorization'") != NULL, str_at(error, "message"));
    json_decref(error);
    tracia_client_free(c);
}
