/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reader of the Wycheproof ECDSA P-256 vector files (host only), shared by
 * the tests that run them (test_wycheproof.c: the default verifier;
 * test_p256.c: Ferry's own P-256 against BearSSL). It walks every test
 * group's uncompressed public key and every test case, decoding the hex
 * fields, and hands each case to a callback. Header-only, like json_min.h.
 */
#ifndef FERRY_TEST_WYCHEPROOF_READER_H
#define FERRY_TEST_WYCHEPROOF_READER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_min.h"

/* The P1363 (raw r||s) file, relative to the shared directory. */
#define WYCHEPROOF_P256_P1363 "testvectors/wycheproof/ecdsa_secp256r1_sha256_p1363_test.json"

/* The DER file (ASN.1 signatures), same layout otherwise. */
#define WYCHEPROOF_P256_DER "testvectors/wycheproof/ecdsa_secp256r1_sha256_test.json"

enum wycheproof_result { WYCHEPROOF_VALID, WYCHEPROOF_INVALID, WYCHEPROOF_ACCEPTABLE };

struct wycheproof_case {
    long tc_id;
    const uint8_t *pub; /* 65 bytes: 0x04 || X || Y */
    const uint8_t *msg;
    size_t msg_len;
    const uint8_t *sig; /* as in the file: 64 bytes for a well-formed P1363 case */
    size_t sig_len;
    /* The DER file (ASN.1 signatures), same layout otherwise. */
#define WYCHEPROOF_P256_DER "testvectors/wycheproof/ecdsa_secp256r1_sha256_test.json"

enum wycheproof_result result;
};

/* Return values of wycheproof_read(). */
#define WYCHEPROOF_ABSENT (-1)    /* the file cannot be opened */
#define WYCHEPROOF_MALFORMED (-2) /* not the expected JSON shape */

/*
 * Reads the file at path and calls fn(case, ctx) for every test case.
 * Returns the number of cases passed to fn, WYCHEPROOF_ABSENT or
 * WYCHEPROOF_MALFORMED (fn may have been called for earlier cases). When
 * declared is not NULL it receives the file's "numberOfTests" (0 if absent).
 */
static inline int wycheproof_hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Decodes a hex string token into out; returns the byte count or -1. */
static inline long wycheproof_unhex(const struct json_tok *t, uint8_t *out, size_t cap)
{
    size_t i;

    if (t->type != JSON_STRING || t->len % 2 != 0 || t->len / 2 > cap) {
        return -1;
    }
    for (i = 0; i < t->len / 2; i++) {
        int hi = wycheproof_hexval(t->start[2 * i]), lo = wycheproof_hexval(t->start[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(t->len / 2);
}

static inline char *wycheproof_read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* One test case of a group whose key is pub; 0 or WYCHEPROOF_MALFORMED. */
static inline int wycheproof_one_case(const struct json_tok *toks, size_t tc, const uint8_t pub[65],
                    void (*fn)(const struct wycheproof_case *, void *), void *ctx)
{
    long msg_i = json_get(toks, tc, "msg"), sig_i = json_get(toks, tc, "sig");
    long res_i = json_get(toks, tc, "result"), id_i = json_get(toks, tc, "tcId");
    static uint8_t msg[4096];
    static uint8_t sig[8192]; /* the DER file has signatures of some KiB */
    long msg_len, sig_len;
    struct wycheproof_case c;

    if (msg_i <= 0 || sig_i <= 0 || res_i <= 0 || id_i <= 0) {
        return WYCHEPROOF_MALFORMED;
    }
    msg_len = wycheproof_unhex(&toks[msg_i], msg, sizeof msg);
    sig_len = wycheproof_unhex(&toks[sig_i], sig, sizeof sig);
    if (msg_len < 0 || sig_len < 0) {
        return WYCHEPROOF_MALFORMED;
    }
    if (json_eq(&toks[res_i], "valid")) {
        c.result = WYCHEPROOF_VALID;
    } else if (json_eq(&toks[res_i], "invalid")) {
        c.result = WYCHEPROOF_INVALID;
    } else if (json_eq(&toks[res_i], "acceptable")) {
        c.result = WYCHEPROOF_ACCEPTABLE;
    } else {
        return WYCHEPROOF_MALFORMED;
    }
    c.tc_id = strtol(toks[id_i].start, NULL, 10);
    c.pub = pub;
    c.msg = msg;
    c.msg_len = (size_t)msg_len;
    c.sig = sig;
    c.sig_len = (size_t)sig_len;
    fn(&c, ctx);
    return 0;
}

static inline long wycheproof_read(const char *path,
                                   void (*fn)(const struct wycheproof_case *c, void *ctx),
                                   void *ctx, long *declared)
{
    char *text;
    size_t len, cap, g, c;
    struct json_tok *toks;
    long n, groups, number, count = 0;

    if (declared != NULL) {
        *declared = 0;
    }
    text = wycheproof_read_all(path, &len);
    if (text == NULL) {
        return WYCHEPROOF_ABSENT;
    }
    cap = len / 2 + 16; /* every token takes at least two bytes of text */
    toks = malloc(cap * sizeof *toks);
    n = toks != NULL ? json_parse(text, len, toks, cap) : -1;
    groups = n > 0 ? json_get(toks, 0, "testGroups") : -1;
    number = n > 0 ? json_get(toks, 0, "numberOfTests") : -1;
    if (groups <= 0 || toks[groups].type != JSON_ARRAY || number <= 0) {
        count = WYCHEPROOF_MALFORMED;
        goto out;
    }
    if (declared != NULL) {
        *declared = strtol(toks[number].start, NULL, 10);
    }
    size_t gi = json_first((size_t)groups);
    for (g = 0; g < toks[groups].children; g++, gi = toks[gi].next) {
        long key = json_get(toks, gi, "publicKey");
        long point = key > 0 ? json_get(toks, (size_t)key, "uncompressed") : -1;
        long tests = json_get(toks, gi, "tests");
        uint8_t pub[65];

        if (point <= 0 || tests <= 0 || wycheproof_unhex(&toks[point], pub, sizeof pub) != 65) {
            count = WYCHEPROOF_MALFORMED;
            goto out;
        }
        size_t ci = json_first((size_t)tests);
        for (c = 0; c < toks[tests].children; c++, ci = toks[ci].next) {
            if (wycheproof_one_case(toks, ci, pub, fn, ctx) != 0) {
                count = WYCHEPROOF_MALFORMED;
                goto out;
            }
            count++;
        }
    }
out:
    free(toks);
    free(text);
    return count;
}


#endif
