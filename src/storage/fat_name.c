/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Names: a path component in its 8.3 form, and compared with long-name
 * entries. Long names are UTF-16 on disk and UTF-8 in paths; they are
 * compared unit by unit, without a buffer for the whole name, so that
 * a lookup needs no more memory than one directory entry.
 * Case folding covers ASCII and Latin-1 letters (what a path on a device
 * reasonably holds); other characters compare exactly.
 */
#include <string.h>
#include "ferry/byteorder.h"
#include "ferry/errors.h"
#include "fat_priv.h"

/* Byte offsets of the 13 UTF-16 units in a long-name entry. */
static const uint8_t lfn_unit_at[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

static uint32_t fold(uint32_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7))
        return c - 0x20;
    return c;
}

/* Yields a UTF-8 string as UTF-16 units. */
struct units {
    const uint8_t *p, *end;
    uint16_t low; /* the second half of a surrogate pair still to come; 0: none */
};

static int cont(const uint8_t *p, const uint8_t *end, int n)
{
    if (end - p < n)
        return 0;
    for (int i = 0; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return 1;
}

/* 1 and a unit, 0 at the end, -1 on invalid UTF-8 (overlong, surrogate,
 * beyond U+10FFFF, truncated). */
static int next_unit(struct units *u, uint16_t *out)
{
    if (u->low) {
        *out = u->low;
        u->low = 0;
        return 1;
    }
    if (u->p >= u->end)
        return 0;
    const uint8_t *p = u->p;
    uint32_t cp;
    int n;
    if (p[0] < 0x80) {
        cp = p[0];
        n = 0;
    } else if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        cp = p[0] & 0x1Fu;
        n = 1;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        cp = p[0] & 0x0Fu;
        n = 2;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        cp = p[0] & 0x07u;
        n = 3;
    } else {
        return -1;
    }
    if (!cont(p + 1, u->end, n))
        return -1;
    for (int i = 1; i <= n; i++)
        cp = cp << 6 | (p[i] & 0x3Fu);
    if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
        return -1;
    u->p = p + 1 + n;
    if (cp >= 0x10000) {
        cp -= 0x10000;
        *out = (uint16_t)(0xD800 | cp >> 10);
        u->low = (uint16_t)(0xDC00 | (cp & 0x3FF));
    } else {
        *out = (uint16_t)cp;
    }
    return 1;
}

static int short_char_ok(uint8_t c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return 1;
    for (const char *p = "!#$%&'()-@^_`{}~"; *p; p++) /* the punctuation DOS allows */
        if (c == (uint8_t)*p)
            return 1;
    return 0;
}

/* Fills n's 8.3 form when the component is a plain 8.3 name: base of 1-8
 * and an optional extension of 1-3 characters, from the set DOS allows. */
static void make_short(struct fat_name *n)
{
    const uint8_t *s = (const uint8_t *)n->s;
    size_t dot = n->len, lower = 0, upper = 0;
    n->has_short = 0;
    for (size_t i = 0; i < n->len; i++)
        if (s[i] == '.') {
            if (dot != n->len)
                return; /* two dots */
            dot = i;
        }
    size_t ext = dot < n->len ? n->len - dot - 1 : 0;
    if (dot == 0 || dot > 8 || (dot < n->len && (ext == 0 || ext > 3)))
        return;
    memset(n->short_name, ' ', sizeof n->short_name);
    n->case_flags = 0;
    for (int part = 0; part < 2; part++) {
        size_t from = part ? dot + 1 : 0, to = part ? n->len : dot;
        lower = upper = 0;
        for (size_t i = from; i < to; i++) {
            if (!short_char_ok(s[i]))
                return;
            lower += s[i] >= 'a' && s[i] <= 'z';
            upper += s[i] >= 'A' && s[i] <= 'Z';
            n->short_name[(part ? 8 : 0) + i - from] = (uint8_t)fold(s[i]);
        }
        if (lower && !upper)
            n->case_flags |= part ? FAT_CASE_LOWER_EXT : FAT_CASE_LOWER_BASE;
    }
    n->has_short = 1;
}

int fat_name_init(struct fat_name *n, const char *s, size_t len)
{
    if (len == 0 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
        return FERRY_E_INVAL;
    n->s = s;
    n->len = len;
    struct units u = {(const uint8_t *)s, (const uint8_t *)s + len, 0};
    uint32_t count = 0;
    uint16_t unit;
    int r;
    while ((r = next_unit(&u, &unit)) == 1)
        if (++count > FAT_NAME_MAX)
            return FERRY_E_INVAL;
    n->units = r < 0 ? 0 : (uint16_t)count;
    make_short(n);
    return FERRY_OK;
}

uint8_t fat_lfn_checksum(const uint8_t short_name[11])
{
    uint8_t sum = 0;
    for (int i = 0; i < 11; i++)
        sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + short_name[i]);
    return sum;
}

int fat_short_match(const struct fat_name *n, const uint8_t *e)
{
    if (!n->has_short)
        return 0;
    for (int i = 0; i < 11; i++) {
        uint8_t c = (i == 0 && e[0] == 0x05) ? 0xE5 : e[i]; /* 0x05 escapes a leading 0xE5 */
        if (c >= 'a' && c <= 'z')
            c = (uint8_t)(c - 0x20);
        if (c != n->short_name[i])
            return 0;
    }
    return 1;
}

int fat_lfn_part_match(const struct fat_name *n, const uint8_t *e, unsigned seq, int last)
{
    uint32_t base = (seq - 1) * 13u;
    if (n->units == 0 || base > n->units)
        return 0;
    struct units u = {(const uint8_t *)n->s, (const uint8_t *)n->s + n->len, 0};
    uint16_t c;
    for (uint32_t i = 0; i < base; i++)
        if (next_unit(&u, &c) != 1)
            return 0;
    for (uint32_t k = 0; k < 13; k++) {
        uint16_t d = ferry_get_le16(e + lfn_unit_at[k]);
        if (d == 0)
            return base + k == n->units; /* the name ends here; padding follows */
        if (next_unit(&u, &c) != 1 || fold(c) != fold(d))
            return 0;
    }
    return !last || base + 13 == n->units;
}
