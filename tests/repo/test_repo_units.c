/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the pure parts of `ferry publish` and `ferry serve`: the
 * manifest writer and strict reader, image path rules, URL path checks and
 * Range header parsing.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "publish.h"
#include "serve.h"

static void sample(struct repo_manifest *m)
{
    memset(m, 0, sizeof *m);
    ferry_uuid_parse("253228a4-a621-5e4c-9eb6-b32ff5028a7d", m->vendor_id);
    ferry_uuid_parse("2eb66c5e-e54a-5be0-adf0-660e5ac9709b", m->class_id);
    m->version = (struct ferry_version){ 2, 0, 0, 0 };
    m->security_counter = 2;
    m->size = 123456;
    for (int i = 0; i < 32; i++) {
        m->sha256[i] = (uint8_t)(0x01 * i + 0x10);
    }
    repo_image_path(&m->version, m->sha256, m->image);
}

static void test_manifest_exact_bytes(void)
{
    struct repo_manifest m;
    char text[REPO_MANIFEST_MAX + 1];
    sample(&m);
    size_t len = repo_manifest_format(&m, text, sizeof text);
    const char *want =
        "{\"ferry_manifest\":1,\"vendor\":\"253228a4-a621-5e4c-9eb6-b32ff5028a7d\","
        "\"class\":\"2eb66c5e-e54a-5be0-adf0-660e5ac9709b\",\"version\":\"2.0.0\","
        "\"security_counter\":2,\"size\":123456,"
        "\"sha256\":\"101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f\","
        "\"image\":\"images/2.0.0-1011121314151617.img\"}";
    CHECK_EQ(len, strlen(want));
    CHECK(strcmp(text, want) == 0);
    CHECK_EQ(repo_manifest_format(&m, text, 40), 0); /* too small: refused, not cut */
}

static void test_manifest_round_trip(void)
{
    struct repo_manifest m, back;
    char text[REPO_MANIFEST_MAX + 1], err[200];
    sample(&m);
    m.version = (struct ferry_version){ 255, 255, 65535, 4294967295u };
    m.security_counter = 4294967295u;
    m.size = 4294967295u;
    repo_image_path(&m.version, m.sha256, m.image);
    size_t len = repo_manifest_format(&m, text, sizeof text);
    CHECK(len > 0);
    CHECK_EQ(repo_manifest_parse(text, len, &back, err, sizeof err), 0);
    CHECK_MEM(&back, &m, sizeof m);
    CHECK(strcmp(back.image, "images/255.255.65535+4294967295-1011121314151617.img") == 0);
}

/* parse(text) must fail with a reason containing `why`. */
static int refused(const char *text, const char *why)
{
    struct repo_manifest m;
    char err[200] = "";
    if (repo_manifest_parse(text, strlen(text), &m, err, sizeof err) == 0) {
        fprintf(stderr, "accepted: %s\n", text);
        return 0;
    }
    if (strstr(err, why) == NULL) {
        fprintf(stderr, "refused \"%s\" for \"%s\", expected \"%s\"\n", text, err, why);
        return 0;
    }
    return 1;
}

#define V "\"vendor\":\"253228a4-a621-5e4c-9eb6-b32ff5028a7d\","
#define C "\"class\":\"2eb66c5e-e54a-5be0-adf0-660e5ac9709b\","
#define S "\"sha256\":\"101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f\","
#define I "\"image\":\"images/a.img\""

