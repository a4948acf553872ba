/* SPDX-License-Identifier: Apache-2.0 */
/* Differential check of the P-256 verifiers (p256_diff.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ferry/errors.h"
#include "p256_diff.h"
#include "p256_ref.h"

#define PUB 0u
#define HASH 65u
#define SIG 97u
#define TRIPLE 161u

/* Four fixed private keys: small, large, and two arbitrary. */
static const uint8_t fixed_d[4][32] = {
    { [31] = 7 },
    { 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x40 },
    { 0x3c, 0x9a, 0x51, 0x07, 0xe2, 0x88, 0x14, 0x6d, 0xb0, 0x2f, 0x73, 0xc1, 0x5e, 0x94, 0x0a, 0xd7,
      0x61, 0x28, 0xfe, 0x43, 0x9b, 0x05, 0xc6, 0x7a, 0x12, 0xe9, 0x8d, 0x30, 0xa4, 0x57, 0xbb, 0x0e },
    { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
      0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0 },
};

/* v += delta (mod 2^256), big-endian. */
static void add_small(uint8_t v[32], int delta)
{
    int i, carry = delta;

    for (i = 31; i >= 0 && carry != 0; i--) {
        int t = v[i] + carry;
        v[i] = (uint8_t)(t & 0xff);
        carry = (t - (t & 0xff)) / 256;
    }
}

#define EDGE_COUNT 16u
static uint8_t edges[EDGE_COUNT][32];

static void init_edges(void)
{
    static int done;
    unsigned i = 0;

    if (done) {
        return;
    }
    done = 1;
    memset(edges[i++], 0, 32);                        /* 0 */
    memset(edges[i], 0, 32), edges[i++][31] = 1;      /* 1 */
    memset(edges[i], 0, 32), edges[i++][31] = 2;      /* 2 */
    memcpy(edges[i], p256_ref_n, 32), add_small(edges[i++], -2);
    memcpy(edges[i], p256_ref_n, 32), add_small(edges[i++], -1);
    memcpy(edges[i++], p256_ref_n, 32);
    memcpy(edges[i], p256_ref_n, 32), add_small(edges[i++], 1);
    memcpy(edges[i], p256_ref_p, 32), add_small(edges[i++], -1);
    memcpy(edges[i++], p256_ref_p, 32);
    memcpy(edges[i], p256_ref_p, 32), add_small(edges[i++], 1);
    memset(edges[i++], 0xff, 32);                     /* 2^256 - 1 */
    memset(edges[i], 0, 32), edges[i++][0] = 0x80;    /* 2^255 */
    /* p - n and p - n - 1: the last r for which x(R) = r + n is possible */
    {
        uint8_t t[32];
        p256_ref_mod_n(t, p256_ref_p, '+', edges[0]); /* p mod n = p - n */
        memcpy(edges[i++], t, 32);
        memcpy(edges[i], t, 32), add_small(edges[i++], -1);
    }
    memset(edges[i], 0, 32), memset(edges[i] + 4, 0xff, 28), i++; /* 2^224 - 1 */
    memset(edges[i], 0, 32), edges[i++][3] = 1;       /* 2^224 */
}

static uint8_t take(const uint8_t *data, size_t len, size_t *pos)
{
    return *pos < len ? data[(*pos)++] : 0;
}

static void take32(uint8_t out[32], const uint8_t *data, size_t len, size_t *pos)
{
    unsigned i;

    for (i = 0; i < 32; i++) {
        out[i] = take(data, len, pos);
    }
}

static uint8_t *field(uint8_t t[TRIPLE], unsigned which)
{
    static const unsigned off[5] = { PUB + 1, PUB + 33, HASH, SIG, SIG + 32 };
    return t + off[which % 5];
}

