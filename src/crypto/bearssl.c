/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry crypto seam, BearSSL backend (include/ferry/crypto.h): SHA-256 and
 * the constant-time comparison. ECDSA P-256 verification is in its own file,
 * so that a build picks its verifier by the file it compiles:
 * src/crypto/bearssl_p256.c (BearSSL, the default) or src/crypto/p256/
 * (Ferry's own, docs/p256.md); src/sources.cmake names both lists.
 *
 * Freestanding: only BearSSL, <stdint.h>, <stddef.h>. BearSSL itself never
 * allocates, so the whole backend runs from the caller's stack.
 */
#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "ferry/crypto.h"
#include "ferry/errors.h"

_Static_assert(sizeof(br_sha256_context) <= sizeof(ferry_sha256_ctx),
               "ferry_sha256_ctx too small for br_sha256_context");
_Static_assert(_Alignof(br_sha256_context) <= _Alignof(ferry_sha256_ctx),
               "ferry_sha256_ctx under-aligned for br_sha256_context");

static br_sha256_context *bear_ctx(ferry_sha256_ctx *ctx)
{
    return (br_sha256_context *)(void *)ctx;
}

void ferry_sha256_init(ferry_sha256_ctx *ctx)
{
    br_sha256_init(bear_ctx(ctx));
}

void ferry_sha256_update(ferry_sha256_ctx *ctx, const void *data, size_t len)
{
    br_sha256_update(bear_ctx(ctx), data, len);
}

void ferry_sha256_final(ferry_sha256_ctx *ctx, uint8_t out[32])
{
    br_sha256_out(bear_ctx(ctx), out);
}

void ferry_sha256(const void *data, size_t len, uint8_t out[32])
{
    br_sha256_context c;

    br_sha256_init(&c);
    br_sha256_update(&c, data, len);
    br_sha256_out(&c, out);
}

int ferry_ct_memcmp(const void *a, const void *b, size_t len)
{
    const volatile uint8_t *pa = a;
    const volatile uint8_t *pb = b;
    uint32_t diff = 0;
    size_t i;

    for (i = 0; i < len; i++) {
        diff |= (uint32_t)(pa[i] ^ pb[i]);
    }
    /* diff is 0..255: (diff + 255) >> 8 is 0 exactly when diff is 0. */
    return (int)((diff + 0xFFu) >> 8);
}
