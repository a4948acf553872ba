/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: the anti-rollback store, a monotonic counter behind a port hook.
 *
 * The bootloader reads the stored minimum security counter and refuses images
 * below it; it advances the minimum once an image is confirmed. Real parts
 * may back this with OTP or eFuses; src/boot/counter_flash.c provides a NOR-friendly
 * implementation in a reserved flash area.
 *
 * read(ctx, &v):    v = the stored minimum (0 when never set).
 *                   Errors: FERRY_E_IO, FERRY_E_CORRUPT.
 * advance(ctx, v):  raises the stored minimum to v; a v at or below the current
 *                   value is a successful no-op. Power-safe: after a cut the
 *                   store holds the old or the new value, never less than the old.
 *                   Errors: FERRY_E_IO, FERRY_E_NOSPC (store worn out).
 */
#ifndef FERRY_COUNTER_H
#define FERRY_COUNTER_H

#include <stdint.h>

struct ferry_counter_ops {
    int (*read)(void *ctx, uint32_t *value);
    int (*advance)(void *ctx, uint32_t value);
};

struct ferry_counter {
    const struct ferry_counter_ops *ops;
    void *ctx;
};

#endif
