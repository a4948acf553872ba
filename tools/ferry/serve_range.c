/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Range request header, one byte range at a time (RFC 9110 section 14).
 * Multi-range requests are answered with the whole file, which the RFC
 * allows and which every client handles.
 */
#include <string.h>
#include <strings.h>

#include "serve.h"

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

/* Decimal digits at *p into *out (saturating at UINT64_MAX); -1 if none. */
static int take_digits(const char **p, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    while (*s >= '0' && *s <= '9') {
        unsigned d = (unsigned)(*s - '0');
        v = v > (UINT64_MAX - d) / 10u ? UINT64_MAX : v * 10u + d;
        s++;
    }
    if (s == *p) {
        return -1;
    }
    *p = s;
    *out = v;
    return 0;
}

enum serve_range_result serve_range_parse(const char *header, uint64_t size, uint64_t *first,
                                          uint64_t *last)
{
    if (header == NULL) {
        return SERVE_RANGE_NONE;
    }
    const char *p = skip_space(header);
    if (strncasecmp(p, "bytes", 5) != 0) {
        return SERVE_RANGE_NONE;
    }
    p = skip_space(p + 5);
    if (*p++ != '=') {
        return SERVE_RANGE_NONE;
    }
    p = skip_space(p);
    uint64_t a = 0, b = UINT64_MAX;
    int suffix = *p == '-';
    if (suffix) {
        p++;
        if (take_digits(&p, &b) != 0) {
            return SERVE_RANGE_NONE;
        }
    } else {
        if (take_digits(&p, &a) != 0 || *p++ != '-') {
            return SERVE_RANGE_NONE;
        }
        if (*p >= '0' && *p <= '9') {
            take_digits(&p, &b);
            if (b < a) {
                return SERVE_RANGE_NONE;
            }
        }
    }
    if (*skip_space(p) != '\0') {
        return SERVE_RANGE_NONE; /* several ranges, or trailing junk */
    }
    if (suffix) {
        if (b == 0 || size == 0) {
            return SERVE_RANGE_UNSATISFIABLE;
        }
        *first = b >= size ? 0 : size - b;
        *last = size - 1;
        return SERVE_RANGE_PARTIAL;
    }
    if (a >= size) {
        return SERVE_RANGE_UNSATISFIABLE;
    }
    *first = a;
    *last = b >= size ? size - 1 : b;
    return SERVE_RANGE_PARTIAL;
}
