/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The assembly field multiply (src/crypto/p256/p256_fe_mul_armv7m.S)
 * against the C one, on the target: loaded at 0x0 in place of the
 * bootloader, it compares p256_fe_mul / p256_fe_sqr (the assembly) with
 * p256_ref_fe_mul / p256_ref_fe_sqr (p256_fe_mul_comba.c compiled into the
 * same program under those names, reducing with p256_fe.c's
 * p256_fe_reduce), and the assembly's reduction on its own
 * (p256_fe_reduce_armv7m) with p256_fe_reduce, on
 *   - every pair of the edge operands below,
 *   - CHECK_RANDOM pseudo-random pairs (fixed-seed xorshift; half with
 *     whole random words, half with 7 in 8 words drawn from edge_words, so
 *     that long carry and borrow runs come up),
 *     each pair (a, b) also computed in place (r == a, r == b), and a
 *     squared, squared in place and multiplied by itself (check_pair),
 *   - CHECK_REDUCE 512-bit inputs to the reductions, built the same two ways.
 * Operands need not be reduced: both implementations accept any 256-bit
 * value. Prints one line,
 *   [p256] mul_check edge=E random=R reduce=D ok
 * or the first mismatch as
 *   [p256] mul_check MISMATCH op=OP case=N, the operands and both results,
 *   [p256] mul_check FAILED
 * After a pass it also times both (CHECK_TIMED calls each, with the CMSDK
 * timer) and prints
 *   [p256] mul_cost mul_asm=M mul_c=M sqr_asm=S sqr_c=S
 * in instructions per call, reduction included: exact only under QEMU
 * -icount shift=0 (1 instruction per ns, as bench_verify.c counts). Then it
 * resets. tests/qemu_p256.cmake runs it (qemu.p256_mul_check).
 */
#include <stdint.h>

#include "board.h"
#include "cmsdk_timer.h"
#include "cmsdk_uart.h"
#include "cortexm.h"
#include "p256_priv.h"

#define CHECK_RANDOM 100000u
#define CHECK_REDUCE 100000u
#define CHECK_TIMED 1000u
#define NS_PER_TICK (1000000000u / BOARD_CPU_HZ)

/* p256_fe_mul_comba.c under other names (port/mps2-an385/p256.cmake). */
void p256_ref_fe_mul(p256_fe r, const p256_fe a, const p256_fe b);
void p256_ref_fe_sqr(p256_fe r, const p256_fe a);
/* The assembly's reduction alone (p256_fe_mul_armv7m.S). */
void p256_fe_reduce_armv7m(p256_fe r, const uint32_t c[16]);

/* Words that start or stop carries and borrows. */
static const uint32_t edge_words[] = {0u,          1u,          2u,          0x7fffffffu,
                                      0x80000000u, 0xfffffffdu, 0xfffffffeu, 0xffffffffu};

