#ifndef TRACIA_CCRYPTO_SHIM_H
#define TRACIA_CCRYPTO_SHIM_H
/* SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto (SigV4), CRC-32 from zlib (event-stream
 * frames): both libraries are already loaded with libcurl. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

static inline int tracia_sha256(const void *data, size_t length, unsigned char out[32]) {
    unsigned int n = 0;
    return EVP_Digest(data, length, out, &n, EVP_sha256(), NULL) == 1 && n == 32;
}

static inline int tracia_hmac_sha256(const void *key, size_t key_length, const void *data, size_t length, unsigned char out[32]) {
    unsigned int n = 0;
    return HMAC(EVP_sha256(), key, (int)key_length, data, length, out, &n) != NULL && n == 32;
}

static inline uint32_t tracia_crc32(uint32_t crc, const void *data, size_t length) {
    return (uint32_t)crc32_z(crc, (const Bytef *)data, length);
}

#endif
