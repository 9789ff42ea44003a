#ifndef TRACIA_CCRYPTO_SHIM_H
#define TRACIA_CCRYPTO_SHIM_H
/* SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto (SigV4), RS256 signatures (Google
 * service-account tokens), CRC-32 from zlib (event-stream frames): both libraries are already
 * loaded with libcurl. */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
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

/* Never asks for a passphrase: without this callback OpenSSL would prompt on the terminal for
 * an encrypted key. */
static inline int tracia_no_passphrase(char *buf, int size, int rwflag, void *user) {
    (void)buf; (void)size; (void)rwflag; (void)user;
    return 0;
}

enum { TRACIA_RS256_OK = 0, TRACIA_RS256_BAD_KEY = 1, TRACIA_RS256_NOT_RSA = 2, TRACIA_RS256_FAILED = 3 };

/* RSASSA-PKCS1-v1_5 with SHA-256 over data, with the private key of a PEM text (PKCS#8
 * "PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY"). Writes at most out_capacity bytes and their count;
 * returns one of TRACIA_RS256_*. Frees everything it allocates and leaves no error queued. */
static inline int tracia_rs256_sign(const char *pem, size_t pem_length, const void *data, size_t length, unsigned char *out,
                                    size_t out_capacity, size_t *out_length) {
    int rc = TRACIA_RS256_BAD_KEY;
    *out_length = 0;
    if (pem_length > 0x7fffffff) return rc;
    BIO *bio = BIO_new_mem_buf(pem, (int)pem_length);
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, tracia_no_passphrase, NULL) : NULL;
    EVP_MD_CTX *ctx = NULL;
    if (key) {
        rc = TRACIA_RS256_NOT_RSA;
        if (EVP_PKEY_base_id(key) == EVP_PKEY_RSA) {
            rc = TRACIA_RS256_FAILED;
            size_t n = 0;
            ctx = EVP_MD_CTX_new();
            if (ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 && EVP_DigestSign(ctx, NULL, &n, data, length) == 1 &&
                n <= out_capacity && EVP_DigestSign(ctx, out, &n, data, length) == 1) {
                *out_length = n;
                rc = TRACIA_RS256_OK;
            }
        }
    }
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    BIO_free(bio);
    ERR_clear_error();
    return rc;
}

#endif