static const p256_fe edge[] = {
    {0, 0, 0, 0, 0, 0, 0, 0},                                      /* 0 */
    {1, 0, 0, 0, 0, 0, 0, 0},                                      /* 1 */
    {2, 0, 0, 0, 0, 0, 0, 0},                                      /* 2 */
    {0xfffffffeu, 0xffffffffu, 0xffffffffu, 0, 0, 0, 1, 0xffffffffu}, /* p - 1 */
    {0xffffffffu, 0xffffffffu, 0xffffffffu, 0, 0, 0, 1, 0xffffffffu}, /* p */
    {0, 0, 0, 1, 0, 0, 1, 0xffffffffu},                             /* p + 1 */
    {0xfffffffdu, 0xffffffffu, 0xffffffffu, 0, 0, 0, 1, 0xffffffffu}, /* p - 2 */
    {1, 0, 0, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xfffffffeu, 0}, /* 2^256 - p */
    {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
     0xffffffffu, 0xffffffffu},                                    /* 2^256 - 1, all ones */
    {0xfffffffeu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
     0xffffffffu, 0xffffffffu},                                    /* 2^256 - 2 */
    {0xffffffffu, 0, 0xffffffffu, 0, 0xffffffffu, 0, 0xffffffffu, 0}, /* alternating */
    {0, 0xffffffffu, 0, 0xffffffffu, 0, 0xffffffffu, 0, 0xffffffffu},
    {0x80000000u, 0x80000000u, 0x80000000u, 0x80000000u, 0x80000000u, 0x80000000u,
     0x80000000u, 0x80000000u},
    {0x7fffffffu, 0x7fffffffu, 0x7fffffffu, 0x7fffffffu, 0x7fffffffu, 0x7fffffffu,
     0x7fffffffu, 0x7fffffffu},
    {1, 1, 1, 1, 1, 1, 1, 1},
    {0, 0, 0, 0, 0, 0, 0, 0x80000000u},                             /* 2^255 */
    {0, 0, 0, 0, 0, 0, 0, 1},                                      /* 2^224 */
    {0, 0, 0, 0, 0, 0, 1, 0},                                      /* 2^192 */
    {0, 0, 0, 1, 0, 0, 0, 0},                                      /* 2^96 */
    {0, 0, 0x80000000u, 0, 0, 0, 0, 0},                             /* 2^95 */
    {0, 1, 0, 0, 0, 0, 0, 0},                                      /* 2^32 */
    {0x80000000u, 0, 0, 0, 0, 0, 0, 0},                             /* 2^31 */
    {0, 0, 0, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0}, /* the middle words */
};
#define EDGE_COUNT (sizeof edge / sizeof edge[0])

static uint32_t rng_state = 0x2545f491u; /* fixed: every run checks the same cases */

static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

/* n words, either all random or each drawn from edge_words (or random). */
static void random_words(uint32_t *w, unsigned n, int structured)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        uint32_t x = xorshift32();
        w[i] = structured && (x & 7u) != 7u ? edge_words[(x >> 3) & 7u] : xorshift32();
    }
}

static int same(const uint32_t *x, const uint32_t *y, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return 0;
        }
    }
    return 1;
}

static void put_words(const char *name, const uint32_t *w, unsigned n)
{
    uart_puts("[p256]   ");
    uart_puts(name);
    uart_puts(" =");
    while (n-- > 0) { /* most significant word first */
        uart_puts(" ");
        uart_put_hex(w[n]);
    }
    uart_puts("\n");
}

static void mismatch(const char *op, uint32_t n, const uint32_t *a, unsigned a_words,
                     const uint32_t *b, const uint32_t *got, const uint32_t *want)
{
    uart_puts("[p256] mul_check MISMATCH op=");
    uart_puts(op);
    uart_puts(" case=");
    uart_put_dec(n);
    uart_puts("\n");
    put_words("a", a, a_words);
    if (b != 0) {
        put_words("b", b, P256_WORDS);
    }
    put_words("asm", got, P256_WORDS);
    put_words("ref", want, P256_WORDS);
    uart_puts("[p256] mul_check FAILED\n[p256] done\n");
    cortexm_system_reset();
}

/* Every way of computing with (a, b): mul, both in place, sqr, sqr in place. */
static void check_pair(uint32_t n, const p256_fe a, const p256_fe b)
{
    p256_fe got, want, t;

    p256_fe_mul(got, a, b);
    p256_ref_fe_mul(want, a, b);
    if (!same(got, want, P256_WORDS)) {
        mismatch("mul", n, a, P256_WORDS, b, got, want);
    }
    p256_fe_copy(t, a);
    p256_fe_mul(t, t, b); /* r == a */
    if (!same(t, want, P256_WORDS)) {
        mismatch("mul r=a", n, a, P256_WORDS, b, t, want);
    }
    p256_fe_copy(t, b);
    p256_fe_mul(t, a, t); /* r == b */
    if (!same(t, want, P256_WORDS)) {
        mismatch("mul r=b", n, a, P256_WORDS, b, t, want);
    }
    p256_fe_sqr(got, a);
    p256_ref_fe_sqr(want, a);
    if (!same(got, want, P256_WORDS)) {
        mismatch("sqr", n, a, P256_WORDS, 0, got, want);
    }
    p256_fe_mul(t, a, a); /* the multiply's squares agree with the squaring */
    if (!same(t, want, P256_WORDS)) {
        mismatch("mul a=b", n, a, P256_WORDS, 0, t, want);
    }
    p256_fe_copy(t, a);
    p256_fe_sqr(t, t); /* r == a */
    if (!same(t, want, P256_WORDS)) {
        mismatch("sqr r=a", n, a, P256_WORDS, 0, t, want);
    }
}

