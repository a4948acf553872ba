/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry host library: keys, image signing, UUIDs and file helpers for the
 * `ferry` command-line tool and for host-side tests.
 *
 * Host code: uses libc and malloc. Crypto is BearSSL. Every function that can
 * fail returns 0 or a negative FERRY_E_* code (include/ferry/errors.h).
 */
#ifndef FERRY_HOST_H
#define FERRY_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "ferry/image.h"

/*
 * A private key held outside this process (a PKCS#11 token, host_pkcs11.c):
 * it signs a SHA-256 hash and never shows the private scalar.
 */
struct ferry_host_signer {
    /* ECDSA P-256 signature of `hash` as raw r||s. 0, or a negative
     * FERRY_E_* with a one-line reason in err. */
    int (*sign)(void *ctx, const uint8_t hash[32], uint8_t sig[64], char *err, size_t errlen);
    /* Frees ctx (closes the token session). */
    void (*release)(void *ctx);
};

/* A P-256 key. `pub` is the SEC1 uncompressed point 0x04||X||Y; `id` is
 * SHA-256 of those 65 bytes (the key ID written into image trailers).
 * `priv` (big-endian scalar) is meaningful only when has_private is 1 and
 * signer is NULL. With a signer, has_private is 1, priv is all zeros, and
 * every signature is made by signer->sign(signer_ctx, ...);
 * ferry_host_key_wipe releases it. */
struct ferry_host_key {
    int has_private;
    uint8_t priv[32];
    uint8_t pub[65];
    uint8_t id[32];
    const struct ferry_host_signer *signer;
    void *signer_ctx;
};

/*
 * Loads a P-256 key from a PEM file:
 *  - "EC PRIVATE KEY" (SEC1), optionally preceded by an "EC PARAMETERS" block
 *    naming P-256 (what `openssl ecparam -genkey` writes);
 *  - "PRIVATE KEY" (unencrypted PKCS#8, what `openssl genpkey` writes);
 *  - "PUBLIC KEY" (SubjectPublicKeyInfo, uncompressed point).
 * Exactly one key block per file. The public point is always checked to lie
 * on the curve; a private scalar must be in [1, n-1].
 * Errors: FERRY_E_IO (cannot read the file; errno is kept), FERRY_E_INVAL
 * (not a usable key: the reason is written to `err`, one line, no path),
 * FERRY_E_UNSUPPORTED (a valid key of another type or curve, e.g. RSA, P-384).
 * `err` may be NULL when errlen is 0.
 */
int ferry_host_key_load(const char *path, struct ferry_host_key *k, char *err, size_t errlen);

/*
 * ferry_host_key_load, also reading "ENCRYPTED PRIVATE KEY" (PKCS#8 with
 * PBES2: PBKDF2-HMAC-SHA256 and AES-128/192/256-CBC, what
 * `openssl pkcs8 -topk8 -v2 aes-256-cbc` and `openssl genpkey -aes256`
 * write) with the passphrase `pass` (pass_len bytes, no terminator needed;
 * NULL: none given, and an encrypted key is refused saying so).
 * More errors: FERRY_E_INVAL (wrong passphrase or damaged file: "cannot
 * decrypt the private key: wrong passphrase (or a damaged file)"),
 * FERRY_E_UNSUPPORTED (another encryption scheme: PBES1, scrypt, HMAC-SHA1...).
 */
int ferry_host_key_load_pass(const char *path, const char *pass, size_t pass_len,
                             struct ferry_host_key *k, char *err, size_t errlen);

/* New random key from the system RNG. Errors: FERRY_E_IO (no entropy source). */
int ferry_host_key_generate(struct ferry_host_key *k);

/* Fills `k` from a private scalar. Errors: FERRY_E_INVAL (scalar 0 or >= n). */
int ferry_host_key_from_private(const uint8_t priv[32], struct ferry_host_key *k);

/*
 * Writes the private key as PKCS#8 PEM ("PRIVATE KEY"), readable by OpenSSL,
 * file mode 0600. Replaces an existing file atomically (temporary file in the
 * same directory, then rename).
 * Errors: FERRY_E_INVAL (no private part, or a key held by a signer),
 * FERRY_E_IO (errno is kept).
 */
int ferry_host_key_write_private_pem(const struct ferry_host_key *k, const char *path);

