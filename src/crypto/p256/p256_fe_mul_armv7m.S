@ SPDX-License-Identifier: Apache-2.0
@
@ P-256 field multiplication and squaring (p256_priv.h) in Thumb-2 assembly
@ for ARMv7-M (Cortex-M3 and up), in place of p256_fe_mul_comba.c or
@ p256_fe_mul_loop.c: exactly one p256_fe_mul_* file is linked
@ (port/mps2-an385/p256.cmake, docs/p256.md). Host builds keep the C files.
@
@ Contract (the C versions' one):
@   void p256_fe_mul(p256_fe r, const p256_fe a, const p256_fe b);  r = a b mod p
@   void p256_fe_sqr(p256_fe r, const p256_fe a);                   r = a^2 mod p
@   Numbers are 8 little-endian 32-bit words. a and b may be any 256-bit
@   values (reduced or not); r is always fully reduced (0 <= r < p). r may
@   alias a or b: r is written only at the very end, after every read.
@   AAPCS: r4-r11 are saved; 64 bytes of product and 40 of saved registers
@   on the stack (104 bytes in all), no other memory is touched.
@
@ Also exported, for the target-side check (port/mps2-an385/p256_mul_check.c):
@   void p256_fe_reduce_armv7m(p256_fe r, const uint32_t c[16]);
@   the reduction below on its own, with p256_fe_reduce()'s contract (any
@   512-bit c). p256_fe_reduce() in p256_fe.c stays the reference.
@
@ Why this shape. The Cortex-M3 has UMULL (64-bit product) and UMLAL
@ (64-bit multiply-accumulate) but not UMAAL (multiply and add two 32-bit
@ words), which is M4/DSP only, and UMLAL sets no flags. So:
@   - Products go by rows (operand scanning): for a row a_i * b, each word
@     takes "mov h, #0; umlal t, h, a_i, b_j; adcs t, t, h_prev": (h:t) =
@     t + a_i b_j cannot overflow, and the previous high word h_prev rides
@     one carry chain along the row (UMLAL, MOV.W, LDR and STR leave the
@     flags alone). 3 instructions per product instead of the 4 of a
@     3-word column accumulator (UMULL, ADDS, ADCS, ADC), and the running
@     row sits in registers: 8 words of it, a_i, two high words and a pair
@     of b words loaded with one LDRD.
@   - Squaring computes the 28 cross products the same way, doubles them
@     with one ADCS chain and adds the 8 squares with another.
@   - The reduction is p256_fe_reduce()'s (FIPS 186-4 D.2.3), but as whole
@     256-bit rows: r = s1 + 2 s2 + 2 s3 + s4 + s5 - d1 - d2 - d3 - d4, each
@     row one ADCS/SBCS chain over the 8 result words held in registers,
@     with the signed carry k above them in a ninth: -4 <= k <= 5, as the
@     added rows sum to less than 6 2^256 and the subtracted ones to less
@     than 4 2^256. k 2^256 is folded back as k (2^256 - p) =
@     k (2^224 - 2^192 - 2^96 + 1) with one more chain; that chain carries
@     out only for results within k (2^256 - p) of 2^256 (or borrows only
@     below that much above 0), where one more fold of +-(2^256 - p) ends
@     it, and one subtraction of p, only when the top word is all ones,
@     completes the reduction.
@ Not constant time (nothing secret: docs/p256.md); the rare paths branch.

@ Thumb-2 with UMULL/UMLAL and LDRD/STRD: ARMv7-M, ARMv7E-M (where UMAAL
@ would allow a faster multiply) and ARMv8-M Mainline; not ARMv6-M.
#if !defined(__ARM_ARCH_7M__) && !defined(__ARM_ARCH_7EM__) && !defined(__ARM_ARCH_8M_MAIN__)
#error "p256_fe_mul_armv7m.S needs ARMv7-M (Thumb-2); use p256_fe_mul_comba.c elsewhere"
#endif

    .syntax unified
    .thumb
    .text

