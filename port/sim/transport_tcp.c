/* SPDX-License-Identifier: Apache-2.0 */
/*
 * POSIX TCP transport with timeouts (transport_tcp.h). Sockets are
 * non-blocking; connect, send and recv each wait with poll() for at most
 * their timeout_ms, measured on the monotonic clock across retries.
 */
#define _DEFAULT_SOURCE /* SOCK_NONBLOCK, SOCK_CLOEXEC */
#include "transport_tcp.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ferry/errors.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for `events` on fd until `deadline` (monotonic ms). 0 when ready,
   FERRY_E_TIMEOUT, or FERRY_E_IO. */
static int wait_for(int fd, short events, int64_t deadline)
{
    for (;;) {
        struct pollfd p = { .fd = fd, .events = events };
        int64_t left = deadline - now_ms();
        int n;
        if (left < 0)
            left = 0;
        n = poll(&p, 1, (int)left);
        if (n > 0)
            return FERRY_OK; /* errors and hang-ups show up in the next call */
        if (n == 0)
            return FERRY_E_TIMEOUT;
        if (errno != EINTR)
            return FERRY_E_IO;
    }
}

static void tcp_close(void *ctx)
{
    struct ferry_sim_tcp *t = ctx;
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
}

/* Connects one resolved address, non-blocking, until the deadline. */
static int connect_one(const struct addrinfo *ai, int64_t deadline)
{
    int fd, err = 0, one = 1;
    socklen_t len = sizeof err;
    int rc;

    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0)
        return FERRY_E_IO;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        if (errno != EINPROGRESS) {
            close(fd);
            return FERRY_E_IO;
        }
        rc = wait_for(fd, POLLOUT, deadline);
        if (rc == FERRY_OK && (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0))
            rc = FERRY_E_IO;
        if (rc != FERRY_OK) {
            close(fd);
            return rc;
        }
    }
    return fd;
}

static int tcp_connect(void *ctx, const char *host, uint16_t port, unsigned timeout_ms)
{
    struct ferry_sim_tcp *t = ctx;
    struct addrinfo hints, *list = NULL, *ai;
    char service[8];
    int64_t deadline = now_ms() + timeout_ms;
    int rc = FERRY_E_IO;

    tcp_close(t);
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(service, sizeof service, "%u", (unsigned)port);
    if (getaddrinfo(host, service, &hints, &list) != 0)
        return FERRY_E_IO;
    for (ai = list; ai != NULL; ai = ai->ai_next) {
        rc = connect_one(ai, deadline);
        if (rc >= 0) {
            t->fd = rc;
            rc = FERRY_OK;
            break;
        }
        if (rc == FERRY_E_TIMEOUT)
            break;
    }
    freeaddrinfo(list);
    return rc;
}

static int tcp_send(void *ctx, const void *buf, size_t len, unsigned timeout_ms)
{
    struct ferry_sim_tcp *t = ctx;
    const char *p = buf;
    int64_t deadline = now_ms() + timeout_ms;

    if (t->fd < 0)
        return FERRY_E_IO;
    while (len > 0) {
        ssize_t n = send(t->fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int rc = wait_for(t->fd, POLLOUT, deadline);
            if (rc != FERRY_OK)
                return rc;
            continue;
        }
        return FERRY_E_IO;
    }
    return FERRY_OK;
}

static int tcp_recv(void *ctx, void *buf, size_t len, unsigned timeout_ms)
{
    struct ferry_sim_tcp *t = ctx;
    int64_t deadline = now_ms() + timeout_ms;

    if (t->fd < 0)
        return FERRY_E_IO;
    if (len > 65536)
        len = 65536; /* the count must fit the int return */
    for (;;) {
        ssize_t n = recv(t->fd, buf, len, 0);
        if (n >= 0)
            return (int)n;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int rc = wait_for(t->fd, POLLIN, deadline);
            if (rc != FERRY_OK)
                return rc;
            continue;
        }
        return FERRY_E_IO;
    }
}

static const struct ferry_transport_ops tcp_ops = {
    .connect = tcp_connect,
    .send = tcp_send,
    .recv = tcp_recv,
    .close = tcp_close,
};

void ferry_sim_tcp_init(struct ferry_sim_tcp *t)
{
    t->transport.ops = &tcp_ops;
    t->transport.ctx = t;
    t->fd = -1;
}
