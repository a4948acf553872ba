/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSSL-based reference for the P-256 tests (p256_ref.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "ferry/errors.h"
#include "p256_ref.h"

const struct p256_verifier p256_verifiers[P256_VERIFIER_COUNT] = {
    { "own", ferry_p256_verify_own },
    { "own-small", ferry_p256_verify_own_small },
    { "bearssl-p256-m31", ferry_p256_verify_bearssl_m31 },
    { "bearssl-p256-m15", ferry_p256_verify_bearssl_m15 },
    { "bearssl-prime-i31", ferry_p256_verify_bearssl_i31 },
    { "bearssl-prime-i15", ferry_p256_verify_bearssl_i15 },
    { "openssl", p256_ref_openssl_verify },
};

const uint8_t p256_ref_n[32] = { 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
                                 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
                                 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51 };
const uint8_t p256_ref_p[32] = { 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                                 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
                                 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static EC_GROUP *group;
static BN_CTX *bctx;
static const BIGNUM *order;

static void init(void)
{
    if (group == NULL) {
        group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
        bctx = BN_CTX_new();
        if (group == NULL || bctx == NULL) {
            abort();
        }
        order = EC_GROUP_get0_order(group);
    }
}

static BIGNUM *bn32(const uint8_t in[32])
{
    BIGNUM *b = BN_bin2bn(in, 32, NULL);
    if (b == NULL) {
        abort();
    }
    return b;
}

static void out32(uint8_t out[32], const BIGNUM *b)
{
    if (BN_bn2binpad(b, out, 32) != 32) {
        abort();
    }
}

/* The EVP key of the last public key seen (fuzzing repeats keys a lot);
 * NULL with have_cached set: OpenSSL refused that key. */
static EVP_PKEY *cached_key;
static uint8_t cached_pub[65];
static int have_cached;

static EVP_PKEY *key_for(const uint8_t pub[65])
{
    if (have_cached && memcmp(cached_pub, pub, 65) == 0) {
        return cached_key;
    }
    have_cached = 1;
    EVP_PKEY_free(cached_key);
    cached_key = NULL;
    memcpy(cached_pub, pub, 65);
    {
        OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
        OSSL_PARAM *params = NULL;
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
        if (bld == NULL || ctx == NULL ||
            !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
            !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 65) ||
            (params = OSSL_PARAM_BLD_to_param(bld)) == NULL) {
            abort();
        }
        if (EVP_PKEY_fromdata_init(ctx) != 1 ||
            EVP_PKEY_fromdata(ctx, &cached_key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
            cached_key = NULL;
        }
        OSSL_PARAM_free(params);
        OSSL_PARAM_BLD_free(bld);
        EVP_PKEY_CTX_free(ctx);
    }
    /* fromdata does not check that the point is on the curve: ask. */
    if (cached_key != NULL) {
        EVP_PKEY_CTX *chk = EVP_PKEY_CTX_new(cached_key, NULL);
        if (chk == NULL || EVP_PKEY_public_check(chk) != 1) {
            EVP_PKEY_free(cached_key);
            cached_key = NULL;
        }
        EVP_PKEY_CTX_free(chk);
    }
    return cached_key;
}

int p256_ref_openssl_verify(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64])
{
    EVP_PKEY *key;
    EVP_PKEY_CTX *ctx;
    ECDSA_SIG *es;
    unsigned char der[80], *p = der;
    int der_len, rc;

    init();
    if (pub[0] != 0x04 || (key = key_for(pub)) == NULL) {
        return FERRY_E_IMG_SIGNATURE;
    }
    es = ECDSA_SIG_new();
    if (es == NULL || !ECDSA_SIG_set0(es, bn32(sig), bn32(sig + 32))) {
        abort();
    }
    der_len = i2d_ECDSA_SIG(es, NULL);
    if (der_len <= 0 || der_len > (int)sizeof der) {
        abort();
    }
    der_len = i2d_ECDSA_SIG(es, &p);
    ECDSA_SIG_free(es);
    ctx = EVP_PKEY_CTX_new(key, NULL);
    if (ctx == NULL || EVP_PKEY_verify_init(ctx) != 1) {
        abort();
    }
    rc = EVP_PKEY_verify(ctx, der, (size_t)der_len, hash, 32);
    EVP_PKEY_CTX_free(ctx);
    return rc == 1 ? FERRY_OK : FERRY_E_IMG_SIGNATURE;
}

static int point_out(uint8_t out[65], const EC_POINT *pt)
{
    if (EC_POINT_is_at_infinity(group, pt)) {
        return -1;
    }
    if (EC_POINT_point2oct(group, pt, POINT_CONVERSION_UNCOMPRESSED, out, 65, bctx) != 65) {
        abort();
    }
    return 0;
}

static EC_POINT *point_in(const uint8_t in[65])
{
    EC_POINT *pt = EC_POINT_new(group);
    if (pt == NULL || EC_POINT_oct2point(group, pt, in, 65, bctx) != 1) {
        abort();
    }
    return pt;
}

int p256_ref_mul_add(uint8_t out[65], const uint8_t k1[32], const uint8_t *p1,
                     const uint8_t k2[32], const uint8_t *p2)
{
    EC_POINT *a, *b = NULL, *res;
    BIGNUM *x1 = bn32(k1), *x2 = NULL;
    int rc;

    init();
    res = EC_POINT_new(group);
    if (res == NULL) {
        abort();
    }
    if (p1 == NULL) { /* k1 G: OpenSSL's generator path (its precomputed table) */
        a = NULL;
        if (EC_POINT_mul(group, res, x1, NULL, NULL, bctx) != 1) {
            abort();
        }
    } else if ((a = point_in(p1)) == NULL || EC_POINT_mul(group, res, NULL, a, x1, bctx) != 1) {
        abort();
    }
    if (p2 != NULL) {
        EC_POINT *t = EC_POINT_new(group);
        b = point_in(p2);
        x2 = bn32(k2);
        if (t == NULL || EC_POINT_mul(group, t, NULL, b, x2, bctx) != 1 ||
            EC_POINT_add(group, res, res, t, bctx) != 1) {
            abort();
        }
        EC_POINT_free(t);
    }
    rc = point_out(out, res);
    EC_POINT_free(a);
    EC_POINT_free(b);
    EC_POINT_free(res);
    BN_free(x1);
    BN_free(x2);
    return rc;
}

int p256_ref_pub(const uint8_t d[32], uint8_t pub[65])
{
    return p256_ref_mul_add(pub, d, NULL, NULL, NULL);
}

void p256_ref_mod_n(uint8_t out[32], const uint8_t a[32], char op, const uint8_t b[32])
{
    BIGNUM *x = bn32(a), *y = bn32(b), *r = BN_new();

    init();
    if (r == NULL) {
        abort();
    }
    switch (op) {
    case '+':
        BN_mod_add(r, x, y, order, bctx);
        break;
    case '*':
        BN_mod_mul(r, x, y, order, bctx);
        break;
    case '/':
        if (BN_mod_inverse(y, y, order, bctx) == NULL) {
            abort();
        }
        BN_mod_mul(r, x, y, order, bctx);
        break;
    default: /* 'n' */
        BN_nnmod(r, x, order, bctx);
        BN_mod_sub(r, order, r, order, bctx);
        break;
    }
    out32(out, r);
    BN_free(x);
    BN_free(y);
    BN_free(r);
}

int p256_ref_sign(const uint8_t d[32], const uint8_t e[32], const uint8_t k[32], uint8_t sig[64])
{
    static const uint8_t zero[32];
    uint8_t R[65], rd[32], t[32];
    BIGNUM *r;

    init();
    if (p256_ref_mul_add(R, k, NULL, NULL, NULL) != 0) {
        return -1;
    }
    r = bn32(R + 1);
    BN_nnmod(r, r, order, bctx);
    out32(sig, r);
    BN_free(r);
    p256_ref_mod_n(rd, sig, '*', d);  /* r d */
    p256_ref_mod_n(t, e, '+', rd);    /* e + r d */
    p256_ref_mod_n(t, t, '+', zero);  /* reduced */
    if (memcmp(sig, zero, 32) == 0 || memcmp(t, zero, 32) == 0) {
        return -1;
    }
    p256_ref_mod_n(sig + 32, t, '/', k);
    return memcmp(sig + 32, zero, 32) == 0 ? -1 : 0;
}

int p256_ref_point_from_x(uint8_t out[65], const uint8_t x[32])
{
    EC_POINT *pt;
    BIGNUM *bx = bn32(x);
    int rc = -1;

    init();
    pt = EC_POINT_new(group);
    if (pt == NULL) {
        abort();
    }
    if (EC_POINT_set_compressed_coordinates(group, pt, bx, 0, bctx) == 1) {
        rc = point_out(out, pt);
    }
    EC_POINT_free(pt);
    BN_free(bx);
    return rc;
}

int p256_ref_hash_is_zero_mod_n(const uint8_t hash[32])
{
    static const uint8_t zero[32];
    return memcmp(hash, zero, 32) == 0 || memcmp(hash, p256_ref_n, 32) == 0;
}

int p256_ref_is_bearssl(const struct p256_verifier *v)
{
    return strncmp(v->name, "bearssl", 7) == 0;
}
