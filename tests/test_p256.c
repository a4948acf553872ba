/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry's own verify-only P-256 (src/crypto/p256/, docs/p256.md), both
 * variants (fast: written-out multiply, const table of G; small: loops, no
 * table), against BearSSL's four curve codes
 * and OpenSSL (p256_ref.h):
 *   - field arithmetic mod p and scalar arithmetic mod n against BIGNUM;
 *   - the const table of G against OpenSSL's (2k+1)G, and the run-time one;
 *   - every Wycheproof ecdsa_secp256r1_sha256_p1363 case (wycheproof_reader.h),
 *     and every case of the DER file whose signature is strict DER with r
 *     and s of at most 256 bits (the others are not expressible as r || s);
 *   - the NIST CAVP SigVer P-256 cases (FIPS 186-3): [P-256,SHA-256], and
 *     the other digests' sections with the digest cut or padded to 256 bits;
 *   - edge cases built here: r, s out of range, bad and special keys,
 *     u1 G = +-u2 Q, x(R) >= n, hashes >= n.
 * Every verifier must give the expected verdict on every case.
 *
 * Usage: test_p256 <shared dir> <SigVer.rsp>. Absent vector files are
 * skipped with a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/evp.h>

#include "check.h"
#include "wycheproof_reader.h"

#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "p256_priv.h"
#include "p256_ref.h"

/* Entries of the const table of G (p256_gtab_const.c, made by
 * gen_gtable.py with its default width 7). */
#define CONST_TABLE_COUNT 32u

/* The small variant's multiplication and squaring (p256_fe_mul_loop.c,
 * renamed by p256_small_names.h), checked like the fast ones. */
void p256s_fe_mul(p256_fe r, const p256_fe a, const p256_fe b);
void p256s_fe_sqr(p256_fe r, const p256_fe a);

static const char *shared_dir, *cavp_file;

static uint64_t rng = 12345;

static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void rnd32(uint8_t out[32])
{
    unsigned i;
    for (i = 0; i < 32; i++) {
        out[i] = (uint8_t)rnd();
    }
}

/* ---- arithmetic against BIGNUM ------------------------------------------------- */

static BN_CTX *bctx;

static BIGNUM *bn_of(const uint32_t w[8])
{
    uint8_t b[32];
    p256_fe_to_bytes(b, w); /* a plain word-to-byte conversion */
    return BN_bin2bn(b, 32, NULL);
}

static int bn_eq_words(const BIGNUM *x, const uint32_t w[8])
{
    uint8_t a[32], b[32];
    BN_bn2binpad(x, a, 32);
    p256_fe_to_bytes(b, w);
    return memcmp(a, b, 32) == 0;
}

/* Field operands: edge values, then random ones (some with long runs of
 * ones or zeros, which stress the carries of the reduction). */
static void operand(uint32_t w[8], unsigned i, const BIGNUM *mod)
{
    uint8_t b[32];
    BIGNUM *x;

    switch (i) {
    case 0: memset(b, 0, 32); break;
    case 1: memset(b, 0, 32), b[31] = 1; break;
    case 2: BN_bn2binpad(mod, b, 32), b[31] -= 1; break; /* mod - 1 */
    case 3: BN_bn2binpad(mod, b, 32), b[31] -= 2; break;
    case 4: memset(b, 0, 32), b[0] = 0x80; break;
    case 5: memset(b, 0, 32), memset(b + 4, 0xff, 28); break; /* 2^224 - 1 */
    default:
        rnd32(b);
        if (i % 4 == 0) {
            unsigned j;
            for (j = 0; j < 32; j++) {
                b[j] = (rnd() & 1) ? 0xff : (rnd() & 1) ? 0 : b[j];
            }
        }
        break;
    }
    x = BN_bin2bn(b, 32, NULL);
    BN_nnmod(x, x, mod, bctx);
    BN_bn2binpad(x, b, 32);
    p256_sc_from_bytes(w, b);
    BN_free(x);
}

