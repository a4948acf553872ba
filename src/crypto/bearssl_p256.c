/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry crypto seam: ECDSA P-256 verification with BearSSL
 * (include/ferry/crypto.h). The default verifier; src/crypto/p256/ is the
 * alternative with the same contract (docs/p256.md).
 *
 * Freestanding: only BearSSL, <stdint.h>, <stddef.h>; BearSSL never
 * allocates.
 *
 * Curve code: br_ec_p256_m31 with the i31 ECDSA verifier. Verification only
 * handles public data (key, hash, signature), so the constant-time concerns
 * that favour the 15-bit code on cores with a variable-time 32x32->64
 * multiply (Cortex-M0+/M3) do not apply; the m31 code is the faster one on
 * every 32-bit core we target. The m15 pair (br_ec_p256_m15 with
 * br_ecdsa_i15_vrfy_raw) is a drop-in swap. A build may name any BearSSL
 * curve code and matching ECDSA verifier, e.g. the generic prime-curve code,
 * which is the smallest (bench/footprint.md compares them on a Cortex-M3):
 *   -DFERRY_P256_CURVE=br_ec_prime_i31 -DFERRY_P256_ECDSA=br_ecdsa_i31_vrfy_raw
 */
#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "ferry/crypto.h"
#include "ferry/errors.h"

#ifndef FERRY_P256_CURVE
#define FERRY_P256_CURVE br_ec_p256_m31
#define FERRY_P256_ECDSA br_ecdsa_i31_vrfy_raw
#endif

#define P256_POINT_LEN 65u /* 0x04 || X || Y */
#define P256_RAW_SIG_LEN 64u
#define SHA256_LEN 32u

/*
 * BearSSL decodes the point (rejecting anything that is not 0x04||X||Y on the
 * curve) and checks 0 < r, s < n before any arithmetic. It returns 1 for a
 * valid signature and 0 otherwise; the mapping to our codes is done without a
 * branch so that a single skipped instruction cannot turn 0 into success.
 */
int ferry_p256_verify(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64])
{
    br_ec_public_key pk;
    uint32_t ok;

    if (pub == NULL || hash == NULL || sig == NULL || pub[0] != 0x04) {
        return FERRY_E_IMG_SIGNATURE;
    }
    pk.curve = BR_EC_secp256r1;
    pk.q = (unsigned char *)(uintptr_t)pub; /* BearSSL only reads q */
    pk.qlen = P256_POINT_LEN;
    ok = FERRY_P256_ECDSA(&FERRY_P256_CURVE, hash, SHA256_LEN, &pk, sig, P256_RAW_SIG_LEN);
    /* ok == 1: mask 0 -> 0; ok == 0: mask all ones -> FERRY_E_IMG_SIGNATURE.
     * Any other value (not produced by BearSSL) also yields an error. */
    return (int)((uint32_t)FERRY_E_IMG_SIGNATURE & (uint32_t)-(int32_t)(ok != 1u));
}
