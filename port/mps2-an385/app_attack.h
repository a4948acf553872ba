/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a compromised application would do to the anti-rollback counter
 * store and the key revocation store once it runs (the app-v4 demo build,
 * tests/qemu "counter_lock").
 * Every attack must end in a fault (app_fault.c reports it and resets); if
 * one returns, the store was written and app_attack_counter() says so.
 *
 *   1  erase the whole store through the port's flash driver (counter 0)
 *   2  a wild store: zeros over the first word of bank 0's header
 *   3  drop to unprivileged mode (with a full-access background region of
 *      its own below the lock's), then turn the MPU off and write the store
 *   4  a wild store with FAULTMASK set (priority -1, where the MPU is off
 *      unless HFNMIENA is set): the core locks up instead, and the trial
 *      watchdog resets it
 *   5  erase the whole revocation store through the flash driver
 *   6  a wild store: zeros over the revocation store's first word
 */
#ifndef MPS2_APP_ATTACK_H
#define MPS2_APP_ATTACK_H

#include <stdint.h>

/* Runs attack `mode` (1..6); returns only if the store could be written
 * (or for an unknown mode, after saying so). */
void app_attack_counter(uint32_t mode);

#endif
