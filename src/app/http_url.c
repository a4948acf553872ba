/* SPDX-License-Identifier: Apache-2.0 */
/*
 * URL parsing and reference resolution for the HTTP client (ferry/http.h).
 * Only what a download needs: http and https, host, port, path with query.
 * Hand-written rather than http-parser's URL parser so every accepted byte
 * is a decision made here: nothing that could split a request line or a
 * header (spaces, CR, LF, non-ASCII) ever reaches the request.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ferry/errors.h"
#include "ferry/http.h"
#include "http_priv.h"

static char lower(char ch)
{
    return (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
}

static int is_alpha(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }
static int is_digit(char ch) { return ch >= '0' && ch <= '9'; }
static int is_hex(char ch) { return is_digit(ch) || (lower(ch) >= 'a' && lower(ch) <= 'f'); }

int http_url_byte_ok(char ch)
{
    return (unsigned char)ch > 0x20 && (unsigned char)ch < 0x7f;
}

static size_t text_len(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

/* Matches "http://" or "https://" (any case). Returns the prefix length and
   sets *tls, 0 when `s` has another scheme (FERRY_E_UNSUPPORTED), or -1 when
   it has none at all. */
static int match_scheme(const char *s, int *tls)
{
    static const char http[] = "http://", https[] = "https://";
    size_t i;
    for (i = 0; i < 7 && lower(s[i]) == http[i]; i++)
        ;
    if (i == 7) { *tls = 0; return 7; }
    for (i = 0; i < 8 && lower(s[i]) == https[i]; i++)
        ;
    if (i == 8) { *tls = 1; return 8; }
    /* RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
    if (!is_alpha(s[0]))
        return -1;
    for (i = 1; is_alpha(s[i]) || is_digit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'; i++)
        ;
    return s[i] == ':' ? 0 : -1;
}

static int is_path_end(char ch) { return ch == '\0' || ch == '#'; }

/* Parses "host[:port]" up to the first '/', '?', '#' or NUL; sets out->host
   and out->port (default from out->tls). *end gets the first byte after. */
static int parse_authority(const char *s, struct ferry_url *out, const char **end)
{
    const char *h = s, *h_end;
    const char *p = s;
    size_t n, i;

    if (*p == '[') {
        for (h = ++p; is_hex(*p) || *p == ':' || *p == '.'; p++)
            ;
        if (*p != ']')
            return FERRY_E_INVAL;
        h_end = p++;
    } else {
        for (; is_alpha(*p) || is_digit(*p) || *p == '-' || *p == '.' || *p == '_'; p++)
            ;
        h_end = p;
    }
    n = (size_t)(h_end - h);
    if (n == 0)
        return FERRY_E_INVAL;
    if (n >= sizeof out->host)
        return FERRY_E_NOSPC;
    out->port = out->tls ? 443 : 80;
    if (*p == ':') {
        uint32_t port = 0;
        for (i = 0, p++; is_digit(*p); p++, i++) {
            port = port * 10u + (uint32_t)(*p - '0');
            if (port > 65535u)
                return FERRY_E_INVAL;
        }
        if (i == 0 || port == 0)
            return FERRY_E_INVAL;
        out->port = (uint16_t)port;
    }
    if (*p != '\0' && *p != '/' && *p != '?' && *p != '#')
        return FERRY_E_INVAL; /* '@' (user info), stray bytes */
    memcpy(out->host, h, n);
    out->host[n] = '\0';
    *end = p;
    return FERRY_OK;
}

/* Appends s (up to its fragment) to out->path at *len; checks every byte. */
static int append_path(struct ferry_url *out, size_t *len, const char *s)
{
    for (; !is_path_end(*s); s++) {
        if (!http_url_byte_ok(*s))
            return FERRY_E_INVAL;
        if (*len + 1 >= sizeof out->path)
            return FERRY_E_NOSPC;
        out->path[(*len)++] = *s;
    }
    out->path[*len] = '\0';
    return FERRY_OK;
}

/* Removes "." and ".." segments from the path part (before '?') of a path
   that starts with '/', in place (the output never outruns the input). */
static void remove_dot_segments(char *p)
{
    size_t q = 0, r = 0, w = 0, len;
    int dir_end = 0;

    if (p[0] != '/')
        return;
    while (p[q] != '\0' && p[q] != '?')
        q++;
    while (r < q) {
        size_t s = r + 1, e = s;
        while (e < q && p[e] != '/')
            e++;
        dir_end = 0;
        if (e - s == 1 && p[s] == '.') {
            dir_end = 1;
        } else if (e - s == 2 && p[s] == '.' && p[s + 1] == '.') {
            while (w > 0 && p[w - 1] != '/')
                w--;
            if (w > 0)
                w--;
            dir_end = 1;
        } else {
            memmove(p + w, p + r, e - r);
            w += e - r;
        }
        r = e;
    }
    if (dir_end || w == 0)
        p[w++] = '/';
    len = q;
    while (p[len] != '\0')
        len++;
    memmove(p + w, p + q, len - q + 1);
}

/* Parses the path part after the authority: "", "/..", "?..", "#..". */
static int parse_path(const char *s, struct ferry_url *out)
{
    size_t len = 0;
    int rc;
    if (*s != '/') {
        out->path[len++] = '/';
        out->path[len] = '\0';
    }
    rc = append_path(out, &len, s);
    if (rc == FERRY_OK)
        remove_dot_segments(out->path);
    return rc;
}

int ferry_url_parse(const char *text, struct ferry_url *out)
{
    struct ferry_url u;
    const char *p;
    int n, rc;

    if (text == NULL || out == NULL)
        return FERRY_E_INVAL;
    memset(&u, 0, sizeof u);
    n = match_scheme(text, &u.tls);
    if (n <= 0)
        return n == 0 ? FERRY_E_UNSUPPORTED : FERRY_E_INVAL;
    rc = parse_authority(text + n, &u, &p);
    if (rc == FERRY_OK)
        rc = parse_path(p, &u);
    if (rc == FERRY_OK)
        *out = u;
    return rc;
}

int ferry_url_resolve(const struct ferry_url *base, const char *rel, struct ferry_url *out)
{
    struct ferry_url u;
    const char *p;
    size_t len, i, dir = 0;
    int tls, rc;

    if (base == NULL || rel == NULL || out == NULL || http_url_check(base) != FERRY_OK)
        return FERRY_E_INVAL;
    for (i = 0; rel[i] != '\0'; i++)
        if (!http_url_byte_ok(rel[i]))
            return FERRY_E_INVAL;
    rc = match_scheme(rel, &tls);
    if (rc >= 0)
        return rc == 0 ? FERRY_E_UNSUPPORTED : ferry_url_parse(rel, out);

    u = *base;
    if (rel[0] == '/' && rel[1] == '/') {
        rc = parse_authority(rel + 2, &u, &p);
        if (rc == FERRY_OK)
            rc = parse_path(p, &u);
    } else if (rel[0] == '/') {
        rc = parse_path(rel, &u);
    } else if (is_path_end(rel[0])) {
        rc = FERRY_OK; /* the base itself */
    } else {
        /* Keep the base path up to its last '/' before any query ("?q" keeps
           all of it), then append the reference. */
        len = text_len(u.path);
        for (i = 0; i < len && u.path[i] != '?'; i++)
            if (u.path[i] == '/')
                dir = i + 1;
        len = rel[0] == '?' ? i : dir;
        u.path[len] = '\0';
        rc = append_path(&u, &len, rel);
        if (rc == FERRY_OK)
            remove_dot_segments(u.path);
    }
    if (rc == FERRY_OK)
        *out = u;
    return rc;
}

int http_url_check(const struct ferry_url *url)
{
    size_t i;
    if (url->host[0] == '\0' || url->path[0] != '/')
        return FERRY_E_INVAL;
    for (i = 0; i < sizeof url->host && url->host[i] != '\0'; i++) {
        char ch = url->host[i];
        if (!(is_alpha(ch) || is_digit(ch) || ch == '-' || ch == '.' || ch == '_' || ch == ':'))
            return FERRY_E_INVAL;
    }
    if (i == sizeof url->host)
        return FERRY_E_INVAL;
    for (i = 0; i < sizeof url->path && url->path[i] != '\0'; i++)
        if (!http_url_byte_ok(url->path[i]))
            return FERRY_E_INVAL;
    return i == sizeof url->path ? FERRY_E_INVAL : FERRY_OK;
}
