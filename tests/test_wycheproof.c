/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ECDSA P-256 verification (src/crypto/bearssl.c) against the Wycheproof
 * "ecdsa_secp256r1_sha256_p1363" vectors: raw r||s signatures, the format of
 * our image trailer. Every "valid" case must verify and every "invalid" one
 * must be rejected; "acceptable" cases may go either way and are counted.
 *
 * Usage: test_wycheproof <shared dir>. The file is read in place from
 * <shared dir>/testvectors/wycheproof/; when it is absent the test says so
 * and skips.
 *
 * ferry_p256_verify() takes exactly 64 signature bytes: a case whose
 * signature has another length cannot be expressed through the API, so it
 * counts as rejected by the interface (that is only right for cases that are
 * not "valid", which is checked).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json_min.h"

#include "ferry/crypto.h"
#include "ferry/errors.h"

#define VECTOR_FILE "testvectors/wycheproof/ecdsa_secp256r1_sha256_p1363_test.json"

static const char *shared_dir;

static int hexval(char c)
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
static long tok_unhex(const struct json_tok *t, uint8_t *out, size_t cap)
{
    size_t i;

    if (t->type != JSON_STRING || t->len % 2 != 0 || t->len / 2 > cap) {
        return -1;
    }
    for (i = 0; i < t->len / 2; i++) {
        int hi = hexval(t->start[2 * i]), lo = hexval(t->start[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(t->len / 2);
}

static char *read_file(const char *path, size_t *len)
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

struct tally {
    unsigned total, valid_ok, invalid_rejected, invalid_by_length, acceptable_ok,
        acceptable_rejected;
};

/* One test case of a group whose key is `pub`. */
static void run_case(const struct json_tok *toks, size_t tc, const uint8_t pub[65],
                     struct tally *t)
{
    long msg_i = json_get(toks, tc, "msg"), sig_i = json_get(toks, tc, "sig");
    long res_i = json_get(toks, tc, "result"), id_i = json_get(toks, tc, "tcId");
    static uint8_t msg[4096];
    uint8_t sig[200], hash[32];
    long msg_len, sig_len;
    int rc = FERRY_E_IMG_SIGNATURE;

    CHECK(msg_i > 0 && sig_i > 0 && res_i > 0 && id_i > 0);
    if (msg_i <= 0 || sig_i <= 0 || res_i <= 0 || id_i <= 0) {
        return;
    }
    msg_len = tok_unhex(&toks[msg_i], msg, sizeof msg);
    sig_len = tok_unhex(&toks[sig_i], sig, sizeof sig);
    CHECK(msg_len >= 0 && sig_len >= 0);
    if (msg_len < 0 || sig_len < 0) {
        return;
    }
    t->total++;
    ferry_sha256(msg, (size_t)msg_len, hash);
    if (sig_len == 64) {
        rc = ferry_p256_verify(pub, hash, sig);
        CHECK(rc == FERRY_OK || rc == FERRY_E_IMG_SIGNATURE);
    }
    if (json_eq(&toks[res_i], "valid")) {
        if (rc == FERRY_OK) {
            t->valid_ok++;
        } else {
            fprintf(stderr, "tcId %.*s: valid signature rejected\n", (int)toks[id_i].len,
                    toks[id_i].start);
            CHECK(rc == FERRY_OK);
        }
    } else if (json_eq(&toks[res_i], "invalid")) {
        if (rc != FERRY_OK) {
            t->invalid_rejected++;
            t->invalid_by_length += sig_len != 64;
        } else {
            fprintf(stderr, "tcId %.*s: invalid signature accepted\n", (int)toks[id_i].len,
                    toks[id_i].start);
            CHECK(rc != FERRY_OK);
        }
    } else {
        CHECK(json_eq(&toks[res_i], "acceptable"));
        if (rc == FERRY_OK) {
            t->acceptable_ok++;
        } else {
            t->acceptable_rejected++;
        }
    }
}

static void test_wycheproof_p1363(void)
{
    char path[4096];
    char *text;
    size_t len, cap, g, c;
    struct json_tok *toks;
    long n, groups, number;
    struct tally t;

    if (shared_dir == NULL) {
        SKIP("no shared directory given on the command line");
    }
    snprintf(path, sizeof path, "%s/%s", shared_dir, VECTOR_FILE);
    text = read_file(path, &len);
    if (text == NULL) {
        printf("SKIP %s: %s not found\n", __func__, path);
        check_tests_skipped++;
        return;
    }
    cap = len / 2 + 16; /* every token takes at least two bytes of text */
    toks = malloc(cap * sizeof *toks);
    CHECK(toks != NULL);
    n = json_parse(text, len, toks, cap);
    CHECK(n > 0);
    groups = n > 0 ? json_get(toks, 0, "testGroups") : -1;
    number = n > 0 ? json_get(toks, 0, "numberOfTests") : -1;
    CHECK(groups > 0 && toks[groups].type == JSON_ARRAY);
    CHECK(number > 0);
    memset(&t, 0, sizeof t);
    if (groups > 0 && number > 0) {
        size_t gi = json_first((size_t)groups);
        for (g = 0; g < toks[groups].children; g++, gi = toks[gi].next) {
            long key = json_get(toks, gi, "publicKey");
            long point = key > 0 ? json_get(toks, (size_t)key, "uncompressed") : -1;
            long tests = json_get(toks, gi, "tests");
            uint8_t pub[65];

            CHECK(point > 0 && tests > 0);
            if (point <= 0 || tests <= 0) {
                continue;
            }
            CHECK_EQ(tok_unhex(&toks[point], pub, sizeof pub), 65);
            size_t ci = json_first((size_t)tests);
            for (c = 0; c < toks[tests].children; c++, ci = toks[ci].next) {
                run_case(toks, ci, pub, &t);
            }
        }
        CHECK_EQ(t.total, strtol(toks[number].start, NULL, 10));
    }
    CHECK(t.valid_ok > 0);
    CHECK(t.invalid_rejected > 0);
    printf("     %u cases: %u valid accepted, %u invalid rejected (%u by signature length), "
           "acceptable: %u accepted, %u rejected\n",
           t.total, t.valid_ok, t.invalid_rejected, t.invalid_by_length, t.acceptable_ok,
           t.acceptable_rejected);
    free(toks);
    free(text);
}

/* The JSON reader itself: what it accepts and rejects. */
static void test_json_reader(void)
{
    static const char doc[] =
        " {\"a\": [1, -2.5e3, \"x\\\"y\", {}, []], \"b\": {\"c\": true, \"d\": null}, \"e\": \"\"} ";
    static const char *const bad[] = { "", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "[1 2]",
                                       "\"abc", "tru", "[1] x", "{1:2}" };
    struct json_tok toks[32];
    long n, a, b, d;
    size_t i;

    n = json_parse(doc, sizeof doc - 1, toks, 32);
    CHECK(n > 0);
    if (n <= 0) {
        return;
    }
    CHECK_EQ(toks[0].children, 3);
    a = json_get(toks, 0, "a");
    CHECK(a > 0 && toks[a].type == JSON_ARRAY && toks[a].children == 5);
    CHECK(json_eq(&toks[a + 3], "x\\\"y"));
    b = json_get(toks, 0, "b");
    CHECK(b > 0 && toks[b].children == 2);
    d = b > 0 ? json_get(toks, (size_t)b, "d") : -1;
    CHECK(d > 0 && toks[d].type == JSON_LITERAL && toks[d].len == 4);
    CHECK(json_eq(&toks[json_get(toks, 0, "e")], ""));
    CHECK_EQ(json_get(toks, 0, "z"), -1);
    CHECK_EQ(json_parse(doc, sizeof doc - 1, toks, 5), -1); /* too many tokens */
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_EQ(json_parse(bad[i], strlen(bad[i]), toks, 32), -1);
    }
}

int main(int argc, char **argv)
{
    shared_dir = argc > 1 ? argv[1] : NULL;
    RUN(test_json_reader);
    RUN(test_wycheproof_p1363);
    return check_done();
}
