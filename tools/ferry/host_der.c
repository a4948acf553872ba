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
    /* Password-based encryption of PKCS#8 keys (RFC 8018, RFC 7914, PKCS#12). */
    { 9, { 0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x04, 0x0B }, "scrypt" },
    { 9, { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x03 }, "PBES1 (MD5, DES)" },
    { 9, { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0A }, "PBES1 (SHA-1, DES)" },
    { 10, { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x01, 0x03 },
      "PKCS#12 PBE (SHA-1, 3DES)" },
    { 8, { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x07 }, "hmacWithSHA1" },
    { 8, { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x08 }, "hmacWithSHA224" },
    { 8, { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x0A }, "hmacWithSHA384" },
    { 8, { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x0B }, "hmacWithSHA512" },
    { 8, { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x03, 0x07 }, "des-ede3-cbc" },
    { 9, { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x06 }, "aes-128-gcm" },
    { 9, { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2E }, "aes-256-gcm" },
};

int host_der_take(struct host_der *in, uint8_t tag, struct host_der *val)
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

int host_der_oid_is(const struct host_der *oid, const uint8_t *want, size_t want_len)
{
    return oid->len == want_len && memcmp(oid->p, want, want_len) == 0;
}

const char *host_der_oid_name(const struct host_der *oid, char *buf, size_t buflen)
{
    for (size_t i = 0; i < sizeof KNOWN_OIDS / sizeof KNOWN_OIDS[0]; i++) {
        if (host_der_oid_is(oid, KNOWN_OIDS[i].oid, KNOWN_OIDS[i].len)) {
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
    struct host_der in = { der, len }, spki, alg, alg_oid, curve, bits;
    char name[96];
    if (host_der_take(&in, 0x30, &spki) != 0 || in.len != 0 ||
        host_der_take(&spki, 0x30, &alg) != 0 || host_der_take(&spki, 0x03, &bits) != 0 ||
        spki.len != 0 || host_der_take(&alg, 0x06, &alg_oid) != 0) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "malformed public key (not a DER SubjectPublicKeyInfo)");
    }
    if (!host_der_oid_is(&alg_oid, OID_EC_PUBLIC_KEY, sizeof OID_EC_PUBLIC_KEY)) {
        return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                         "%s public key: only EC P-256 (prime256v1) keys are supported",
                         host_der_oid_name(&alg_oid, name, sizeof name));
    }
    if (host_der_take(&alg, 0x06, &curve) != 0 || alg.len != 0) {
        return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                         "EC public key without a named curve: only P-256 is supported");
    }
    if (!host_der_oid_is(&curve, OID_P256, sizeof OID_P256)) {
        return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                         "EC public key on curve %s: only P-256 (prime256v1) is supported",
                         host_der_oid_name(&curve, name, sizeof name));
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
    struct host_der in = { der, len }, curve;
    char name[96];
    if (host_der_take(&in, 0x06, &curve) != 0 || in.len != 0) {
        return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                         "EC PARAMETERS block is not a named curve: only P-256 is supported");
    }
    if (!host_der_oid_is(&curve, OID_P256, sizeof OID_P256)) {
        return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                         "EC PARAMETERS name curve %s: only P-256 (prime256v1) is supported",
                         host_der_oid_name(&curve, name, sizeof name));
    }
    return FERRY_OK;
}

int host_der_uint(const struct host_der *v, uint32_t max, uint32_t *out)
{
    /* DER INTEGER contents: two's complement, minimal. A positive value has
     * a clear top bit, or a single 0x00 before a byte with the top bit set. */
    if (v->len == 0 || (v->p[0] & 0x80) != 0) {
        return FERRY_E_INVAL;
    }
    if (v->len > 1 && v->p[0] == 0 && (v->p[1] & 0x80) == 0) {
        return FERRY_E_INVAL;
    }
    size_t i = v->p[0] == 0 && v->len > 1 ? 1 : 0;
    if (v->len - i > 4) {
        return FERRY_E_INVAL;
    }
    uint32_t x = 0;
    for (; i < v->len; i++) {
        x = (x << 8) | v->p[i];
    }
    if (x > max) {
        return FERRY_E_INVAL;
    }
    *out = x;
    return FERRY_OK;
}

/* One INTEGER of an ECDSA-Sig-Value into 32 big-endian bytes: positive,
 * minimal, nonzero, at most 32 significant bytes. */
static int sig_integer(struct host_der *in, uint8_t out[32])
{
    struct host_der v;
    if (host_der_take(in, 0x02, &v) != 0 || v.len == 0 || (v.p[0] & 0x80) != 0) {
        return FERRY_E_INVAL;
    }
    if (v.len > 1 && v.p[0] == 0) {
        if ((v.p[1] & 0x80) == 0) {
            return FERRY_E_INVAL; /* not minimal */
        }
        v.p++;
        v.len--;
    }
    if (v.len > 32 || (v.len == 1 && v.p[0] == 0)) {
        return FERRY_E_INVAL;
    }
    memset(out, 0, 32);
    memcpy(out + 32 - v.len, v.p, v.len);
    return FERRY_OK;
}

int host_ecdsa_der_to_raw(const uint8_t *der, size_t len, uint8_t raw[64])
{
    struct host_der in = { der, len }, seq;
    uint8_t r[32], s[32];
    if (host_der_take(&in, 0x30, &seq) != 0 || in.len != 0 || sig_integer(&seq, r) != 0 ||
        sig_integer(&seq, s) != 0 || seq.len != 0) {
        return FERRY_E_INVAL;
    }
    memcpy(raw, r, 32);
    memcpy(raw + 32, s, 32);
    return FERRY_OK;
}
