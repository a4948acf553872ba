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
 *
 * Threads: each call uses only cfg->buf besides the flash; calls that share
 * a cfg (and so its buffer) must not run at the same time, and when another
 * thread may use the same flash device meanwhile (a staging, ferry/stage.h),
 * the port's flash operations serialize themselves. The only state kept is
 * the rejection flag of ferry_app_reject(). Stack: bench/app-stack.md
 * (measured on a Cortex-M3).
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

/* Makes the running trial image permanent. 0 also when it already was.
 * FERRY_E_STATE after ferry_app_reject() in this run. */
int ferry_app_confirm(const struct ferry_app_config *cfg);

/*
 * Fails the running trial image now, for an application that knows it is
 * broken (a self-test failed, it cannot reach its server). Returns 0 when
 * the image is on trial: from then on ferry_app_confirm() refuses
 * (FERRY_E_STATE) for the rest of this run, and the caller resets the
 * device; the bootloader then restores the previous image, as it does for
 * every trial image that reaches a reset unconfirmed (the boot record says
 * FERRY_REVERT_NOT_CONFIRMED). Nothing is written to flash: the bootloader
 * marks a trial image "booted" before it starts it, so an unconfirmed trial
 * already means "revert at the next reset", and a power cut before the
 * reset does the same. One exception, by design: when the previous image no
 * longer verifies, the bootloader keeps the trial image (and confirms it)
 * rather than leave nothing to run; the boot record's backup_damaged says so.
 * The flag lasts until the next reset (a device runs one image per boot). Errors: FERRY_E_STATE when the running image is
 * not on trial (a confirmed image cannot be rejected: stage an update, or a
 * signed revert image, instead), and those of ferry_app_get_state().
 */
int ferry_app_reject(const struct ferry_app_config *cfg);

#endif
