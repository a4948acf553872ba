/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small helpers of the host library: error text, wiping secrets, curve names,
 * point validation.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bearssl.h>

#include "host_priv.h"

int host_fail(int code, char *err, size_t errlen, const char *fmt, ...)
{
    if (err != NULL && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

void host_wipe(void *p, size_t len)
{
    volatile unsigned char *v = p;
    while (len-- > 0) {
        *v++ = 0;
    }
}

const char *host_curve_name(int curve)
{
    switch (curve) {
    case BR_EC_secp256r1: return "P-256";
    case BR_EC_secp384r1: return "P-384";
    case BR_EC_secp521r1: return "P-521";
    case BR_EC_secp256k1: return "secp256k1";
    case BR_EC_brainpoolP256r1: return "brainpoolP256r1";
    case BR_EC_brainpoolP384r1: return "brainpoolP384r1";
    case BR_EC_brainpoolP512r1: return "brainpoolP512r1";
    case BR_EC_curve25519: return "Curve25519";
    case BR_EC_curve448: return "Curve448";
    default: return "an unknown curve";
    }
}

int host_p256_point_valid(const uint8_t pub[65])
{
    /* mul() rejects points off the curve and the point at infinity. */
    static const unsigned char one = 1;
    unsigned char copy[65];
    if (pub[0] != 0x04) {
        return 0;
    }
    memcpy(copy, pub, sizeof copy);
    return br_ec_p256_m31.mul(copy, sizeof copy, &one, 1, BR_EC_secp256r1) == 1;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one.
 * Rejects overlong forms, surrogates and code points above U+10FFFF. */
size_t host_utf8_sequence(const unsigned char *s, size_t left)
{
    unsigned c = s[0];
    size_t n;
    unsigned min, cp;
    if (c < 0x80) {
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2, min = 0x80, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, min = 0x800, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, min = 0x10000, cp = c & 0x07;
    } else {
        return 0;
    }
    if (left < n) {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return n;
}
