/* SPDX-License-Identifier: Apache-2.0 */
/* The footprint programs' stand-in transport (tls_size_wire.h). */
#include "tls_size_wire.h"

#include "board.h"
#include "cmsdk_uart.h"
#include "ferry/errors.h"

/* A register the compiler cannot predict: the UART's data register. */
static uint32_t wire_in(void)
{
    return REG32(UART0_BASE);
}

static int wire_connect(void *ctx, const char *host, uint16_t port, unsigned timeout_ms)
{
    (void)ctx, (void)port, (void)timeout_ms;
    uart_puts(host);
    return wire_in() == 0 ? FERRY_OK : FERRY_E_IO;
}

static int wire_send(void *ctx, const void *buf, size_t len, unsigned timeout_ms)
{
    const uint8_t *p = buf;
    (void)ctx, (void)timeout_ms;
    while (len-- > 0)
        uart_putc((char)*p++);
    return FERRY_OK;
}

static int wire_recv(void *ctx, void *buf, size_t len, unsigned timeout_ms)
{
    uint8_t *p = buf;
    size_t i;
    (void)ctx, (void)timeout_ms;
    for (i = 0; i < len; i++)
        p[i] = (uint8_t)wire_in();
    return (int)len;
}

static void wire_close(void *ctx)
{
    (void)ctx;
}

static const struct ferry_transport_ops wire_ops = {wire_connect, wire_send, wire_recv, wire_close};
const struct ferry_transport tls_size_wire = {&wire_ops, NULL};
