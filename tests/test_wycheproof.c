/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ECDSA P-256 verification (src/crypto/bearssl.c) against the Wycheproof
 * "ecdsa_secp256r1_sha256_p1363" vectors: raw r||s signatures, the format of
 * our image trailer. Every "valid" case must verify and every "invalid" one
 * must be rejected; "acceptable" cases may go either way and are counted.
 *
 * Usage: test_wycheproof <shared dir>. The file is read in place from
 * <shared dir>/testvectors/wycheproof/ (by wycheproof_reader.h, shared with
 * test_p256.c); when it is absent the test says so and skips.
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
#include "wycheproof_reader.h"

#include "ferry/crypto.h"
#include "ferry/errors.h"

static const char *shared_dir;

struct tally {
    unsigned total, valid_ok, invalid_rejected, invalid_by_length, acceptable_ok,
        acceptable_rejected;
};

/* One test case (wycheproof_reader.h). */
static void run_case(const struct wycheproof_case *c, void *ctx)
{
    struct tally *t = ctx;
    uint8_t hash[32];
    int rc = FERRY_E_IMG_SIGNATURE;

    t->total++;
    ferry_sha256(c->msg, c->msg_len, hash);
    if (c->sig_len == 64) {
        rc = ferry_p256_verify(c->pub, hash, c->sig);
        CHECK(rc == FERRY_OK || rc == FERRY_E_IMG_SIGNATURE);
    }
    if (c->result == WYCHEPROOF_VALID) {
        if (rc == FERRY_OK) {
            t->valid_ok++;
        } else {
            fprintf(stderr, "tcId %ld: valid signature rejected\n", c->tc_id);
            CHECK(rc == FERRY_OK);
        }
    } else if (c->result == WYCHEPROOF_INVALID) {
        if (rc != FERRY_OK) {
            t->invalid_rejected++;
            t->invalid_by_length += c->sig_len != 64;
        } else {
            fprintf(stderr, "tcId %ld: invalid signature accepted\n", c->tc_id);
            CHECK(rc != FERRY_OK);
        }
    } else if (rc == FERRY_OK) {
        t->acceptable_ok++;
    } else {
        t->acceptable_rejected++;
    }
}

static void test_wycheproof_p1363(void)
{
    char path[4096];
    long n, declared;
    struct tally t;

    if (shared_dir == NULL) {
        SKIP("no shared directory given on the command line");
    }
    snprintf(path, sizeof path, "%s/%s", shared_dir, WYCHEPROOF_P256_P1363);
    memset(&t, 0, sizeof t);
    n = wycheproof_read(path, run_case, &t, &declared);
    if (n == WYCHEPROOF_ABSENT) {
        printf("SKIP %s: %s not found\n", __func__, path);
        check_tests_skipped++;
        return;
    }
    CHECK(n > 0);
    CHECK_EQ(t.total, declared);
    CHECK(t.valid_ok > 0);
    CHECK(t.invalid_rejected > 0);
    printf("     %u cases: %u valid accepted, %u invalid rejected (%u by signature length), "
           "acceptable: %u accepted, %u rejected\n",
           t.total, t.valid_ok, t.invalid_rejected, t.invalid_by_length, t.acceptable_ok,
           t.acceptable_rejected);
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
