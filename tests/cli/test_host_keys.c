/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host library's key sources beyond a plain PEM file: PBKDF2-HMAC-SHA256
 * against published vectors, the PBES2 writer and reader (round trip, every
 * truncation, every byte changed: no crash, no over-read, a clean error),
 * strict DER signatures, the external signer seam a PKCS#11 token plugs into,
 * and the two halves of detached signing.
 *
 * Usage: test_host_keys WORK_DIR   (an existing, writable directory)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bearssl.h>

#include "check.h"
#include "ferry/errors.h"
#include "ferry_host.h"
#include "host_priv.h"

static const char *work_dir;

static void unhex(const char *s, uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

/* PBKDF2-HMAC-SHA256 vectors of RFC 7914 section 11 (also what
 * `openssl kdf -kdfopt digest:SHA256 ... PBKDF2` prints). */
static void pbkdf2_vectors(void)
{
    uint8_t out[64], want[64];
    host_pbkdf2_sha256((const uint8_t *)"passwd", 6, (const uint8_t *)"salt", 4, 1, out, 64);
    unhex("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
          "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783", want, 64);
    CHECK_MEM(out, want, 64);
    host_pbkdf2_sha256((const uint8_t *)"Password", 8, (const uint8_t *)"NaCl", 4, 80000, out,
                       64);
    unhex("4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
          "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d", want, 64);
    CHECK_MEM(out, want, 64);
    /* A shorter output is the prefix of the longer one. */
    host_pbkdf2_sha256((const uint8_t *)"passwd", 6, (const uint8_t *)"salt", 4, 1, out, 20);
    unhex("55ac046e56e3089fec1691c22544b605f9418521", want, 20);
    CHECK_MEM(out, want, 20);
}

/* A PrivateKeyInfo DER to encrypt: BearSSL's PKCS#8 of a fixed key. */
static size_t sample_plain(uint8_t *der, size_t cap, struct ferry_host_key *k)
{
    uint8_t priv[32];
    for (int i = 0; i < 32; i++) {
        priv[i] = (uint8_t)(i + 1);
    }
    CHECK_EQ(ferry_host_key_from_private(priv, k), FERRY_OK);
    br_ec_private_key sk = { BR_EC_secp256r1, k->priv, 32 };
    br_ec_public_key pk = { BR_EC_secp256r1, k->pub, 65 };
    size_t len = br_encode_ec_pkcs8_der(NULL, &sk, &pk);
    CHECK(len > 0 && len <= cap);
    br_encode_ec_pkcs8_der(der, &sk, &pk);
    return len;
}

static const uint8_t SALT[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t IV[16] = { 9, 9, 9, 9, 8, 8, 8, 8, 7, 7, 7, 7, 6, 6, 6, 6 };

static void pbes2_roundtrip(void)
{
    struct ferry_host_key k;
    uint8_t plain[256], enc[768], back[768];
    size_t plain_len = sample_plain(plain, sizeof plain, &k), enc_len = 0, back_len = 0;
    char err[200];
    CHECK_EQ(host_pkcs8_encrypt(plain, plain_len, "pw", 2, 1000, SALT, IV, enc, sizeof enc,
                                &enc_len), FERRY_OK);
    CHECK_EQ(host_pkcs8_decrypt(enc, enc_len, "pw", 2, back, sizeof back, &back_len, err,
                                sizeof err), FERRY_OK);
    CHECK_EQ(back_len, plain_len);
    CHECK_MEM(back, plain, plain_len);
    /* The plaintext is not in the output. */
    for (size_t i = 0; i + 32 <= enc_len; i++) {
        CHECK(memcmp(enc + i, k.priv, 32) != 0);
    }
    /* Wrong passphrase: the one message. */
    CHECK_EQ(host_pkcs8_decrypt(enc, enc_len, "pW", 2, back, sizeof back, &back_len, err,
                                sizeof err), FERRY_E_INVAL);
    CHECK(strstr(err, "wrong passphrase") != NULL);
    /* An output buffer too small for the result is refused, not overrun. */
    CHECK_EQ(host_pkcs8_encrypt(plain, plain_len, "pw", 2, 1000, SALT, IV, enc, 200, &enc_len),
             FERRY_E_NOSPC);
    CHECK_EQ(host_pkcs8_encrypt(plain, plain_len, "pw", 2, 0, SALT, IV, enc, sizeof enc,
                                &enc_len), FERRY_E_NOSPC);
}

/* Every prefix and every single-byte change of a valid encrypted key, read
 * from a copy of exactly that many bytes in its own allocation (so an
 * over-read shows under a sanitizer or valgrind). No crash; truncations and
 * changes in the structure fail; a change inside the ciphertext may decrypt
 * to other bytes (PBES2 has no MAC), which the key decoder then judges. */
static void pbes2_hostile(void)
{
    struct ferry_host_key k;
    uint8_t plain[256], enc[768], back[768];
    size_t plain_len = sample_plain(plain, sizeof plain, &k), enc_len = 0, back_len;
    char err[200];
    CHECK_EQ(host_pkcs8_encrypt(plain, plain_len, "pw", 2, 50, SALT, IV, enc, sizeof enc,
                                &enc_len), FERRY_OK);
    for (size_t n = 0; n < enc_len; n++) {
        uint8_t *copy = malloc(n + 1);
        memcpy(copy, enc, n);
        CHECK(host_pkcs8_decrypt(copy, n, "pw", 2, back, sizeof back, &back_len, err,
                                 sizeof err) < 0);
        free(copy);
    }
    /* The file ends with the IV (OCTET STRING, 2 + 16 bytes) and the
     * ciphertext (OCTET STRING, 3 + 144 bytes). A change anywhere before the
     * IV's contents, or in the ciphertext's header, must fail: structure,
     * OIDs, lengths, salt and iteration count (another derived key). The IV
     * and the ciphertext only change the decrypted bytes: no crash. */
    size_t data_start = enc_len - 144;
    size_t iv_start = data_start - 3 - 16;
    int structure_failures = 0, structure_changes = 0;
    for (size_t i = 0; i < enc_len; i++) {
        for (int mask = 1; mask < 256; mask <<= 1) {
            uint8_t *copy = malloc(enc_len);
            memcpy(copy, enc, enc_len);
            copy[i] ^= (uint8_t)mask;
            int rc = host_pkcs8_decrypt(copy, enc_len, "pw", 2, back, sizeof back, &back_len,
                                        err, sizeof err);
            if (i < iv_start || (i >= data_start - 3 && i < data_start)) {
                structure_changes++;
                structure_failures += rc < 0;
                if (rc == 0) {
                    fprintf(stderr, "byte %zu mask 0x%02x decrypted\n", i, mask);
                }
            } else if (rc == 0) {
                CHECK(back_len <= enc_len);
            }
            free(copy);
        }
    }
    CHECK_EQ(structure_changes, (int)(iv_start + 3) * 8);
    CHECK_EQ(structure_failures, structure_changes);
}

/* Files: the PEM reader with a passphrase, and the encrypted writer. */
static void encrypted_pem_files(void)
{
    char path[512], err[256];
    struct ferry_host_key k, back;
    snprintf(path, sizeof path, "%s/enc.pem", work_dir);
    remove(path);
    CHECK_EQ(ferry_host_key_generate(&k), FERRY_OK);
    CHECK_EQ(ferry_host_key_save_private_pem_encrypted(&k, path, 0, "", 0), FERRY_E_INVAL);
    CHECK_EQ(ferry_host_key_save_private_pem_encrypted(&k, path, 0, "sesame", 6), FERRY_OK);
    struct stat st;
    CHECK_EQ(stat(path, &st), 0);
    CHECK_EQ(st.st_mode & 0777, 0600);
    CHECK_EQ(ferry_host_key_load(path, &back, err, sizeof err), FERRY_E_INVAL);
    CHECK(strstr(err, "encrypted private key: give its passphrase") != NULL);
    CHECK_EQ(ferry_host_key_load_pass(path, "sesamE", 6, &back, err, sizeof err),
             FERRY_E_INVAL);
    CHECK(strstr(err, "wrong passphrase") != NULL);
    CHECK_EQ(ferry_host_key_load_pass(path, "sesame", 6, &back, err, sizeof err), FERRY_OK);
    CHECK_MEM(back.priv, k.priv, 32);
    CHECK_MEM(back.id, k.id, 32);
    CHECK_EQ(back.has_private, 1);
    /* A plain key ignores a passphrase. */
    CHECK_EQ(ferry_host_key_save_private_pem(&k, path, 1), FERRY_OK);
    CHECK_EQ(ferry_host_key_load_pass(path, "anything", 8, &back, err, sizeof err), FERRY_OK);
    CHECK_MEM(back.priv, k.priv, 32);
    ferry_host_key_wipe(&k);
    ferry_host_key_wipe(&back);
}

static void der_signatures(void)
{
    uint8_t raw[64], want[64];
    /* r = 1, s = 0x80 (needs a leading zero). */
    const uint8_t ok[] = { 0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80 };
    memset(want, 0, sizeof want);
    want[31] = 1;
    want[63] = 0x80;
    CHECK_EQ(host_ecdsa_der_to_raw(ok, sizeof ok, raw), FERRY_OK);
    CHECK_MEM(raw, want, 64);
    const uint8_t non_minimal[] = { 0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x7F };
    CHECK_EQ(host_ecdsa_der_to_raw(non_minimal, sizeof non_minimal, raw), FERRY_E_INVAL);
    const uint8_t negative[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x80 };
    CHECK_EQ(host_ecdsa_der_to_raw(negative, sizeof negative, raw), FERRY_E_INVAL);
    const uint8_t zero[] = { 0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01 };
    CHECK_EQ(host_ecdsa_der_to_raw(zero, sizeof zero, raw), FERRY_E_INVAL);
    const uint8_t trailing[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00 };
    CHECK_EQ(host_ecdsa_der_to_raw(trailing, sizeof trailing, raw), FERRY_E_INVAL);
    const uint8_t short_len[] = { 0x30, 0x08, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 };
    CHECK_EQ(host_ecdsa_der_to_raw(short_len, sizeof short_len, raw), FERRY_E_INVAL);
    /* 33 significant bytes are too many for P-256. */
    uint8_t big[40] = { 0x30, 0x26, 0x02, 0x21, 0x01 };
    big[37] = 0x02, big[38] = 0x01, big[39] = 0x01;
    CHECK_EQ(host_ecdsa_der_to_raw(big, sizeof big, raw), FERRY_E_INVAL);
    /* Every prefix of a valid signature fails. */
    for (size_t n = 0; n < sizeof ok; n++) {
        CHECK_EQ(host_ecdsa_der_to_raw(ok, n, raw), FERRY_E_INVAL);
    }
}

/* A stand-in for a token: counts calls, can fail or lie. */
struct fake {
    struct ferry_host_key real;
    int mode; /* 0 honest, 1 refuses, 2 returns a signature of another hash */
    int signs, releases;
};

static int fake_sign(void *ctx, const uint8_t hash[32], uint8_t sig[64], char *err,
                     size_t errlen)
{
    struct fake *f = ctx;
    f->signs++;
    if (f->mode == 1) {
        snprintf(err, errlen, "the token said no");
        return FERRY_E_INVAL;
    }
    uint8_t other[32];
    memcpy(other, hash, 32);
    other[0] ^= (uint8_t)(f->mode == 2);
    return ferry_host_sign_hash(&f->real, other, sig);
}

static void fake_release(void *ctx)
{
    ((struct fake *)ctx)->releases++;
}

static const struct ferry_host_signer FAKE = { fake_sign, fake_release };

static void external_signer(void)
{
    struct fake f;
    memset(&f, 0, sizeof f);
    CHECK_EQ(ferry_host_key_generate(&f.real), FERRY_OK);
    struct ferry_host_key k;
    memset(&k, 0, sizeof k);
    memcpy(k.pub, f.real.pub, 65);
    memcpy(k.id, f.real.id, 32);
    k.has_private = 1;
    k.signer = &FAKE;
    k.signer_ctx = &f;
    uint8_t hash[32] = { 7 }, sig[64];
    char err[200] = "";
    CHECK_EQ(ferry_host_sign_hash_err(&k, hash, sig, err, sizeof err), FERRY_OK);
    CHECK_EQ(ferry_host_verify_hash(&f.real, hash, sig), FERRY_OK);
    f.mode = 1;
    CHECK_EQ(ferry_host_sign_hash_err(&k, hash, sig, err, sizeof err), FERRY_E_INVAL);
    CHECK(strcmp(err, "the token said no") == 0);
    f.mode = 2;
    CHECK_EQ(ferry_host_sign_hash_err(&k, hash, sig, err, sizeof err), FERRY_E_IMG_SIGNATURE);
    CHECK(strstr(err, "does not verify with the key's public key") != NULL);
    /* A whole image through the signer equals the detached path. */
    f.mode = 0;
    struct ferry_sign_params p;
    memset(&p, 0, sizeof p);
    p.version.major = 1;
    uint8_t payload[100];
    memset(payload, 0x5A, sizeof payload);
    uint8_t *img, *unsigned_img;
    size_t img_len, unsigned_len;
    CHECK_EQ(ferry_host_sign(&k, &p, payload, sizeof payload, &img, &img_len), FERRY_OK);
    CHECK_EQ(ferry_host_build_unsigned(&p, payload, sizeof payload, &unsigned_img,
                                       &unsigned_len), FERRY_OK);
    CHECK_EQ(unsigned_len, img_len);
    CHECK_MEM(unsigned_img, img, img_len - 64 - 32); /* all but key ID and signature */
    const uint8_t zeros[96] = { 0 };
    CHECK_MEM(FERRY_HOST_TRAILER_KEY_ID(unsigned_img, unsigned_len), zeros, 96);
    CHECK_MEM(FERRY_HOST_TRAILER_KEY_ID(img, img_len), k.id, 32);
    CHECK_EQ(ferry_host_verify_hash(&k, FERRY_HOST_TRAILER_DIGEST(unsigned_img, unsigned_len),
                                    FERRY_HOST_TRAILER_SIG(img, img_len)), FERRY_OK);
    free(img);
    free(unsigned_img);
    /* Writing a token key to a file is refused; wiping releases it once. */
    char path[512];
    snprintf(path, sizeof path, "%s/token.pem", work_dir);
    CHECK_EQ(ferry_host_key_save_private_pem(&k, path, 1), FERRY_E_INVAL);
    CHECK_EQ(f.releases, 0);
    ferry_host_key_wipe(&k);
    CHECK_EQ(f.releases, 1);
    CHECK(k.signer == NULL);
    ferry_host_key_wipe(&f.real);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_host_keys WORK_DIR\n");
        return 2;
    }
    work_dir = argv[1];
    mkdir(work_dir, 0700);
    RUN(pbkdf2_vectors);
    RUN(pbes2_roundtrip);
    RUN(pbes2_hostile);
    RUN(encrypted_pem_files);
    RUN(der_signatures);
    RUN(external_signer);
    return check_done();
}
