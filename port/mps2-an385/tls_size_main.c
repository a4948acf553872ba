/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tls-size: the smallest program that carries the TLS transport
 * (port/tls-bearssl): init, connect (the whole handshake and certificate
 * validation), send, recv, close, over a stand-in transport
 * (tls_size_wire.h). Never run; it is linked only to be measured against
 * tls-size-base, the same program without TLS (port/mps2-an385/tls.cmake,
 * docs/tls.md). Its entropy is the test-only source: the footprint of a
 * real TRNG driver is the port's.
 */
#include <stdint.h>

#include "cmsdk_uart.h"
#include "cortexm.h"
#include "entropy_test_only.h"
#include "ferry_tls.h"
#include "tls_size_wire.h"

static struct ferry_tls tls;
static unsigned char tls_buf[FERRY_TLS_BUF_SIZE];
static uint8_t rx[512];

/* A clock the compiler cannot fold: the seconds come from the wire. */
static int wire_time(void *ctx, uint64_t *unix_seconds)
{
    uint8_t b[4];
    (void)ctx;
    if (tls_size_wire.ops->recv(tls_size_wire.ctx, b, sizeof b, 0) != 4)
        return -1;
    *unix_seconds = FERRY_TLS_TIME_FLOOR + ((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
                                            (uint32_t)b[2] << 8 | b[3]);
    return 0;
}

static const struct ferry_tls_time wire_clock = {wire_time, NULL};

int main(void)
{
    /* One anchor is enough to keep the validator's code: the footprint of
       the anchors themselves is the product's (a DN and a key each). */
    static const unsigned char dn[] = {0x30, 0x00};
    static const unsigned char q[65] = {0x04};
    static const br_x509_trust_anchor anchor = {
        {(unsigned char *)dn, sizeof dn}, BR_X509_TA_CA,
        {BR_KEYTYPE_EC, {.ec = {BR_EC_secp256r1, (unsigned char *)q, sizeof q}}}};
    const struct ferry_tls_config cfg = {
        .tcp = &tls_size_wire,
        .anchors = &anchor,
        .anchor_count = 1,
        .entropy = &mps2_entropy_test_only,
        .time = &wire_clock,
        .buf = tls_buf,
        .buf_len = sizeof tls_buf,
    };
    const struct ferry_transport *t = &tls.transport;
    int rc;
    uart_init();
    rc = ferry_tls_init(&tls, &cfg);
    if (rc == 0)
        rc = t->ops->connect(t->ctx, "update.example", 443, 1000);
    if (rc == 0)
        rc = t->ops->send(t->ctx, "GET / HTTP/1.1\r\n\r\n", 18, 1000);
    if (rc == 0)
        rc = t->ops->recv(t->ctx, rx, sizeof rx, 1000);
    t->ops->close(t->ctx);
    uart_put_dec((uint32_t)rc + rx[0] + (uint32_t)ferry_tls_last_error(&tls));
    cortexm_system_reset();
}
