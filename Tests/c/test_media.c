/* Images and documents through every provider, each against its fake (which checks them as its
 * service does and, in scenario describe, answers with what it received): both accepted shapes,
 * inline data and references, the provider's wire shape, refusals before any I/O, the fakes'
 * own refusals, and spans that never hold the bytes. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define PNG "iVBORw0KGgo=" /* the 8 bytes of a PNG signature */
#define PDF "JVBERi0xLjQ=" /* "%PDF-1.4" */
#define INLINE_ANSWER "image image/png 8 bytes, document application/pdf 8 bytes"

struct dialect {
    const char *provider;
    const char *model;
    const char *url_env;
    const char *key_option;
    const char *base_suffix;
    /* Parts by reference (URL, S3, file id) the provider takes, and the fake's description of them. */
    const char *referenced;
    const char *referenced_answer;
    /* A part this provider cannot take, and the refusal's text. */
    const char *refused;
    const char *refusal;
    /* A malformed part in the provider's own shape, sent past the library by custom_options, and
     * the fake's 400. */
    const char *malformed_messages;
    const char *malformed_error;
    void (*check_shape)(json_t *body);
};

static void openai_shape(json_t *body) {
    CHECK_STR(str_at(body, "messages.0.content.0.type"), "text");
    CHECK_STR(str_at(body, "messages.0.content.1.image_url.url"), "data:image/png;base64," PNG);
    CHECK_STR(str_at(body, "messages.0.content.2.type"), "file");
    CHECK_STR(str_at(body, "messages.0.content.2.file.file_data"), "data:application/pdf;base64," PDF);
    CHECK_STR(str_at(body, "messages.0.content.2.file.filename"), "Q3 report.pdf");
}

static void anthropic_shape(json_t *body) {
    CHECK_STR(str_at(body, "messages.0.content.1.type"), "image");
    CHECK_STR(str_at(body, "messages.0.content.1.source.type"), "base64");
    CHECK_STR(str_at(body, "messages.0.content.1.source.media_type"), "image/png");
    CHECK_STR(str_at(body, "messages.0.content.1.source.data"), PNG);
    CHECK_STR(str_at(body, "messages.0.content.2.type"), "document");
    CHECK_STR(str_at(body, "messages.0.content.2.source.media_type"), "application/pdf");
    CHECK_STR(str_at(body, "messages.0.content.2.title"), "Q3 report.pdf");
}

static void gemini_shape(json_t *body) {
    CHECK_STR(str_at(body, "contents.0.parts.0.text"), "Describe");
    CHECK_STR(str_at(body, "contents.0.parts.1.inlineData.mimeType"), "image/png");
    CHECK_STR(str_at(body, "contents.0.parts.1.inlineData.data"), PNG);
    CHECK_STR(str_at(body, "contents.0.parts.2.inlineData.mimeType"), "application/pdf");
}

static void bedrock_shape(json_t *body) {
    CHECK_STR(str_at(body, "messages.0.content.0.text"), "Describe");
    CHECK_STR(str_at(body, "messages.0.content.1.image.format"), "png");
    CHECK_STR(str_at(body, "messages.0.content.1.image.source.bytes"), PNG);
    CHECK_STR(str_at(body, "messages.0.content.2.document.format"), "pdf");
    CHECK_STR(str_at(body, "messages.0.content.2.document.name"), "Q3 report");
}

