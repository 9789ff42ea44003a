#ifndef TRACIA_CJANSSON_SHIM_H
#define TRACIA_CJANSSON_SHIM_H
#include <jansson.h>

static inline json_type tracia_json_type(const json_t *j) { return json_typeof(j); }
static inline void tracia_json_decref(json_t *j) { json_decref(j); }
static inline json_t *tracia_json_incref(json_t *j) { return json_incref(j); }

/* JSON_REAL_PRECISION is a function-like macro, which Swift cannot import. */
static const size_t tracia_json_real_precision_15 = JSON_REAL_PRECISION(15);

#endif
