/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Password-encrypted PKCS#8 keys ("ENCRYPTED PRIVATE KEY", RFC 5958 and
 * RFC 8018): PBES2 with PBKDF2-HMAC-SHA-256 and AES-CBC, what
 * `openssl pkcs8 -topk8 -v2 aes-256-cbc` and `openssl genpkey -aes256` write.
 *
 *   EncryptedPrivateKeyInfo ::= SEQUENCE {
 *     encryptionAlgorithm  SEQUENCE { OID pbes2, PBES2-params },
 *     encryptedData        OCTET STRING }
 *   PBES2-params ::= SEQUENCE {
 *     keyDerivationFunc    SEQUENCE { OID pbkdf2, PBKDF2-params },
 *     encryptionScheme     SEQUENCE { OID aes{128,192,256}-CBC, OCTET STRING iv(16) } }
 *   PBKDF2-params ::= SEQUENCE {
 *     salt                 OCTET STRING,          (the "otherSource" choice is refused)
 *     iterationCount       INTEGER (1..MAX),
 *     keyLength            INTEGER OPTIONAL,       (must equal the AES key length)
 *     prf                  SEQUENCE { OID hmacWithSHA256, NULL or absent } }
 *                          (the DEFAULT, hmacWithSHA1, is refused: it is absent then)
 *
 * The file is untrusted input: every length is checked by host_der_take
 * before it is used, and the iteration count is capped so that a crafted
 * file cannot make the tool spin for hours. BearSSL provides HMAC, SHA-256
 * and constant-time AES; PBKDF2 and the DER are ours.
 */
#include <string.h>

#include <bearssl.h>

#include "ferry/errors.h"
#include "host_priv.h"

static const uint8_t OID_PBES2[] = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0D };
static const uint8_t OID_PBKDF2[] = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0C };
static const uint8_t OID_HMAC_SHA256[] = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x09 };
/* aes128-CBC, aes192-CBC, aes256-CBC: 2.16.840.1.101.3.4.1.{2,22,42} */
static const uint8_t OID_AES_CBC_PREFIX[] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01 };

#define AES_BLOCK 16u
#define SALT_MAX  64u

void host_pbkdf2_sha256(const uint8_t *pass, size_t pass_len, const uint8_t *salt,
                        size_t salt_len, uint32_t iterations, uint8_t *out, size_t out_len)
{
    br_hmac_key_context kc;
    br_hmac_context hc;
    uint8_t u[32], t[32], index[4];
    br_hmac_key_init(&kc, &br_sha256_vtable, pass, pass_len);
    /* RFC 8018 section 5.2: T_i = U_1 ^ ... ^ U_c, U_1 = PRF(P, S || INT(i)),
     * U_j = PRF(P, U_{j-1}); DK = T_1 || T_2 || ... cut to out_len. */
    for (uint32_t block = 1; out_len > 0; block++) {
        index[0] = (uint8_t)(block >> 24);
        index[1] = (uint8_t)(block >> 16);
        index[2] = (uint8_t)(block >> 8);
        index[3] = (uint8_t)block;
        br_hmac_init(&hc, &kc, 0);
        br_hmac_update(&hc, salt, salt_len);
        br_hmac_update(&hc, index, sizeof index);
        br_hmac_out(&hc, u);
        memcpy(t, u, sizeof t);
        for (uint32_t j = 1; j < iterations; j++) {
            br_hmac_init(&hc, &kc, 0);
            br_hmac_update(&hc, u, sizeof u);
            br_hmac_out(&hc, u);
            for (size_t k = 0; k < sizeof t; k++) {
                t[k] ^= u[k];
            }
        }
        size_t n = out_len < sizeof t ? out_len : sizeof t;
        memcpy(out, t, n);
        out += n;
        out_len -= n;
    }
    host_wipe(&kc, sizeof kc);
    host_wipe(&hc, sizeof hc);
    host_wipe(u, sizeof u);
    host_wipe(t, sizeof t);
}

/* What the algorithm identifiers say. */
struct pbes2_params {
    struct host_der salt;
    uint32_t iterations;
    size_t key_len; /* AES key bytes: 16, 24 or 32 */
    struct host_der iv;
    struct host_der data;
};

static int refuse_oid(int code, char *err, size_t errlen, const char *what,
                      const struct host_der *oid)
{
    char name[96];
    return host_fail(code, err, errlen,
                     "encrypted private key uses %s %s: ferry reads PBES2 with PBKDF2-HMAC-SHA256 "
                     "and AES-CBC (re-encrypt it: openssl pkcs8 -topk8 -v2 aes-256-cbc)", what,
                     host_der_oid_name(oid, name, sizeof name));
}