static void test_field(void)
{
    BIGNUM *p = BN_bin2bn(p256_ref_p, 32, NULL), *r = BN_new();
    unsigned i, j, bad = 0;

    for (i = 0; i < 300; i++) {
        for (j = 0; j < 8; j++) {
            uint32_t a[8], b[8], c[8];
            BIGNUM *x, *y;

            operand(a, i, p);
            operand(b, j * 37 + i + 6, p);
            x = bn_of(a);
            y = bn_of(b);
            p256_fe_add(c, a, b);
            BN_mod_add(r, x, y, p, bctx);
            bad += !bn_eq_words(r, c);
            p256_fe_sub(c, a, b);
            BN_mod_sub(r, x, y, p, bctx);
            bad += !bn_eq_words(r, c);
            p256_fe_mul(c, a, b);
            BN_mod_mul(r, x, y, p, bctx);
            bad += !bn_eq_words(r, c);
            p256s_fe_mul(c, a, b);
            bad += !bn_eq_words(r, c);
            p256_fe_sqr(c, a);
            BN_mod_sqr(r, x, p, bctx);
            bad += !bn_eq_words(r, c);
            p256s_fe_sqr(c, a);
            bad += !bn_eq_words(r, c);
            p256_fe_neg(c, a);
            BN_mod_sub(r, p, x, p, bctx);
            bad += !bn_eq_words(r, c);
            if (j == 0) {
                p256_fe_inv(c, a);
                if (BN_is_zero(x)) {
                    bad += !p256_fe_is_zero(c);
                } else {
                    BN_mod_inverse(r, x, p, bctx);
                    bad += !bn_eq_words(r, c);
                }
            }
            BN_free(x);
            BN_free(y);
        }
    }
    /* The reduction on its own: products of the largest operands and
     * 512-bit inputs with every word at an extreme. */
    for (i = 0; i < 2000; i++) {
        uint32_t c[16], out[8];
        uint8_t bytes[64];
        BIGNUM *x;
        unsigned k;

        for (k = 0; k < 16; k++) {
            uint64_t v = rnd();
            c[k] = (v & 3) == 0 ? 0xffffffffu : (v & 3) == 1 ? 0 : (uint32_t)(v >> 8);
        }
        /* p^2 > any product of reduced operands; the reduction is exact
         * for every 512-bit input anyway. */
        for (k = 0; k < 16; k++) {
            uint32_t v = c[15 - k];
            bytes[4 * k] = (uint8_t)(v >> 24);
            bytes[4 * k + 1] = (uint8_t)(v >> 16);
            bytes[4 * k + 2] = (uint8_t)(v >> 8);
            bytes[4 * k + 3] = (uint8_t)v;
        }
        p256_fe_reduce(out, c);
        x = BN_bin2bn(bytes, 64, NULL);
        BN_nnmod(x, x, p, bctx);
        bad += !bn_eq_words(x, out);
        BN_free(x);
    }
    CHECK_EQ(bad, 0);
    {   /* from_bytes range check: p - 1 accepted, p and 2^256 - 1 refused */
        uint8_t b[32];
        uint32_t w[8];
        memcpy(b, p256_ref_p, 32);
        CHECK_EQ(p256_fe_from_bytes(w, b), -1);
        b[31] -= 1;
        CHECK_EQ(p256_fe_from_bytes(w, b), 0);
        memset(b, 0xff, 32);
        CHECK_EQ(p256_fe_from_bytes(w, b), -1);
    }
    BN_free(p);
    BN_free(r);
}

static void test_scalar(void)
{
    BIGNUM *n = BN_bin2bn(p256_ref_n, 32, NULL), *r = BN_new();
    unsigned i, w, bad = 0;

    for (i = 0; i < 600; i++) {
        uint32_t a[8], b[8], c[8];
        BIGNUM *x, *y;

        operand(a, i, n);
        operand(b, i * 7 + 6, n);
        if (i % 3 == 0) { /* a may be any 256-bit value in p256_sc_mul */
            uint8_t raw[32];
            rnd32(raw);
            raw[0] |= 0xf0;
            p256_sc_from_bytes(a, raw);
        }
        x = bn_of(a);
        y = bn_of(b);
        p256_sc_mul(c, a, b);
        BN_mod_mul(r, x, y, n, bctx);
        bad += !bn_eq_words(r, c);
        if (!BN_is_zero(y)) {
            p256_sc_inv(c, b);
            BN_mod_inverse(r, y, n, bctx);
            bad += !bn_eq_words(r, c);
        }
        memcpy(c, a, sizeof c);
        p256_sc_reduce(c);
        BN_nnmod(r, x, n, bctx);
        bad += !bn_eq_words(r, c);
        /* NAF digits add back up to the scalar, odd and in range */
        for (w = 2; w <= 8; w++) {
            int8_t naf[257];
            unsigned len = p256_sc_wnaf(naf, a, w), k;
            BIGNUM *acc = BN_new(), *d = BN_new();

            for (k = len; k-- > 0;) {
                BN_lshift1(acc, acc);
                if (naf[k] != 0) {
                    int v = naf[k];
                    bad += (v % 2 == 0) || v >= (1 << (w - 1)) || v <= -(1 << (w - 1));
                    BN_set_word(d, (BN_ULONG)(v < 0 ? -v : v));
                    if (v < 0) {
                        BN_sub(acc, acc, d);
                    } else {
                        BN_add(acc, acc, d);
                    }
                }
            }
            bad += BN_cmp(acc, x) != 0 || len > 257;
            BN_free(acc);
            BN_free(d);
        }
        BN_free(x);
        BN_free(y);
    }
    CHECK_EQ(bad, 0);
    {   /* range: 0 and n out, 1 and n - 1 in */
        uint32_t a[8];
        uint8_t b[32];
        memset(b, 0, 32);
        p256_sc_from_bytes(a, b);
        CHECK_EQ(p256_sc_in_range(a), 0);
        b[31] = 1;
        p256_sc_from_bytes(a, b);
        CHECK_EQ(p256_sc_in_range(a), 1);
        memcpy(b, p256_ref_n, 32);
        p256_sc_from_bytes(a, b);
        CHECK_EQ(p256_sc_in_range(a), 0);
        b[31] -= 1;
        p256_sc_from_bytes(a, b);
        CHECK_EQ(p256_sc_in_range(a), 1);
    }
    BN_free(n);
    BN_free(r);
}

