/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal helpers shared by the host library's files. Not installed, not
 * part of the ferry_host API.
 */
#ifndef FERRY_HOST_PRIV_H
#define FERRY_HOST_PRIV_H

#include <stddef.h>
#include <stdint.h>

/* DER of SubjectPublicKeyInfo for a P-256 uncompressed point. */
#define HOST_SPKI_P256_LEN 91u

/* Writes a formatted one-line reason into err (if errlen > 0). Returns `code`
 * so callers can `return host_fail(code, err, errlen, ...)`. */
int host_fail(int code, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Overwrites memory in a way the compiler may not drop (secrets). */
void host_wipe(void *p, size_t len);

/* 1 if `pub` (0x04||X||Y) is a point of the P-256 group other than infinity. */
int host_p256_point_valid(const uint8_t pub[65]);

/*
 * Strict DER reader for SubjectPublicKeyInfo: exactly
 *   SEQUENCE { SEQUENCE { OID id-ecPublicKey, OID prime256v1 },
 *              BIT STRING (0 unused bits) 04||X||Y }
 * with minimal definite lengths and nothing after it. The point must be on
 * the curve. Errors: FERRY_E_INVAL (malformed), FERRY_E_UNSUPPORTED (another
 * algorithm or curve, or a compressed point); reason in err.
 */
int host_spki_decode(const uint8_t *der, size_t len, uint8_t pub[65], char *err, size_t errlen);

/* Encodes the SubjectPublicKeyInfo DER of `pub` (HOST_SPKI_P256_LEN bytes). */
void host_spki_encode(const uint8_t pub[65], uint8_t out[HOST_SPKI_P256_LEN]);

/*
 * ECParameters (an "EC PARAMETERS" PEM block): must be the namedCurve OID of
 * P-256. Errors: FERRY_E_INVAL (malformed), FERRY_E_UNSUPPORTED (other curve).
 */
int host_ecparams_check(const uint8_t *der, size_t len, char *err, size_t errlen);

/* Human name of a BearSSL curve identifier (BR_EC_*), e.g. "P-384". */
const char *host_curve_name(int curve);

/* Length (1..4) of the valid UTF-8 sequence at s (left > 0 bytes available),
 * or 0 if there is none: overlong forms, surrogates and code points above
 * U+10FFFF are invalid. */
size_t host_utf8_sequence(const unsigned char *s, size_t left);

#endif