/* Builds the triple; returns the expected verdict (0, 1, -1 unknown). */
static int build(uint8_t t[TRIPLE], const uint8_t *data, size_t len, size_t *pos)
{
    uint8_t d[32], k[32], e[32], rd[32];
    unsigned mode = take(data, len, pos) % 6;
    int expected = 0;

    memset(t, 0, TRIPLE);
    t[PUB] = 0x04;
    switch (mode) {
    case 0:
        for (unsigned i = 1; i < TRIPLE; i++) {
            t[i] = take(data, len, pos);
        }
        return -1;
    case 1:
        memcpy(d, fixed_d[take(data, len, pos) % 4], 32);
        break;
    case 2:
    case 3:
    case 4:
        take32(d, data, len, pos);
        break;
    default:
        memset(d, 0, 32);
        d[31] = 1;
        if (take(data, len, pos) & 1) {
            memcpy(d, p256_ref_n, 32);
            d[31] -= 1; /* n - 1: Q = -G */
        }
        break;
    }
    if (p256_ref_pub(d, t + PUB) != 0) {
        d[31] |= 1; /* d = 0 mod n: use another key */
        memset(d, 0, 31);
        p256_ref_pub(d, t + PUB);
    }
    take32(e, data, len, pos);
    take32(k, data, len, pos);
    if (mode == 3 || mode == 4) {
        /* r first, from k; then e = r d (u1 G = u2 Q) or -r d (sum = infinity) */
        uint8_t R[65], r[32];
        if (p256_ref_mul_add(R, k, NULL, NULL, NULL) != 0) {
            k[31] ^= 1;
            p256_ref_mul_add(R, k, NULL, NULL, NULL);
        }
        p256_ref_mod_n(r, R + 1, '+', edges[0]);
        p256_ref_mod_n(rd, r, '*', d);
        if (mode == 3) {
            memcpy(e, rd, 32);
        } else {
            p256_ref_mod_n(e, rd, 'n', rd);
        }
    }
    memcpy(t + HASH, e, 32);
    if (mode == 4) {
        uint8_t R[65];
        p256_ref_mul_add(R, k, NULL, NULL, NULL);
        p256_ref_mod_n(t + SIG, R + 1, '+', edges[0]);
        take32(t + SIG + 32, data, len, pos); /* any s */
        return 1;
    }
    if (p256_ref_sign(d, e, k, t + SIG) != 0) {
        expected = 1; /* degenerate (r or s = 0): the zero signature stays */
        memset(t + SIG, 0, 64);
    }
    return expected;
}

static void mutate(uint8_t t[TRIPLE], const uint8_t *data, size_t len, size_t *pos, int *expected)
{
    while (*pos + 3 <= len) {
        uint8_t op = data[(*pos)++], where = data[(*pos)++], val = data[(*pos)++];
        uint8_t before[TRIPLE];

        memcpy(before, t, TRIPLE);
        switch (op % 4) {
        case 0:
            t[where % TRIPLE] ^= val;
            break;
        case 1:
            memcpy(field(t, where), edges[val % EDGE_COUNT], 32);
            break;
        case 2:
            t[where % TRIPLE] = val;
            break;
        default:
            add_small(field(t, where), (int)val - 128);
            break;
        }
        if (memcmp(before, t, TRIPLE) != 0) {
            *expected = -1;
        }
    }
}

size_t p256_diff_mode_len(unsigned mode)
{
    static const size_t lens[6] = { TRIPLE - 1, 65, 96, 96, 128, 65 };
    return lens[mode % 6];
}

static void hex(const char *name, const uint8_t *b, size_t n)
{
    fprintf(stderr, "  %s ", name);
    while (n-- > 0) {
        fprintf(stderr, "%02x", *b++);
    }
    fprintf(stderr, "\n");
}

/* 1 if 1 <= v < n. */
static int in_range_n(const uint8_t v[32])
{
    static const uint8_t zero[32];
    return memcmp(v, zero, 32) != 0 && memcmp(v, p256_ref_n, 32) < 0;
}

/* 1 if pub is 0x04 || X || Y with X, Y < p and the point on the curve:
 * Y is the square root of X^3 - 3X + b that p256_ref_point_from_x gives, or
 * p minus it. */