/* Both tables of G: entry k is (2k+1) G, as OpenSSL computes it; the
 * run-time one as p256_gtab_ram.c has p256_verify_core() make it. */
static void test_g_tables(void)
{
    static union p256_slot slots[P256_TABLE_MAX];
    static p256_fe scratch[P256_TABLE_MAX];
    unsigned k, v, count;

    p256_odd_multiples(slots, &p256_g, P256_TABLE_MAX);
    p256_to_affine(slots, P256_TABLE_MAX, scratch);
    for (v = 0; v < 2; v++) {
        count = v == 0 ? CONST_TABLE_COUNT : P256_TABLE_MAX;
        for (k = 0; k < count; k++) {
            const struct p256_aff *a = v == 0 ? p256_g_entry(NULL, k) : &slots[k].aff;
            uint8_t mult[32] = { 0 }, want[65], got[65];
            mult[31] = (uint8_t)(2 * k + 1);
            CHECK_EQ(p256_ref_pub(mult, want), 0);
            got[0] = 4;
            p256_fe_to_bytes(got + 1, a->x);
            p256_fe_to_bytes(got + 33, a->y);
            CHECK_MEM(got, want, 65);
            CHECK(p256_on_curve(a));
        }
        printf("     %s table of G: %u entries checked\n", v == 0 ? "const" : "run-time", count);
    }
}

/* ---- verdicts ------------------------------------------------------------------ */

/* Every verifier on one triple; returns how many gave a verdict other than
 * `expected` (0 valid, 1 rejected) and names them. */
static unsigned judge(const char *what, const uint8_t pub[65], const uint8_t hash[32],
                      const uint8_t sig[64], int expected)
{
    unsigned i, wrong = 0;

    for (i = 0; i < P256_VERIFIER_COUNT; i++) {
        int rc, verdict;

        if (p256_ref_is_bearssl(&p256_verifiers[i]) && p256_ref_hash_is_zero_mod_n(hash)) {
            continue; /* BearSSL is wrong there (p256_ref.h), shown in test_edges */
        }
        rc = p256_verifiers[i].verify(pub, hash, sig);
        verdict = rc == FERRY_OK ? 0 : 1;
        if ((rc != FERRY_OK && rc != FERRY_E_IMG_SIGNATURE) || verdict != expected) {
            fprintf(stderr, "%s: %s says %s (rc %d), expected %s\n", what,
                    p256_verifiers[i].name, verdict == 0 ? "valid" : "rejected", rc,
                    expected == 0 ? "valid" : "rejected");
            wrong++;
        }
    }
    return wrong;
}

struct wp_tally {
    unsigned total, valid, invalid, acceptable, by_length, wrong;
};

static void wp_case(const struct wycheproof_case *c, void *ctx)
{
    struct wp_tally *t = ctx;
    uint8_t hash[32];
    char what[64];

    t->total++;
    if (c->sig_len != 64) {
        /* not expressible through the API (64 bytes): rejected by it */
        t->by_length++;
        t->wrong += c->result == WYCHEPROOF_VALID;
        return;
    }
    ferry_sha256(c->msg, c->msg_len, hash);
    snprintf(what, sizeof what, "wycheproof tcId %ld", c->tc_id);
    if (c->result == WYCHEPROOF_ACCEPTABLE) {
        /* no verdict required, but all verifiers must agree */
        int want = ferry_p256_verify_bearssl_m31(c->pub, hash, c->sig) == FERRY_OK ? 0 : 1;
        t->wrong += judge(what, c->pub, hash, c->sig, want);
        t->acceptable++;
        return;
    }
    t->wrong += judge(what, c->pub, hash, c->sig, c->result == WYCHEPROOF_VALID ? 0 : 1);
    if (c->result == WYCHEPROOF_VALID) {
        t->valid++;
    } else {
        t->invalid++;
    }
}

