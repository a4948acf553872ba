/* SPDX-License-Identifier: Apache-2.0 */
/*
 * URL parsing and reference resolution (ferry_url_parse, ferry_url_resolve):
 * what is accepted, how it is split, and every refusal with its error.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "ferry/errors.h"
#include "ferry/http.h"

static void check_url(const char *text, int tls, const char *host, unsigned port, const char *path)
{
    struct ferry_url u;
    int rc = ferry_url_parse(text, &u);
    CHECK_EQ(rc, FERRY_OK);
    if (rc != FERRY_OK) {
        fprintf(stderr, "  for %s\n", text);
        return;
    }
    CHECK_EQ(u.tls, tls);
    CHECK(strcmp(u.host, host) == 0);
    CHECK_EQ(u.port, port);
    CHECK(strcmp(u.path, path) == 0);
    if (strcmp(u.host, host) != 0 || strcmp(u.path, path) != 0)
        fprintf(stderr, "  %s -> host '%s' path '%s'\n", text, u.host, u.path);
}

static void check_refused(const char *text, int err)
{
    struct ferry_url u;
    int rc = ferry_url_parse(text, &u);
    CHECK_EQ(rc, err);
    if (rc != err)
        fprintf(stderr, "  for %s\n", text);
}

static void test_parse_accepts(void)
{
    check_url("http://example.com", 0, "example.com", 80, "/");
    check_url("https://example.com", 1, "example.com", 443, "/");
    check_url("HTTPS://Example.COM:8443/a/b?x=1&y=%20#frag", 1, "Example.COM", 8443, "/a/b?x=1&y=%20");
    check_url("http://127.0.0.1:8080/repo/", 0, "127.0.0.1", 8080, "/repo/");
    check_url("http://[::1]:9/x", 0, "::1", 9, "/x");
    check_url("http://h?q=1", 0, "h", 80, "/?q=1");
    check_url("http://h#only-fragment", 0, "h", 80, "/");
    check_url("http://h:65535/a/./b/../c/", 0, "h", 65535, "/a/c/");
    check_url("http://h/a/b/..", 0, "h", 80, "/a/");
    check_url("http://h/../../x", 0, "h", 80, "/x");
    check_url("http://my_host-1.local/", 0, "my_host-1.local", 80, "/");
}

static void test_parse_refuses(void)
{
    char long_host[100], long_path[300];
    struct ferry_url u;

    check_refused("ftp://h/", FERRY_E_UNSUPPORTED);
    check_refused("file:///etc/passwd", FERRY_E_UNSUPPORTED);
    check_refused("h/p", FERRY_E_INVAL);
    check_refused("//h/p", FERRY_E_INVAL);
    check_refused("http://", FERRY_E_INVAL);
    check_refused("http:///p", FERRY_E_INVAL);
    check_refused("http://:80/", FERRY_E_INVAL);
    check_refused("http://h:/", FERRY_E_INVAL);
    check_refused("http://h:0/", FERRY_E_INVAL);
    check_refused("http://h:65536/", FERRY_E_INVAL);
    check_refused("http://h:99999999999/", FERRY_E_INVAL);
    check_refused("http://h:8x/", FERRY_E_INVAL);
    check_refused("http://user:pw@h/", FERRY_E_INVAL);
    check_refused("http://h/a b", FERRY_E_INVAL);
    check_refused("http://h/a\r\nX-Evil: 1", FERRY_E_INVAL);
    check_refused("http://h/\xc3\xa9", FERRY_E_INVAL);
    check_refused("http://h\x7f/", FERRY_E_INVAL);
    check_refused("http://[::1/", FERRY_E_INVAL);
    check_refused("http://[]/", FERRY_E_INVAL);

    memset(long_host, 'a', 63);
    snprintf(long_host + 63, sizeof long_host - 63, "/");
    {
        char text[200];
        snprintf(text, sizeof text, "http://%s", long_host);
        CHECK_EQ(ferry_url_parse(text, &u), FERRY_OK); /* 63 characters fit */
        CHECK_EQ(strlen(u.host), 63);
        snprintf(text, sizeof text, "http://a%s", long_host);
        CHECK_EQ(ferry_url_parse(text, &u), FERRY_E_NOSPC);
    }
    long_path[0] = '/';
    memset(long_path + 1, 'p', 190);
    long_path[191] = '\0';
    {
        char text[400];
        snprintf(text, sizeof text, "http://h%s", long_path);
        CHECK_EQ(ferry_url_parse(text, &u), FERRY_OK); /* 191 characters fit */
        CHECK_EQ(strlen(u.path), 191);
        snprintf(text, sizeof text, "http://h%sq", long_path);
        CHECK_EQ(ferry_url_parse(text, &u), FERRY_E_NOSPC);
    }
    CHECK_EQ(ferry_url_parse(NULL, &u), FERRY_E_INVAL);
    CHECK_EQ(ferry_url_parse("http://h/", NULL), FERRY_E_INVAL);
}