static const struct dialect dialects[] = {
    {"openai", "gpt-4.1-mini", "FAKE_OPENAI", "\"openai_api_key\":\"sk-test-key\"", "/v1",
     "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x.test/cat.png\",\"detail\":\"low\"}},"
     "{\"type\":\"file\",\"file\":{\"file_id\":\"file-abc123\"}}",
     "image https://x.test/cat.png, document file-abc123",
     "{\"type\":\"document\",\"url\":\"https://x.test/q3.pdf\"}",
     "OpenAI Chat takes a document as base64 data or a file_id, not as an http(s):// URL",
     "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,@@@\"}}]}]",
     "Invalid 'messages[0].content[0].image_url.url'", openai_shape},
    {"anthropic", "claude-sonnet-4-5", "FAKE_ANTHROPIC", "\"anthropic_api_key\":\"sk-ant-test-key\"", "",
     "{\"type\":\"image\",\"url\":\"https://x.test/cat.png\"},{\"type\":\"document\",\"url\":\"https://x.test/q3.pdf\"}",
     "image https://x.test/cat.png, document https://x.test/q3.pdf",
     "{\"type\":\"image\",\"data\":\"" PNG "\",\"media_type\":\"image/heic\"}",
     "Anthropic takes no image/heic image (it takes image/jpeg, image/png, image/gif or image/webp)",
     "[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/heic\","
     "\"data\":\"" PNG "\"}}]}]",
     "messages.0.content.0.image.source.media_type: Input should be", anthropic_shape},
    {"google", "gemini-2.5-flash", "FAKE_GOOGLE", "\"google_api_key\":\"gemini-test-key\"", "",
     "{\"type\":\"image\",\"url\":\"gs://bucket/cat.png\",\"media_type\":\"image/png\"},"
     "{\"type\":\"document\",\"url\":\"https://x.test/q3.pdf\"}",
     "image gs://bucket/cat.png, file https://x.test/q3.pdf",
     "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/gif;base64,R0lGODlh\"}}",
     "Gemini takes no image/gif image",
     "[{\"role\":\"user\",\"parts\":[{\"inlineData\":{\"mimeType\":\"image/gif\",\"data\":\"R0lGODlh\"}}]}]",
     "Unsupported MIME type: image/gif", gemini_shape},
    {"amazon_bedrock", "anthropic.claude-3-haiku-20240307-v1:0", "FAKE_BEDROCK",
     "\"bedrock_api_key\":\"bedrock-test-key\",\"aws_region\":\"us-east-1\"", "",
     "{\"type\":\"image\",\"url\":\"s3://bucket/cat.png\",\"media_type\":\"image/png\"}", "image s3://bucket/cat.png",
     "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x.test/cat.png\"}}",
     "Bedrock Converse takes an image as base64 data or an s3:// URL, not as an http(s):// URL",
     "[{\"role\":\"user\",\"content\":[{\"text\":\"Compare\"},"
     "{\"document\":{\"format\":\"pdf\",\"name\":\"report\",\"source\":{\"bytes\":\"" PDF "\"}}},"
     "{\"document\":{\"format\":\"pdf\",\"name\":\"Report\",\"source\":{\"bytes\":\"" PDF "\"}}}]}]",
     "Messages can't contain duplicate document names. Rename the document and retry your request.", bedrock_shape},
    {"openai_compatible", "local-vision", "FAKE_OPENAI", "\"openai_compatible_api_key\":\"sk-test-key\"", "/v1",
     "{\"type\":\"image\",\"url\":\"https://x.test/cat.png\"}", "image https://x.test/cat.png",
     "{\"type\":\"file\",\"file\":{\"file_id\":\"file-abc123\"}}",
     "Chat Completions takes a document as base64 data, not as a file_id",
     "[{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{\"file_data\":\"data:application/pdf;base64," PDF "\"}}]}]",
     "Missing required parameter: 'messages[0].content[0].file.filename'", openai_shape},
};
#define EACH_DIALECT(d) for (const struct dialect *d = dialects; d < dialects + sizeof dialects / sizeof dialects[0]; d++)

static const char *fake(const struct dialect *d) { return getenv(d->url_env) ?: "http://127.0.0.1:1"; }

static tracia_client *client_for(const struct dialect *d, const char *spans_file) {
    char options[512];
    snprintf(options, sizeof options, "{%s,\"spans_file\":\"%s\",\"max_retries\":0}", d->key_option, spans_file);
    tracia_client *c = tracia_client_new(options);
    CHECK_MSG(c != NULL, tracia_last_error());
    return c;
}

/* A request of one user message whose content is `parts`, to the fake's scenario. */
static char *request_for(const struct dialect *d, const char *scenario, int stream, const char *parts, const char *extra) {
    char *out = NULL;
    int n = asprintf(&out,
                     "{\"model\":\"%s\",\"provider\":\"%s\",\"stream\":%s,\"base_url\":\"%s/s/%s%s\","
                     "\"messages\":[{\"role\":\"user\",\"content\":[%s]}]%s%s}",
                     d->model, d->provider, stream ? "true" : "false", fake(d), scenario, d->base_suffix, parts,
                     extra && *extra ? "," : "", extra ? extra : "");
    return n < 0 ? NULL : out;
}

/* Runs `parts` through the describe scenario; the fake's answer must be `answer`. Returns the
 * body the fake received (a new reference). */
