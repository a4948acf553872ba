/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tls-size-base: tls_size_main.c without the TLS transport: the same board
 * code, the same stand-in transport driven the same way. The TLS
 * transport's footprint is tls-size minus this (port/mps2-an385/tls.cmake,
 * docs/tls.md).
 */
#include <stdint.h>

#include "cmsdk_uart.h"
#include "cortexm.h"
#include "tls_size_wire.h"

static uint8_t rx[512];

int main(void)
{
    const struct ferry_transport *t = &tls_size_wire;
    int rc;
    uart_init();
    rc = t->ops->connect(t->ctx, "update.example", 443, 1000);
    if (rc == 0)
        rc = t->ops->send(t->ctx, "GET / HTTP/1.1\r\n\r\n", 18, 1000);
    if (rc == 0)
        rc = t->ops->recv(t->ctx, rx, sizeof rx, 1000);
    t->ops->close(t->ctx);
    uart_put_dec((uint32_t)rc + rx[0]);
    cortexm_system_reset();
}
