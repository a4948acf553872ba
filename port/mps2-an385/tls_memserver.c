/* SPDX-License-Identifier: Apache-2.0 */
/* An in-memory TLS server as a transport (tls_memserver.h). */
#include "tls_memserver.h"

#include <string.h>

#include "cmsdk_timer.h"
#include "cortexm.h"
#include "entropy_test_only.h"
#include "ferry/errors.h"

/* The server runs on a stack of its own, so that the client's stack
   high-water mark is the client's alone (tls_memserver_stack_used). */
static uint64_t server_stack[TLS_MEMSERVER_STACK_BYTES / 8];

/* Calls fn(arg) with the stack pointer at `top` (8-byte aligned), then
   comes back to the caller's stack. Thread mode, main stack, no
   interrupts in use (none are enabled in the benchmark). */
__attribute__((naked, noinline)) static int call_on_stack(__attribute__((unused)) void *arg,
                                                          __attribute__((unused)) int (*fn)(void *),
                                                          __attribute__((unused)) uintptr_t top)
{
    __asm__ volatile("mov r3, sp\n"
                     "mov sp, r2\n"
                     "push {r3, lr}\n"
                     "blx r1\n"
                     "pop {r3, lr}\n"
                     "mov sp, r3\n"
                     "bx lr\n");
}

struct server_call {
    struct tls_memserver *s;
    const char *host;
    uint16_t port;
    const void *in;
    void *out;
    size_t len;
    unsigned timeout_ms;
};

static int on_server_stack(int (*fn)(void *), struct server_call *c)
{
    return call_on_stack(c, fn, (uintptr_t)(server_stack + sizeof server_stack / sizeof server_stack[0]));
}

/* Moves what can move between the engine and the inner server: decrypted
   requests to it, its responses into the engine (then close_notify once it
   has said everything). Records the engine has ready wait for recv. */
static void pump(struct tls_memserver *s)
{
    br_ssl_engine_context *eng = &s->sc.eng;
    for (;;) {
        unsigned st = br_ssl_engine_current_state(eng);
        int progress = 0;
        size_t n;
        unsigned char *p;
        if (st & BR_SSL_CLOSED)
            return;
        if (st & BR_SSL_RECVAPP) {
            p = br_ssl_engine_recvapp_buf(eng, &n);
            (void)s->inner->ops->send(s->inner->ctx, p, n, 0);
            br_ssl_engine_recvapp_ack(eng, n);
            progress = 1;
        }
        if ((st & BR_SSL_SENDAPP) && !s->inner_eof) {
            int r;
            p = br_ssl_engine_sendapp_buf(eng, &n);
            r = s->inner->ops->recv(s->inner->ctx, p, n, 0);
            if (r > 0) {
                br_ssl_engine_sendapp_ack(eng, (size_t)r);
                br_ssl_engine_flush(eng, 0);
                progress = 1;
            } else if (r == 0) {
                br_ssl_engine_close(eng);
                s->inner_eof = 1;
                progress = 1;
            }
        }
        if (!progress)
            return;
    }
}

static int connect_work(void *arg)
{
    struct server_call *c = arg;
    struct tls_memserver *s = c->s;
    const char *host = c->host;
    uint16_t port = c->port;
    unsigned timeout_ms = c->timeout_ms;
    uint8_t seed[32];
    uint32_t t0 = timer_ticks();
    int rc;
    br_ssl_server_init_full_ec(&s->sc, s->chain, s->chain_len, BR_KEYTYPE_EC, s->key);
    if (s->suite != 0)
        br_ssl_engine_set_suites(&s->sc.eng, &s->suite, 1);
    if (s->ec != NULL)
        br_ssl_engine_set_ec(&s->sc.eng, s->ec);
    br_ssl_engine_set_buffer(&s->sc.eng, s->buf, s->buf_len, s->buf_len >= BR_SSL_BUFSIZE_BIDI);
    mps2_entropy_test_only.fill(mps2_entropy_test_only.ctx, seed, sizeof seed);
    br_ssl_engine_inject_entropy(&s->sc.eng, seed, sizeof seed);
    s->inner_eof = 0;
    rc = br_ssl_server_reset(&s->sc) ? s->inner->ops->connect(s->inner->ctx, host, port, timeout_ms)
                                     : FERRY_E_IO;
    s->ticks += timer_ticks() - t0;
    return rc;
}