static void test_wycheproof(void)
{
    char path[4096];
    struct wp_tally t;
    long n, declared;

    if (shared_dir == NULL) {
        SKIP("no shared directory given on the command line");
    }
    snprintf(path, sizeof path, "%s/%s", shared_dir, WYCHEPROOF_P256_P1363);
    memset(&t, 0, sizeof t);
    n = wycheproof_read(path, wp_case, &t, &declared);
    if (n == WYCHEPROOF_ABSENT) {
        printf("SKIP %s: %s not found\n", __func__, path);
        check_tests_skipped++;
        return;
    }
    CHECK(n > 0);
    CHECK_EQ(n, declared);
    CHECK_EQ(t.wrong, 0);
    CHECK(t.valid > 0 && t.invalid > 0);
    printf("     %u cases, %u verifiers each: %u valid, %u invalid, %u acceptable, "
           "%u not 64 bytes (rejected by the API)\n",
           t.total, P256_VERIFIER_COUNT, t.valid, t.invalid, t.acceptable, t.by_length);
}

/* One strict DER INTEGER (non-negative, minimal) into a 32-byte number;
 * returns the bytes it takes or -1. */
static long der_int(const uint8_t *p, size_t len, uint8_t out[32])
{
    size_t n, skip = 0;

    if (len < 3 || p[0] != 0x02 || p[1] == 0 || p[1] >= 0x80 || (size_t)p[1] + 2 > len) {
        return -1;
    }
    n = p[1];
    if ((p[2] & 0x80) != 0 || (n > 1 && p[2] == 0 && (p[3] & 0x80) == 0)) {
        return -1; /* negative, or not minimal */
    }
    if (p[2] == 0 && n > 1) {
        skip = 1;
    }
    if (n - skip > 32) {
        return -1;
    }
    memset(out, 0, 32);
    memcpy(out + 32 - (n - skip), p + 2 + skip, n - skip);
    return (long)n + 2;
}

/* A strict DER ECDSA-Sig-Value into r || s; 0 or -1 (not expressible). */
static int der_sig(const uint8_t *der, size_t len, uint8_t sig[64])
{
    long a, b;

    if (len < 2 || der[0] != 0x30 || der[1] >= 0x80 || (size_t)der[1] + 2 != len) {
        return -1;
    }
    a = der_int(der + 2, len - 2, sig);
    if (a < 0) {
        return -1;
    }
    b = der_int(der + 2 + a, len - 2 - (size_t)a, sig + 32);
    return b < 0 || (size_t)(2 + a + b) != len ? -1 : 0;
}

static void wp_der_case(const struct wycheproof_case *c, void *ctx)
{
    struct wp_tally *t = ctx;
    uint8_t hash[32], sig[64];
    char what[64];

    t->total++;
    if (der_sig(c->sig, c->sig_len, sig) != 0) {
        /* not strict DER, or r or s wider than 256 bits: no 64-byte form */
        t->by_length++;
        t->wrong += c->result == WYCHEPROOF_VALID;
        if (c->result == WYCHEPROOF_VALID) {
            fprintf(stderr, "wycheproof DER tcId %ld: valid case not decoded\n", c->tc_id);
        }
        return;
    }
    ferry_sha256(c->msg, c->msg_len, hash);
    snprintf(what, sizeof what, "wycheproof DER tcId %ld", c->tc_id);
    t->wrong += judge(what, c->pub, hash, sig, c->result == WYCHEPROOF_VALID ? 0 : 1);
    if (c->result == WYCHEPROOF_VALID) {
        t->valid++;
    } else {
        t->invalid++;
    }
}

/* The DER file: the same checks once the signature is in r || s form. */
static void test_wycheproof_der(void)
{
    char path[4096];
    struct wp_tally t;
    long n, declared;

    if (shared_dir == NULL) {
        SKIP("no shared directory given on the command line");
    }
    snprintf(path, sizeof path, "%s/%s", shared_dir, WYCHEPROOF_P256_DER);
    memset(&t, 0, sizeof t);
    n = wycheproof_read(path, wp_der_case, &t, &declared);
    if (n == WYCHEPROOF_ABSENT) {
        printf("SKIP %s: %s not found\n", __func__, path);
        check_tests_skipped++;
        return;
    }
    CHECK(n > 0);
    CHECK_EQ(n, declared);
    CHECK_EQ(t.wrong, 0);
    CHECK(t.valid > 0 && t.invalid > 0);
    printf("     %u DER cases, %u verifiers each: %u valid, %u invalid decoded; %u not strict "
           "DER or wider than 256 bits (rejected before the API)\n",
           t.total, P256_VERIFIER_COUNT, t.valid, t.invalid, t.by_length);
}

/* "Name = hex" lines of a .rsp file. */
static int rsp_hex(const char *line, const char *name, uint8_t *out, size_t cap, size_t *len)
{
    size_t nl = strlen(name), i = 0;
    const char *p;

    if (strncmp(line, name, nl) != 0 || strncmp(line + nl, " = ", 3) != 0) {
        return 0;
    }
    for (p = line + nl + 3; p[0] != '\0' && p[0] != '\r' && p[0] != '\n'; p += 2) {
        unsigned v;
        if (i >= cap || sscanf(p, "%2x", &v) != 1) {
            return -1;
        }
        out[i++] = (uint8_t)v;
    }
    *len = i;
    return 1;
}

