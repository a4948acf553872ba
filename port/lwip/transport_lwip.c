/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The transport over lwIP's raw TCP API (transport_lwip.h). lwIP calls back
 * into this file only from inside calls this file makes (tcp_* functions,
 * the poll hook, sys_check_timeouts), so there is no concurrency: every
 * state change happens during `step()` or an explicit lwIP call.
 */
#include "transport_lwip.h"

#include <limits.h>
#include <string.h>

#include "ferry/errors.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"

enum { ST_IDLE, ST_CONNECTING, ST_CONNECTED, ST_FAILED };

static uint32_t now(const struct ferry_lwip_tcp *t)
{
    return t->cfg.clock->now_ms(t->cfg.clock->ctx);
}

/* One turn of the stack: received frames in, due timers run. */
static void step(struct ferry_lwip_tcp *t)
{
    if (t->cfg.poll != NULL)
        t->cfg.poll(t->cfg.poll_ctx);
    sys_check_timeouts();
}

/* ---- lwIP's callbacks ------------------------------------------------------ */

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct ferry_lwip_tcp *t = arg;
    (void)pcb;
    if (err == ERR_OK && t->state == ST_CONNECTING)
        t->state = ST_CONNECTED;
    return ERR_OK;
}

/* The pcb is already freed when lwIP reports an error (reset, abort,
   retransmissions given up). */
static void on_err(void *arg, err_t err)
{
    struct ferry_lwip_tcp *t = arg;
    (void)err;
    t->pcb = NULL;
    t->state = ST_FAILED;
    t->error = FERRY_E_IO;
}

/* Data (p != NULL) or the peer's FIN (p == NULL). A segment that does not
   fit the ring whole is refused (ERR_MEM): lwIP keeps it and offers it
   again later. With rx_size >= TCP_WND that cannot happen. */
static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct ferry_lwip_tcp *t = arg;
    (void)pcb;
    if (p == NULL) {
        t->peer_closed = 1;
        return ERR_OK;
    }
    if (err != ERR_OK) {
        pbuf_free(p);
        return ERR_OK;
    }
    size_t size = t->cfg.rx_size, len = p->tot_len;
    if (len > size - t->rx_len)
        return ERR_MEM;
    size_t tail = (t->rx_head + t->rx_len) % size;
    size_t first = len < size - tail ? len : size - tail;
    pbuf_copy_partial(p, t->cfg.rx_buf + tail, (u16_t)first, 0);
    if (len > first)
        pbuf_copy_partial(p, t->cfg.rx_buf, (u16_t)(len - first), (u16_t)first);
    t->rx_len += len;
    pbuf_free(p);
    return ERR_OK;
}

/* ---- Internals ------------------------------------------------------------- */

/* Tells lwIP that `n` received bytes were consumed (opens the window). */
static void window_open(struct ferry_lwip_tcp *t, size_t n)
{
    while (t->pcb != NULL && n > 0) {
        u16_t piece = n > 0xFFFFu ? 0xFFFFu : (u16_t)n;
        tcp_recved(t->pcb, piece);
        n -= piece;
    }
}

/* Forgets the pcb after detaching this file's callbacks, so lwIP calls
   none of them for it again. */
static void detach(struct ferry_lwip_tcp *t)
{
    if (t->pcb == NULL)
        return;
    tcp_arg(t->pcb, NULL);
    tcp_recv(t->pcb, NULL); /* lwIP's default then drops late data */
    tcp_err(t->pcb, NULL);
}

static void reset_state(struct ferry_lwip_tcp *t)
{
    t->pcb = NULL;
    t->state = ST_IDLE;
    t->error = FERRY_OK;
    t->peer_closed = 0;
    t->rx_head = t->rx_len = 0;
}

/* The error of a call on a connection that is not (or no longer) open. */
static int not_open(const struct ferry_lwip_tcp *t)
{
    return t->state == ST_FAILED && t->error != FERRY_OK ? t->error : FERRY_E_IO;
}

/* ---- The transport's operations --------------------------------------------- */

static void lwip_tcp_close(void *ctx)
{
    struct ferry_lwip_tcp *t = ctx;
    if (t->pcb != NULL) {
        struct tcp_pcb *pcb = t->pcb;
        /* Unread bytes count as read: lwIP answers a close with unread
           data by a reset, and these bytes are simply not wanted. */
        window_open(t, t->rx_len);
        detach(t);
        if (tcp_close(pcb) != ERR_OK)
            tcp_abort(pcb); /* no memory for the FIN: reset instead */
    }
    reset_state(t);
}