static json_t *described(const struct dialect *d, int stream, const char *parts, const char *answer) {
    char scenario[96], what[160];
    snprintf(scenario, sizeof scenario, "describe/%s", unique_token());
    snprintf(what, sizeof what, "%s %s: %s", d->provider, stream ? "stream" : "whole", answer);
    tracia_client *c = client_for(d, "/dev/null");
    char *req = request_for(d, scenario, stream, parts, "");
    struct outcome o = run_call(c, req);
    CHECK_MSG(o.rc == 0, str_at(o.result, "error.message") ?: what);
    CHECK_MSG(strcmp(o.text, answer) == 0, o.text);
    CHECK_MSG(strcmp(str_at(o.result, "text") ?: "", answer) == 0, what);
    CHECK_MSG(json_is_string(at(o.result, "message.content")), what); /* the assistant's message: text only */
    json_t *body = fake_request_body(fake(d), scenario);
    CHECK_MSG(body != NULL, what);
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
    return body;
}

static const char *neutral_parts =
    "{\"type\":\"text\",\"text\":\"Describe\"},{\"type\":\"image\",\"data\":\"" PNG "\",\"media_type\":\"image/png\"},"
    "{\"type\":\"document\",\"data\":\"" PDF "\",\"media_type\":\"application/pdf\",\"filename\":\"Q3 report.pdf\"}";
static const char *openai_parts =
    "{\"type\":\"text\",\"text\":\"Describe\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," PNG "\"}},"
    "{\"type\":\"file\",\"file\":{\"file_data\":\"data:application/pdf;base64," PDF "\",\"filename\":\"Q3 report.pdf\"}}";

void test_media_inline_in_both_shapes_reaches_every_provider(void) {
    EACH_DIALECT(d) {
        for (int stream = 0; stream <= 1; stream++) {
            const char *shapes[] = {neutral_parts, openai_parts};
            for (size_t s = 0; s < 2; s++) {
                json_t *body = described(d, stream, shapes[s], INLINE_ANSWER);
                d->check_shape(body);
                json_decref(body);
            }
        }
    }
}

void test_media_by_reference_reaches_every_provider(void) {
    EACH_DIALECT(d) {
        char parts[1024];
        snprintf(parts, sizeof parts, "{\"type\":\"text\",\"text\":\"Describe\"},%s", d->referenced);
        json_decref(described(d, 1, parts, d->referenced_answer));
    }
    /* OpenAI's image detail is sent as given. */
    char parts[512];
    snprintf(parts, sizeof parts, "{\"type\":\"text\",\"text\":\"Describe\"},%s", dialects[0].referenced);
    json_t *body = described(&dialects[0], 0, parts, dialects[0].referenced_answer);
    CHECK_STR(str_at(body, "messages.0.content.1.image_url.detail"), "low");
    CHECK_STR(str_at(body, "messages.0.content.2.file.file_id"), "file-abc123");
    json_decref(body);
}

/* Refused by tracia_run_local with INVALID_REQUEST and `message`; nothing reaches the fake. */
static void expect_refused(const struct dialect *d, const char *parts, const char *message) {
    char scenario[96];
    snprintf(scenario, sizeof scenario, "describe/%s", unique_token());
    tracia_client *c = client_for(d, "/dev/null");
    char *req = request_for(d, scenario, 1, parts, "");
    expect_run_refused(c, req, message);
    json_t *body = fake_request_body(fake(d), scenario);
    CHECK_MSG(body == NULL, "the refused request reached the server");
    json_decref(body);
    free(req);
    tracia_client_free(c);
}

void test_media_a_provider_cannot_take_is_refused_before_any_io(void) {
    EACH_DIALECT(d) {
        char parts[1024];
        snprintf(parts, sizeof parts, "{\"type\":\"text\",\"text\":\"Describe\"},%s", d->refused);
        expect_refused(d, parts, d->refusal);
        expect_refused(d, "{\"type\":\"image\",\"data\":\"not base64\",\"media_type\":\"image/png\"}",
                       "messages[0].content[0]: 'data' is not base64");
        expect_refused(d, "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png," PNG "\"}}",
                       "'url' is not a base64 data: URL");
    }
    /* Bedrock: a document needs a prompt beside it. */
    expect_refused(&dialects[3], "{\"type\":\"document\",\"data\":\"" PDF "\",\"media_type\":\"application/pdf\"}",
                   "needs a text part beside a document");
}

void test_media_the_fakes_refuse_as_their_services_do(void) {
    EACH_DIALECT(d) {
        char extra[1024], scenario[96];
        snprintf(scenario, sizeof scenario, "describe/%s", unique_token());
        const char *key = strcmp(d->provider, "google") == 0 ? "contents" : "messages";
        snprintf(extra, sizeof extra, "\"custom_options\":{\"%s\":%s}", key, d->malformed_messages);
        tracia_client *c = client_for(d, "/dev/null");
        char *req = request_for(d, scenario, 0, "{\"type\":\"text\",\"text\":\"x\"}", extra);
        struct outcome o = run_call(c, req);
        CHECK_MSG(o.rc == TRACIA_E_PROVIDER_ERROR, d->provider);
        CHECK_MSG(int_at(o.result, "error.status_code") == 400, d->provider);
        CHECK_MSG(strstr(str_at(o.result, "error.message") ?: "", d->malformed_error) != NULL,
                  str_at(o.result, "error.message") ?: d->provider);
        outcome_free(&o);
        free(req);
        tracia_client_free(c);
    }
}