static int send_work(void *arg)
{
    struct server_call *c = arg;
    struct tls_memserver *s = c->s;
    br_ssl_engine_context *eng = &s->sc.eng;
    const uint8_t *in = c->in;
    size_t len = c->len;
    uint32_t t0 = timer_ticks();
    int rc = FERRY_OK;
    while (len > 0) {
        unsigned st = br_ssl_engine_current_state(eng);
        size_t n;
        unsigned char *p;
        if (!(st & BR_SSL_RECVREC)) {
            pump(s);
            st = br_ssl_engine_current_state(eng);
            if (!(st & BR_SSL_RECVREC)) {
                rc = FERRY_E_IO; /* closed, or it must be read first */
                break;
            }
        }
        p = br_ssl_engine_recvrec_buf(eng, &n);
        if (n > len)
            n = len;
        memcpy(p, in, n);
        br_ssl_engine_recvrec_ack(eng, n);
        in += n;
        len -= n;
    }
    pump(s);
    s->ticks += timer_ticks() - t0;
    return rc;
}

static int recv_work(void *arg)
{
    struct server_call *c = arg;
    struct tls_memserver *s = c->s;
    void *buf = c->out;
    size_t len = c->len;
    br_ssl_engine_context *eng = &s->sc.eng;
    uint32_t t0 = timer_ticks();
    unsigned st;
    int rc;
    pump(s);
    st = br_ssl_engine_current_state(eng);
    if (st & BR_SSL_SENDREC) {
        size_t n;
        unsigned char *p = br_ssl_engine_sendrec_buf(eng, &n);
        if (n > len)
            n = len;
        if (n > s->piece)
            n = s->piece;
        memcpy(buf, p, n);
        br_ssl_engine_sendrec_ack(eng, n);
        rc = (int)n;
    } else if ((st & BR_SSL_CLOSED) || s->inner_eof) {
        rc = 0; /* everything sent, close_notify included: the server closed */
    } else {
        rc = FERRY_E_TIMEOUT; /* waiting for the client: a server would say nothing */
    }
    s->ticks += timer_ticks() - t0;
    return rc;
}

static int srv_connect(void *ctx, const char *host, uint16_t port, unsigned timeout_ms)
{
    struct server_call c = {.s = ctx, .host = host, .port = port, .timeout_ms = timeout_ms};
    return on_server_stack(connect_work, &c);
}

static int srv_send(void *ctx, const void *buf, size_t len, unsigned timeout_ms)
{
    struct server_call c = {.s = ctx, .in = buf, .len = len, .timeout_ms = timeout_ms};
    return on_server_stack(send_work, &c);
}

static int srv_recv(void *ctx, void *buf, size_t len, unsigned timeout_ms)
{
    struct server_call c = {.s = ctx, .out = buf, .len = len, .timeout_ms = timeout_ms};
    return on_server_stack(recv_work, &c);
}

static void srv_close(void *ctx)
{
    struct tls_memserver *s = ctx;
    s->inner->ops->close(s->inner->ctx);
}

static const struct ferry_transport_ops srv_ops = {srv_connect, srv_send, srv_recv, srv_close};

void tls_memserver_init(struct tls_memserver *s, const struct ferry_transport *inner,
                        const br_x509_certificate *chain, size_t chain_len,
                        const br_ec_private_key *key, unsigned char *buf, size_t buf_len,
                        uint32_t piece)
{
    memset(s, 0, sizeof *s);
    s->transport = (struct ferry_transport){&srv_ops, s};
    s->inner = inner;
    s->chain = chain;
    s->chain_len = chain_len;
    s->key = key;
    s->buf = buf;
    s->buf_len = buf_len;
    s->piece = piece ? piece : 1;
    for (size_t i = 0; i < sizeof server_stack / sizeof server_stack[0]; i++)
        server_stack[i] = (uint64_t)CORTEXM_STACK_PAINT << 32 | CORTEXM_STACK_PAINT;
}

uint32_t tls_memserver_stack_used(void)
{
    return cortexm_stack_used((const uint32_t *)server_stack,
                              (const uint32_t *)(server_stack + sizeof server_stack / sizeof server_stack[0]));
}