static void check_resolved(const char *base_text, const char *rel, int tls, const char *host, unsigned port,
                           const char *path)
{
    struct ferry_url base, out;
    int rc;
    CHECK_EQ(ferry_url_parse(base_text, &base), FERRY_OK);
    rc = ferry_url_resolve(&base, rel, &out);
    CHECK_EQ(rc, FERRY_OK);
    if (rc != FERRY_OK) {
        fprintf(stderr, "  for '%s' against %s\n", rel, base_text);
        return;
    }
    CHECK_EQ(out.tls, tls);
    CHECK(strcmp(out.host, host) == 0);
    CHECK_EQ(out.port, port);
    CHECK(strcmp(out.path, path) == 0);
    if (strcmp(out.path, path) != 0 || strcmp(out.host, host) != 0)
        fprintf(stderr, "  '%s' against %s -> %s %s, want %s\n", rel, base_text, out.host, out.path, path);
}

static void test_resolve(void)
{
    const char *b = "http://repo.local:8080/repo/class/manifest.json";
    check_resolved(b, "images/2.0.0-0123456789abcdef.img", 0, "repo.local", 8080,
                   "/repo/class/images/2.0.0-0123456789abcdef.img");
    check_resolved(b, "/other", 0, "repo.local", 8080, "/other");
    check_resolved(b, "../x", 0, "repo.local", 8080, "/repo/x");
    check_resolved(b, "../../../../x", 0, "repo.local", 8080, "/x");
    check_resolved(b, "./", 0, "repo.local", 8080, "/repo/class/");
    check_resolved(b, "..", 0, "repo.local", 8080, "/repo/");
    check_resolved(b, "?v=2", 0, "repo.local", 8080, "/repo/class/manifest.json?v=2");
    check_resolved(b, "", 0, "repo.local", 8080, "/repo/class/manifest.json");
    check_resolved(b, "#top", 0, "repo.local", 8080, "/repo/class/manifest.json");
    check_resolved(b, "//mirror.local/r", 0, "mirror.local", 80, "/r");
    check_resolved(b, "https://secure.local/p", 1, "secure.local", 443, "/p");
    check_resolved("https://s/a/b", "//m:444/c", 1, "m", 444, "/c");
    check_resolved("http://h/a/b?x=/y/z", "c", 0, "h", 80, "/a/c");
    check_resolved("http://h/a/b?x", "?y", 0, "h", 80, "/a/b?y");
    check_resolved("http://h/a/b", "c/./d/../e?k=v#f", 0, "h", 80, "/a/c/e?k=v");
}

static void test_resolve_refuses(void)
{
    struct ferry_url base, out;
    CHECK_EQ(ferry_url_parse("http://h/a/b", &base), FERRY_OK);
    CHECK_EQ(ferry_url_resolve(&base, "mailto:x@y", &out), FERRY_E_UNSUPPORTED);
    CHECK_EQ(ferry_url_resolve(&base, "ftp://h/x", &out), FERRY_E_UNSUPPORTED);
    CHECK_EQ(ferry_url_resolve(&base, "a b", &out), FERRY_E_INVAL);
    CHECK_EQ(ferry_url_resolve(&base, "a\r\nb", &out), FERRY_E_INVAL);
    CHECK_EQ(ferry_url_resolve(&base, "//u@h/", &out), FERRY_E_INVAL);
    CHECK_EQ(ferry_url_resolve(&base, NULL, &out), FERRY_E_INVAL);
    CHECK_EQ(ferry_url_resolve(NULL, "x", &out), FERRY_E_INVAL);
    {
        char rel[300];
        memset(rel, 'r', sizeof rel - 1);
        rel[sizeof rel - 1] = '\0';
        CHECK_EQ(ferry_url_resolve(&base, rel, &out), FERRY_E_NOSPC);
    }
    /* out may be base; on failure it is left alone */
    CHECK_EQ(ferry_url_resolve(&base, "a b", &base), FERRY_E_INVAL);
    CHECK(strcmp(base.path, "/a/b") == 0);
    CHECK_EQ(ferry_url_resolve(&base, "c", &base), FERRY_OK);
    CHECK(strcmp(base.path, "/a/c") == 0);
    /* a hand-made base that is not a valid URL is refused */
    memset(&base, 0, sizeof base);
    CHECK_EQ(ferry_url_resolve(&base, "c", &out), FERRY_E_INVAL);
}

int main(void)
{
    RUN(test_parse_accepts);
    RUN(test_parse_refuses);
    RUN(test_resolve);
    RUN(test_resolve_refuses);
    return check_done();
}
