/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: the application side of a trial boot.
 *
 * A freshly installed image runs on trial. It must call ferry_app_confirm()
 * once it has checked itself (it talks to its server, its peripherals work);
 * if the device restarts before that, the bootloader restores the previous
 * image. Confirming is one small flash program in the status area and is
 * idempotent. The application needs the same slot description as the
 * bootloader (usually a shared board header), but no keys.
 */
#ifndef FERRY_APP_H
#define FERRY_APP_H

#include <stddef.h>
#include <stdint.h>
#include "ferry/flash.h"

struct ferry_app_config {
    struct ferry_area primary;
    struct ferry_area staging;
    struct ferry_area status;
    uint8_t *buf;        /* scratch: at least the status area's program unit */
    size_t buf_len;
};

enum ferry_app_state {
    FERRY_APP_CONFIRMED = 0, /* the running image is confirmed (or was never on trial) */
    FERRY_APP_TRIAL = 1,     /* running on trial: confirm, or be reverted at the next reset */
};

/* Errors: storage errors; FERRY_E_STATE if the status says no image should be
 * running (an install or revert is unfinished: the bootloader was bypassed). */
int ferry_app_get_state(const struct ferry_app_config *cfg, enum ferry_app_state *state);

/* Makes the running trial image permanent. 0 also when it already was. */
int ferry_app_confirm(const struct ferry_app_config *cfg);

#endif
