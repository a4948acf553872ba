/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The network of the OTA demo application (app_ota_main.c): the LAN9118,
 * lwIP (NO_SYS, port/lwip) with DHCP, and the HTTP client the update agent
 * uses. Everything is static; one instance per program.
 *
 *   ota_net_up()          brings up the chip and lwIP and waits for a DHCP
 *                         lease (prints "[ota] dhcp ...")
 *   ota_net_http()        the HTTP client over that stack; which transports
 *                         it holds (http:// only, or also https://) is the
 *                         choice of the ota_http_*.c file linked
 *                         (ota_http_client_init, below)
 *
 * The wait loops of the transport call ota_net_poll(), which hands waiting
 * frames to lwIP, feeds the watchdog (a download takes seconds, the watchdog
 * period is shorter) and accounts idle and busy time for the measurements
 * (-icount: timer ticks count instructions).
 */
#ifndef MPS2_OTA_NET_H
#define MPS2_OTA_NET_H

#include <stdint.h>
#include "ferry/http.h"
#include "ferry/transport.h"

/* Per connect/send/recv: well above QEMU's first-byte delay of a forwarded
 * connection (up to about 1 s, docs/port-lwip.md section 6; more on a
 * loaded host, where the bridge process QEMU starts per connection is slow
 * to come up). */
#ifndef OTA_HTTP_TIMEOUT_MS
#define OTA_HTTP_TIMEOUT_MS 5000u
#endif
#define OTA_DHCP_WAIT_MS 10000u

/* Busy/idle split of the time spent in the network's wait loops, in timer
 * ticks (25 MHz; 40 instructions each under -icount shift=0). Reset with
 * ota_net_stats_reset(); `busy` is everything that was not spinning for a
 * frame: lwIP, the driver, and what the caller did with the bytes. */
struct ota_net_stats {
    uint32_t start, idle_ticks, idle_polls;
};

/* Starts the clock, the chip, lwIP and DHCP; FERRY_OK once an address is
 * leased, else FERRY_E_* (printed). */
int ota_net_up(void);

/* The port's millisecond clock (net_clock.h), valid after ota_net_up. */
const struct ferry_clock *ota_net_clock(void);

/* The HTTP client over lwIP, valid after ota_net_up. */
const struct ferry_http_client *ota_net_http(void);

/* The transport's poll hook (also for callers that wait by themselves). */
void ota_net_poll(void *ctx);

void ota_net_stats_reset(void);
/* Ticks since the reset, and the idle part of them. */
void ota_net_stats(uint32_t *total_ticks, uint32_t *idle_ticks);

/* Prints the chip's frame counters: "[ota] eth tx N rx N ...". */
void ota_net_report(void);

/*
 * Fills the HTTP client's transports: `tcp` is the plain TCP transport over
 * lwIP. Defined by the linked ota_http_*.c: ota_http_plain.c sets `plain`
 * only (https:// URLs are then refused with FERRY_E_UNSUPPORTED); a TLS file
 * sets `tls` to a TLS transport over the same `tcp` as well.
 */
void ota_http_client_init(struct ferry_http_client *c, const struct ferry_transport *tcp);

#endif