/* Like ferry_host_key_write_private_pem, but fails with FERRY_E_IO and errno
 * EEXIST when `path` already exists and `replace` is 0. */
int ferry_host_key_save_private_pem(const struct ferry_host_key *k, const char *path,
                                    int replace);

/*
 * Like ferry_host_key_save_private_pem, encrypted with `pass` (pass_len >= 1
 * bytes) as "ENCRYPTED PRIVATE KEY": PKCS#8 with PBES2, PBKDF2-HMAC-SHA256
 * (600000 iterations, random 16-byte salt) and AES-256-CBC (random IV).
 * OpenSSL reads it (`openssl pkey -in KEY -passin ...`).
 * Errors: FERRY_E_INVAL (no private part held in memory, empty passphrase),
 * FERRY_E_IO (errno is kept; no entropy source gives EIO).
 */
int ferry_host_key_save_private_pem_encrypted(const struct ferry_host_key *k, const char *path,
                                              int replace, const char *pass, size_t pass_len);

/* Writes the public key as SubjectPublicKeyInfo PEM ("PUBLIC KEY").
 * Errors: FERRY_E_IO. */
int ferry_host_key_write_public_pem(const struct ferry_host_key *k, FILE *out);

/* Releases the signer, if any, and overwrites the private scalar (and
 * everything else) in `k`. */
void ferry_host_key_wipe(struct ferry_host_key *k);

struct ferry_sign_params {
    struct ferry_version version;
    uint32_t security_counter;
    uint32_t flags;                 /* FERRY_IMG_F_*; unknown bits are refused */
    uint8_t vendor_id[16];
    uint8_t class_id[16];
    const char *name;               /* NULL, or 1..64 bytes of valid UTF-8 */
    uint32_t header_size;           /* payload offset; 0 = default 512; multiple of 8 */
    uint32_t revoke_below;          /* 0, or keys below this index are revoked once the
                                       image is confirmed (FERRY_TLV_REVOKE_BELOW) */
    const struct ferry_host_enc *enc; /* NULL: a plain image; else the payload is encrypted
                                         (FERRY_IMG_F_ENCRYPTED is set by the builder) */
};

/* What encrypts one image (docs/encryption.md): the content key and its wrap
 * for a device-class public key. */
struct ferry_host_enc {
    uint8_t class_key_id[32]; /* SHA-256 of the class public point */
    uint8_t ephemeral[65];    /* E */
    uint8_t wrapped[24];      /* AES-KW of `key` under the ECIES KEK */
    uint8_t nonce[12];        /* CTR nonce: the first 12 bytes of SHA-256(E) */
    uint8_t key[16];          /* the content key: secret, wipe after use */
};

/*
 * A fresh content key wrapped for the class public key `class_pub` (65-byte
 * point), from the system RNG. Errors: FERRY_E_INVAL (not a P-256 point),
 * FERRY_E_IO (no RNG).
 */
int ferry_host_enc_new(const uint8_t class_pub[65], struct ferry_host_enc *out);

/* The same with a given ephemeral scalar and content key (test vectors). */
int ferry_host_enc_fixed(const uint8_t class_pub[65], const uint8_t eph_priv[32],
                         const uint8_t key[16], struct ferry_host_enc *out);

/* Overwrites the secrets of `e` (its content key among them). */
void ferry_host_enc_wipe(struct ferry_host_enc *e);

/* AES-128-CTR of `len` payload bytes in place, from payload offset 0: the
 * transform ferry_host_sign applies, and its inverse. */
void ferry_host_enc_xor(const struct ferry_host_enc *e, uint8_t *buf, size_t len);

#define FERRY_HOST_DEFAULT_HEADER_SIZE 512u

/* The index the host tools give every key they verify with. Indices belong
 * to a device's key table (docs/keys.md), which the host does not know: the
 * highest index means no host check ever calls a key revoked, and an
 * image's "revoke keys below" entry is judged by the device alone. */
#define FERRY_HOST_KEY_INDEX UINT32_MAX

/*
 * Image layout for `p` and a payload of `payload_len` bytes, without signing:
 * the effective header size, metadata size and total image size in bytes.
 * Any pointer may be NULL. On FERRY_E_INVAL, `err` (may be NULL) receives
 * the reason, one line.
 */
int ferry_host_layout(const struct ferry_sign_params *p, size_t payload_len,
                      uint32_t *header_size, uint32_t *meta_size, uint32_t *total_size,
                      char *err, size_t errlen);

