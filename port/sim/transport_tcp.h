/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host TCP transport (POSIX sockets) for the HTTP client: a
 * struct ferry_transport whose every wait is a poll() bounded by the
 * caller's timeout, so no call blocks longer than it was told to.
 *
 *   struct ferry_sim_tcp tcp;
 *   ferry_sim_tcp_init(&tcp);
 *   client.plain = &tcp.transport;
 *
 * Names are resolved with getaddrinfo (IPv4 and IPv6, each address tried in
 * turn within the one timeout); the name lookup itself is the resolver's
 * and not bounded by the timeout. SIGPIPE is never raised (MSG_NOSIGNAL).
 * One connection at a time; not thread-safe.
 */
#ifndef FERRY_SIM_TRANSPORT_TCP_H
#define FERRY_SIM_TRANSPORT_TCP_H

#include "ferry/transport.h"

struct ferry_sim_tcp {
    struct ferry_transport transport; /* ops and ctx (= this struct) */
    int fd;                           /* -1 when closed */
};

void ferry_sim_tcp_init(struct ferry_sim_tcp *t);

#endif