/* Left-pads a big-endian number to 32 bytes; -1 if longer. */
static int pad32(uint8_t out[32], const uint8_t *in, size_t len)
{
    if (len > 32) {
        return -1;
    }
    memset(out, 0, 32);
    memcpy(out + 32 - len, in, len);
    return 0;
}

static void test_cavp(void)
{
    FILE *f;
    char line[4096];
    int in_section = 0;
    unsigned cases = 0, pass = 0, wrong = 0, bad_lines = 0, sections = 0, sha256 = 0;
    const EVP_MD *md = NULL;
    uint8_t msg[1024], qx[32], qy[32], r[32], s[32], tmp[64];
    size_t msg_len = 0, len;

    if (cavp_file == NULL || (f = fopen(cavp_file, "r")) == NULL) {
        printf("SKIP %s: %s not found (python3-cryptography-vectors, scripts/setup.sh)\n",
               __func__, cavp_file != NULL ? cavp_file : "SigVer.rsp");
        check_tests_skipped++;
        return;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '[') {
            /* [P-256,SHA-xxx]: OpenSSL's name for the digest is SHAxxx */
            in_section = strncmp(line, "[P-256,SHA-", 11) == 0;
            if (in_section) {
                char name[16];
                snprintf(name, sizeof name, "SHA%.*s", (int)strcspn(line + 11, "]"), line + 11);
                md = EVP_get_digestbyname(name);
                CHECK(md != NULL);
                in_section = md != NULL;
                sections++;
            }
            continue;
        }
        if (!in_section) {
            continue;
        }
        if (rsp_hex(line, "Msg", msg, sizeof msg, &msg_len) < 0) {
            bad_lines++;
        } else if (rsp_hex(line, "Qx", tmp, sizeof tmp, &len) > 0) {
            bad_lines += pad32(qx, tmp, len) != 0;
        } else if (rsp_hex(line, "Qy", tmp, sizeof tmp, &len) > 0) {
            bad_lines += pad32(qy, tmp, len) != 0;
        } else if (rsp_hex(line, "R", tmp, sizeof tmp, &len) > 0) {
            bad_lines += pad32(r, tmp, len) != 0;
        } else if (rsp_hex(line, "S", tmp, sizeof tmp, &len) > 0) {
            bad_lines += pad32(s, tmp, len) != 0;
        } else if (strncmp(line, "Result = ", 9) == 0) {
            uint8_t pub[65], hash[32], sig[64];
            char what[64];
            int expected = line[9] == 'P' ? 0 : 1;

            pub[0] = 4;
            memcpy(pub + 1, qx, 32);
            memcpy(pub + 33, qy, 32);
            memcpy(sig, r, 32);
            memcpy(sig + 32, s, 32);
            {
                /* e = the leftmost 256 bits of the digest (FIPS 186-4 6.4),
                 * as a 32-byte big-endian number */
                uint8_t dg[EVP_MAX_MD_SIZE];
                unsigned dl = 0;
                CHECK(EVP_Digest(msg, msg_len, dg, &dl, md, NULL) == 1);
                memset(hash, 0, 32);
                if (dl >= 32) {
                    memcpy(hash, dg, 32);
                } else {
                    memcpy(hash + 32 - dl, dg, dl);
                }
                sha256 += EVP_MD_get_size(md) == 32;
            }
            snprintf(what, sizeof what, "CAVP case %u", cases);
            wrong += judge(what, pub, hash, sig, expected);
            cases++;
            pass += expected == 0;
        }
    }
    fclose(f);
    CHECK_EQ(bad_lines, 0);
    CHECK_EQ(wrong, 0);
    CHECK(cases > 0 && sha256 > 0);
    printf("     %u CAVP SigVer P-256 cases in %u sections (%u with SHA-256; %u pass, %u fail) "
           "from %s\n", cases, sections, sha256, pass, cases - pass, cavp_file);
}

/* ---- edge cases built here -------------------------------------------------------- */

struct edge_tally {
    unsigned cases, wrong;
};

static void edge(struct edge_tally *t, const char *what, const uint8_t pub[65],
                 const uint8_t hash[32], const uint8_t sig[64], int expected)
{
    t->cases++;
    t->wrong += judge(what, pub, hash, sig, expected);
}

/* v += delta mod 2^256 (big-endian); returns the carry out (or borrow). */
static int add_small(uint8_t v[32], int delta)
{
    int i, carry = delta;

    for (i = 31; i >= 0 && carry != 0; i--) {
        int s = v[i] + carry;
        v[i] = (uint8_t)(s & 0xff);
        carry = (s - (s & 0xff)) / 256;
    }
    return carry;
}