static char *base64_of(const unsigned char *bytes, size_t n) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((n + 2) / 3 * 4 + 1), *p = out;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)bytes[i] << 16 | (i + 1 < n ? (unsigned)bytes[i + 1] << 8 : 0) | (i + 2 < n ? bytes[i + 2] : 0);
        *p++ = alphabet[v >> 18 & 63];
        *p++ = alphabet[v >> 12 & 63];
        *p++ = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
        *p++ = i + 2 < n ? alphabet[v & 63] : '=';
    }
    *p = '\0';
    return out;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t size = 0, capacity = 1 << 16;
    char *data = malloc(capacity + 1);
    size_t n;
    while ((n = fread(data + size, 1, capacity - size, f)) > 0) {
        size += n;
        if (size == capacity) data = realloc(data, (capacity *= 2) + 1);
    }
    fclose(f);
    data[size] = '\0';
    return data;
}

void test_media_spans_hold_no_bytes(void) {
    unsigned char image[3000];
    for (size_t i = 0; i < sizeof image; i++) image[i] = (unsigned char)(i * 7 + 3);
    char *data = base64_of(image, sizeof image);
    char dir[] = "/tmp/tracia-media-XXXXXX", path[256];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/spans", dir);
    EACH_DIALECT(d) {
        size_t size = strlen(data) + 1024;
        char *parts = malloc(size);
        snprintf(parts, size,
                 "{\"type\":\"text\",\"text\":\"Describe\"},{\"type\":\"image\",\"data\":\"%s\",\"media_type\":\"image/png\"},"
                 "{\"type\":\"document\",\"data\":\"" PDF "\",\"media_type\":\"application/pdf\",\"filename\":\"q3.pdf\"}",
                 data);
        char scenario[96];
        snprintf(scenario, sizeof scenario, "describe/%s", unique_token());
        tracia_client *c = client_for(d, path);
        char *req = request_for(d, scenario, 1, parts, "");
        struct outcome o = run_call(c, req);
        CHECK_MSG(strcmp(o.text, "image image/png 3000 bytes, document application/pdf 8 bytes") == 0, o.text);
        CHECK(tracia_flush(c, 5000) == 0);
        char *written = read_file(path);
        CHECK_MSG(written && strstr(written, o.span_id) != NULL, d->provider);
        /* Neither the image's base64 nor any 40 characters of it, nor the PDF's. */
        char piece[41];
        snprintf(piece, sizeof piece, "%.40s", data + 2000);
        CHECK_MSG(written && !strstr(written, piece) && !strstr(written, PDF), d->provider);
        json_t *span = written ? json_loads(written, 0, NULL) : NULL;
        CHECK_MSG(span != NULL, written);
        CHECK_STR(str_at(span, "input.messages.0.content.1.type"), "image");
        CHECK_STR(str_at(span, "input.messages.0.content.1.mediaType"), "image/png");
        CHECK(int_at(span, "input.messages.0.content.1.sizeBytes") == 3000);
        CHECK(json_object_size(at(span, "input.messages.0.content.1")) == 3);
        CHECK_STR(str_at(span, "input.messages.0.content.2.filename"), "q3.pdf");
        CHECK(int_at(span, "input.messages.0.content.2.sizeBytes") == 8);
        json_decref(span);
        free(written);
        unlink(path);
        outcome_free(&o);
        free(req);
        free(parts);
        tracia_client_free(c);
    }
    /* A URL is recorded without its query, where a signed URL keeps its credentials. */
    tracia_client *c = client_for(&dialects[0], path);
    char *req = request_for(&dialects[0], "text", 0,
                            "{\"type\":\"image\",\"url\":\"https://x.test/cat.png?X-Amz-Signature=SECRETSIG\"}", "");
    struct outcome o = run_call(c, req);
    CHECK(o.rc == 0);
    CHECK(tracia_flush(c, 5000) == 0);
    char *written = read_file(path);
    CHECK_MSG(written && strstr(written, "\"url\":\"https://x.test/cat.png\"") && !strstr(written, "SECRETSIG"), written);
    free(written);
    outcome_free(&o);
    free(req);
    tracia_client_free(c);
    unlink(path);
    rmdir(dir);
    free(data);
}