static int lwip_tcp_connect(void *ctx, const char *host, uint16_t port, unsigned timeout_ms)
{
    struct ferry_lwip_tcp *t = ctx;
    ip_addr_t addr;

    lwip_tcp_close(t);
    if (host == NULL || !ipaddr_aton(host, &addr))
        return FERRY_E_IO; /* not an IPv4 literal: no DNS here */
    struct tcp_pcb *pcb = tcp_new();
    if (pcb == NULL)
        return FERRY_E_IO;
    t->pcb = pcb;
    t->state = ST_CONNECTING;
    tcp_arg(pcb, t);
    tcp_err(pcb, on_err);
    tcp_recv(pcb, on_recv);
    if (tcp_connect(pcb, &addr, port, on_connected) != ERR_OK) {
        detach(t);
        tcp_abort(pcb); /* no route, no memory: the pcb is freed */
        reset_state(t);
        return FERRY_E_IO;
    }
    uint32_t start = now(t);
    for (;;) {
        step(t);
        if (t->state == ST_CONNECTED)
            return FERRY_OK;
        if (t->state != ST_CONNECTING) {
            int err = not_open(t);
            reset_state(t);
            return err;
        }
        if (now(t) - start >= timeout_ms) {
            lwip_tcp_close(t);
            return FERRY_E_TIMEOUT;
        }
    }
}

static int lwip_tcp_send(void *ctx, const void *buf, size_t len, unsigned timeout_ms)
{
    struct ferry_lwip_tcp *t = ctx;
    const uint8_t *p = buf;
    uint32_t start = now(t);

    while (len > 0) {
        if (t->state != ST_CONNECTED || t->pcb == NULL)
            return not_open(t);
        size_t room = tcp_sndbuf(t->pcb);
        size_t n = len < room ? len : room;
        if (n > 0xFFFFu)
            n = 0xFFFFu;
        if (n > 0 && tcp_sndqueuelen(t->pcb) < TCP_SND_QUEUELEN) {
            err_t err = tcp_write(t->pcb, p, (u16_t)n, TCP_WRITE_FLAG_COPY);
            if (err == ERR_OK) {
                p += n;
                len -= n;
                continue;
            }
            if (err != ERR_MEM)
                return FERRY_E_IO; /* the connection is closing or gone */
        }
        /* Full: push out what is queued and wait for acknowledgements. */
        tcp_output(t->pcb);
        if (now(t) - start >= timeout_ms)
            return FERRY_E_TIMEOUT;
        step(t);
    }
    if (t->pcb != NULL)
        tcp_output(t->pcb);
    return FERRY_OK;
}

/* Moves up to len buffered bytes to buf; returns the count. */
static size_t take(struct ferry_lwip_tcp *t, uint8_t *buf, size_t len)
{
    size_t size = t->cfg.rx_size;
    size_t n = len < t->rx_len ? len : t->rx_len;
    if (n > INT_MAX)
        n = INT_MAX; /* the count is returned as an int */
    size_t first = n < size - t->rx_head ? n : size - t->rx_head;
    memcpy(buf, t->cfg.rx_buf + t->rx_head, first);
    memcpy(buf + first, t->cfg.rx_buf, n - first);
    t->rx_head = (t->rx_head + n) % size;
    t->rx_len -= n;
    window_open(t, n);
    return n;
}

static int lwip_tcp_recv(void *ctx, void *buf, size_t len, unsigned timeout_ms)
{
    struct ferry_lwip_tcp *t = ctx;
    uint32_t start = now(t);

    if (buf == NULL || len == 0)
        return FERRY_E_INVAL;
    for (int first = 1;; first = 0) {
        if (!first)
            step(t);
        if (t->rx_len > 0)
            return (int)take(t, buf, len);
        if (t->peer_closed)
            return 0;
        if (t->state != ST_CONNECTED)
            return not_open(t);
        if (!first && now(t) - start >= timeout_ms)
            return FERRY_E_TIMEOUT;
    }
}

static const struct ferry_transport_ops lwip_tcp_ops = {
    .connect = lwip_tcp_connect,
    .send = lwip_tcp_send,
    .recv = lwip_tcp_recv,
    .close = lwip_tcp_close,
};

int ferry_lwip_tcp_init(struct ferry_lwip_tcp *t, const struct ferry_lwip_tcp_config *cfg)
{
    if (t == NULL || cfg == NULL || cfg->clock == NULL || cfg->clock->now_ms == NULL ||
        cfg->rx_buf == NULL || cfg->rx_size < FERRY_LWIP_TCP_RX_MIN)
        return FERRY_E_INVAL;
    memset(t, 0, sizeof *t);
    t->cfg = *cfg;
    t->transport.ops = &lwip_tcp_ops;
    t->transport.ctx = t;
    reset_state(t);
    return FERRY_OK;
}
