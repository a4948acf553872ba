/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host's hooks for the TLS transport (port/tls-bearssl/include/ferry_tls.h):
 * entropy from the kernel's generator (getrandom(2)) and the wall clock
 * (time(2)). Host code, for the simulator's device and the host tests.
 */
#ifndef FERRY_SIM_TLS_HOOKS_H
#define FERRY_SIM_TLS_HOOKS_H

#include <stdint.h>

#include "ferry_tls.h"

/* getrandom(2), blocking until the kernel's pool is initialised; fails
   (FERRY_E_IO) only if the call does. ctx is unused. */
extern const struct ferry_tls_entropy ferry_sim_entropy;

/* time(2) as UTC seconds since 1970; fails if the call does. Also fits
   struct ferry_agent_config's unix_time. */
int ferry_sim_unix_time(void *ctx, uint64_t *unix_seconds);
extern const struct ferry_tls_time ferry_sim_time;

#endif
