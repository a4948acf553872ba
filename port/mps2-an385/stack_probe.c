/* SPDX-License-Identifier: Apache-2.0 */
/* Stack depth of one call on a painted region (stack_probe.h). */
#include <stddef.h>
#include <stdint.h>
#include "cortexm.h"
#include "stack_probe.h"

#define WORDS (STACK_PROBE_BYTES / 4u)

/* 8-byte aligned: the AAPCS wants that of the stack at every call. */
static uint32_t region[WORDS] __attribute__((aligned(8)));
struct stack_probe_result *stack_probe_current;
const uintptr_t stack_probe_top = (uintptr_t)(region + WORDS);

/*
 * Calls fn(ctx) with the stack pointer at `top` and puts it back afterwards.
 * Written out in assembly because C cannot move the stack pointer: the old
 * one is kept in r4 (callee-saved, so fn preserves it), and the return goes
 * through the frame pushed on the caller's own stack.
 */
#define BY_ASM __attribute__((unused)) /* parameters read by the assembly, not by C */
__attribute__((naked, noinline)) static int run_on(BY_ASM int (*fn)(void *ctx), BY_ASM void *ctx,
                                                   BY_ASM uint32_t *top)
{
    __asm__ volatile("push {r4, lr}\n\t"
                     "mov r4, sp\n\t"
                     "mov sp, r2\n\t"
                     "mov r3, r0\n\t"
                     "mov r0, r1\n\t"
                     "blx r3\n\t"
                     "mov sp, r4\n\t"
                     "pop {r4, pc}\n\t");
}

int stack_probe_run(int (*fn)(void *ctx), void *ctx, struct stack_probe_result *r)
{
    *r = (struct stack_probe_result){0};
    for (volatile uint32_t *p = region; p < region + WORDS; p++)
        *p = CORTEXM_STACK_PAINT;
    stack_probe_current = r;
    int ret = run_on(fn, ctx, region + WORDS);
    stack_probe_current = NULL;
    r->used = cortexm_stack_used(region, region + WORDS);
    return ret;
}
