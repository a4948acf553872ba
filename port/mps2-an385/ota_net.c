/* SPDX-License-Identifier: Apache-2.0 */
/* The OTA demo's network: LAN9118 + lwIP + DHCP + HTTP client (ota_net.h). */
#include "ota_net.h"

#include <stdint.h>

#include "board.h"
#include "cmsdk_timer.h"
#include "cmsdk_uart.h"
#include "cmsdk_watchdog.h"
#include "cortexm.h"
#include "ferry/errors.h"
#include "ferry_lwip_port.h"
#include "lan9118.h"
#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "net_clock.h"
#include "netif/ethernet.h"
#include "transport_lwip.h"

#define LAN9118_BASE 0x40200000u
/* Loop turns the poll hook waits when no frame came: a few microseconds.
 * Under -icount every register access is costly for QEMU; a real device
 * would sleep until the chip's interrupt instead (docs/port-lwip.md). */
#define IDLE_SPINS 1000u

static struct {
    const struct ferry_clock *clock;
    struct lan9118 eth;
    struct netif netif;
    struct ferry_lwip_tcp tcp;
    uint8_t rx[FERRY_LWIP_TCP_RX_MIN]; /* the TCP window's bytes */
    uint8_t http_buf[FERRY_HTTP_BUF_MIN];
    struct ferry_http_client http;
    struct ota_net_stats stats;
    uint32_t last_poll_end;
    int last_poll_had_frames;
} n;

void ferry_lwip_assert_failed(const char *msg)
{
    uart_puts("[ota] lwIP assertion failed: ");
    uart_puts(msg);
    uart_puts(", resetting\n");
    cortexm_system_reset();
}

/* newlib's assert() ends here (http_parser.c asserts its invariants). */
void __assert_func(const char *file, int line, const char *func, const char *expr)
{
    (void)file, (void)line, (void)func;
    uart_puts("[ota] assertion failed: ");
    uart_puts(expr);
    uart_puts(", resetting\n");
    cortexm_system_reset();
}

void ota_net_poll(void *ctx)
{
    (void)ctx;
    wdog_feed();
    unsigned frames = lan9118_netif_poll(&n.netif);
    uint32_t end = timer_ticks();
    /* An interval between two polls that both found nothing was spinning. */
    if (frames == 0 && !n.last_poll_had_frames) {
        n.stats.idle_ticks += end - n.last_poll_end;
        n.stats.idle_polls++;
    }
    n.last_poll_had_frames = frames != 0;
    n.last_poll_end = end;
    if (frames == 0)
        for (volatile unsigned i = 0; i < IDLE_SPINS; i++)
            ;
}

void ota_net_stats_reset(void)
{
    n.stats.start = n.last_poll_end = timer_ticks();
    n.stats.idle_ticks = n.stats.idle_polls = 0;
    n.last_poll_had_frames = 1;
}

void ota_net_stats(uint32_t *total_ticks, uint32_t *idle_ticks)
{
    *total_ticks = timer_ticks() - n.stats.start;
    *idle_ticks = n.stats.idle_ticks;
}

static void put_ip(const ip4_addr_t *a)
{
    uint32_t v = lwip_ntohl(ip4_addr_get_u32(a));
    for (int i = 3; i >= 0; i--) {
        uart_put_dec((v >> (8 * i)) & 0xFFu);
        if (i)
            uart_putc('.');
    }
}

int ota_net_up(void)
{
    n.clock = net_clock_start();
    int err = lan9118_init(&n.eth, LAN9118_BASE);
    if (err != FERRY_OK) {
        uart_puts("[ota] no network: lan9118: ");
        uart_puts(ferry_strerror(err));
        uart_puts("\n");
        return err;
    }
    /* The seed mixes the MAC with the time the chip took to come up; a
       product takes a hardware random source (ferry_lwip_port.h). */
    uint32_t seed = timer_ticks() ^ ((uint32_t)n.eth.mac[2] << 24 | (uint32_t)n.eth.mac[3] << 16 |
                                     (uint32_t)n.eth.mac[4] << 8 | n.eth.mac[5]);
    ferry_lwip_port_init(n.clock, seed);
    lwip_init();
    if (netif_add(&n.netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, &n.eth, lan9118_netif_init,
                  ethernet_input) == NULL) {
        uart_puts("[ota] no network: netif_add failed\n");
        return FERRY_E_IO;
    }
    netif_set_default(&n.netif);
    netif_set_up(&n.netif);
    if (dhcp_start(&n.netif) != ERR_OK) {
        uart_puts("[ota] no network: dhcp_start failed\n");
        return FERRY_E_IO;
    }
    uint32_t start = n.clock->now_ms(n.clock->ctx);
    while (!dhcp_supplied_address(&n.netif)) {
        if (n.clock->now_ms(n.clock->ctx) - start >= OTA_DHCP_WAIT_MS) {
            uart_puts("[ota] no network: no DHCP lease after ");
            uart_put_dec(OTA_DHCP_WAIT_MS);
            uart_puts(" ms\n");
            return FERRY_E_TIMEOUT;
        }
        ota_net_poll(NULL);
        sys_check_timeouts();
    }
    uart_puts("[ota] dhcp ");
    put_ip(netif_ip4_addr(&n.netif));
    uart_puts(" after ");
    uart_put_dec(n.clock->now_ms(n.clock->ctx) - start);
    uart_puts(" ms\n");

    struct ferry_lwip_tcp_config cfg = {.clock = n.clock, .poll = ota_net_poll, .poll_ctx = NULL,
                                        .rx_buf = n.rx, .rx_size = sizeof n.rx};
    err = ferry_lwip_tcp_init(&n.tcp, &cfg);
    if (err != FERRY_OK)
        return err;
    n.http = (struct ferry_http_client){.buf = n.http_buf, .buf_len = sizeof n.http_buf,
                                        .timeout_ms = OTA_HTTP_TIMEOUT_MS, .max_redirects = 3};
    ota_http_client_init(&n.http, &n.tcp.transport);
    return FERRY_OK;
}

const struct ferry_clock *ota_net_clock(void)
{
    return n.clock;
}

const struct ferry_http_client *ota_net_http(void)
{
    return &n.http;
}

void ota_net_report(void)
{
    uart_puts("[ota] eth tx ");
    uart_put_dec(n.eth.tx_frames);
    uart_puts(" rx ");
    uart_put_dec(n.eth.rx_frames);
    uart_puts(" tx_err ");
    uart_put_dec(n.eth.tx_errors);
    uart_puts(" rx_err ");
    uart_put_dec(n.eth.rx_errors);
    uart_puts(" no_pbuf ");
    uart_put_dec(n.eth.rx_no_pbuf);
    uart_puts("\n");
}
