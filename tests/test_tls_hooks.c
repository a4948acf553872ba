/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The TLS transport's hooks (port/tls-bearssl/include/ferry_tls.h) over an
 * in-memory transport that records what the client sends and never
 * answers:
 *  - no entropy hook: init and connect refuse with FERRY_E_ENTROPY, and a
 *    failing hook makes connect refuse; in both cases the TCP transport is
 *    never even connected;
 *  - BearSSL is seeded from the hook only: the same hook bytes give the same
 *    ClientHello byte for byte (the host's own generator would make every
 *    one differ), other bytes change only its 28 random bytes;
 *  - no time hook, a failing one, or one that reads before
 *    FERRY_TLS_TIME_FLOOR: FERRY_E_TLS with BR_ERR_X509_TIME_UNKNOWN, again
 *    before anything is sent;
 *  - a config without transport or buffer: FERRY_E_INVAL, and the context
 *    is still safe to connect and close.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "ferry/errors.h"
#include "ferry_tls.h"

/* ---- an underlying transport that records and never answers ------------ */

struct fake_tcp {
    struct ferry_transport transport;
    unsigned connects, closes;
    uint8_t sent[2048];
    size_t sent_len;
};

static int fake_connect(void *ctx, const char *host, uint16_t port, unsigned timeout_ms)
{
    struct fake_tcp *f = ctx;
    (void)host, (void)port, (void)timeout_ms;
    f->connects++;
    f->sent_len = 0;
    return FERRY_OK;
}

static int fake_send(void *ctx, const void *buf, size_t len, unsigned timeout_ms)
{
    struct fake_tcp *f = ctx;
    size_t n = len < sizeof f->sent - f->sent_len ? len : sizeof f->sent - f->sent_len;
    (void)timeout_ms;
    memcpy(f->sent + f->sent_len, buf, n);
    f->sent_len += n;
    return FERRY_OK;
}

static int fake_recv(void *ctx, void *buf, size_t len, unsigned timeout_ms)
{
    (void)ctx, (void)buf, (void)len, (void)timeout_ms;
    return FERRY_E_TIMEOUT; /* the server never answers the hello */
}

static void fake_close(void *ctx)
{
    struct fake_tcp *f = ctx;
    f->closes++;
}

static const struct ferry_transport_ops fake_ops = {fake_connect, fake_send, fake_recv, fake_close};

static void fake_init(struct fake_tcp *f)
{
    memset(f, 0, sizeof *f);
    f->transport.ops = &fake_ops;
    f->transport.ctx = f;
}

/* ---- hooks ---------------------------------------------------------------- */

struct entropy_state {
    uint8_t fill_byte; /* every byte handed out */
    int fail;          /* nonzero: the source reports a failure */
    unsigned calls;
    size_t last_len;
};

static int test_fill(void *ctx, uint8_t *buf, size_t len)
{
    struct entropy_state *e = ctx;
    e->calls++;
    e->last_len = len;
    if (e->fail)
        return FERRY_E_IO;
    memset(buf, e->fill_byte, len);
    return FERRY_OK;
}

struct time_state {
    uint64_t now;
    int fail;
};

static int test_time(void *ctx, uint64_t *unix_seconds)
{
    struct time_state *t = ctx;
    if (t->fail)
        return -1;
    *unix_seconds = t->now;
    return 0;
}

static struct fake_tcp tcp;
static struct ferry_tls tls;
static unsigned char tls_buf[FERRY_TLS_BUF_SIZE];
static struct entropy_state entropy_state;
static struct time_state time_state;
static const struct ferry_tls_entropy entropy = {test_fill, &entropy_state};
static const struct ferry_tls_time wall_clock = {test_time, &time_state};

/* A config with both hooks, the fake transport and the full buffer; the
   hooks' state reset to: byte 0x5a, time 2027-01-01. */
static struct ferry_tls_config config(void)
{
    struct ferry_tls_config c;
    memset(&c, 0, sizeof c);
    c.tcp = &tcp.transport;
    c.entropy = &entropy;
    c.time = &wall_clock;
    c.buf = tls_buf;
    c.buf_len = sizeof tls_buf;
    fake_init(&tcp);
    memset(&entropy_state, 0, sizeof entropy_state);
    entropy_state.fill_byte = 0x5a;
    memset(&time_state, 0, sizeof time_state);
    time_state.now = 1798761600u; /* 2027-01-01 00:00:00 UTC */
    return c;
}