static int malformed(char *err, size_t errlen, const char *what)
{
    return host_fail(FERRY_E_INVAL, err, errlen, "malformed ENCRYPTED PRIVATE KEY (%s)", what);
}

static int parse_pbkdf2(struct host_der kdf, struct pbes2_params *pp, uint32_t *key_length,
                        char *err, size_t errlen)
{
    struct host_der oid, params, iter, prf, prf_oid, null;
    if (host_der_take(&kdf, 0x06, &oid) != 0) {
        return malformed(err, errlen, "key derivation function");
    }
    if (!host_der_oid_is(&oid, OID_PBKDF2, sizeof OID_PBKDF2)) {
        return refuse_oid(FERRY_E_UNSUPPORTED, err, errlen, "the key derivation function", &oid);
    }
    if (host_der_take(&kdf, 0x30, &params) != 0 || kdf.len != 0) {
        return malformed(err, errlen, "PBKDF2 parameters");
    }
    if (params.len > 0 && params.p[0] == 0x30) {
        return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                         "encrypted private key takes its PBKDF2 salt from another source: "
                         "only a salt given in the file is supported");
    }
    if (host_der_take(&params, 0x04, &pp->salt) != 0 || pp->salt.len == 0 ||
        pp->salt.len > SALT_MAX) {
        return malformed(err, errlen, "PBKDF2 salt");
    }
    if (host_der_take(&params, 0x02, &iter) != 0 ||
        host_der_uint(&iter, UINT32_MAX, &pp->iterations) != 0 || pp->iterations == 0) {
        return malformed(err, errlen, "PBKDF2 iteration count");
    }
    if (pp->iterations > HOST_PBKDF2_ITERATIONS_MAX) {
        return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                         "encrypted private key asks for %lu PBKDF2 iterations, more than the "
                         "%lu ferry accepts", (unsigned long)pp->iterations,
                         (unsigned long)HOST_PBKDF2_ITERATIONS_MAX);
    }
    *key_length = 0;
    if (params.len > 0 && params.p[0] == 0x02) {
        struct host_der kl;
        if (host_der_take(&params, 0x02, &kl) != 0 || host_der_uint(&kl, 64, key_length) != 0 ||
            *key_length == 0) {
            return malformed(err, errlen, "PBKDF2 key length");
        }
    }
    if (params.len == 0) {
        return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                         "encrypted private key uses PBKDF2 with HMAC-SHA1 (the default): ferry "
                         "reads PBKDF2-HMAC-SHA256 (re-encrypt it: openssl pkcs8 -topk8 -v2 "
                         "aes-256-cbc -v2prf hmacWithSHA256)");
    }
    if (host_der_take(&params, 0x30, &prf) != 0 || params.len != 0 ||
        host_der_take(&prf, 0x06, &prf_oid) != 0) {
        return malformed(err, errlen, "PBKDF2 pseudorandom function");
    }
    if (!host_der_oid_is(&prf_oid, OID_HMAC_SHA256, sizeof OID_HMAC_SHA256)) {
        return refuse_oid(FERRY_E_UNSUPPORTED, err, errlen, "PBKDF2 with", &prf_oid);
    }
    /* The parameters of hmacWithSHA256 are NULL; absent is tolerated. */
    if (prf.len != 0 && (host_der_take(&prf, 0x05, &null) != 0 || null.len != 0 || prf.len != 0)) {
        return malformed(err, errlen, "HMAC-SHA256 parameters");
    }
    return FERRY_OK;
}

static int parse_cipher(struct host_der enc, struct pbes2_params *pp, char *err, size_t errlen)
{
    struct host_der oid;
    if (host_der_take(&enc, 0x06, &oid) != 0) {
        return malformed(err, errlen, "encryption scheme");
    }
    pp->key_len = 0;
    if (oid.len == sizeof OID_AES_CBC_PREFIX + 1 &&
        memcmp(oid.p, OID_AES_CBC_PREFIX, sizeof OID_AES_CBC_PREFIX) == 0) {
        uint8_t last = oid.p[sizeof OID_AES_CBC_PREFIX];
        pp->key_len = last == 2 ? 16 : last == 22 ? 24 : last == 42 ? 32 : 0;
    }
    if (pp->key_len == 0) {
        return refuse_oid(FERRY_E_UNSUPPORTED, err, errlen, "the cipher", &oid);
    }
    if (host_der_take(&enc, 0x04, &pp->iv) != 0 || pp->iv.len != AES_BLOCK || enc.len != 0) {
        return malformed(err, errlen, "AES-CBC initialisation vector");
    }
    return FERRY_OK;
}

