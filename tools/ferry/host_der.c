/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A strict DER reader for the two small structures the host tools read
 * themselves (BearSSL has no SubjectPublicKeyInfo decoder): a P-256 public
 * key and an ECParameters block. Single-byte tags, definite lengths in
 * minimal form, every byte accounted for.
 */
#include <stdio.h>
#include <string.h>

#include "ferry/errors.h"
#include "host_priv.h"

struct der {
    const uint8_t *p;
    size_t len;
};

static const uint8_t OID_EC_PUBLIC_KEY[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01 };
static const uint8_t OID_P256[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 };

/* Algorithms and curves worth naming when we refuse them. */
static const struct {
    uint8_t len;
    uint8_t oid[10];
    const char *name;
} KNOWN_OIDS[] = {
    { 9, { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01 }, "RSA" },
    { 7, { 0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01 }, "DSA" },
    { 3, { 0x2B, 0x65, 0x70 }, "Ed25519" },
    { 3, { 0x2B, 0x65, 0x71 }, "Ed448" },
    { 3, { 0x2B, 0x65, 0x6E }, "X25519" },
    { 3, { 0x2B, 0x65, 0x6F }, "X448" },
    { 5, { 0x2B, 0x81, 0x04, 0x00, 0x22 }, "P-384" },
    { 5, { 0x2B, 0x81, 0x04, 0x00, 0x23 }, "P-521" },
    { 5, { 0x2B, 0x81, 0x04, 0x00, 0x0A }, "secp256k1" },
    { 8, { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x01 }, "P-192" },
    { 5, { 0x2B, 0x81, 0x04, 0x00, 0x21 }, "P-224" },
    { 9, { 0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07 }, "brainpoolP256r1" },
};

/*
 * Takes one element with tag `tag` off the front of `in`; `val` receives its
 * contents. 0, or FERRY_E_INVAL for a wrong tag, a non-minimal, indefinite or
 * over-long length (keys here are far below 64 KiB).
 */
static int der_take(struct der *in, uint8_t tag, struct der *val)
{
    if (in->len < 2 || in->p[0] != tag) {
        return FERRY_E_INVAL;
    }
    size_t hdr = 2, len = in->p[1];
    if (len == 0x81) {
        if (in->len < 3 || in->p[2] < 0x80) {
            return FERRY_E_INVAL;
        }
        hdr = 3;
        len = in->p[2];
    } else if (len == 0x82) {
        if (in->len < 4 || in->p[2] == 0) {
            return FERRY_E_INVAL;
        }
        hdr = 4;
        len = ((size_t)in->p[2] << 8) | in->p[3];
        if (len < 0x100) {
            return FERRY_E_INVAL;
        }
    } else if (len >= 0x80) {
        return FERRY_E_INVAL;
    }
    if (len > in->len - hdr) {
        return FERRY_E_INVAL;
    }
    val->p = in->p + hdr;
    val->len = len;
    in->p += hdr + len;
    in->len -= hdr + len;
    return FERRY_OK;
}

static int oid_is(const struct der *oid, const uint8_t *want, size_t want_len)
{
    return oid->len == want_len && memcmp(oid->p, want, want_len) == 0;
}

/* Name of a known OID, or its dotted form in `buf`. */
static const char *oid_name(const struct der *oid, char *buf, size_t buflen)
{
    for (size_t i = 0; i < sizeof KNOWN_OIDS / sizeof KNOWN_OIDS[0]; i++) {
        if (oid_is(oid, KNOWN_OIDS[i].oid, KNOWN_OIDS[i].len)) {
            return KNOWN_OIDS[i].name;
        }
    }
    size_t used = 0;
    unsigned long arc = 0;
    int first = 1;
    buf[0] = '\0';
    for (size_t i = 0; i < oid->len && used + 24 < buflen; i++) {
        arc = (arc << 7) | (oid->p[i] & 0x7F);
        if (oid->p[i] & 0x80) {
            if (arc > 0xFFFFFFFFul) {
                break;
            }
            continue;
        }
        if (first) {
            unsigned long top = arc < 80 ? arc / 40 : 2;
            used += (size_t)snprintf(buf + used, buflen - used, "OID %lu.%lu", top,
                                     arc - top * 40);
            first = 0;
        } else {
            used += (size_t)snprintf(buf + used, buflen - used, ".%lu", arc);
        }
        arc = 0;
    }
    return first ? "an unknown algorithm" : buf;
}

int host_spki_decode(const uint8_t *der, size_t len, uint8_t pub[65], char *err, size_t errlen)
{
    struct der in = { der, len }, spki, alg, alg_oid, curve, bits;
    char name[96];
    if (der_take(&in, 0x30, &spki) != 0 || in.len != 0 ||
        der_take(&spki, 0x30, &alg) != 0 || der_take(&spki, 0x03, &bits) != 0 ||
        spki.len != 0 || der_take(&alg, 0x06, &alg_oid) != 0) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "malformed public key (not a DER SubjectPublicKeyInfo)");
    }
    if (!oid_is(&alg_oid, OID_EC_PUBLIC_KEY, sizeof OID_EC_PUBLIC_KEY)) {
        return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                         "%s public key: only EC P-256 (prime256v1) keys are supported",
                         oid_name(&alg_oid, name, sizeof name));
    }
    if (der_take(&alg, 0x06, &curve) != 0 || alg.len != 0) {
        return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                         "EC public key without a named curve: only P-256 is supported");
    }
    if (!oid_is(&curve, OID_P256, sizeof OID_P256)) {
        return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                         "EC public key on curve %s: only P-256 (prime256v1) is supported",
                         oid_name(&curve, name, sizeof name));
    }
    if (bits.len == 34 && bits.p[0] == 0 && (bits.p[1] == 0x02 || bits.p[1] == 0x03)) {
        return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                         "compressed public point: write the key uncompressed "
                         "(openssl pkey -pubin -pubout -ec_conv_form uncompressed)");
    }
    if (bits.len != 66 || bits.p[0] != 0 || bits.p[1] != 0x04) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "malformed public key (the point is not 65 uncompressed bytes)");
    }
    if (!host_p256_point_valid(bits.p + 1)) {
        return host_fail(FERRY_E_INVAL, err, errlen, "public key point is not on the P-256 curve");
    }
    memcpy(pub, bits.p + 1, 65);
    return FERRY_OK;
}

void host_spki_encode(const uint8_t pub[65], uint8_t out[HOST_SPKI_P256_LEN])
{
    static const uint8_t prefix[] = {
        0x30, 0x59,                                     /* SEQUENCE, 89 bytes */
        0x30, 0x13,                                     /*   SEQUENCE, 19 bytes */
        0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01,       /* ecPublicKey */
        0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, /* prime256v1 */
        0x03, 0x42, 0x00,                               /*   BIT STRING, 66 bytes */
    };
    _Static_assert(sizeof prefix + 65 == HOST_SPKI_P256_LEN, "SPKI layout");
    memcpy(out, prefix, sizeof prefix);
    memcpy(out + sizeof prefix, pub, 65);
}

int host_ecparams_check(const uint8_t *der, size_t len, char *err, size_t errlen)
{
    struct der in = { der, len }, curve;
    char name[96];
    if (der_take(&in, 0x06, &curve) != 0 || in.len != 0) {
        return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                         "EC PARAMETERS block is not a named curve: only P-256 is supported");
    }
    if (!oid_is(&curve, OID_P256, sizeof OID_P256)) {
        return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                         "EC PARAMETERS name curve %s: only P-256 (prime256v1) is supported",
                         oid_name(&curve, name, sizeof name));
    }
    return FERRY_OK;
}