typedef void (*mul_fn)(p256_fe r, const p256_fe a, const p256_fe b);
typedef void (*sqr_fn)(p256_fe r, const p256_fe a);

/* Instructions per call of f (under -icount shift=0), on a chain of
 * CHECK_TIMED products, the loop's own instructions included. */
static uint32_t cost_mul(mul_fn f)
{
    p256_fe x = {0x11111111u, 0x22222222u, 0x33333333u, 0x44444444u,
                 0x55555555u, 0x66666666u, 0x77777777u, 0x78888888u};
    uint32_t i, t0 = timer_ticks();

    for (i = 0; i < CHECK_TIMED; i++) {
        f(x, x, edge[8]);
    }
    return (timer_ticks() - t0) * NS_PER_TICK / CHECK_TIMED;
}

static uint32_t cost_sqr(sqr_fn f)
{
    p256_fe x = {0x11111111u, 0x22222222u, 0x33333333u, 0x44444444u,
                 0x55555555u, 0x66666666u, 0x77777777u, 0x78888888u};
    uint32_t i, t0 = timer_ticks();

    for (i = 0; i < CHECK_TIMED; i++) {
        f(x, x);
    }
    return (timer_ticks() - t0) * NS_PER_TICK / CHECK_TIMED;
}

int main(void)
{
    uint32_t n = 0, i, j;
    p256_fe a, b, got, want;
    uint32_t c[16];

    uart_init();
    for (i = 0; i < EDGE_COUNT; i++) {
        for (j = 0; j < EDGE_COUNT; j++) {
            check_pair(n++, edge[i], edge[j]);
        }
    }
    for (i = 0; i < CHECK_RANDOM; i++) {
        random_words(a, P256_WORDS, i & 1u);
        random_words(b, P256_WORDS, i & 1u);
        check_pair(n++, a, b);
    }
    /* The reduction alone: its rare paths (a carry out of or a borrow below
     * 2^256 after the fold, a result >= p) need words at extremes. */
    for (i = 0; i < CHECK_REDUCE; i++) {
        random_words(c, 16, i & 1u);
        p256_fe_reduce_armv7m(got, c);
        p256_fe_reduce(want, c);
        if (!same(got, want, P256_WORDS)) {
            mismatch("reduce", i, c, 16, 0, got, want);
        }
    }
    uart_puts("[p256] mul_check edge=");
    uart_put_dec(EDGE_COUNT * EDGE_COUNT);
    uart_puts(" random=");
    uart_put_dec(CHECK_RANDOM);
    uart_puts(" reduce=");
    uart_put_dec(CHECK_REDUCE);
    uart_puts(" ok\n");
    timer_start();
    uart_puts("[p256] mul_cost mul_asm=");
    uart_put_dec(cost_mul(p256_fe_mul));
    uart_puts(" mul_c=");
    uart_put_dec(cost_mul(p256_ref_fe_mul));
    uart_puts(" sqr_asm=");
    uart_put_dec(cost_sqr(p256_fe_sqr));
    uart_puts(" sqr_c=");
    uart_put_dec(cost_sqr(p256_ref_fe_sqr));
    uart_puts("\n[p256] done\n");
    cortexm_system_reset();
}