static int parse(const uint8_t *der, size_t len, struct pbes2_params *pp, char *err, size_t errlen)
{
    struct host_der in = { der, len }, top, alg, oid, params, kdf, enc;
    if (host_der_take(&in, 0x30, &top) != 0 || in.len != 0 ||
        host_der_take(&top, 0x30, &alg) != 0 || host_der_take(&top, 0x04, &pp->data) != 0 ||
        top.len != 0 || host_der_take(&alg, 0x06, &oid) != 0) {
        return malformed(err, errlen, "not a DER EncryptedPrivateKeyInfo");
    }
    if (!host_der_oid_is(&oid, OID_PBES2, sizeof OID_PBES2)) {
        return refuse_oid(FERRY_E_UNSUPPORTED, err, errlen, "the encryption scheme", &oid);
    }
    if (host_der_take(&alg, 0x30, &params) != 0 || alg.len != 0 ||
        host_der_take(&params, 0x30, &kdf) != 0 || host_der_take(&params, 0x30, &enc) != 0 ||
        params.len != 0) {
        return malformed(err, errlen, "PBES2 parameters");
    }
    uint32_t key_length;
    int rc = parse_pbkdf2(kdf, pp, &key_length, err, errlen);
    if (rc == 0) {
        rc = parse_cipher(enc, pp, err, errlen);
    }
    if (rc == 0 && key_length != 0 && key_length != pp->key_len) {
        rc = malformed(err, errlen, "PBKDF2 key length differs from the AES key length");
    }
    if (rc == 0 && (pp->data.len == 0 || pp->data.len % AES_BLOCK != 0)) {
        rc = malformed(err, errlen, "encrypted data is not a whole number of AES blocks");
    }
    return rc;
}

int host_pkcs8_decrypt(const uint8_t *der, size_t len, const char *pass, size_t pass_len,
                       uint8_t *out, size_t cap, size_t *out_len, char *err, size_t errlen)
{
    struct pbes2_params pp;
    int rc = parse(der, len, &pp, err, errlen);
    if (rc != 0) {
        return rc;
    }
    if (pp.data.len > cap) {
        return malformed(err, errlen, "encrypted data too large for a P-256 key");
    }
    uint8_t key[32], iv[AES_BLOCK];
    host_pbkdf2_sha256((const uint8_t *)pass, pass_len, pp.salt.p, pp.salt.len, pp.iterations,
                       key, pp.key_len);
    br_aes_ct_cbcdec_keys dec;
    br_aes_ct_cbcdec_init(&dec, key, pp.key_len);
    memcpy(iv, pp.iv.p, sizeof iv);
    memcpy(out, pp.data.p, pp.data.len);
    br_aes_ct_cbcdec_run(&dec, iv, out, pp.data.len);
    host_wipe(key, sizeof key);
    host_wipe(&dec, sizeof dec);
    /* PKCS#7 padding (RFC 8018 section 6.2.1), then the plaintext must be
     * exactly one DER SEQUENCE: a wrong passphrase fails one or the other
     * except with negligible probability. */
    size_t n = pp.data.len;
    uint8_t pad = out[n - 1];
    int bad = pad == 0 || pad > AES_BLOCK;
    for (size_t i = 0; !bad && i < pad; i++) {
        bad |= out[n - 1 - i] != pad;
    }
    struct host_der plain = { out, bad ? 0 : n - pad }, seq;
    if (bad || host_der_take(&plain, 0x30, &seq) != 0 || plain.len != 0) {
        host_wipe(out, n);
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "cannot decrypt the private key: wrong passphrase (or a damaged file)");
    }
    *out_len = n - pad;
    return FERRY_OK;
}

/* A DER writer that fills a buffer from its end backwards, so each element's
 * length is known when its header is written (after its contents). */
struct der_rev {
    uint8_t *buf;
    size_t pos; /* next byte is written at buf[pos - 1] */
    int overflow;
};

static void rev_bytes(struct der_rev *w, const void *p, size_t len)
{
    if (w->overflow || len > w->pos) {
        w->overflow = 1;
        return;
    }
    w->pos -= len;
    memcpy(w->buf + w->pos, p, len);
}

