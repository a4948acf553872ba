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

/* A DER element's contents, or the bytes still to read. */
struct host_der {
    const uint8_t *p;
    size_t len;
};

/*
 * Takes one element with the single-byte tag `tag` off the front of `in`;
 * `val` receives its contents. 0, or FERRY_E_INVAL for a wrong tag, a
 * non-minimal, indefinite or over-long length (at most 65535 bytes: keys and
 * signatures are far smaller), or a length past the end of `in`.
 */
int host_der_take(struct host_der *in, uint8_t tag, struct host_der *val);

/* 1 if the OBJECT IDENTIFIER contents `oid` are exactly `want`. */
int host_der_oid_is(const struct host_der *oid, const uint8_t *want, size_t want_len);

/* Name of a known OID (algorithms, curves, PBE schemes), or its dotted form
 * written into `buf` ("OID 1.2.3"). */
const char *host_der_oid_name(const struct host_der *oid, char *buf, size_t buflen);

/* INTEGER contents as a non-negative number <= max, minimal encoding.
 * Errors: FERRY_E_INVAL (negative, not minimal, empty, above max). */
int host_der_uint(const struct host_der *v, uint32_t max, uint32_t *out);

/*
 * A DER ECDSA-Sig-Value (SEQUENCE { INTEGER r, INTEGER s }, what OpenSSL and
 * most signing services write) to raw r||s, 32 bytes each. Strict: minimal
 * lengths and integers, r and s positive and at most 32 bytes, nothing after.
 * Errors: FERRY_E_INVAL.
 */
int host_ecdsa_der_to_raw(const uint8_t *der, size_t len, uint8_t raw[64]);

/* ---- password-encrypted PKCS#8 keys (host_pbes2.c) ---- */

/* Iterations ferry writes (OWASP's 2023 figure for PBKDF2-HMAC-SHA256), and
 * the most it reads: a crafted file must not make the tool spin for hours. */
#define HOST_PBKDF2_ITERATIONS_DEFAULT 600000u
#ifndef HOST_PBKDF2_ITERATIONS_MAX /* the fuzz target lowers it to keep inputs fast */
#define HOST_PBKDF2_ITERATIONS_MAX     10000000u
#endif

/* PBKDF2 (RFC 8018 section 5.2) with HMAC-SHA-256 as the PRF; out_len > 0. */
void host_pbkdf2_sha256(const uint8_t *pass, size_t pass_len, const uint8_t *salt,
                        size_t salt_len, uint32_t iterations, uint8_t *out, size_t out_len);

/*
 * Decrypts the DER of an EncryptedPrivateKeyInfo (PBES2, PBKDF2-HMAC-SHA256,
 * AES-128/192/256-CBC) into `out` (at least as large as the encrypted data:
 * `cap`), giving the plaintext PrivateKeyInfo DER and its length.
 * Errors: FERRY_E_INVAL (malformed, or wrong passphrase: the reason says
 * which), FERRY_E_UNSUPPORTED (another scheme, KDF, PRF or cipher, or more
 * than HOST_PBKDF2_ITERATIONS_MAX iterations); reason in err.
 */
int host_pkcs8_decrypt(const uint8_t *der, size_t len, const char *pass, size_t pass_len,
                       uint8_t *out, size_t cap, size_t *out_len, char *err, size_t errlen);

/*
 * Encrypts a PrivateKeyInfo DER as an EncryptedPrivateKeyInfo with PBES2,
 * PBKDF2-HMAC-SHA256 (`iterations`, 16-byte `salt`) and AES-256-CBC (`iv`),
 * the layout `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes. `out` holds the
 * result (cap >= 2 * (len + 16) + 128 is enough). The caller supplies fresh
 * random salt and IV. Errors: FERRY_E_NOSPC (cap too small, or iterations 0).
 */
int host_pkcs8_encrypt(const uint8_t *plain, size_t len, const char *pass, size_t pass_len,
                       uint32_t iterations, const uint8_t salt[16], const uint8_t iv[16],
                       uint8_t *out, size_t cap, size_t *out_len);

/* Human name of a BearSSL curve identifier (BR_EC_*), e.g. "P-384". */
const char *host_curve_name(int curve);

/* Length (1..4) of the valid UTF-8 sequence at s (left > 0 bytes available),
 * or 0 if there is none: overlong forms, surrogates and code points above
 * U+10FFFF are invalid. */
size_t host_utf8_sequence(const unsigned char *s, size_t left);

#endif