/* Connects; the fake server's silence ends the handshake in a timeout. */
static int connect_once(void)
{
    return tls.transport.ops->connect(tls.transport.ctx, "update.example", 443, 100);
}

/* ---- tests ---------------------------------------------------------------- */

static void test_no_entropy_refused(void)
{
    static const struct ferry_tls_entropy no_fill = {NULL, NULL};
    struct ferry_tls_config c = config();
    c.entropy = NULL;
    CHECK_EQ(ferry_tls_init(&tls, &c), FERRY_E_ENTROPY);
    CHECK_EQ(connect_once(), FERRY_E_ENTROPY);
    CHECK_EQ(connect_once(), FERRY_E_ENTROPY);
    CHECK_EQ(tcp.connects, 0);
    CHECK_EQ(tcp.sent_len, 0);
    tls.transport.ops->close(tls.transport.ctx);

    c.entropy = &no_fill;
    CHECK_EQ(ferry_tls_init(&tls, &c), FERRY_E_ENTROPY);
    CHECK_EQ(connect_once(), FERRY_E_ENTROPY);
    CHECK_EQ(tcp.connects, 0);
    CHECK(strcmp(ferry_strerror(FERRY_E_ENTROPY), "unknown error") != 0); /* has its own text */
}

static void test_failing_entropy_refused(void)
{
    struct ferry_tls_config c = config();
    CHECK_EQ(ferry_tls_init(&tls, &c), FERRY_OK);
    entropy_state.fail = 1;
    CHECK_EQ(connect_once(), FERRY_E_ENTROPY);
    CHECK_EQ(entropy_state.calls, 1);
    CHECK_EQ(tcp.connects, 0);
    CHECK_EQ(tcp.sent_len, 0);
    CHECK_EQ(ferry_tls_last_error(&tls), 0);
    /* the source recovers: the next connect goes ahead */
    entropy_state.fail = 0;
    CHECK_EQ(connect_once(), FERRY_E_TIMEOUT);
    CHECK_EQ(tcp.connects, 1);
    CHECK(tcp.sent_len > 0);
}

/* A ClientHello record: header (5), handshake header (4), version (2), then
   the client random: 4 bytes BearSSL leaves zero, 28 from the generator. */
#define RANDOM_OFF 15u
#define RANDOM_LEN 28u

static void test_seeded_from_hook_only(void)
{
    struct ferry_tls_config c = config();
    uint8_t first[sizeof tcp.sent];
    size_t first_len, i, differ = 0, differ_outside = 0;

    CHECK_EQ(ferry_tls_init(&tls, &c), FERRY_OK);
    CHECK_EQ(connect_once(), FERRY_E_TIMEOUT);
    CHECK_EQ(entropy_state.calls, 1);
    CHECK_EQ(entropy_state.last_len, FERRY_TLS_SEED_LEN);
    first_len = tcp.sent_len;
    memcpy(first, tcp.sent, first_len);
    CHECK(first_len > RANDOM_OFF + RANDOM_LEN);
    if (first_len <= RANDOM_OFF + RANDOM_LEN)
        return;
    CHECK_EQ(first[0], 22); /* handshake record */
    CHECK_EQ(first[5], 1);  /* ClientHello */

    /* same seed, fresh context: byte for byte the same hello */
    c = config();
    CHECK_EQ(ferry_tls_init(&tls, &c), FERRY_OK);
    CHECK_EQ(connect_once(), FERRY_E_TIMEOUT);
    CHECK_EQ(tcp.sent_len, first_len);
    CHECK(memcmp(tcp.sent, first, first_len) == 0);
    /* and on the same context again (every connect reseeds from the hook) */
    CHECK_EQ(connect_once(), FERRY_E_TIMEOUT);
    CHECK_EQ(entropy_state.calls, 2);
    CHECK_EQ(tcp.sent_len, first_len);
    CHECK(memcmp(tcp.sent, first, first_len) == 0);

    /* another seed: only the random part changes */
    entropy_state.fill_byte = 0xa5;
    CHECK_EQ(connect_once(), FERRY_E_TIMEOUT);
    CHECK_EQ(tcp.sent_len, first_len);
    for (i = 0; i < first_len && i < tcp.sent_len; i++)
        if (tcp.sent[i] != first[i]) {
            if (i >= RANDOM_OFF && i < RANDOM_OFF + RANDOM_LEN)
                differ++;
            else
                differ_outside++;
        }
    CHECK(differ > RANDOM_LEN / 2);
    CHECK_EQ(differ_outside, 0);
}

