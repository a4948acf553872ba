/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal JSON reader for test-vector files, host only.
 *
 * json_parse() turns a document into a flat array of tokens in document
 * order; each token records where its subtree ends, so a caller walks
 * objects and arrays without recursion. Strings are not unescaped: a string
 * token points at the raw bytes between the quotes, which is all the test
 * vectors need (hex strings, ASCII keys). Invalid JSON is rejected.
 */
#ifndef FERRY_TEST_JSON_MIN_H
#define FERRY_TEST_JSON_MIN_H

#include <stddef.h>
#include <string.h>

enum json_type { JSON_OBJECT, JSON_ARRAY, JSON_STRING, JSON_NUMBER, JSON_LITERAL };

struct json_tok {
    enum json_type type;
    const char *start; /* strings: first byte after the quote */
    size_t len;        /* strings: raw bytes up to the closing quote */
    size_t children;   /* objects: key/value pairs; arrays: elements */
    size_t next;       /* index of the first token after this subtree */
};

struct json_parser {
    const char *p, *end;
    struct json_tok *toks;
    size_t count, cap;
    int depth;
};

static inline void json_skip_ws(struct json_parser *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t')) {
        ps->p++;
    }
}

static inline long json_new_tok(struct json_parser *ps, enum json_type type)
{
    if (ps->count == ps->cap) {
        return -1;
    }
    memset(&ps->toks[ps->count], 0, sizeof ps->toks[0]);
    ps->toks[ps->count].type = type;
    ps->toks[ps->count].start = ps->p;
    return (long)ps->count++;
}

static inline int json_string(struct json_parser *ps)
{
    long t = json_new_tok(ps, JSON_STRING);

    if (t < 0) {
        return -1;
    }
    ps->p++; /* opening quote */
    ps->toks[t].start = ps->p;
    while (ps->p < ps->end && *ps->p != '"') {
        if ((unsigned char)*ps->p < 0x20) {
            return -1;
        }
        if (*ps->p == '\\') {
            ps->p++;
            if (ps->p == ps->end) {
                return -1;
            }
        }
        ps->p++;
    }
    if (ps->p == ps->end) {
        return -1;
    }
    ps->toks[t].len = (size_t)(ps->p - ps->toks[t].start);
    ps->p++;
    ps->toks[t].next = ps->count;
    return 0;
}

static inline int json_value(struct json_parser *ps);

static inline int json_container(struct json_parser *ps, char close)
{
    long t = json_new_tok(ps, close == '}' ? JSON_OBJECT : JSON_ARRAY);

    if (t < 0 || ++ps->depth > 64) {
        return -1;
    }
    ps->p++;
    json_skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
    } else {
        for (;;) {
            json_skip_ws(ps);
            if (close == '}') {
                if (ps->p == ps->end || *ps->p != '"' || json_string(ps) != 0) {
                    return -1;
                }
                json_skip_ws(ps);
                if (ps->p == ps->end || *ps->p != ':') {
                    return -1;
                }
                ps->p++;
            }
            if (json_value(ps) != 0) {
                return -1;
            }
            ps->toks[t].children++;
            json_skip_ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ps->p++;
                continue;
            }
            if (ps->p < ps->end && *ps->p == close) {
                ps->p++;
                break;
            }
            return -1;
        }
    }
    ps->depth--;
    ps->toks[t].len = (size_t)(ps->p - ps->toks[t].start);
    ps->toks[t].next = ps->count;
    return 0;
}

static inline int json_scalar(struct json_parser *ps)
{
    static const char *const literals[] = { "true", "false", "null" };
    long t;
    size_t i;

    if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
        t = json_new_tok(ps, JSON_NUMBER);
        if (t < 0) {
            return -1;
        }
        while (ps->p < ps->end && strchr("+-.eE0123456789", *ps->p) != NULL) {
            ps->p++;
        }
    } else {
        t = json_new_tok(ps, JSON_LITERAL);
        if (t < 0) {
            return -1;
        }
        for (i = 0; i < 3; i++) {
            size_t n = strlen(literals[i]);
            if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, literals[i], n) == 0) {
                ps->p += n;
                break;
            }
        }
        if (i == 3) {
            return -1;
        }
    }
    ps->toks[t].len = (size_t)(ps->p - ps->toks[t].start);
    ps->toks[t].next = ps->count;
    return 0;
}

static inline int json_value(struct json_parser *ps)
{
    json_skip_ws(ps);
    if (ps->p == ps->end) {
        return -1;
    }
    switch (*ps->p) {
    case '{':
        return json_container(ps, '}');
    case '[':
        return json_container(ps, ']');
    case '"':
        return json_string(ps);
    default:
        return json_scalar(ps);
    }
}

/* Tokens written to toks[0..cap), or -1 for invalid JSON or too many tokens. */
static inline long json_parse(const char *text, size_t len, struct json_tok *toks, size_t cap)
{
    struct json_parser ps = { text, text + len, toks, 0, cap, 0 };

    if (json_value(&ps) != 0) {
        return -1;
    }
    json_skip_ws(&ps);
    return ps.p == ps.end ? (long)ps.count : -1;
}

/* Index of the value of `key` in the object at `obj`, or -1. */
static inline long json_get(const struct json_tok *toks, size_t obj, const char *key)
{
    size_t i = obj + 1, n, klen = strlen(key);

    if (toks[obj].type != JSON_OBJECT) {
        return -1;
    }
    for (n = 0; n < toks[obj].children; n++) {
        const struct json_tok *k = &toks[i];
        if (k->len == klen && memcmp(k->start, key, klen) == 0) {
            return (long)(i + 1);
        }
        i = toks[i + 1].next; /* skip the key and its value */
    }
    return -1;
}

/* First element of the array at `arr` (check children first); next: toks[i].next. */
static inline size_t json_first(size_t arr)
{
    return arr + 1;
}

/* 1 if the token is a string equal to `s`. */
static inline int json_eq(const struct json_tok *t, const char *s)
{
    return t->type == JSON_STRING && t->len == strlen(s) && memcmp(t->start, s, t->len) == 0;
}

#endif
