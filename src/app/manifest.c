/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Release manifest: signature check and strict parser (include/ferry/manifest.h).
 *
 * jsmn splits the text into tokens but accepts some text that is not JSON
 * (trailing commas, doubled commas, bare words). So the tokens are walked
 * again with the text in hand: every gap between two tokens must hold exactly
 * the separator the grammar wants (':' or ',') plus whitespace, and every
 * primitive must be true, false, null or a JSON number. What passes is JSON.
 */
#include <string.h>
#include "ferry/manifest.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"

#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

#define MAX_DEPTH 8

struct walk {
    const char *js;
    size_t len;
    const jsmntok_t *t;
    int n;
};

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_ws(const struct walk *w, size_t *pos)
{
    while (*pos < w->len && is_ws(w->js[*pos]))
        (*pos)++;
}

static int expect(const struct walk *w, size_t *pos, char c)
{
    skip_ws(w, pos);
    if (*pos >= w->len || w->js[*pos] != c)
        return FERRY_E_MANIFEST;
    (*pos)++;
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int is_number(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0')
        i++;
    else if (i < n && is_digit(s[i]))
        while (i < n && is_digit(s[i]))
            i++;
    else
        return 0;
    if (i < n && s[i] == '.') {
        size_t d = ++i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == d)
            return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t d = i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == d)
            return 0;
    }
    return i == n;
}

/* 1 if s[0..n) is exactly the NUL-terminated `lit` (no strlen: the core
 * links only the memory primitives). */
static int text_is(const char *s, size_t n, const char *lit)
{
    size_t i = 0;
    while (i < n && lit[i] != '\0' && lit[i] == s[i])
        i++;
    return i == n && lit[i] == '\0';
}

/* Validates a string token that must start (its opening quote) at *pos,
 * after whitespace; advances *pos past the closing quote. Escapes were
 * checked by jsmn; raw control characters are refused here. */
static int string_at(const struct walk *w, const jsmntok_t *t, size_t *pos)
{
    skip_ws(w, pos);
    if (t->type != JSMN_STRING || t->start < 1 || t->end < t->start ||
        (size_t)t->start - 1 != *pos || (size_t)t->end >= w->len)
        return FERRY_E_MANIFEST;
    for (int k = t->start; k < t->end; k++)
        if ((unsigned char)w->js[k] < 0x20)
            return FERRY_E_MANIFEST;
    *pos = (size_t)t->end + 1;
    return 0;
}

/* Validates the value whose token is t[*i] and which must start at *pos
 * (after whitespace); advances both past it. */
static int value(const struct walk *w, int *i, size_t *pos, int depth)
{
    if (*i >= w->n || depth > MAX_DEPTH)
        return FERRY_E_MANIFEST;
    const jsmntok_t *t = &w->t[(*i)++];
    if (t->type == JSMN_STRING)
        return t->size == 0 ? string_at(w, t, pos) : FERRY_E_MANIFEST;
    skip_ws(w, pos);
    if (t->start < 0 || (size_t)t->start != *pos || t->end <= t->start ||
        (size_t)t->end > w->len)
        return FERRY_E_MANIFEST;
    if (t->type == JSMN_PRIMITIVE) {
        const char *s = w->js + t->start;
        size_t n = (size_t)(t->end - t->start);
        if (!text_is(s, n, "true") && !text_is(s, n, "false") && !text_is(s, n, "null") &&
            !is_number(s, n))
            return FERRY_E_MANIFEST;
        *pos = (size_t)t->end;
        return 0;
    }
    if (t->type != JSMN_OBJECT && t->type != JSMN_ARRAY)
        return FERRY_E_MANIFEST;
    int obj = t->type == JSMN_OBJECT;
    (*pos)++;
    for (int k = 0; k < t->size; k++) {
        if (k > 0 && expect(w, pos, ',') != 0)
            return FERRY_E_MANIFEST;
        if (obj) { /* a key: a string holding exactly one value */
            if (*i >= w->n || w->t[*i].size != 1 || string_at(w, &w->t[*i], pos) != 0 ||
                expect(w, pos, ':') != 0)
                return FERRY_E_MANIFEST;
            (*i)++;
        }
        if (value(w, i, pos, depth + 1) != 0)
            return FERRY_E_MANIFEST;
    }
    if (expect(w, pos, obj ? '}' : ']') != 0 || *pos != (size_t)t->end)
        return FERRY_E_MANIFEST;
    return 0;
}

/* 1 if s[0..n) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF)
 * without NUL bytes. */