@ Stack frame of all three functions, after "push {r0, r4-r11, lr}; sub sp, #64":
@   [sp, #0 .. #63]  the 16-word product c (p256_fe_mul keeps its copy of b
@                    in words 8..15 until the last row has used it)
@   [sp, #64]        r (the saved r0)
    .equ C_OFF, 0
    .equ B_OFF, 32
    .equ R_OFF, 64

@ ---- One product of a row (r0 = a_i) ---------------------------------------
@ The row's first product, onto a word t the earlier rows left: (h:t) = t + r0 b.
    .macro P0 t, h, b
    mov.w   \h, #0
    umlal   \t, \h, r0, \b
    .endm
@ The second: the same, then t += h_prev, which starts the row's carry chain.
    .macro P1 t, h, b, hp
    mov.w   \h, #0
    umlal   \t, \h, r0, \b
    adds    \t, \t, \hp
    .endm
@ The others: t += h_prev + carry.
    .macro PN t, h, b, hp
    mov.w   \h, #0
    umlal   \t, \h, r0, \b
    adcs    \t, \t, \hp
    .endm
@ The same three for the first row, where no word exists yet: (h:t) = r0 b.
    .macro F0 t, h, b
    umull   \t, \h, r0, \b
    .endm
    .macro F1 t, h, b, hp
    umull   \t, \h, r0, \b
    adds    \t, \t, \hp
    .endm
    .macro FN t, h, b, hp
    umull   \t, \h, r0, \b
    adcs    \t, \t, \hp
    .endm
@ The row's top word: h + carry (cannot overflow: the row's sum fits).
    .macro TOP h
    adc     \h, \h, #0
    .endm