static void test_manifest_readers_rules(void)
{
    struct repo_manifest m;
    char err[200];
    /* Other key order, unknown keys (nested too), whitespace: accepted. */
    const char *ok = " {\"extra\":{\"a\":[1,2,{\"b\":null}]}, " I ",\"size\":5," S
                     "\"security_counter\":0,\"version\":\"1.2.3+0\"," C V
                     "\"ferry_manifest\":1,\"note\":\"x\\\"y\"}\n";
    CHECK_EQ(repo_manifest_parse(ok, strlen(ok), &m, err, sizeof err), 0);
    CHECK_EQ(m.version.patch, 3);
    CHECK_EQ(m.size, 5);
    CHECK(strcmp(m.image, "images/a.img") == 0);

#define BASE(fmt, ver, ctr, size, img) \
    "{\"ferry_manifest\":" fmt "," V C "\"version\":" ver ",\"security_counter\":" ctr \
    ",\"size\":" size "," S "\"image\":" img "}"
    CHECK(refused(BASE("2", "\"1.0.0\"", "0", "1", "\"images/a.img\""), "format 2"));
    CHECK(refused(BASE("1", "\"1.0\"", "0", "1", "\"images/a.img\""), "\"version\""));
    CHECK(refused(BASE("1", "\"01.0.0\"", "0", "1", "\"images/a.img\""), "leading zero"));
    CHECK(refused(BASE("1", "100", "0", "1", "\"images/a.img\""), "not a string"));
    CHECK(refused(BASE("1", "\"1.0.0\"", "-1", "1", "\"images/a.img\""), "security_counter"));
    CHECK(refused(BASE("1", "\"1.0.0\"", "4294967296", "1", "\"images/a.img\""),
                  "security_counter"));
    CHECK(refused(BASE("1", "\"1.0.0\"", "0", "1.5", "\"images/a.img\""), "\"size\""));
    CHECK(refused(BASE("1", "\"1.0.0\"", "0", "1e3", "\"images/a.img\""), "\"size\""));
    CHECK(refused(BASE("1", "\"1.0.0\"", "0", "01", "\"images/a.img\""), "\"size\""));
    CHECK(refused(BASE("1", "\"1.0.0\"", "0", "0", "\"images/a.img\""), "\"size\" is 0"));
    CHECK(refused(BASE("1", "\"1.0.0\"", "0", "\"1\"", "\"images/a.img\""), "\"size\""));
    CHECK(refused(BASE("1", "\"1.0.0\"", "0", "1", "\"../a.img\""), "\"image\""));
    CHECK(refused(BASE("1", "\"1.0.0\"", "0", "1", "\"/a.img\""), "\"image\""));
    CHECK(refused(BASE("1", "\"1.0.0\"", "0", "1", "\"http://x/a.img\""), "\"image\""));
    CHECK(refused(BASE("1", "\"1.0.0\"", "0", "1", "\"images//a.img\""), "\"image\""));
    CHECK(refused(BASE("1", "\"1.0.0\"", "0", "1", "\"a.img?x=1\""), "\"image\""));
    CHECK(refused(BASE("1", "\"1.0.0\"", "0", "1", "\"images\\/a.img\""), "escape"));
    CHECK(refused(BASE("1", "\"1.0.0\"", "0", "1", "\"images/a.img\"") "{}", "one JSON object"));
    CHECK(refused("[1]", "one JSON object"));
    CHECK(refused("", "one JSON object"));
    CHECK(refused("{\"ferry_manifest\":1,", "JSON"));
    CHECK(refused("{\"ferry_manifest\":1," V C "\"version\":\"1.0.0\"," S I "}", "\"security_counter\" is missing"));
    CHECK(refused("{\"ferry_manifest\":1,\"ferry_manifest\":1}", "appears twice"));
    CHECK(refused("{\"ferry_manifest\":1," V C "\"version\":\"1.0.0\",\"security_counter\":0,"
                  "\"size\":1,\"sha256\":\"ABCDEF\"," I "}", "\"sha256\""));
    CHECK(refused("{\"ferry_manifest\":1,\"vendor\":\"not-a-uuid\"}", "\"vendor\""));
    CHECK(refused("{\"ferry_manifest\":true}", "ferry_manifest"));

    char big[REPO_MANIFEST_MAX + 2];
    memset(big, ' ', sizeof big);
    big[0] = '{';
    big[sizeof big - 2] = '}';
    big[sizeof big - 1] = '\0';
    CHECK(refused(big, "more than the 1024"));
    char nul[] = "{\"ferry_manifest\":1}";
    nul[5] = '\0';
    CHECK(repo_manifest_parse(nul, sizeof nul - 1, &m, err, sizeof err) != 0);
    CHECK(strstr(err, "NUL") != NULL);
    /* Deep nesting runs out of tokens and is refused, not crashed on. */
    char deep[600];
    size_t n = 0;
    deep[n++] = '{';
    memcpy(deep + n, "\"x\":", 4);
    n += 4;
    for (int i = 0; i < 200; i++) {
        deep[n++] = '[';
    }
    for (int i = 0; i < 200; i++) {
        deep[n++] = ']';
    }
    deep[n++] = '}';
    deep[n] = '\0';
    CHECK(refused(deep, "JSON values"));
}

