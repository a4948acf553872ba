/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A struct ferry_transport (ferry/transport.h) over lwIP's raw TCP API, for
 * devices without an operating system (port/lwip, docs/port-lwip.md):
 *
 *   static uint8_t rx[FERRY_LWIP_TCP_RX_MIN];
 *   struct ferry_lwip_tcp tcp;
 *   struct ferry_lwip_tcp_config cfg = {
 *       .clock = &clock, .poll = my_netif_poll, .poll_ctx = &netif,
 *       .rx_buf = rx, .rx_size = sizeof rx };
 *   ferry_lwip_tcp_init(&tcp, &cfg);
 *   client.plain = &tcp.transport;
 *
 * Why the raw API: with NO_SYS=1 there are no threads, so lwIP's sequential
 * APIs (netconn, sockets) do not exist; the raw API is what is left, and the
 * smallest: no mailboxes, no per-connection task, no copies beyond the one
 * into the receive buffer. The price is that nothing runs by itself. Every
 * call of this transport therefore drives the stack while it waits: it calls
 * the port's `poll` hook (move received frames from the network driver into
 * lwIP; feed a watchdog if the port wants) and sys_check_timeouts() (TCP
 * retransmissions, ARP, DHCP renewals), in a loop, until its condition holds
 * or its timeout_ms has passed on `clock`. Between calls nobody drives lwIP:
 * a program that does other work for long should call the poll hook and
 * sys_check_timeouts() itself meanwhile (a TCP peer retransmits what was
 * not acknowledged, so nothing is lost, only slower).
 *
 * The contract of ferry/transport.h, in lwIP terms:
 *  - connect takes an IPv4 literal ("10.0.2.100"); there is no DNS (lwIP is
 *    built with LWIP_DNS=0, lwipopts.h): a name is FERRY_E_IO. Refused (RST),
 *    no route, no free PCB: FERRY_E_IO. No answer in timeout_ms:
 *    FERRY_E_TIMEOUT (the attempt is aborted).
 *  - send returns once all bytes are queued in lwIP (copied; not yet
 *    acknowledged), as a socket's send does; FERRY_E_TIMEOUT if the send
 *    buffer stayed full for timeout_ms; FERRY_E_IO once the connection is
 *    reset or closed by us.
 *  - recv returns buffered bytes first, then 0 once the peer's FIN is in,
 *    FERRY_E_IO after a reset, FERRY_E_TIMEOUT after timeout_ms of silence.
 *  - close is always safe (twice, without connect, after a reset). It sends
 *    a FIN (RST if lwIP cannot queue the FIN) and forgets unread bytes.
 *
 * Received bytes wait in the caller's rx_buf (a ring) until recv takes
 * them; lwIP's receive window is opened again only for the bytes taken, so
 * the peer never sends more than the buffer holds if rx_size >= TCP_WND
 * (FERRY_LWIP_TCP_RX_MIN). No malloc: lwIP's own static pools only.
 *
 * One connection at a time per struct; lwIP is not reentrant, so use it
 * from one context only (never from an interrupt handler).
 */
#ifndef FERRY_TRANSPORT_LWIP_H
#define FERRY_TRANSPORT_LWIP_H

#include <stddef.h>
#include <stdint.h>

#include "ferry/transport.h"
#include "lwip/opt.h"

/* The smallest receive buffer: lwIP's receive window. */
#define FERRY_LWIP_TCP_RX_MIN ((size_t)TCP_WND)

struct tcp_pcb;

struct ferry_lwip_tcp_config {
    const struct ferry_clock *clock; /* bounds each call's wait; required */
    void (*poll)(void *poll_ctx);    /* drives the network driver; NULL: nothing to drive */
    void *poll_ctx;
    uint8_t *rx_buf;                 /* received bytes not yet taken by recv */
    size_t rx_size;                  /* >= FERRY_LWIP_TCP_RX_MIN */
};

/* All fields but `transport` are the implementation's. */
struct ferry_lwip_tcp {
    struct ferry_transport transport; /* ops and ctx (= this struct) */
    struct ferry_lwip_tcp_config cfg;
    struct tcp_pcb *pcb;              /* NULL: no connection (or lwIP freed it) */
    size_t rx_head, rx_len;           /* the ring in cfg.rx_buf */
    int state;
    int error;                        /* FERRY_E_* after a reset */
    int peer_closed;                  /* FIN received */
};

/* Returns 0, or FERRY_E_INVAL (NULL clock or buffer, rx_size too small). */
int ferry_lwip_tcp_init(struct ferry_lwip_tcp *t, const struct ferry_lwip_tcp_config *cfg);

#endif
