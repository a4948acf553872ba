/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What lwIP needs from the device, for NO_SYS builds (port/lwip,
 * docs/port-lwip.md):
 *
 *  - a millisecond clock for sys_now(), lwIP's timer base: the same
 *    struct ferry_clock the HTTP client's deadlines use;
 *  - a seed for LWIP_RAND (first local TCP/UDP ports, DHCP transaction IDs):
 *    take it from a hardware source (a TRNG, ADC noise, a unique ID mixed
 *    with a boot counter). A constant seed makes every boot use the same
 *    ports. TCP's initial sequence numbers are lwIP's own counter; a product
 *    that wants RFC 6528 numbers defines LWIP_HOOK_TCP_ISN;
 *  - ferry_lwip_assert_failed, which the port defines: lwIP calls it when an
 *    internal assertion fails (a bug or corrupted memory). It must not
 *    return: log and reset.
 *
 * Call ferry_lwip_port_init before lwip_init().
 */
#ifndef FERRY_LWIP_PORT_H
#define FERRY_LWIP_PORT_H

#include <stdint.h>

#include "ferry/transport.h"

/* `clock` must stay valid; NULL is refused (sys_now would stand still and
   no lwIP timer would ever fire). Returns 0 or FERRY_E_INVAL. */
int ferry_lwip_port_init(const struct ferry_clock *clock, uint32_t seed);

/* Defined by the port (see above). */
void ferry_lwip_assert_failed(const char *msg) __attribute__((noreturn));

/* lwIP's hooks, defined in ferry_lwip_port.c: sys_now() (lwip/sys.h) and: */
uint32_t ferry_lwip_rand(void);

#endif
