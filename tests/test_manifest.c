/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The release manifest: strict parsing (every field, every rule, JSON
 * grammar that jsmn alone lets through) and the detached signature.
 */
#include <stdio.h>
#include <string.h>

#include <bearssl.h>

#include "check.h"
#include "image_builder.h"
#include "ferry/errors.h"
#include "ferry/manifest.h"

#define SHA_HEX "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define VENDOR  "6e1c2f8a-410b-5d3e-9a77-12c45f600de1"
#define CLASS   "3b94770c-d21a-5e88-b104-6f2d93aa185c"

/* A valid manifest with one member replaced: `key` gets the raw JSON `value`
 * (NULL: the member is left out). */
static size_t doc_with(char *out, size_t cap, const char *key, const char *value)
{
    static const char *const keys[8] = {"ferry_manifest", "vendor", "class", "version",
                                        "security_counter", "size", "sha256", "image"};
    static const char *const vals[8] = {"1", "\"" VENDOR "\"", "\"" CLASS "\"", "\"2.0.0+7\"",
                                        "2", "123456", "\"" SHA_HEX "\"",
                                        "\"images/2.0.0-0123456789abcdef.img\""};
    size_t n = 0;
    n += (size_t)snprintf(out + n, cap - n, "{");
    int first = 1;
    for (int i = 0; i < 8; i++) {
        const char *v = vals[i];
        if (key && strcmp(key, keys[i]) == 0)
            v = value;
        if (!v)
            continue;
        n += (size_t)snprintf(out + n, cap - n, "%s\"%s\":%s", first ? "" : ",", keys[i], v);
        first = 0;
    }
    n += (size_t)snprintf(out + n, cap - n, "}");
    return n;
}

static int parse_text(const char *s, struct ferry_manifest *m)
{
    return ferry_manifest_parse(s, strlen(s), m);
}

static int parse_with(const char *key, const char *value)
{
    char doc[2048];
    struct ferry_manifest m;
    size_t n = doc_with(doc, sizeof doc, key, value);
    return ferry_manifest_parse(doc, n, &m);
}

static void test_valid(void)
{
    char doc[2048];
    struct ferry_manifest m;
    size_t n = doc_with(doc, sizeof doc, NULL, NULL);
    CHECK_EQ(ferry_manifest_parse(doc, n, &m), 0);
    CHECK_MEM(m.vendor_id, ib_vendor, 16);
    CHECK_MEM(m.class_id, ib_class, 16);
    CHECK_EQ(m.version.major, 2);
    CHECK_EQ(m.version.minor, 0);
    CHECK_EQ(m.version.patch, 0);
    CHECK_EQ(m.version.build, 7);
    CHECK_EQ(m.security_counter, 2);
    CHECK_EQ(m.size, 123456);
    CHECK_EQ(m.sha256[0], 0x01);
    CHECK_EQ(m.sha256[31], 0xef);
    CHECK(strcmp(m.image, "images/2.0.0-0123456789abcdef.img") == 0);
}