/* Prepends the header of an element whose contents end at `end`. */
static void rev_header(struct der_rev *w, uint8_t tag, size_t end)
{
    size_t len = end - w->pos;
    uint8_t h[4];
    size_t n;
    if (len < 0x80) {
        h[0] = tag, h[1] = (uint8_t)len, n = 2;
    } else if (len < 0x100) {
        h[0] = tag, h[1] = 0x81, h[2] = (uint8_t)len, n = 3;
    } else {
        h[0] = tag, h[1] = 0x82, h[2] = (uint8_t)(len >> 8), h[3] = (uint8_t)len, n = 4;
    }
    rev_bytes(w, h, n);
}

static void rev_prim(struct der_rev *w, uint8_t tag, const void *p, size_t len)
{
    size_t end = w->pos;
    rev_bytes(w, p, len);
    rev_header(w, tag, end);
}

static void rev_uint(struct der_rev *w, uint32_t v)
{
    uint8_t b[5];
    size_t n = 0;
    /* Big-endian, minimal, with a 0x00 in front of a set top bit. */
    for (int shift = 24; shift >= 0; shift -= 8) {
        uint8_t byte = (uint8_t)(v >> shift);
        if (n == 0 && byte == 0 && shift > 0) {
            continue;
        }
        if (n == 0 && (byte & 0x80) != 0) {
            b[n++] = 0;
        }
        b[n++] = byte;
    }
    rev_prim(w, 0x02, b, n);
}

int host_pkcs8_encrypt(const uint8_t *plain, size_t len, const char *pass, size_t pass_len,
                       uint32_t iterations, const uint8_t salt[16], const uint8_t iv_in[16],
                       uint8_t *out, size_t cap, size_t *out_len)
{
    static const uint8_t OID_AES256_CBC[] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01,
                                              0x2A };
    static const uint8_t null[1] = { 0 };
    size_t padded = (len / AES_BLOCK + 1) * AES_BLOCK;
    if (iterations == 0 || padded > cap / 2) {
        return FERRY_E_NOSPC;
    }
    /* The ciphertext is made in the front half of `out`, then the DER is
     * written backwards into the back half and moved to the front. */
    uint8_t *data = out;
    uint8_t key[32], iv[AES_BLOCK];
    memcpy(data, plain, len);
    memset(data + len, (int)(padded - len), padded - len);
    host_pbkdf2_sha256((const uint8_t *)pass, pass_len, salt, 16, iterations, key, sizeof key);
    br_aes_ct_cbcenc_keys enc;
    br_aes_ct_cbcenc_init(&enc, key, sizeof key);
    memcpy(iv, iv_in, sizeof iv);
    br_aes_ct_cbcenc_run(&enc, iv, data, padded);
    host_wipe(key, sizeof key);
    host_wipe(&enc, sizeof enc);

    struct der_rev w = { out + padded, cap - padded, 0 };
    size_t top = w.pos;
    rev_prim(&w, 0x04, data, padded);                 /* encryptedData */
    size_t alg = w.pos;
    size_t pbes2 = w.pos;
    size_t cipher = w.pos;
    rev_prim(&w, 0x04, iv_in, AES_BLOCK);
    rev_prim(&w, 0x06, OID_AES256_CBC, sizeof OID_AES256_CBC);
    rev_header(&w, 0x30, cipher);                     /* encryptionScheme */
    size_t kdf = w.pos;
    size_t kdf_params = w.pos;
    size_t prf = w.pos;
    rev_prim(&w, 0x05, null, 0);
    rev_prim(&w, 0x06, OID_HMAC_SHA256, sizeof OID_HMAC_SHA256);
    rev_header(&w, 0x30, prf);                        /* prf */
    rev_uint(&w, iterations);                         /* iterationCount */
    rev_prim(&w, 0x04, salt, 16);                     /* salt */
    rev_header(&w, 0x30, kdf_params);                 /* PBKDF2-params */
    rev_prim(&w, 0x06, OID_PBKDF2, sizeof OID_PBKDF2);
    rev_header(&w, 0x30, kdf);                        /* keyDerivationFunc */
    rev_header(&w, 0x30, pbes2);                      /* PBES2-params */
    rev_prim(&w, 0x06, OID_PBES2, sizeof OID_PBES2);
    rev_header(&w, 0x30, alg);                        /* encryptionAlgorithm */
    rev_header(&w, 0x30, top);                        /* EncryptedPrivateKeyInfo */
    if (w.overflow) {
        host_wipe(out, cap);
        return FERRY_E_NOSPC;
    }
    size_t n = top - w.pos;
    memmove(out, w.buf + w.pos, n);
    *out_len = n;
    return FERRY_OK;
}