/* a + b over 256 bits; returns 1 on overflow. */
static int add256(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    int i, carry = 0;

    for (i = 31; i >= 0; i--) {
        int s = a[i] + b[i] + carry;
        out[i] = (uint8_t)s;
        carry = s >> 8;
    }
    return carry;
}

/*
 * A valid signature for any key Q, private key unknown: pick u1 = a, u2 = b,
 * R = a G + b Q, r = x(R) mod n, s = r / b, e = a s; then e / s = a and
 * r / s = b. Returns -1 if R is infinity or r = 0.
 */
static int forge(const uint8_t pub[65], const uint8_t a[32], const uint8_t b[32], uint8_t e[32],
                 uint8_t sig[64])
{
    static const uint8_t zero[32];
    uint8_t R[65];

    if (p256_ref_mul_add(R, a, NULL, b, pub) != 0) {
        return -1;
    }
    p256_ref_mod_n(sig, R + 1, '+', zero);
    if (memcmp(sig, zero, 32) == 0) {
        return -1;
    }
    p256_ref_mod_n(sig + 32, sig, '/', b);
    p256_ref_mod_n(e, a, '*', sig + 32);
    return 0;
}

static void test_edges(void)
{
    static const uint8_t zero[32];
    uint8_t d[32], k[32], e[32], pub[65], sig[64], bad[65], h2[32], s2[64], t[32], one[32];
    uint8_t n_minus_1[32], pmn[32];
    struct edge_tally tl = { 0, 0 };
    unsigned i;

    memset(one, 0, 32);
    one[31] = 1;
    memcpy(n_minus_1, p256_ref_n, 32);
    n_minus_1[31] -= 1;
    p256_ref_mod_n(pmn, p256_ref_p, '+', zero); /* p - n */
    rnd32(d);
    rnd32(k);
    rnd32(e);
    CHECK_EQ(p256_ref_pub(d, pub), 0);
    CHECK_EQ(p256_ref_sign(d, e, k, sig), 0);
    edge(&tl, "valid signature", pub, e, sig, 0);

    /* ---- r and s out of range ---- */
    {
        static const struct {
            const char *what;
            int which;  /* 0 r, 1 s */
            int value;  /* 0: 0, 1: n, 2: n + 1, 3: 2^256 - 1, 4: p, 5: n + r (or s) */
        } cases[] = {
            { "r = 0", 0, 0 }, { "s = 0", 1, 0 }, { "r = n", 0, 1 }, { "s = n", 1, 1 },
            { "r = n + 1", 0, 2 }, { "s = n + 1", 1, 2 }, { "r = 2^256 - 1", 0, 3 },
            { "s = 2^256 - 1", 1, 3 }, { "r = p", 0, 4 }, { "s = p", 1, 4 },
            { "r + n", 0, 5 }, { "s + n", 1, 5 },
        };
        for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            uint8_t *f = s2 + 32 * cases[i].which;
            memcpy(s2, sig, 64);
            switch (cases[i].value) {
            case 0: memset(f, 0, 32); break;
            case 1: memcpy(f, p256_ref_n, 32); break;
            case 2: memcpy(f, p256_ref_n, 32), add_small(f, 1); break;
            case 3: memset(f, 0xff, 32); break;
            case 4: memcpy(f, p256_ref_p, 32); break;
            default:
                if (add256(f, f, p256_ref_n) != 0) {
                    continue; /* r + n >= 2^256: not expressible */
                }
                break;
            }
            edge(&tl, cases[i].what, pub, e, s2, 1);
        }
        /* in range but wrong: r = 1, r = n - 1, s = 1, s = n - 1, r = p - n */
        memcpy(s2, sig, 64), memcpy(s2, one, 32);
        edge(&tl, "r = 1", pub, e, s2, 1);
        memcpy(s2, sig, 64), memcpy(s2, n_minus_1, 32);
        edge(&tl, "r = n - 1", pub, e, s2, 1);
        memcpy(s2, sig, 64), memcpy(s2 + 32, one, 32);
        edge(&tl, "s = 1", pub, e, s2, 1);
        memcpy(s2, sig, 64), memcpy(s2 + 32, n_minus_1, 32);
        edge(&tl, "s = n - 1", pub, e, s2, 1);
        memcpy(s2, sig, 64), memcpy(s2, pmn, 32);
        edge(&tl, "r = p - n", pub, e, s2, 1);
        /* (r, n - s) is the other valid signature of the same hash */
        memcpy(s2, sig, 64);
        p256_ref_mod_n(s2 + 32, sig + 32, 'n', zero);
        edge(&tl, "s -> n - s", pub, e, s2, 0);
    }

    /* ---- keys ---- */
    memcpy(bad, pub, 65);
    add_small(bad + 33, 1);
    edge(&tl, "Q not on the curve (y + 1)", bad, e, sig, 1);
    memcpy(bad, pub, 65);
    add_small(bad + 1, 1);
    edge(&tl, "Q not on the curve (x + 1)", bad, e, sig, 1);
    memset(bad, 0, 65);
    bad[0] = 4;
    edge(&tl, "Q = 0x04 || 0 || 0 (infinity as (0, 0))", bad, e, sig, 1);
    memset(bad, 0, 65);
    edge(&tl, "Q = 0x00... (infinity encoding)", bad, e, sig, 1);
    for (i = 0; i < 4; i++) {
        static const uint8_t forms[4] = { 0x00, 0x02, 0x03, 0x06 };
        char what[64];
        memcpy(bad, pub, 65);
        bad[0] = forms[i] == 0x06 ? (uint8_t)(0x06 | (pub[64] & 1)) : forms[i];
        snprintf(what, sizeof what, "Q with prefix 0x%02x", bad[0]);
        edge(&tl, what, bad, e, sig, 1);
    }
    memcpy(bad, pub, 65);
    memcpy(bad + 1, p256_ref_p, 32);
    edge(&tl, "Q with x = p", bad, e, sig, 1);
    memcpy(bad, pub, 65);
    memcpy(bad + 33, p256_ref_p, 32);
    edge(&tl, "Q with y = p", bad, e, sig, 1);
    /* x + p for a point with a small x: the same point mod p, out of range;
     * the signature is valid for the point itself. */
    for (i = 0; i < 64; i++) {
        uint8_t x[32] = { 0 }, a[32], b[32];
        x[31] = (uint8_t)i;
        if (p256_ref_point_from_x(bad, x) != 0) {
            continue;
        }
        rnd32(a);
        rnd32(b);
        if (forge(bad, a, b, h2, s2) != 0) {
            continue;
        }
        edge(&tl, "small-x key, valid signature", bad, h2, s2, 0);
        add256(bad + 1, bad + 1, p256_ref_p);
        edge(&tl, "small-x key with x + p", bad, h2, s2, 1);
        break;
    }
    CHECK(i < 64);

    /* ---- Q = G, Q = -G ---- */
    for (i = 0; i < 2; i++) {
        const uint8_t *dd = i == 0 ? one : n_minus_1;
        const char *name = i == 0 ? "Q = G" : "Q = -G";
        char what[64];

        CHECK_EQ(p256_ref_pub(dd, bad), 0);
        CHECK_EQ(p256_ref_sign(dd, e, k, s2), 0);
        edge(&tl, name, bad, e, s2, 0);
        /* e = r d: u1 = u2 d, so u1 G = u2 Q and the sum is a doubling */
        p256_ref_sign(dd, e, k, s2);
        p256_ref_mod_n(h2, s2, '*', dd);
        CHECK_EQ(p256_ref_sign(dd, h2, k, s2), 0);
        snprintf(what, sizeof what, "%s, u1 G = u2 Q", name);
        edge(&tl, what, bad, h2, s2, 0);
        /* e = -r d: u1 G = -u2 Q, the sum is infinity */
        p256_ref_mod_n(h2, s2, '*', dd);
        p256_ref_mod_n(h2, h2, 'n', zero);
        snprintf(what, sizeof what, "%s, u1 G = -u2 Q (infinity)", name);
        edge(&tl, what, bad, h2, s2, 1);
    }

    /* ---- u1 G = +-u2 Q for random keys ---- */
    for (i = 0; i < 16; i++) {
        uint8_t r[32];
        rnd32(d);
        rnd32(k);
        CHECK_EQ(p256_ref_pub(d, bad), 0);
        CHECK_EQ(p256_ref_sign(d, e, k, s2), 0); /* r depends only on k */
        memcpy(r, s2, 32);
        p256_ref_mod_n(h2, r, '*', d);
        CHECK_EQ(p256_ref_sign(d, h2, k, s2), 0);
        edge(&tl, "u1 G = u2 Q (doubling in the addition)", bad, h2, s2, 0);
        p256_ref_mod_n(h2, h2, 'n', zero);
        edge(&tl, "u1 G = -u2 Q (infinity)", bad, h2, s2, 1);
        rnd32(s2 + 32);
        edge(&tl, "u1 G = -u2 Q (infinity), another s", bad, h2, s2, 1);
    }

    /* ---- hashes: 0, n (= 0 mod n), 2^256 - 1, n - 1 ---- */
    for (i = 0; i < 4; i++) {
        memset(h2, 0, 32);
        if (i == 1) {
            memcpy(h2, p256_ref_n, 32);
        } else if (i == 2) {
            memset(h2, 0xff, 32);
        } else if (i == 3) {
            memcpy(h2, n_minus_1, 32);
        }
        CHECK_EQ(p256_ref_sign(d, h2, k, s2), 0);
        CHECK_EQ(p256_ref_pub(d, bad), 0);
        edge(&tl, "hash edge value", bad, h2, s2, 0);
        if (i < 2) {
            /* e = 0 mod n: u1 = 0, R = u2 Q. Valid (FIPS 186-4, OpenSSL and
             * ours); BearSSL rejects it. And r = 0 must be rejected; BearSSL
             * accepts r = 0 with any s under any key for such a hash. */
            int bear = ferry_p256_verify_bearssl_m31(bad, h2, s2);
            memset(s2, 0, 32);
            edge(&tl, "hash = 0 mod n, r = 0", bad, h2, s2, 1);
            printf("     hash %s: BearSSL p256_m31 says %s for a valid signature, %s for r = 0 "
                   "(ours and OpenSSL: valid, rejected)\n", i == 0 ? "0" : "n",
                   bear == FERRY_OK ? "valid" : "rejected",
                   ferry_p256_verify_bearssl_m31(bad, h2, s2) == FERRY_OK ? "valid" : "rejected");
            continue;
        }
        memcpy(t, h2, 32);
        add_small(t, 1);
        edge(&tl, "hash edge value + 1", bad, t, s2, 1);
    }

    /* ---- x(R) >= n: R with x = n + j < p, so r = j (r < p - n) ---- */
    {
        unsigned found = 0;
        for (i = 1; i < 200 && found < 4; i++) {
            uint8_t x[32], R[65], a[32], binv[32], b[32], na[32], q[65];
            memcpy(x, p256_ref_n, 32);
            add_small(x, (int)i);
            if (p256_ref_point_from_x(R, x) != 0) {
                continue;
            }
            /* Q = b^-1 (R - a G) for random a, b: then a G + b Q = R */
            rnd32(a);
            rnd32(b);
            p256_ref_mod_n(binv, one, '/', b);
            p256_ref_mod_n(na, a, 'n', zero);
            p256_ref_mod_n(na, na, '*', binv);
            if (p256_ref_mul_add(q, na, NULL, binv, R) != 0) {
                continue;
            }
            memset(s2, 0, 32);
            s2[31] = (uint8_t)i; /* r = x(R) mod n = j */
            p256_ref_mod_n(s2 + 32, s2, '/', b);
            p256_ref_mod_n(h2, a, '*', s2 + 32);
            edge(&tl, "x(R) >= n, r = x(R) - n", q, h2, s2, 0);
            memcpy(s2, x, 32); /* r = x(R) itself: >= n, out of range */
            edge(&tl, "x(R) >= n, r = x(R)", q, h2, s2, 1);
            found++;
        }
        CHECK(found > 0);
    }
    /* ---- r in [p - n, n): x(R) = r + n is impossible, only x(R) = r ---- */
    {
        uint8_t a[32], b[32];
        for (i = 0; i < 8; i++) {
            rnd32(a);
            rnd32(b);
            CHECK_EQ(forge(pub, a, b, h2, s2), 0);
            edge(&tl, "forged-for-key valid signature", pub, h2, s2, 0);
            memcpy(t, s2, 32);
            add_small(s2, 1);
            edge(&tl, "r + 1", pub, h2, s2, 1);
            memcpy(s2, t, 32);
        }
    }
    CHECK_EQ(tl.wrong, 0);
    printf("     %u edge cases, %u verifiers each\n", tl.cases, P256_VERIFIER_COUNT);
}