@ ---- p256_fe_mul ------------------------------------------------------------
@ Row i (i >= 1) of a b: words i .. i+7 of c are in w0..w7, x is free; adds
@ a_i b to them, leaves word i+8 in x and stores word i, which is final.
@ Register use: r0 a_i, r1 a, r2/r3 a pair of b's words, r12 and x the
@ alternating high words; the next row's window is w1..w7, x and its free
@ register is w0.
    .macro MROW off, w0, w1, w2, w3, w4, w5, w6, w7, x
    ldr     r0, [r1, #\off]
    ldrd    r2, r3, [sp, #B_OFF]
    P0      \w0, r12, r2
    P1      \w1, \x, r3, r12
    ldrd    r2, r3, [sp, #B_OFF + 8]
    PN      \w2, r12, r2, \x
    PN      \w3, \x, r3, r12
    ldrd    r2, r3, [sp, #B_OFF + 16]
    PN      \w4, r12, r2, \x
    PN      \w5, \x, r3, r12
    ldrd    r2, r3, [sp, #B_OFF + 24]
    PN      \w6, r12, r2, \x
    PN      \w7, \x, r3, r12
    TOP     \x
    str     \w0, [sp, #C_OFF + \off]
    .endm

    .section .text.p256_fe_mul_armv7m, "ax", %progbits
    .global p256_fe_mul
    .type   p256_fe_mul, %function
    .thumb_func
p256_fe_mul:
    push    {r0, r4-r11, lr}
    ldm     r2, {r3-r10}            @ b, copied: r may alias it
    push    {r3-r10}                @ -> words 8..15 of the frame's c
    sub     sp, #32
    @ Row 0: c0..c7 in r4..r11, c8 in lr.
    ldr     r0, [r1]
    ldrd    r2, r3, [sp, #B_OFF]
    F0      r4, r12, r2
    F1      r5, lr, r3, r12
    ldrd    r2, r3, [sp, #B_OFF + 8]
    FN      r6, r12, r2, lr
    FN      r7, lr, r3, r12
    ldrd    r2, r3, [sp, #B_OFF + 16]
    FN      r8, r12, r2, lr
    FN      r9, lr, r3, r12
    ldrd    r2, r3, [sp, #B_OFF + 24]
    FN      r10, r12, r2, lr
    FN      r11, lr, r3, r12
    TOP     lr
    str     r4, [sp, #C_OFF]
    @ Rows 1..7: the window moves up one word per row.
    MROW    4,  r5, r6, r7, r8, r9, r10, r11, lr, r4
    MROW    8,  r6, r7, r8, r9, r10, r11, lr, r4, r5
    MROW    12, r7, r8, r9, r10, r11, lr, r4, r5, r6
    MROW    16, r8, r9, r10, r11, lr, r4, r5, r6, r7
    MROW    20, r9, r10, r11, lr, r4, r5, r6, r7, r8
    MROW    24, r10, r11, lr, r4, r5, r6, r7, r8, r9
    MROW    28, r11, lr, r4, r5, r6, r7, r8, r9, r10
    @ c8..c15 are in lr, r4..r10; b is no longer needed: store them over it.
    str     lr, [sp, #C_OFF + 32]
    add     r0, sp, #C_OFF + 36
    stm     r0, {r4-r10}
    b       .Lreduce
    .size   p256_fe_mul, . - p256_fe_mul

@ ---- p256_fe_sqr ------------------------------------------------------------
@ Cross products a_i a_j (i < j) by rows: row i adds a_i (a_(i+1) .. a_7)
@ at word 2i+1; afterwards words 2i+1 and 2i+2 are final and stored. Then
@ c = 2 (cross) + the squares a_i^2 at word 2i. r1 = a throughout.
    .global p256_fe_sqr
    .type   p256_fe_sqr, %function
    .thumb_func
p256_fe_sqr:
    push    {r0, r4-r11, lr}
    sub     sp, #64
    @ Row 0: a0 (a1..a7) -> words 1..7 in r4..r10, word 8 in r12.
    ldr     r0, [r1]
    ldrd    r2, r3, [r1, #4]        @ a1, a2
    F0      r4, r12, r2
    F1      r5, lr, r3, r12
    ldrd    r2, r3, [r1, #12]       @ a3, a4
    FN      r6, r12, r2, lr
    FN      r7, lr, r3, r12
    ldrd    r2, r3, [r1, #20]       @ a5, a6
    FN      r8, r12, r2, lr
    FN      r9, lr, r3, r12
    ldr     r2, [r1, #28]           @ a7
    FN      r10, r12, r2, lr
    TOP     r12
    strd    r4, r5, [sp, #C_OFF + 4]
    @ Row 1: a1 (a2..a7) onto words 3..8 (r6..r10, r12), word 9 in r5.
    ldr     r0, [r1, #4]
    ldrd    r2, r3, [r1, #8]        @ a2, a3
    P0      r6, r4, r2
    P1      r7, r5, r3, r4
    ldrd    r2, r3, [r1, #16]       @ a4, a5
    PN      r8, r4, r2, r5
    PN      r9, r5, r3, r4
    ldrd    r2, r3, [r1, #24]       @ a6, a7
    PN      r10, r4, r2, r5
    PN      r12, r5, r3, r4
    TOP     r5
    strd    r6, r7, [sp, #C_OFF + 12]
    @ Row 2: a2 (a3..a7) onto words 5..9 (r8, r9, r10, r12, r5), word 10 in r4.
    ldr     r0, [r1, #8]
    ldrd    r2, r3, [r1, #12]       @ a3, a4
    P0      r8, r4, r2
    P1      r9, r6, r3, r4
    ldrd    r2, r3, [r1, #20]       @ a5, a6
    PN      r10, r4, r2, r6
    PN      r12, r6, r3, r4
    ldr     r2, [r1, #28]           @ a7
    PN      r5, r4, r2, r6
    TOP     r4
    strd    r8, r9, [sp, #C_OFF + 20]
    @ Row 3: a3 (a4..a7) onto words 7..10 (r10, r12, r5, r4), word 11 in r7.
    ldr     r0, [r1, #12]
    ldrd    r2, r3, [r1, #16]       @ a4, a5
    P0      r10, r6, r2
    P1      r12, r7, r3, r6
    ldrd    r2, r3, [r1, #24]       @ a6, a7
    PN      r5, r6, r2, r7
    PN      r4, r7, r3, r6
    TOP     r7
    strd    r10, r12, [sp, #C_OFF + 28]
    @ Row 4: a4 (a5..a7) onto words 9..11 (r5, r4, r7), word 12 in r6.
    ldr     r0, [r1, #16]
    ldrd    r2, r3, [r1, #20]       @ a5, a6
    P0      r5, r6, r2
    P1      r4, r8, r3, r6
    ldr     r2, [r1, #28]           @ a7
    PN      r7, r6, r2, r8
    TOP     r6
    strd    r5, r4, [sp, #C_OFF + 36]
    @ Row 5: a5 (a6, a7) onto words 11, 12 (r7, r6), word 13 in r9.
    ldr     r0, [r1, #20]
    ldrd    r2, r3, [r1, #24]       @ a6, a7
    P0      r7, r8, r2
    P1      r6, r9, r3, r8
    TOP     r9
    strd    r7, r6, [sp, #C_OFF + 44]
    @ Row 6: a6 a7 onto word 13 (r9), word 14 in r10 (one product: no chain).
    ldr     r0, [r1, #24]
    ldr     r2, [r1, #28]
    P0      r9, r10, r2
    strd    r9, r10, [sp, #C_OFF + 52]
    @ Low half: words 0..7 = 2 (cross words 1..7) + a0^2, a1^2, a2^2, a3^2.
    @ Word 0 of the cross products is 0 (r4 gets a0^2's low word).
    ldm     sp, {r4-r11}
    mov.w   r12, #0
    adds    r5, r5, r5
    adcs    r6, r6, r6
    adcs    r7, r7, r7
    adcs    r8, r8, r8
    adcs    r9, r9, r9
    adcs    r10, r10, r10
    adcs    r11, r11, r11
    adc     r12, r12, #0            @ the doubling's carry into word 8
    ldrd    r2, r3, [r1]            @ a0, a1
    umull   r4, r0, r2, r2
    adds    r5, r5, r0
    umull   r2, r0, r3, r3
    adcs    r6, r6, r2
    adcs    r7, r7, r0
    ldrd    r2, r3, [r1, #8]        @ a2, a3
    umull   r2, r0, r2, r2
    adcs    r8, r8, r2
    adcs    r9, r9, r0
    umull   r2, r0, r3, r3
    adcs    r10, r10, r2
    adcs    r11, r11, r0
    mov.w   lr, #0
    adc     lr, lr, #0              @ the squares' carry into word 8
    stm     sp, {r4-r11}
    @ High half: words 8..15, the same with both carries taken up again.
    add     r0, sp, #C_OFF + 32
    ldm     r0, {r4-r10}            @ cross words 8..14
    mov.w   r11, #0                 @ cross word 15 is 0
    lsrs    r12, r12, #1            @ C = the doubling's carry
    adcs    r4, r4, r4
    adcs    r5, r5, r5
    adcs    r6, r6, r6
    adcs    r7, r7, r7
    adcs    r8, r8, r8
    adcs    r9, r9, r9
    adcs    r10, r10, r10
    adc     r11, r11, #0
    lsrs    lr, lr, #1              @ C = the squares' carry
    ldrd    r2, r3, [r1, #16]       @ a4, a5
    umull   r2, r12, r2, r2
    adcs    r4, r4, r2
    adcs    r5, r5, r12
    umull   r2, r12, r3, r3
    adcs    r6, r6, r2
    adcs    r7, r7, r12
    ldrd    r2, r3, [r1, #24]       @ a6, a7
    umull   r2, r12, r2, r2
    adcs    r8, r8, r2
    adcs    r9, r9, r12
    umull   r2, r12, r3, r3
    adcs    r10, r10, r2
    adc     r11, r11, r12
    stm     r0, {r4-r11}
    b       .Lreduce
    .size   p256_fe_sqr, . - p256_fe_sqr

@ ---- p256_fe_reduce_armv7m: the reduction on its own (for the check) -------
    .global p256_fe_reduce_armv7m
    .type   p256_fe_reduce_armv7m, %function
    .thumb_func
p256_fe_reduce_armv7m:
    push    {r0, r4-r11, lr}
    sub     sp, #64
    ldm     r1!, {r4-r11}
    stm     sp, {r4-r11}
    ldm     r1, {r4-r11}
    add     r0, sp, #C_OFF + 32
    stm     r0, {r4-r11}
    @ fall through
    .size   p256_fe_reduce_armv7m, . - p256_fe_reduce_armv7m

@ ---- The reduction: c in the frame -> r, then return from the frame --------
@ The result words w0..w7 are r4..r11, the signed carry k above them is lr;
@ the rows' words of c come into r0..r3 and r12 (cN below is word N of c).
.Lreduce:
    ldm     sp, {r4-r11}            @ s1 = c0..c7
    mov.w   lr, #0
    ldrd    r0, r1, [sp, #C_OFF + 44]   @ c11, c12
    ldrd    r2, r3, [sp, #C_OFF + 52]   @ c13, c14
    ldr     r12, [sp, #C_OFF + 60]      @ c15
    @ + 2 s2: (c15, c14, c13, c12, c11, 0, 0, 0), words 7..0
    .rept 2
    adds    r7, r7, r0
    adcs    r8, r8, r1
    adcs    r9, r9, r2
    adcs    r10, r10, r3
    adcs    r11, r11, r12
    adc     lr, lr, #0
    .endr
    @ + 2 s3: (0, c15, c14, c13, c12, 0, 0, 0)
    .rept 2
    adds    r7, r7, r1
    adcs    r8, r8, r2
    adcs    r9, r9, r3
    adcs    r10, r10, r12
    adcs    r11, r11, #0
    adc     lr, lr, #0
    .endr
    @ - d2: (c11, c9, 0, 0, c15, c14, c13, c12)
    subs    r4, r4, r1
    sbcs    r5, r5, r2
    sbcs    r6, r6, r3
    sbcs    r7, r7, r12
    ldr     r1, [sp, #C_OFF + 36]       @ c9
    sbcs    r8, r8, #0
    sbcs    r9, r9, #0
    sbcs    r10, r10, r1
    sbcs    r11, r11, r0
    sbc     lr, lr, #0
    @ - d4: (c13, 0, c11, c10, c9, 0, c15, c14); r0 c11, r1 c9, r2 c13, r3 c14, r12 c15
    subs    r4, r4, r3
    sbcs    r5, r5, r12
    sbcs    r6, r6, #0
    sbcs    r7, r7, r1
    ldr     r3, [sp, #C_OFF + 40]       @ c10
    sbcs    r8, r8, r3
    sbcs    r9, r9, r0
    sbcs    r10, r10, #0
    sbcs    r11, r11, r2
    sbc     lr, lr, #0
    @ + s5: (c8, c13, c15, c14, c13, c11, c10, c9); r0 c11, r1 c9, r2 c13, r3 c10, r12 c15
    adds    r4, r4, r1
    adcs    r5, r5, r3
    adcs    r6, r6, r0
    adcs    r7, r7, r2
    ldr     r1, [sp, #C_OFF + 56]       @ c14
    adcs    r8, r8, r1
    adcs    r9, r9, r12
    adcs    r10, r10, r2
    ldr     r0, [sp, #C_OFF + 32]       @ c8
    adcs    r11, r11, r0
    adc     lr, lr, #0
    @ - d3: (c12, 0, c10, c9, c8, c15, c14, c13); r0 c8, r1 c14, r2 c13, r3 c10, r12 c15
    subs    r4, r4, r2
    sbcs    r5, r5, r1
    sbcs    r6, r6, r12
    sbcs    r7, r7, r0
    ldr     r2, [sp, #C_OFF + 36]       @ c9
    sbcs    r8, r8, r2
    sbcs    r9, r9, r3
    sbcs    r10, r10, #0
    ldr     r1, [sp, #C_OFF + 48]       @ c12
    sbcs    r11, r11, r1
    sbc     lr, lr, #0
    @ + s4: (c15, c14, 0, 0, 0, c10, c9, c8); r0 c8, r1 c12, r2 c9, r3 c10, r12 c15
    adds    r4, r4, r0
    adcs    r5, r5, r2
    adcs    r6, r6, r3
    adcs    r7, r7, #0
    adcs    r8, r8, #0
    ldr     r2, [sp, #C_OFF + 56]       @ c14
    adcs    r9, r9, #0
    adcs    r10, r10, r2
    adcs    r11, r11, r12
    adc     lr, lr, #0
    @ - d1: (c10, c8, 0, 0, 0, c13, c12, c11); r0 c8, r1 c12, r3 c10
    ldr     r2, [sp, #C_OFF + 44]       @ c11
    ldr     r12, [sp, #C_OFF + 52]      @ c13
    subs    r4, r4, r2
    sbcs    r5, r5, r1
    sbcs    r6, r6, r12
    sbcs    r7, r7, #0
    sbcs    r8, r8, #0
    sbcs    r9, r9, #0
    sbcs    r10, r10, r0
    sbcs    r11, r11, r3
    sbc     lr, lr, #0
    @ Now c = k 2^256 + w (mod p); fold k 2^256 = k (2^256 - p).
    cmp     lr, #0
    beq     .Lcheck
    blt     .Lneg
    @ k > 0: w += F(k), F(k) = k (2^256 - p) = (k-1, -k-1, -1, -1, -k, 0, 0, k).
    rsb     r0, lr, #0
    mvn     r1, lr
    sub     r2, lr, #1
    adds    r4, r4, lr
    adcs    r5, r5, #0
    adcs    r6, r6, #0
    adcs    r7, r7, r0
    adcs    r8, r8, #0xffffffff
    adcs    r9, r9, #0xffffffff
    adcs    r10, r10, r1
    adcs    r11, r11, r2
    bcc     .Lcheck
    @ Carried out of 2^256 (w was within k (2^256 - p) of it): the carry is one
    @ more 2^256, so add F(1) = 2^256 - p = (0, -2, -1, -1, -1, 0, 0, 1);
    @ w < 6 (2^256 - p) < 2^256 now, so this cannot carry.
    adds    r4, r4, #1
    adcs    r5, r5, #0
    adcs    r6, r6, #0
    adcs    r7, r7, #0xffffffff
    adcs    r8, r8, #0xffffffff
    adcs    r9, r9, #0xffffffff
    sbcs    r10, r10, #1            @ = adcs #0xfffffffe (not an immediate)
    adcs    r11, r11, #0
    b       .Lcheck
.Lneg:
    @ k < 0, j = -k: w -= F(j) = (j-1, -j-1, -1, -1, -j, 0, 0, j).
    rsb     r0, lr, #0              @ j
    sub     r1, lr, #1              @ -j-1
    mvn     r2, lr                  @ j-1
    subs    r4, r4, r0
    sbcs    r5, r5, #0
    sbcs    r6, r6, #0
    sbcs    r7, r7, lr              @ -j
    sbcs    r8, r8, #0xffffffff
    sbcs    r9, r9, #0xffffffff
    sbcs    r10, r10, r1
    sbcs    r11, r11, r2
    bcs     .Lcheck
    @ Borrowed below 0 (w was below j (2^256 - p)): take one more 2^256 off,
    @ that is subtract F(1); w > 2^256 - 4 (2^256 - p) > 2^256 - p now, so
    @ this cannot borrow.
    subs    r4, r4, #1
    sbcs    r5, r5, #0
    sbcs    r6, r6, #0
    sbcs    r7, r7, #0xffffffff
    sbcs    r8, r8, #0xffffffff
    sbcs    r9, r9, #0xffffffff
    adcs    r10, r10, #1            @ = sbcs #0xfffffffe (not an immediate)
    sbcs    r11, r11, #0
.Lcheck:
    @ 0 <= w < 2^256 < 2p. w >= p needs w7 = 0xffffffff (p's top word).
    cmn     r11, #1
    beq     .Lmaybe_ge_p
.Lstore:
    ldr     r0, [sp, #R_OFF]
    stm     r0, {r4-r11}
    add     sp, #64
    pop     {r0, r4-r11, pc}
.Lmaybe_ge_p:
    @ w -= p; if that borrowed, w was below p: add p back.
    subs    r4, r4, #0xffffffff
    sbcs    r5, r5, #0xffffffff
    sbcs    r6, r6, #0xffffffff
    sbcs    r7, r7, #0
    sbcs    r8, r8, #0
    sbcs    r9, r9, #0
    sbcs    r10, r10, #1
    sbcs    r11, r11, #0xffffffff
    bcs     .Lstore
    adds    r4, r4, #0xffffffff
    adcs    r5, r5, #0xffffffff
    adcs    r6, r6, #0xffffffff
    adcs    r7, r7, #0
    adcs    r8, r8, #0
    adcs    r9, r9, #0
    adcs    r10, r10, #1
    adcs    r11, r11, #0xffffffff
    b       .Lstore
