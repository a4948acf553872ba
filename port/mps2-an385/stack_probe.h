/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The stack one call needs, measured on the target: the call runs on a
 * region of its own, painted with CORTEXM_STACK_PAINT beforehand; afterwards
 * the deepest word that no longer holds the paint gives the bytes it used:
 * its own frames, everything it called, and the hooks it called (flash and
 * transport operations, the application's callbacks), which run on the same
 * stack.
 *
 * A hook reports where the stack stood when it was entered with
 * stack_probe_mark(), so a port can tell how much of a call's depth is
 * there before its own driver or callback code adds its frames.
 *
 * Painting finds the deepest word written. A frame slot that is reserved but
 * never written, below everything else, is not seen (compilers put
 * outgoing arguments and locals there; the error is at most that unwritten
 * part of the deepest frame).
 *
 * Interrupts must stay off while a probe runs (nothing in the benchmark
 * enables any): an exception would stack its frame in the region.
 */
#ifndef MPS2_STACK_PROBE_H
#define MPS2_STACK_PROBE_H

#include <stdint.h>
#include "cortexm.h"

/* Size of the painted region: a call that uses all of it has overflowed. */
#define STACK_PROBE_BYTES 16384u

enum stack_probe_hook {
    STACK_PROBE_FLASH,    /* a flash operation (read, program, erase) */
    STACK_PROBE_NET,      /* a transport operation or the clock */
    STACK_PROBE_CALLBACK, /* an application callback (progress, reboot) */
    STACK_PROBE_HOOKS
};

struct stack_probe_result {
    uint32_t used;                       /* bytes of the region written */
    uint32_t hook_at[STACK_PROBE_HOOKS]; /* deepest depth at a hook's entry,
                                            0 when none was called */
};

/* Runs fn(ctx) on the freshly painted region and returns its result. */
int stack_probe_run(int (*fn)(void *ctx), void *ctx, struct stack_probe_result *r);

/* Internal to stack_probe_mark(): the running probe (NULL: none) and the
 * region's top. */
extern struct stack_probe_result *stack_probe_current;
extern const uintptr_t stack_probe_top;

/* For hooks: notes the current depth when a probe runs (else nothing).
 * Inline and without a call, so that marking adds no frame of its own to the
 * depth it measures. */
static inline __attribute__((always_inline)) void stack_probe_mark(enum stack_probe_hook hook)
{
    struct stack_probe_result *r = stack_probe_current;
    if (r != 0) {
        uint32_t depth = (uint32_t)(stack_probe_top - cortexm_stack_pointer());
        if (depth > r->hook_at[hook])
            r->hook_at[hook] = depth;
    }
}

#endif