/* Random valid signatures by random keys, and each with one bit flipped in
 * the hash, r or s. */
static void test_random(void)
{
    struct edge_tally tl = { 0, 0 };
    unsigned i;

    for (i = 0; i < 300; i++) {
        uint8_t d[32], k[32], e[32], pub[65], sig[64];
        unsigned bit = (unsigned)(rnd() % 768);

        rnd32(d);
        rnd32(k);
        rnd32(e);
        if (p256_ref_pub(d, pub) != 0 || p256_ref_sign(d, e, k, sig) != 0) {
            continue;
        }
        edge(&tl, "random valid", pub, e, sig, 0);
        if (bit < 256) {
            e[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        } else {
            sig[(bit - 256) / 8] ^= (uint8_t)(1u << (bit % 8));
        }
        edge(&tl, "random, one bit flipped", pub, e, sig, 1);
    }
    CHECK_EQ(tl.wrong, 0);
    printf("     %u random cases, %u verifiers each\n", tl.cases, P256_VERIFIER_COUNT);
}

int main(int argc, char **argv)
{
    shared_dir = argc > 1 ? argv[1] : NULL;
    cavp_file = argc > 2 ? argv[2] : NULL;
    bctx = BN_CTX_new();
    RUN(test_field);
    RUN(test_scalar);
    RUN(test_g_tables);
    RUN(test_wycheproof);
    RUN(test_wycheproof_der);
    RUN(test_cavp);
    RUN(test_edges);
    RUN(test_random);
    BN_CTX_free(bctx);
    return check_done();
}