static int utf8_ok(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t more;
        uint32_t cp, min;
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            more = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            more = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            more = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        if (n - i <= more)
            return 0;
        for (size_t k = 1; k <= more; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += more + 1;
    }
    return 1;
}

static int hex_val(char c, int upper_ok)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (upper_ok && c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int parse_uuid(const char *s, size_t n, uint8_t out[16])
{
    size_t k = 0;
    if (n != 36)
        return FERRY_E_MANIFEST;
    for (size_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i++] != '-')
                return FERRY_E_MANIFEST;
            continue;
        }
        int hi = hex_val(s[i], 1), lo = hex_val(s[i + 1], 1);
        if (hi < 0 || lo < 0)
            return FERRY_E_MANIFEST;
        out[k++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    return 0;
}

static int parse_sha256(const char *s, size_t n, uint8_t out[32])
{
    if (n != 64)
        return FERRY_E_MANIFEST;
    for (size_t i = 0; i < 32; i++) {
        int hi = hex_val(s[2 * i], 0), lo = hex_val(s[2 * i + 1], 0);
        if (hi < 0 || lo < 0)
            return FERRY_E_MANIFEST;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* Decimal digits without sign or leading zero, value <= max; advances *s. */
static int decimal(const char **s, const char *end, uint32_t max, uint32_t *out)
{
    const char *p = *s;
    uint64_t v = 0;
    while (p < end && is_digit(*p)) {
        v = v * 10u + (uint64_t)(*p - '0');
        if (v > max)
            return FERRY_E_MANIFEST;
        p++;
    }
    if (p == *s || (p - *s > 1 && **s == '0'))
        return FERRY_E_MANIFEST;
    *out = (uint32_t)v;
    *s = p;
    return 0;
}

static int parse_version(const char *s, size_t n, struct ferry_version *v)
{
    const char *end = s + n;
    uint32_t major, minor, patch, build = 0;
    if (decimal(&s, end, 255, &major) || s == end || *s++ != '.' ||
        decimal(&s, end, 255, &minor) || s == end || *s++ != '.' ||
        decimal(&s, end, 65535, &patch))
        return FERRY_E_MANIFEST;
    if (s < end && *s == '+') {
        s++;
        if (decimal(&s, end, UINT32_MAX, &build))
            return FERRY_E_MANIFEST;
    }
    if (s != end)
        return FERRY_E_MANIFEST;
    v->major = (uint8_t)major;
    v->minor = (uint8_t)minor;
    v->patch = (uint16_t)patch;
    v->build = build;
    return 0;
}

static int path_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' ||
           c == '_' || c == '~' || c == '-' || c == '+' || c == '/';
}

static int parse_path(const char *s, size_t n, char out[FERRY_MANIFEST_PATH_MAX + 1])
{
    if (n == 0 || n > FERRY_MANIFEST_PATH_MAX)
        return FERRY_E_MANIFEST;
    size_t seg = 0; /* start of the current segment */
    for (size_t i = 0; i <= n; i++) {
        if (i < n && !path_char(s[i]))
            return FERRY_E_MANIFEST;
        if (i == n || s[i] == '/') {
            size_t len = i - seg;
            if (len == 0 || (len == 1 && s[seg] == '.') ||
                (len == 2 && s[seg] == '.' && s[seg + 1] == '.'))
                return FERRY_E_MANIFEST;
            seg = i + 1;
        }
    }
    memcpy(out, s, n);
    out[n] = '\0';
    return 0;
}

/* The eight required keys first (K_REQUIRED of them), then the optional ones. */
enum { K_FORMAT, K_VENDOR, K_CLASS, K_VERSION, K_COUNTER, K_SIZE, K_SHA, K_IMAGE, K_REQUIRED,
       K_SEQUENCE = K_REQUIRED, K_EXPIRES, K_COUNT };
static const char *const key_names[K_COUNT] = {
    "ferry_manifest", "vendor", "class", "version", "security_counter", "size", "sha256", "image",
    "sequence", "expires",
};
/* Strings, or (0) digit-only integers. */
static const uint8_t key_is_string[K_COUNT] = {0, 1, 1, 1, 0, 0, 1, 1, 0, 0};

static int member(int k, const char *s, size_t n, struct ferry_manifest *m)
{
    const char *end = s + n;
    uint32_t v;
    switch (k) {
    case K_FORMAT:
        if (decimal(&s, end, UINT32_MAX, &v) || s != end || v != FERRY_MANIFEST_FORMAT)
            return FERRY_E_MANIFEST;
        return 0;
    case K_VENDOR: return parse_uuid(s, n, m->vendor_id);
    case K_CLASS: return parse_uuid(s, n, m->class_id);
    case K_VERSION: return parse_version(s, n, &m->version);
    case K_COUNTER:
        if (decimal(&s, end, UINT32_MAX, &m->security_counter) || s != end)
            return FERRY_E_MANIFEST;
        return 0;
    case K_SIZE:
        if (decimal(&s, end, UINT32_MAX, &m->size) || s != end || m->size == 0)
            return FERRY_E_MANIFEST;
        return 0;
    case K_SHA: return parse_sha256(s, n, m->sha256);
    case K_IMAGE: return parse_path(s, n, m->image);
    case K_SEQUENCE:
        if (decimal(&s, end, UINT32_MAX, &m->sequence) || s != end || m->sequence == 0)
            return FERRY_E_MANIFEST;
        m->has_sequence = 1;
        return 0;
    case K_EXPIRES:
        if (decimal(&s, end, UINT32_MAX, &m->expires) || s != end || m->expires == 0)
            return FERRY_E_MANIFEST;
        m->has_expires = 1;
        return 0;
    default: return FERRY_E_MANIFEST;
    }
}

/* Index just past the subtree of token i (tokens are in document order). */
static int subtree_end(const jsmntok_t *t, int n, int i)
{
    int j = i + 1;
    while (j < n && t[j].start < t[i].end)
        j++;
    return j;
}

int ferry_manifest_parse(const char *json, size_t len, struct ferry_manifest *out)
{
    jsmntok_t tok[FERRY_MANIFEST_MAX_TOKENS];
    jsmn_parser p;
    if (!json || !out)
        return FERRY_E_INVAL;
    if (len == 0 || len > FERRY_MANIFEST_MAX_BYTES || !utf8_ok((const uint8_t *)json, len))
        return FERRY_E_MANIFEST;
    jsmn_init(&p);
    int n = jsmn_parse(&p, json, len, tok, FERRY_MANIFEST_MAX_TOKENS);
    if (n < 1 || tok[0].type != JSMN_OBJECT)
        return FERRY_E_MANIFEST;

    /* Grammar: one object, whitespace around it, every token accounted for. */
    struct walk w = {json, len, tok, n};
    size_t pos = 0;
    int i = 0;
    if (value(&w, &i, &pos, 0) != 0 || i != n)
        return FERRY_E_MANIFEST;
    skip_ws(&w, &pos);
    if (pos != len)
        return FERRY_E_MANIFEST;

    /* Members: known keys once each with the right type, the rest skipped. */
    unsigned seen = 0;
    memset(out, 0, sizeof *out);
    for (i = 1; i < n;) {
        const jsmntok_t *key = &tok[i], *val = &tok[i + 1];
        int k;
        for (k = 0; k < K_COUNT; k++)
            if (text_is(json + key->start, (size_t)(key->end - key->start), key_names[k]))
                break;
        if (k < K_COUNT) {
            if (seen & (1u << k))
                return FERRY_E_MANIFEST;
            seen |= 1u << k;
            if (val->type != (key_is_string[k] ? JSMN_STRING : JSMN_PRIMITIVE))
                return FERRY_E_MANIFEST;
            int err = member(k, json + val->start, (size_t)(val->end - val->start), out);
            if (err)
                return err;
        }
        i = subtree_end(tok, n, i + 1);
    }
    const unsigned required = (1u << K_REQUIRED) - 1u;
    return (seen & required) == required ? 0 : FERRY_E_MANIFEST;
}

int ferry_manifest_verify(const uint8_t *json, size_t len, const uint8_t *sig, size_t sig_len,
                          const struct ferry_pubkey *keys, unsigned key_count,
                          uint32_t min_key_index, uint8_t digest[32])
{
    uint8_t hash[32];
    if (!json || !sig || (!keys && key_count))
        return FERRY_E_INVAL;
    if (sig_len != FERRY_MANIFEST_SIG_BYTES)
        return FERRY_E_MANIFEST_SIG;
    const struct ferry_pubkey *key = NULL;
    for (unsigned k = 0; k < key_count && !key; k++)
        if (memcmp(keys[k].id, sig, 32) == 0)
            key = &keys[k];
    if (!key)
        return FERRY_E_MANIFEST_SIG;
    if (key->index < min_key_index)
        return FERRY_E_KEY_REVOKED;
    ferry_sha256(json, len, hash);
    if (ferry_p256_verify(key->point, hash, sig + 32) != 0)
        return FERRY_E_MANIFEST_SIG;
    if (digest)
        memcpy(digest, hash, 32);
    return 0;
}