static void test_image_paths(void)
{
    CHECK(repo_image_path_valid("images/1.0.0-0123456789abcdef.img"));
    CHECK(repo_image_path_valid("a"));
    CHECK(repo_image_path_valid("x/y/z_1+2~3.bin"));
    CHECK(!repo_image_path_valid(""));
    CHECK(!repo_image_path_valid("/images/a.img"));
    CHECK(!repo_image_path_valid("images/"));
    CHECK(!repo_image_path_valid("./a.img"));
    CHECK(!repo_image_path_valid("images/../../x"));
    CHECK(!repo_image_path_valid(".."));
    CHECK(!repo_image_path_valid("https://evil/a.img"));
    CHECK(!repo_image_path_valid("a b"));
    CHECK(!repo_image_path_valid("a%2e"));
    char longest[REPO_IMAGE_PATH_MAX + 2];
    memset(longest, 'a', sizeof longest);
    longest[REPO_IMAGE_PATH_MAX] = '\0';
    CHECK(repo_image_path_valid(longest));
    longest[REPO_IMAGE_PATH_MAX] = 'a';
    longest[REPO_IMAGE_PATH_MAX + 1] = '\0';
    CHECK(!repo_image_path_valid(longest));
}

static enum serve_path_result path(const char *url, char *rel)
{
    return serve_path_check(url, rel, 64);
}

static void test_serve_paths(void)
{
    char rel[64];
    CHECK_EQ(path("/a/manifest.json", rel), SERVE_PATH_OK);
    CHECK(strcmp(rel, "a/manifest.json") == 0);
    CHECK_EQ(path("/", rel), SERVE_PATH_OK);
    CHECK(strcmp(rel, "") == 0);
    CHECK_EQ(path("/a/", rel), SERVE_PATH_OK);
    CHECK_EQ(path("/a/1.0.0+2-ab.img", rel), SERVE_PATH_OK);
    CHECK_EQ(path("/..", rel), SERVE_PATH_BAD);
    CHECK_EQ(path("/../etc/passwd", rel), SERVE_PATH_BAD);
    CHECK_EQ(path("/a/../../etc/passwd", rel), SERVE_PATH_BAD);
    CHECK_EQ(path("/a/..", rel), SERVE_PATH_BAD);
    CHECK_EQ(path("/./a", rel), SERVE_PATH_BAD);
    CHECK_EQ(path("//etc/passwd", rel), SERVE_PATH_BAD);
    CHECK_EQ(path("/a//b", rel), SERVE_PATH_BAD);
    CHECK_EQ(path("etc/passwd", rel), SERVE_PATH_BAD);
    CHECK_EQ(path("http://x/a", rel), SERVE_PATH_BAD);
    CHECK_EQ(path("", rel), SERVE_PATH_BAD);
    CHECK_EQ(path("/a\\..\\b", rel), SERVE_PATH_BAD);
    CHECK_EQ(path("/a\x7f" "b", rel), SERVE_PATH_BAD); /* a decoded %00 */
    CHECK_EQ(path("/a\nb", rel), SERVE_PATH_BAD);
    CHECK_EQ(path("/.git/config", rel), SERVE_PATH_HIDDEN);
    CHECK_EQ(path("/a/.manifest.json.tmp-12", rel), SERVE_PATH_HIDDEN);
    CHECK_EQ(path("/.hidden/../x", rel), SERVE_PATH_BAD);
    CHECK_EQ(path("/a/..b", rel), SERVE_PATH_HIDDEN);
    char long_url[80];
    memset(long_url, 'a', sizeof long_url);
    long_url[0] = '/';
    long_url[sizeof long_url - 1] = '\0';
    CHECK_EQ(path(long_url, rel), SERVE_PATH_BAD);
}