/* The optional freshness members: absent by default, strict when present. */
static void test_sequence_and_expires(void)
{
    char doc[2048];
    struct ferry_manifest m;
    size_t n = doc_with(doc, sizeof doc, NULL, NULL);
    CHECK_EQ(ferry_manifest_parse(doc, n, &m), 0);
    CHECK_EQ(m.has_sequence, 0);
    CHECK_EQ(m.has_expires, 0);
    CHECK_EQ(parse_text("{\"ferry_manifest\":1,\"vendor\":\"" VENDOR "\",\"class\":\"" CLASS "\","
                        "\"version\":\"1.0.0\",\"security_counter\":0,\"size\":9,\"sha256\":\"" SHA_HEX "\","
                        "\"image\":\"a.img\",\"sequence\":4294967295,\"expires\":1767225600}", &m), 0);
    CHECK_EQ(m.has_sequence, 1);
    CHECK_EQ(m.sequence, 4294967295u);
    CHECK_EQ(m.has_expires, 1);
    CHECK_EQ(m.expires, 1767225600u);
    static const char *const bad[] = { "0", "-1", "01", "1.5", "1e3", "\"7\"", "4294967296", "null", "true" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char key[2][16] = { "sequence", "expires" };
        for (int k = 0; k < 2; k++) {
            n = (size_t)snprintf(doc, sizeof doc,
                                 "{\"ferry_manifest\":1,\"vendor\":\"" VENDOR "\",\"class\":\"" CLASS "\","
                                 "\"version\":\"1.0.0\",\"security_counter\":0,\"size\":9,"
                                 "\"sha256\":\"" SHA_HEX "\",\"image\":\"a.img\",\"%s\":%s}", key[k], bad[i]);
            if (ferry_manifest_parse(doc, n, &m) != FERRY_E_MANIFEST)
                fprintf(stderr, "  accepted %s: %s\n", key[k], bad[i]);
            CHECK_EQ(ferry_manifest_parse(doc, n, &m), FERRY_E_MANIFEST);
        }
    }
    /* Twice is refused like any known key. */
    CHECK_EQ(parse_text("{\"ferry_manifest\":1,\"vendor\":\"" VENDOR "\",\"class\":\"" CLASS "\","
                        "\"version\":\"1.0.0\",\"security_counter\":0,\"size\":9,\"sha256\":\"" SHA_HEX "\","
                        "\"image\":\"a.img\",\"sequence\":3,\"sequence\":4}", &m), FERRY_E_MANIFEST);
}

static void test_whitespace_order_and_unknown_keys(void)
{
    struct ferry_manifest m;
    const char *doc =
        " \n{ \"image\" : \"a.img\" ,\t\"size\":1, \"x\":{\"y\":[1,-2.5e+3,true,null,\"\\u00e9\"]},"
        "\"sha256\":\"" SHA_HEX "\",\"security_counter\":0,\"version\":\"0.0.0\","
        "\"class\":\"" CLASS "\",\"vendor\":\"3B94770C-D21A-5E88-B104-6F2D93AA185C\","
        "\"note\":\"caf\xc3\xa9\",\"ferry_manifest\":1,\"later\":false}\r\n";
    CHECK_EQ(parse_text(doc, &m), 0);
    CHECK_EQ(m.size, 1);
    CHECK_EQ(m.vendor_id[0], 0x3B); /* upper-case UUID text is accepted */
    CHECK(strcmp(m.image, "a.img") == 0);
}

static void test_missing_and_duplicate_keys(void)
{
    static const char *const keys[8] = {"ferry_manifest", "vendor", "class", "version",
                                        "security_counter", "size", "sha256", "image"};
    for (int i = 0; i < 8; i++)
        CHECK_EQ(parse_with(keys[i], NULL), FERRY_E_MANIFEST);
    char doc[2048];
    struct ferry_manifest m;
    size_t n = doc_with(doc, sizeof doc, NULL, NULL);
    doc[n - 1] = '\0';
    strcat(doc, ",\"size\":5}");
    CHECK_EQ(parse_text(doc, &m), FERRY_E_MANIFEST);
}

