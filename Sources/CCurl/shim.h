#ifndef TRACIA_CCURL_SHIM_H
#define TRACIA_CCURL_SHIM_H
/* Typed wrappers: Swift cannot call curl's variadic setopt/getinfo. */
#include <curl/curl.h>

typedef size_t (*tracia_curl_data_fn)(char *ptr, size_t size, size_t nmemb, void *user);

static inline CURLcode tracia_easy_set_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tracia_easy_set_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tracia_easy_set_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tracia_easy_set_data_fn(CURL *h, CURLoption o, tracia_curl_data_fn f) { return curl_easy_setopt(h, o, f); }
static inline CURLcode tracia_easy_get_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode tracia_easy_get_ptr(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLMcode tracia_multi_set_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
static inline size_t tracia_curl_writefunc_error(void) { return CURL_WRITEFUNC_ERROR; }
static inline size_t tracia_curl_writefunc_pause(void) { return CURL_WRITEFUNC_PAUSE; }
static inline CURLcode tracia_easy_unpause(CURL *easy) { return curl_easy_pause(easy, CURLPAUSE_CONT); }

#endif