static int pub_on_curve(const uint8_t pub[65])
{
    uint8_t pt[65];
    unsigned carry = 0;
    int i;

    if (pub[0] != 0x04 || memcmp(pub + 1, p256_ref_p, 32) >= 0 ||
        memcmp(pub + 33, p256_ref_p, 32) >= 0 || p256_ref_point_from_x(pt, pub + 1) != 0) {
        return 0;
    }
    if (memcmp(pt + 33, pub + 33, 32) == 0) {
        return 1;
    }
    for (i = 31; i >= 0; i--) { /* Y + y == p? (no point has y = 0) */
        unsigned t = (unsigned)pt[33 + i] + pub[33 + i] + carry;
        if ((t & 0xffu) != p256_ref_p[i]) {
            return 0;
        }
        carry = t >> 8;
    }
    return carry == 0;
}

unsigned p256_diff_fast_set(void)
{
    static const char *const names[] = { "own", "own-small", "bearssl-p256-m31", "openssl" };
    unsigned set = 0, i, j;

    for (i = 0; i < P256_VERIFIER_COUNT; i++) {
        for (j = 0; j < sizeof names / sizeof names[0]; j++) {
            if (strcmp(p256_verifiers[i].name, names[j]) == 0) {
                set |= 1u << i;
            }
        }
    }
    return set;
}

void p256_diff_one(const uint8_t *data, size_t len, struct p256_diff_result *res)
{
    p256_diff_judge(data, len, P256_DIFF_ALL, 0, res);
}

void p256_diff_judge(const uint8_t *data, size_t len, unsigned set, unsigned flags,
                     struct p256_diff_result *res)
{
    uint8_t t[TRIPLE];
    int verdict[P256_VERIFIER_COUNT];
    size_t pos = 0;
    unsigned i;

    init_edges();
    set |= 1u; /* ours is the reference the others are compared with */
    res->expected = build(t, data, len, &pos);
    mutate(t, data, len, &pos, &res->expected);
    res->disagree = 0;
    for (i = 0; i < P256_VERIFIER_COUNT; i++) {
        int rc;

        verdict[i] = -1;
        if ((set & (1u << i)) == 0) {
            continue;
        }
        if (p256_ref_is_bearssl(&p256_verifiers[i]) && p256_ref_hash_is_zero_mod_n(t + HASH) &&
            (flags & P256_DIFF_KEEP_ZERO_HASH) == 0) {
            verdict[i] = verdict[0]; /* a known, documented difference (p256_ref.h) */
            continue;
        }
        rc = p256_verifiers[i].verify(t + PUB, t + HASH, t + SIG);
        verdict[i] = rc == FERRY_OK ? 0 : 1;
        if (rc != FERRY_OK && rc != FERRY_E_IMG_SIGNATURE) {
            res->disagree = 1; /* outside the contract */
        }
        if (verdict[i] != verdict[0]) {
            res->disagree = 1;
        }
    }
    res->verdict = verdict[0];
    res->full = in_range_n(t + SIG) && in_range_n(t + SIG + 32) && pub_on_curve(t + PUB);
    if (res->verdict == 0 && !res->full) {
        res->disagree = 1; /* valid although a range or point check fails */
    }
    if (res->expected >= 0 && verdict[0] != res->expected) {
        res->disagree = 1;
    }
    if (res->disagree) {
        fprintf(stderr, "p256 disagreement (expected %d):\n", res->expected);
        hex("pub ", t + PUB, 65);
        hex("hash", t + HASH, 32);
        hex("sig ", t + SIG, 64);
        for (i = 0; i < P256_VERIFIER_COUNT; i++) {
            if (verdict[i] >= 0) {
                fprintf(stderr, "  %-18s %s\n", p256_verifiers[i].name,
                        verdict[i] == 0 ? "valid" : "rejected");
            }
        }
    }
}