static void test_field_rules(void)
{
    static const struct {
        const char *key, *value;
        int ok;
    } cases[] = {
        {"ferry_manifest", "2", 0},
        {"ferry_manifest", "\"1\"", 0},
        {"ferry_manifest", "1.0", 0},
        {"vendor", "\"6e1c2f8a410b5d3e9a7712c45f600de1\"", 0},
        {"vendor", "\"6e1c2f8a-410b-5d3e-9a77-12c45f600de\"", 0},
        {"vendor", "\"6e1c2f8a-410b-5d3e-9a77-12c45f600dg1\"", 0},
        {"class", "7", 0},
        {"version", "\"1.2.3\"", 1},
        {"version", "\"255.255.65535+4294967295\"", 1},
        {"version", "\"256.0.0\"", 0},
        {"version", "\"1.256.0\"", 0},
        {"version", "\"1.2.65536\"", 0},
        {"version", "\"1.2.3+4294967296\"", 0},
        {"version", "\"01.2.3\"", 0},
        {"version", "\"1.2\"", 0},
        {"version", "\"1.2.3+\"", 0},
        {"version", "\"1.2.3-rc1\"", 0},
        {"version", "\"v1.2.3\"", 0},
        {"version", "123", 0},
        {"security_counter", "4294967295", 1},
        {"security_counter", "4294967296", 0},
        {"security_counter", "-1", 0},
        {"security_counter", "1e3", 0},
        {"security_counter", "01", 0},
        {"security_counter", "\"2\"", 0},
        {"security_counter", "true", 0},
        {"size", "0", 0},
        {"size", "2.5", 0},
        {"size", "99999999999999999999", 0},
        {"sha256", "\"" SHA_HEX "0\"", 0},
        {"sha256", "\"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\"", 0},
        {"sha256", "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\"", 0},
        {"image", "\"images/x.img\"", 1},
        {"image", "\"a/b/c-1.2_3~x.img\"", 1},
        {"image", "\"images/2.0.0+7-f691ecc22feb2130.img\"", 1},
        {"image", "\"x*y.img\"", 0},
        {"image", "\"x,y.img\"", 0},
        {"image", "\"x;y.img\"", 0},
        {"image", "\"\"", 0},
        {"image", "\"/images/x.img\"", 0},
        {"image", "\"../x.img\"", 0},
        {"image", "\"images/../../x.img\"", 0},
        {"image", "\"images/./x.img\"", 0},
        {"image", "\"images//x.img\"", 0},
        {"image", "\"images/\"", 0},
        {"image", "\"http://evil.example/x.img\"", 0},
        {"image", "\"x.img?y=1\"", 0},
        {"image", "\"x%2e.img\"", 0},
        {"image", "\"x\\u002fy.img\"", 0},
        {"image", "\"x y.img\"", 0},
        {"image", "[\"x.img\"]", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int err = parse_with(cases[i].key, cases[i].value);
        if ((err == 0) != cases[i].ok) {
            fprintf(stderr, "  %s = %s: got %d\n", cases[i].key, cases[i].value, err);
            CHECK(0);
        }
        if (err)
            CHECK_EQ(err, FERRY_E_MANIFEST);
    }
}

static void test_image_path_length(void)
{
    char v[FERRY_MANIFEST_PATH_MAX + 8];
    memset(v, 'a', sizeof v);
    v[0] = '"';
    v[FERRY_MANIFEST_PATH_MAX + 1] = '"';
    v[FERRY_MANIFEST_PATH_MAX + 2] = '\0';
    CHECK_EQ(parse_with("image", v), 0);
    v[FERRY_MANIFEST_PATH_MAX + 1] = 'a';
    v[FERRY_MANIFEST_PATH_MAX + 2] = '"';
    v[FERRY_MANIFEST_PATH_MAX + 3] = '\0';
    CHECK_EQ(parse_with("image", v), FERRY_E_MANIFEST);
}

/* Text jsmn accepts but JSON does not, and broken documents. */
static void test_grammar(void)
{
    char good[2048], doc[2100];
    struct ferry_manifest m;
    size_t n = doc_with(good, sizeof good, NULL, NULL);
    const char *close_variants[] = {",}", ",,}", "}}", "} {}", "}x", "} 1", ",\"k\"}", ",\"k\":}",
                                    ",\"k\" 1}", ",\"k\":tru}", ",\"k\":01}", ",\"k\":1.}",
                                    ",\"k\":[1,]}", ",\"k\":[1 2]}", ",\"k\":\"a\tb\"}",
                                    ",\"k\":{\"a\":1,}}", ",\"k\"::1}", ",\"k\":1,,\"j\":2}"};
    for (size_t i = 0; i < sizeof close_variants / sizeof close_variants[0]; i++) {
        memcpy(doc, good, n - 1);
        strcpy(doc + n - 1, close_variants[i]);
        if (parse_text(doc, &m) != FERRY_E_MANIFEST) {
            fprintf(stderr, "  accepted ending %s\n", close_variants[i]);
            CHECK(0);
        }
    }
    /* The same endings made valid are accepted, so the rejections above are
     * about the grammar, not about an extra key. */
    memcpy(doc, good, n - 1);
    strcpy(doc + n - 1, ",\"k\":{\"a\":[1,2,{}],\"b\":\"a\\tb\"}}");
    CHECK_EQ(parse_text(doc, &m), 0);

    CHECK_EQ(parse_text("", &m), FERRY_E_MANIFEST);
    CHECK_EQ(parse_text("[]", &m), FERRY_E_MANIFEST);
    CHECK_EQ(parse_text("\"x\"", &m), FERRY_E_MANIFEST);
    CHECK_EQ(parse_text("{", &m), FERRY_E_MANIFEST);
    CHECK_EQ(ferry_manifest_parse(good, n - 1, &m), FERRY_E_MANIFEST); /* cut short */
    /* A byte-order mark is not part of JSON. */
    memcpy(doc, "\xef\xbb\xbf", 3);
    memcpy(doc + 3, good, n + 1);
    CHECK_EQ(parse_text(doc, &m), FERRY_E_MANIFEST);
    /* An embedded NUL. */
    memcpy(doc, good, n);
    doc[n] = '\0';
    memcpy(doc, good, n);
    doc[10] = '\0';
    CHECK_EQ(ferry_manifest_parse(doc, n, &m), FERRY_E_MANIFEST);
}

static void test_limits(void)
{
    char doc[2200];
    struct ferry_manifest m;
    size_t n = doc_with(doc, sizeof doc, NULL, NULL);
    /* Padded with spaces to exactly the limit: fine; one more byte: refused. */
    memset(doc + n, ' ', FERRY_MANIFEST_MAX_BYTES - n);
    CHECK_EQ(ferry_manifest_parse(doc, FERRY_MANIFEST_MAX_BYTES, &m), 0);
    doc[FERRY_MANIFEST_MAX_BYTES] = ' ';
    CHECK_EQ(ferry_manifest_parse(doc, FERRY_MANIFEST_MAX_BYTES + 1, &m), FERRY_E_MANIFEST);
    /* Too many tokens. */
    n = doc_with(doc, sizeof doc, NULL, NULL);
    strcpy(doc + n - 1, ",\"k\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}");
    CHECK_EQ(parse_text(doc, &m), FERRY_E_MANIFEST);
    /* Too deep. */
    n = doc_with(doc, sizeof doc, NULL, NULL);
    strcpy(doc + n - 1, ",\"k\":[[[[[[[[[[1]]]]]]]]]]}");
    CHECK_EQ(parse_text(doc, &m), FERRY_E_MANIFEST);
    n = doc_with(doc, sizeof doc, NULL, NULL);
    strcpy(doc + n - 1, ",\"k\":[[[[[[[1]]]]]]]}");
    CHECK_EQ(parse_text(doc, &m), 0);
}

static void test_utf8(void)
{
    static const char *const bad[] = {"\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                                      "\xf4\x90\x80\x80", "\xff", "\x80"};
    char doc[2200], v[32];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(v, sizeof v, "\"%s\"", bad[i]);
        size_t n = doc_with(doc, sizeof doc, NULL, NULL);
        snprintf(doc + n - 1, sizeof doc - n + 1, ",\"note\":%s}", v);
        struct ferry_manifest m;
        CHECK_EQ(parse_text(doc, &m), FERRY_E_MANIFEST);
    }
    size_t n = doc_with(doc, sizeof doc, NULL, NULL);
    snprintf(doc + n - 1, sizeof doc - n + 1, ",\"note\":\"\xf0\x9f\x9a\xa2 \xe2\x82\xac\"}");
    struct ferry_manifest m;
    CHECK_EQ(parse_text(doc, &m), 0);
}

static void sign_doc(const uint8_t *doc, size_t len, const uint8_t priv[32], uint8_t sig[96])
{
    br_ec_private_key sk = {BR_EC_secp256r1, (unsigned char *)(uintptr_t)priv, 32};
    struct ferry_pubkey pub;
    uint8_t hash[32];
    br_sha256_context h;
    ib_pubkey(priv, &pub);
    br_sha256_init(&h);
    br_sha256_update(&h, doc, len);
    br_sha256_out(&h, hash);
    memcpy(sig, pub.id, 32);
    CHECK_EQ(br_ecdsa_i31_sign_raw(&br_ec_p256_m31, &br_sha256_vtable, hash, &sk, sig + 32), 64);
}

static void test_signature(void)
{
    char doc[2048];
    uint8_t sig[96], digest[32], want[32];
    struct ferry_pubkey keys[2];
    size_t n = doc_with(doc, sizeof doc, NULL, NULL);
    ib_pubkey(ib_key_b, &keys[0]);
    ib_pubkey(ib_key_a, &keys[1]);
    sign_doc((const uint8_t *)doc, n, ib_key_a, sig);

    CHECK_EQ(ferry_manifest_verify((const uint8_t *)doc, n, sig, 96, keys, 2, 0, digest), 0);
    br_sha256_context h;
    br_sha256_init(&h);
    br_sha256_update(&h, doc, n);
    br_sha256_out(&h, want);
    CHECK_MEM(digest, want, 32);
    /* Revocation goes by the signer's index: key 1 is refused once keys
     * below 2 are revoked, trusted while only key 0 is. */
    keys[0].index = 0;
    keys[1].index = 1;
    CHECK_EQ(ferry_manifest_verify((const uint8_t *)doc, n, sig, 96, keys, 2, 1, NULL), 0);
    CHECK_EQ(ferry_manifest_verify((const uint8_t *)doc, n, sig, 96, keys, 2, 2, NULL),
             FERRY_E_KEY_REVOKED);
    /* Only the second key is the signer's; with the first alone it is untrusted. */
    CHECK_EQ(ferry_manifest_verify((const uint8_t *)doc, n, sig, 96, keys, 1, 0, NULL),
             FERRY_E_MANIFEST_SIG);
    CHECK_EQ(ferry_manifest_verify((const uint8_t *)doc, n, sig, 95, keys, 2, 0, NULL),
             FERRY_E_MANIFEST_SIG);
    CHECK_EQ(ferry_manifest_verify((const uint8_t *)doc, n, sig, 97, keys, 2, 0, NULL),
             FERRY_E_MANIFEST_SIG);
    /* Any change to the bytes: one byte, one byte more, one byte less. */
    doc[5] ^= 1;
    CHECK_EQ(ferry_manifest_verify((const uint8_t *)doc, n, sig, 96, keys, 2, 0, NULL),
             FERRY_E_MANIFEST_SIG);
    doc[5] ^= 1;
    doc[n] = ' ';
    CHECK_EQ(ferry_manifest_verify((const uint8_t *)doc, n + 1, sig, 96, keys, 2, 0, NULL),
             FERRY_E_MANIFEST_SIG);
    CHECK_EQ(ferry_manifest_verify((const uint8_t *)doc, n - 1, sig, 96, keys, 2, 0, NULL),
             FERRY_E_MANIFEST_SIG);
    /* A signature by the untrusted key that names the trusted key's ID. */
    uint8_t forged[96];
    sign_doc((const uint8_t *)doc, n, ib_key_b, forged);
    memcpy(forged, keys[1].id, 32);
    CHECK_EQ(ferry_manifest_verify((const uint8_t *)doc, n, forged, 96, keys + 1, 1, 0, NULL),
             FERRY_E_MANIFEST_SIG);
    sig[40] ^= 0x80;
    CHECK_EQ(ferry_manifest_verify((const uint8_t *)doc, n, sig, 96, keys, 2, 0, NULL),
             FERRY_E_MANIFEST_SIG);
    CHECK_EQ(ferry_manifest_verify(NULL, n, sig, 96, keys, 2, 0, NULL), FERRY_E_INVAL);
}

int main(void)
{
    RUN(test_valid);
    RUN(test_sequence_and_expires);
    RUN(test_whitespace_order_and_unknown_keys);
    RUN(test_missing_and_duplicate_keys);
    RUN(test_field_rules);
    RUN(test_image_path_length);
    RUN(test_grammar);
    RUN(test_limits);
    RUN(test_utf8);
    RUN(test_signature);
    return check_done();
}
