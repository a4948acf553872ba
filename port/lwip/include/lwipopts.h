/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lwIP options for a small device that downloads updates over one plain TCP
 * connection at a time (port/lwip, docs/port-lwip.md). lwIP's opt.h gives
 * every option not set here its default; each choice below says why it
 * differs or why it is spelled out. A port that needs other values defines
 * them before this file is read: every value here is only a default
 * (#ifndef), so `-DTCP_MSS=536` or a FERRY_LWIP_OPTS_EXTRA header wins.
 *
 * Memory is all static: lwIP's heap (MEM_SIZE) and its pools (MEMP_*,
 * PBUF_POOL_*) are arrays in .bss; nothing calls malloc.
 */
#ifndef FERRY_LWIPOPTS_H
#define FERRY_LWIPOPTS_H

#ifdef FERRY_LWIP_OPTS_EXTRA
#include FERRY_LWIP_OPTS_EXTRA /* a port's own overrides, read first */
#endif

/* ---- System: no operating system ------------------------------------------ */
/* NO_SYS: no threads, no semaphores, no mailboxes. The application drives
   lwIP from one loop (transport_lwip.c's wait loop feeds received frames in
   and calls sys_check_timeouts()); only the raw/callback API exists. */
#ifndef NO_SYS
#define NO_SYS 1
#endif
/* No lwIP call from an interrupt handler (the driver is polled), so no
   critical sections are needed. */
#ifndef SYS_LIGHTWEIGHT_PROT
#define SYS_LIGHTWEIGHT_PROT 0
#endif
#define LWIP_NETCONN 0 /* sequential API: needs threads */
#define LWIP_SOCKET 0  /* BSD sockets: needs threads */
#define LWIP_NETIF_API 0
/* lwIP's own timers (TCP, ARP, DHCP) through sys_check_timeouts(); their
   clock is sys_now() (ferry_lwip_port.c). */
#define LWIP_TIMERS 1

/* ---- Memory ---------------------------------------------------------------- */
#ifndef MEM_ALIGNMENT
#define MEM_ALIGNMENT 4 /* Cortex-M: word alignment for the FIFO copies */
#endif
/* lwIP's heap holds what it allocates as PBUF_RAM: the copies tcp_write
   makes of outgoing data (at most TCP_SND_BUF), TCP headers of ACKs, DHCP
   messages (~350 bytes each). An HTTP request is a few hundred bytes. */
#ifndef MEM_SIZE
#define MEM_SIZE 4096
#endif
/* Received frames: the driver copies each into pbufs from this pool. Four
   full-size frames: the TCP window (2 segments) plus ARP/DHCP traffic and
   one spare. A frame that finds the pool empty is dropped and TCP resends. */
#ifndef PBUF_POOL_SIZE
#define PBUF_POOL_SIZE 4
#endif
/* PBUF_POOL_BUFSIZE stays lwIP's default: one pbuf holds one full frame
   (TCP_MSS + headers), so received frames are never chains. */
/* pbufs that only refer to data (PBUF_REF/ROM): lwIP uses a few internally;
   transport_lwip copies what it sends (TCP_WRITE_FLAG_COPY). */
#ifndef MEMP_NUM_PBUF
#define MEMP_NUM_PBUF 4
#endif

/* ---- Network interface: one Ethernet link, IPv4 only ------------------------ */
#define LWIP_SINGLE_NETIF 1 /* one interface: smaller routing code */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
/* Neighbours that matter: the DHCP server/router and the update server. */
#ifndef ARP_TABLE_SIZE
#define ARP_TABLE_SIZE 4
#endif
#define ARP_QUEUEING 0     /* while an address is resolved, keep only the last packet */
#define ETH_PAD_SIZE 0     /* the LAN9118 FIFO copy needs no 2-byte IP alignment pad */
#define IP_REASSEMBLY 0    /* TCP's MSS keeps segments within one frame; no fragments */
#define IP_FRAG 0
#define LWIP_NETIF_HOSTNAME 0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_NETIF_LOOPBACK 0
/* ICMP: answers ping (worth its ~0.5 KB when a device is diagnosed). */
#ifndef LWIP_ICMP
#define LWIP_ICMP 1
#endif
#define LWIP_RAW 0
#define LWIP_IGMP 0
#define LWIP_AUTOIP 0
/* Addresses are IPv4 literals (transport_lwip.h): no resolver. */
#define LWIP_DNS 0

/* ---- DHCP (needs UDP) ---------------------------------------------------- */
#define LWIP_DHCP 1
#define LWIP_UDP 1
#ifndef MEMP_NUM_UDP_PCB
#define MEMP_NUM_UDP_PCB 1 /* DHCP's */
#endif
/* No ARP probe of the offered address before using it: saves the probe's
   wait and its code; a conflicting address shows up as a failed connect. */
#ifndef DHCP_DOES_ARP_CHECK
#define DHCP_DOES_ARP_CHECK 0
#endif
#define LWIP_DHCP_GET_NTP_SRV 0

/* ---- TCP: one connection ------------------------------------------------ */
#define LWIP_TCP 1
/* The connection in use plus one that is still closing (FIN_WAIT/TIME_WAIT)
   when the HTTP client opens the next (a redirect, the next request). lwIP
   recycles a TIME_WAIT pcb if a new one is needed, so 2 is enough. */
#ifndef MEMP_NUM_TCP_PCB
#define MEMP_NUM_TCP_PCB 2
#endif
#define MEMP_NUM_TCP_PCB_LISTEN 1 /* no server; lwIP's pool code wants one */
#define TCP_LISTEN_BACKLOG 0
#ifndef TCP_MSS
#define TCP_MSS 1460 /* Ethernet: 1500 - 40 */
#endif
/* The receive window: at most this many bytes are in flight towards the
   device, and transport_lwip's receive buffer must hold TCP_WND bytes
   (it opens the window only for bytes the caller took out). */
#ifndef TCP_WND
#define TCP_WND (2 * TCP_MSS)
#endif
/* The send buffer: requests are small; 2 * MSS is lwIP's minimum for its
   sanity checks. */
#ifndef TCP_SND_BUF
#define TCP_SND_BUF (2 * TCP_MSS)
#endif
#ifndef TCP_SND_QUEUELEN
#define TCP_SND_QUEUELEN ((4 * (TCP_SND_BUF) + (TCP_MSS - 1)) / (TCP_MSS))
#endif
#ifndef MEMP_NUM_TCP_SEG
#define MEMP_NUM_TCP_SEG TCP_SND_QUEUELEN
#endif
/* Out-of-order segments are dropped, not queued: they would hold pool
   pbufs; the sender resends them after the gap is filled. */
#ifndef TCP_QUEUE_OOSEQ
#define TCP_QUEUE_OOSEQ 0
#endif
#define LWIP_TCP_KEEPALIVE 0 /* every wait is bounded by the transport's timeouts */
#define LWIP_WND_SCALE 0
#define LWIP_ALTCP 0
/* A random first local port (LWIP_RAND below), so that a device that
   restarts does not reuse the port of a connection the server still
   remembers. */
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1

/* LWIP_RAND (first local ports, DHCP transaction IDs) is arch/cc.h's. */

/* ---- Checksums, statistics, debugging ------------------------------------- */
/* Checksums in software, both ways (the LAN9118 offload is not used). */
#define LWIP_STATS 0
#define LWIP_STATS_DISPLAY 0
/* LWIP_DEBUG is left undefined: no debug output code. Assertions stay on
   (arch/cc.h routes them to ferry_lwip_assert_failed); define LWIP_NOASSERT
   to drop them and their message strings. */

#endif