static void test_time_required(void)
{
    struct ferry_tls_config c = config();

    c.time = NULL;
    CHECK_EQ(ferry_tls_init(&tls, &c), FERRY_OK);
    CHECK_EQ(connect_once(), FERRY_E_TLS);
    CHECK_EQ(ferry_tls_last_error(&tls), BR_ERR_X509_TIME_UNKNOWN);
    CHECK_EQ(tcp.connects, 0);

    c = config();
    CHECK_EQ(ferry_tls_init(&tls, &c), FERRY_OK);
    time_state.fail = 1;
    CHECK_EQ(connect_once(), FERRY_E_TLS);
    CHECK_EQ(ferry_tls_last_error(&tls), BR_ERR_X509_TIME_UNKNOWN);
    CHECK_EQ(tcp.connects, 0);
    CHECK_EQ(entropy_state.calls, 0);

    /* a clock before the floor is wrong (an RTC restarted at 1970 or 2000) */
    time_state.fail = 0;
    time_state.now = 0;
    CHECK_EQ(connect_once(), FERRY_E_TLS);
    CHECK_EQ(ferry_tls_last_error(&tls), BR_ERR_X509_TIME_UNKNOWN);
    time_state.now = 946684800u; /* 2000-01-01 */
    CHECK_EQ(connect_once(), FERRY_E_TLS);
    time_state.now = FERRY_TLS_TIME_FLOOR - 1u;
    CHECK_EQ(connect_once(), FERRY_E_TLS);
    CHECK_EQ(tcp.connects, 0);
    /* from the floor on the time is believed */
    time_state.now = FERRY_TLS_TIME_FLOOR;
    CHECK_EQ(connect_once(), FERRY_E_TIMEOUT);
    CHECK_EQ(ferry_tls_last_error(&tls), BR_ERR_IO); /* the silent server */
    CHECK_EQ(tcp.connects, 1);
}

static void test_bad_config(void)
{
    struct ferry_tls_config c = config();
    CHECK_EQ(ferry_tls_init(NULL, &c), FERRY_E_INVAL);
    CHECK_EQ(ferry_tls_init(&tls, NULL), FERRY_E_INVAL);
    CHECK_EQ(connect_once(), FERRY_E_INVAL);
    tls.transport.ops->close(tls.transport.ctx);
    c.tcp = NULL;
    CHECK_EQ(ferry_tls_init(&tls, &c), FERRY_E_INVAL);
    CHECK_EQ(connect_once(), FERRY_E_INVAL);
    tls.transport.ops->close(tls.transport.ctx);
    c = config();
    c.buf = NULL;
    CHECK_EQ(ferry_tls_init(&tls, &c), FERRY_E_INVAL);
    CHECK_EQ(connect_once(), FERRY_E_INVAL);
    c = config();
    c.buf_len = 0;
    CHECK_EQ(ferry_tls_init(&tls, &c), FERRY_E_INVAL);
    CHECK_EQ(tcp.connects, 0);
    CHECK_EQ(entropy_state.calls, 0);
    /* send and recv without a connection */
    c = config();
    CHECK_EQ(ferry_tls_init(&tls, &c), FERRY_OK);
    CHECK_EQ(tls.transport.ops->send(tls.transport.ctx, "x", 1, 100), FERRY_E_IO);
    {
        uint8_t b[4];
        CHECK_EQ(tls.transport.ops->recv(tls.transport.ctx, b, sizeof b, 100), FERRY_E_IO);
    }
}

int main(void)
{
    RUN(test_no_entropy_refused);
    RUN(test_failing_entropy_refused);
    RUN(test_seeded_from_hook_only);
    RUN(test_time_required);
    RUN(test_bad_config);
    return check_done();
}