/*
 * Builds a complete signed image into a malloc'd buffer (*img, *img_len;
 * the caller frees it). Deterministic: the ECDSA nonce follows RFC 6979,
 * so the same key, parameters and payload give the same bytes.
 * Errors: FERRY_E_INVAL (no private key, or parameters rejected by
 * ferry_host_layout), FERRY_E_NOSPC (out of memory).
 */
int ferry_host_sign(const struct ferry_host_key *k, const struct ferry_sign_params *p,
                    const uint8_t *payload, size_t payload_len, uint8_t **img, size_t *img_len);

/* ECDSA P-256 signature (raw r||s) of a SHA-256 hash, RFC 6979 nonce for a
 * key in memory (a token chooses its own nonce).
 * Errors: FERRY_E_INVAL (no private key), any error of the signer. */
int ferry_host_sign_hash(const struct ferry_host_key *k, const uint8_t hash[32],
                         uint8_t sig[64]);

/* ferry_host_sign_hash with the reason of a failure in err (one line). A
 * signature made by a signer is checked against k->pub before it is
 * returned: FERRY_E_IMG_SIGNATURE if it does not verify. */
int ferry_host_sign_hash_err(const struct ferry_host_key *k, const uint8_t hash[32],
                             uint8_t sig[64], char *err, size_t errlen);

/* 0 if `sig` (raw r||s) is a valid signature of `hash` by k's public key,
 * else FERRY_E_IMG_SIGNATURE. */
int ferry_host_verify_hash(const struct ferry_host_key *k, const uint8_t hash[32],
                           const uint8_t sig[64]);

/*
 * The first half of ferry_host_sign, for signers Ferry cannot reach
 * (detached signing): the complete image with the trailer's digest filled in
 * and its key ID and signature all zeros. The value to sign is the trailer
 * digest, FERRY_HOST_TRAILER_DIGEST(img, img_len). Errors as ferry_host_sign.
 */
int ferry_host_build_unsigned(const struct ferry_sign_params *p, const uint8_t *payload,
                              size_t payload_len, uint8_t **img, size_t *img_len);

/* The trailer fields of a complete image of img_len bytes (>= 136). */
#define FERRY_HOST_TRAILER_DIGEST(img, img_len) ((img) + (img_len) - FERRY_IMG_TRAILER_SIZE + 8)
#define FERRY_HOST_TRAILER_KEY_ID(img, img_len) ((img) + (img_len) - FERRY_IMG_TRAILER_SIZE + 40)
#define FERRY_HOST_TRAILER_SIG(img, img_len)    ((img) + (img_len) - FERRY_IMG_TRAILER_SIZE + 72)

/* UUID text "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex, either case).
 * Errors: FERRY_E_INVAL. */
int ferry_uuid_parse(const char *s, uint8_t out[16]);

/* Name-based UUID, version 5 (SHA-1), RFC 4122 / RFC 9562. */
void ferry_uuid_v5(const uint8_t ns[16], const char *name, uint8_t out[16]);

/* Lower-case text form plus NUL. */
void ferry_uuid_format(const uint8_t u[16], char out[37]);

/* The DNS namespace UUID 6ba7b810-9dad-11d1-80b4-00c04fd430c8. */
extern const uint8_t ferry_uuid_ns_dns[16];

/*
 * A UUID given on the command line: UUID text is taken as is; anything else
 * is a name, turned into a v5 UUID in namespace `ns` (NULL: the DNS
 * namespace). Text shaped like a UUID (36 characters, dashes at 8, 13, 18,
 * 23) that does not parse is refused rather than silently hashed as a name.
 * Errors: FERRY_E_INVAL (empty, or malformed UUID text).
 */
int ferry_uuid_from_arg(const char *arg, const uint8_t *ns, uint8_t out[16]);

/* Reads a whole file into a malloc'd buffer (the caller frees it; a valid
 * pointer even for an empty file). Files above 4 GiB are refused.
 * Errors: FERRY_E_IO (errno is kept), FERRY_E_NOSPC (out of memory or too big). */
int ferry_host_read_file(const char *path, uint8_t **data, size_t *len);

/* Creates or truncates `path` and writes `len` bytes; on failure the partial
 * file is removed. Errors: FERRY_E_IO (errno is kept). */
int ferry_host_write_file(const char *path, const uint8_t *data, size_t len);

#endif