static void test_ranges(void)
{
    uint64_t a = 77, b = 77;
    CHECK_EQ(serve_range_parse(NULL, 100, &a, &b), SERVE_RANGE_NONE);
    CHECK_EQ(serve_range_parse("bytes=0-", 100, &a, &b), SERVE_RANGE_PARTIAL);
    CHECK(a == 0 && b == 99);
    CHECK_EQ(serve_range_parse("bytes=10-19", 100, &a, &b), SERVE_RANGE_PARTIAL);
    CHECK(a == 10 && b == 19);
    CHECK_EQ(serve_range_parse("Bytes = 99-", 100, &a, &b), SERVE_RANGE_PARTIAL);
    CHECK(a == 99 && b == 99);
    CHECK_EQ(serve_range_parse("bytes=50-1000", 100, &a, &b), SERVE_RANGE_PARTIAL);
    CHECK(a == 50 && b == 99);
    CHECK_EQ(serve_range_parse("bytes=5-99999999999999999999999", 100, &a, &b),
             SERVE_RANGE_PARTIAL);
    CHECK(a == 5 && b == 99);
    CHECK_EQ(serve_range_parse("bytes=-10", 100, &a, &b), SERVE_RANGE_PARTIAL);
    CHECK(a == 90 && b == 99);
    CHECK_EQ(serve_range_parse("bytes=-1000", 100, &a, &b), SERVE_RANGE_PARTIAL);
    CHECK(a == 0 && b == 99);
    CHECK_EQ(serve_range_parse("bytes=100-", 100, &a, &b), SERVE_RANGE_UNSATISFIABLE);
    CHECK_EQ(serve_range_parse("bytes=100-200", 100, &a, &b), SERVE_RANGE_UNSATISFIABLE);
    CHECK_EQ(serve_range_parse("bytes=99999999999999999999999-", 100, &a, &b),
             SERVE_RANGE_UNSATISFIABLE);
    CHECK_EQ(serve_range_parse("bytes=-0", 100, &a, &b), SERVE_RANGE_UNSATISFIABLE);
    CHECK_EQ(serve_range_parse("bytes=0-", 0, &a, &b), SERVE_RANGE_UNSATISFIABLE);
    CHECK_EQ(serve_range_parse("bytes=-5", 0, &a, &b), SERVE_RANGE_UNSATISFIABLE);
    /* Ignored: the whole file is sent. */
    CHECK_EQ(serve_range_parse("bytes=20-10", 100, &a, &b), SERVE_RANGE_NONE);
    CHECK_EQ(serve_range_parse("bytes=0-1,5-6", 100, &a, &b), SERVE_RANGE_NONE);
    CHECK_EQ(serve_range_parse("items=0-1", 100, &a, &b), SERVE_RANGE_NONE);
    CHECK_EQ(serve_range_parse("bytes=", 100, &a, &b), SERVE_RANGE_NONE);
    CHECK_EQ(serve_range_parse("bytes=-", 100, &a, &b), SERVE_RANGE_NONE);
    CHECK_EQ(serve_range_parse("bytes=a-b", 100, &a, &b), SERVE_RANGE_NONE);
    CHECK_EQ(serve_range_parse("bytes 0-1", 100, &a, &b), SERVE_RANGE_NONE);
    CHECK_EQ(serve_range_parse("bytes=+1-2", 100, &a, &b), SERVE_RANGE_NONE);
    CHECK_EQ(serve_range_parse("bytes=1-2x", 100, &a, &b), SERVE_RANGE_NONE);
}

int main(void)
{
    RUN(test_manifest_exact_bytes);
    RUN(test_manifest_round_trip);
    RUN(test_manifest_readers_rules);
    RUN(test_image_paths);
    RUN(test_serve_paths);
    RUN(test_ranges);
    return check_done();
}
