/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: the crypto seam. The core needs exactly two primitives: SHA-256 and
 * ECDSA P-256 verification. A backend (src/crypto/bearssl.c today; a hardware
 * accelerator tomorrow) implements them; the core never names the library.
 */
#ifndef FERRY_CRYPTO_H
#define FERRY_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* Opaque hash state, large enough for every backend (checked at compile time
 * in the backend). */
typedef struct {
    uint64_t opaque[32];
} ferry_sha256_ctx;

void ferry_sha256_init(ferry_sha256_ctx *ctx);
void ferry_sha256_update(ferry_sha256_ctx *ctx, const void *data, size_t len);
void ferry_sha256_final(ferry_sha256_ctx *ctx, uint8_t out[32]);

/* One-shot convenience. */
void ferry_sha256(const void *data, size_t len, uint8_t out[32]);

/*
 * Verifies a raw (r||s, 32+32 bytes big-endian) ECDSA P-256 signature of the
 * SHA-256 hash `hash` with the uncompressed public point `pub` (0x04||X||Y).
 * Returns 0 if valid, FERRY_E_IMG_SIGNATURE otherwise (also for an invalid key).
 */
int ferry_p256_verify(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64]);

/* Constant-time comparison: 0 if equal. */
int ferry_ct_memcmp(const void *a, const void *b, size_t len);

#endif
