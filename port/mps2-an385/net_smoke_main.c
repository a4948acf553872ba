/* SPDX-License-Identifier: Apache-2.0 */
/*
 * net-smoke: Ferry's HTTP client over lwIP on the LAN9118, at 0x0 in place
 * of the bootloader (port/mps2-an385/net.cmake, tests/qemu/net_smoke.py).
 *
 *   1. brings up the LAN9118 and lwIP (NO_SYS, port/lwip) and asks DHCP for
 *      an address (QEMU's user network gives 10.0.2.15);
 *   2. GETs http://10.0.2.100/NET_SMOKE_PATH through transport_lwip and
 *      prints status, byte count and the body's SHA-256 (QEMU forwards
 *      10.0.2.100:80 to a server on the host: guestfwd);
 *   3. checks the transport's failure paths over the same stack: a missing
 *      file (404 on a second connection), a server that stalls in the body
 *      (10.0.2.101: a timeout after timeout_ms of silence), a host name (no
 *      DNS: an I/O error at once), a refused port (an I/O error), an
 *      address nobody answers for (a timeout within its timeout_ms), a
 *      receive buffer smaller than the TCP window (refused);
 *   4. prints "[net] done" (or "[net] FAILED") and resets (QEMU -no-reboot
 *      then exits).
 *
 * Output lines (UART0):
 *   [net] mac 52:54:00:12:34:56
 *   [net] dhcp 10.0.2.15 mask 255.255.255.0 gw 0.0.0.0 after N ms  (restrict=on: no router)
 *   [net] get PATH status S bytes N sha256 HEX result R (TEXT) in N ms
 *   [net] ticks total T busy B (sha256 H) idle-polls P
 *          timer ticks (25 MHz; 40 instructions each under -icount shift=0):
 *          the whole GET, the part not spent spinning for frames (poll()),
 *          the part of it spent hashing the body
 *   [net] stall: N ms from the last byte to the timeout
 *   [net] connect HOST:PORT result R (TEXT) [after N ms]
 *   [net] check NAME ok|FAILED
 *   [net] eth tx N rx N tx_err N rx_err N no_pbuf N
 *   [net] stack N of M bytes
 *   [net] done   or   [net] FAILED
 */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "cmsdk_timer.h"
#include "cmsdk_uart.h"
#include "cortexm.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "ferry/http.h"
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

extern uint32_t __stack_base[], __stack_top[]; /* the linker script's */

#ifndef NET_SMOKE_PATH
#define NET_SMOKE_PATH "/net-smoke.bin"
#endif
#define SERVER          "10.0.2.100"
#define STALL_SERVER    "10.0.2.101" /* sends headers and STALL_BYTES of body, then nothing */
#define STALL_BYTES     1000u
#define STALL_TIMEOUT_MS 1500u       /* above QEMU's first-byte delay (docs/port-lwip.md) */
#define LAN9118_BASE    0x40200000u
#define DHCP_WAIT_MS    10000u
#define HTTP_TIMEOUT_MS 5000u  /* per connect/send/recv */
#define GET_DEADLINE_MS 120000u
#define IDLE_SPINS      1000u /* loop turns: a few microseconds */
#define SILENT_HOST     "10.0.2.99" /* on the subnet, answers nothing */
#define SILENT_WAIT_MS  300u        /* the connect to it */

static struct {
    const struct ferry_clock *clock;
    struct lan9118 eth;
    struct netif netif;
    struct ferry_lwip_tcp tcp;
    uint8_t rx[FERRY_LWIP_TCP_RX_MIN];
    uint8_t http_buf[2048];
    struct ferry_http_client http;
    ferry_sha256_ctx sha;
    uint32_t body_bytes, last_body_ms;
    /* busy/idle accounting of the wait loops (see poll()) */
    uint32_t last_poll_end, idle_ticks, idle_polls, body_ticks;
    int last_poll_had_frames;
    int failed;
} n;

void ferry_lwip_assert_failed(const char *msg)
{
    uart_puts("[net] lwIP assertion failed: ");
    uart_puts(msg);
    uart_puts("\n[net] FAILED\n");
    cortexm_system_reset();
}

/* newlib's assert() ends here (http_parser.c asserts its own invariants):
   reported like any other failure instead of newlib's abort(). */
void __assert_func(const char *file, int line, const char *func, const char *expr)
{
    (void)file, (void)line, (void)func;
    uart_puts("[net] assertion failed: ");
    uart_puts(expr);
    uart_puts("\n[net] FAILED\n");
    cortexm_system_reset();
}

/* The transport's poll hook, with a rough split of the time spent waiting
   (-icount makes it count instructions). An interval between two polls
   that both found no frame was spent spinning: idle. Everything else is
   busy: processing frames inside a poll, and what the HTTP client does with
   the bytes after a poll that found some (parsing, hashing). */
static void poll(void *ctx)
{
    unsigned frames = lan9118_netif_poll(ctx);
    uint32_t end = timer_ticks();
    if (frames == 0 && !n.last_poll_had_frames) {
        n.idle_ticks += end - n.last_poll_end;
        n.idle_polls++;
    }
    n.last_poll_had_frames = frames != 0;
    n.last_poll_end = end;
    /* Nothing came: wait a little before asking the chip again. A real
       device would sleep until an interrupt; here it keeps QEMU's -icount
       runs fast (every register access is costly there) and changes
       nothing else: a few microseconds against a 1 ms clock. */
    if (frames == 0)
        for (volatile unsigned i = 0; i < IDLE_SPINS; i++)
            ;
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

static void put_hex8(uint8_t b)
{
    uart_putc("0123456789abcdef"[b >> 4]);
    uart_putc("0123456789abcdef"[b & 15u]);
}

static void put_err(int err)
{
    uart_puts("result ");
    if (err < 0) {
        uart_putc('-');
        uart_put_dec((uint32_t)-err);
    } else {
        uart_put_dec((uint32_t)err);
    }
    uart_puts(" (");
    uart_puts(ferry_strerror(err));
    uart_puts(")");
}

static void check(const char *name, int ok)
{
    uart_puts("[net] check ");
    uart_puts(name);
    uart_puts(ok ? " ok\n" : " FAILED\n");
    if (!ok)
        n.failed = 1;
}

static int body(void *ctx, const uint8_t *data, size_t len)
{
    (void)ctx;
    uint32_t t0 = timer_ticks();
    ferry_sha256_update(&n.sha, data, len);
    n.body_bytes += (uint32_t)len;
    n.last_body_ms = n.clock->now_ms(n.clock->ctx);
    n.body_ticks += timer_ticks() - t0;
    return 0;
}

static int bring_up(void)
{
    int err = lan9118_init(&n.eth, LAN9118_BASE);
    if (err != FERRY_OK) {
        uart_puts("[net] lan9118: ");
        put_err(err);
        uart_puts("\n");
        return err;
    }
    uart_puts("[net] mac ");
    for (int i = 0; i < 6; i++) {
        put_hex8(n.eth.mac[i]);
        if (i < 5)
            uart_putc(':');
    }
    uart_puts("\n");
    /* The seed mixes the MAC with the time the chip took to come up; a
       product takes a hardware random source (ferry_lwip_port.h). */
    uint32_t seed = timer_ticks() ^ ((uint32_t)n.eth.mac[2] << 24 | (uint32_t)n.eth.mac[3] << 16 |
                                     (uint32_t)n.eth.mac[4] << 8 | n.eth.mac[5]);
    ferry_lwip_port_init(n.clock, seed);
    lwip_init();
    if (netif_add(&n.netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, &n.eth, lan9118_netif_init,
                  ethernet_input) == NULL) {
        uart_puts("[net] netif_add failed\n");
        return FERRY_E_IO;
    }
    netif_set_default(&n.netif);
    netif_set_up(&n.netif);
    if (dhcp_start(&n.netif) != ERR_OK) {
        uart_puts("[net] dhcp_start failed\n");
        return FERRY_E_IO;
    }
    uint32_t start = n.clock->now_ms(n.clock->ctx);
    while (!dhcp_supplied_address(&n.netif)) {
        if (n.clock->now_ms(n.clock->ctx) - start >= DHCP_WAIT_MS) {
            uart_puts("[net] dhcp: no address after ");
            uart_put_dec(DHCP_WAIT_MS);
            uart_puts(" ms\n");
            return FERRY_E_TIMEOUT;
        }
        lan9118_netif_poll(&n.netif);
        sys_check_timeouts();
    }
    uart_puts("[net] dhcp ");
    put_ip(netif_ip4_addr(&n.netif));
    uart_puts(" mask ");
    put_ip(netif_ip4_netmask(&n.netif));
    uart_puts(" gw ");
    put_ip(netif_ip4_gw(&n.netif));
    uart_puts(" after ");
    uart_put_dec(n.clock->now_ms(n.clock->ctx) - start);
    uart_puts(" ms\n");
    return FERRY_OK;
}

/* GET http://host/path with client c; prints the result line. */
static int get(const struct ferry_http_client *c, const char *host, const char *path,
               struct ferry_http_response *resp)
{
    struct ferry_url url;
    char text[96] = "http://";
    strncat(text, host, sizeof text - strlen(text) - 1);
    strncat(text, path, sizeof text - strlen(text) - 1);
    int err = ferry_url_parse(text, &url);
    if (err != FERRY_OK)
        return err;
    ferry_sha256_init(&n.sha);
    n.body_bytes = 0;
    memset(resp, 0, sizeof *resp);
    struct ferry_deadline deadline;
    ferry_deadline_start(&deadline, n.clock, GET_DEADLINE_MS);
    uint32_t t0 = timer_ticks(), ms0 = n.clock->now_ms(n.clock->ctx);
    n.last_poll_end = t0;
    n.idle_ticks = n.idle_polls = n.body_ticks = 0;
    n.last_poll_had_frames = 1;
    err = ferry_http_get_until(c, &url, 0, resp, body, NULL, &deadline);
    uint32_t ticks = timer_ticks() - t0, ms = n.clock->now_ms(n.clock->ctx) - ms0;
    uint8_t digest[32];
    ferry_sha256_final(&n.sha, digest);
    uart_puts("[net] get ");
    uart_puts(path);
    uart_puts(" status ");
    uart_put_dec((uint32_t)resp->status);
    uart_puts(" bytes ");
    uart_put_dec(n.body_bytes);
    uart_puts(" sha256 ");
    for (int i = 0; i < 32; i++)
        put_hex8(digest[i]);
    uart_puts(" ");
    put_err(err);
    uart_puts(" in ");
    uart_put_dec(ms);
    uart_puts(" ms\n[net] ticks total ");
    uart_put_dec(ticks);
    uart_puts(" busy ");
    uart_put_dec(ticks - n.idle_ticks);
    uart_puts(" (sha256 ");
    uart_put_dec(n.body_ticks);
    uart_puts(") idle-polls ");
    uart_put_dec(n.idle_polls);
    uart_puts("\n");
    return err;
}

int main(void)
{
    uart_init();
    n.clock = net_clock_start();
    uart_puts("[net] net-smoke: Ferry HTTP over lwIP " LWIP_VERSION_STRING " on the LAN9118\n");
    if (bring_up() != FERRY_OK) {
        uart_puts("[net] FAILED\n");
        cortexm_system_reset();
    }

    struct ferry_lwip_tcp_config cfg = {
        .clock = n.clock, .poll = poll, .poll_ctx = &n.netif, .rx_buf = n.rx, .rx_size = sizeof n.rx};
    cfg.rx_size = FERRY_LWIP_TCP_RX_MIN - 1;
    check("small buffer refused", ferry_lwip_tcp_init(&n.tcp, &cfg) == FERRY_E_INVAL);
    cfg.rx_size = sizeof n.rx;
    check("transport init", ferry_lwip_tcp_init(&n.tcp, &cfg) == FERRY_OK);
    n.http = (struct ferry_http_client){.plain = &n.tcp.transport, .buf = n.http_buf,
                                        .buf_len = sizeof n.http_buf, .timeout_ms = HTTP_TIMEOUT_MS,
                                        .max_redirects = 3};

    struct ferry_http_response resp;
    int err = get(&n.http, SERVER, NET_SMOKE_PATH, &resp);
    check("get 200", err == FERRY_OK && resp.status == 200 &&
                         resp.content_length == n.body_bytes);

    err = get(&n.http, SERVER, "/net-smoke-missing", &resp);
    check("get 404", err == FERRY_E_HTTP_STATUS && resp.status == 404);

    /* A server that stops sending in the middle of the body: recv gives up
       after the client's timeout_ms of silence. */
    struct ferry_http_client stall = n.http;
    stall.timeout_ms = STALL_TIMEOUT_MS;
    err = get(&stall, STALL_SERVER, "/stall", &resp);
    uint32_t silent = n.clock->now_ms(n.clock->ctx) - n.last_body_ms;
    uart_puts("[net] stall: ");
    uart_put_dec(silent);
    uart_puts(" ms from the last byte to the timeout\n");
    check("stall", err == FERRY_E_TIMEOUT && resp.status == 200 && n.body_bytes == STALL_BYTES &&
                       silent >= STALL_TIMEOUT_MS && silent < STALL_TIMEOUT_MS + 50);

    /* The transport directly: a host name, a refused port, an address
       nobody answers for. */
    const struct ferry_transport *tr = &n.tcp.transport;
    err = tr->ops->connect(tr->ctx, "updates.example", 80, 1000);
    tr->ops->close(tr->ctx);
    uart_puts("[net] connect updates.example:80 ");
    put_err(err);
    uart_puts("\n");
    check("no dns", err == FERRY_E_IO);

    /* A port the user network refuses (restrict=on answers with a reset). */
    err = tr->ops->connect(tr->ctx, SERVER, 81, HTTP_TIMEOUT_MS);
    tr->ops->close(tr->ctx);
    uart_puts("[net] connect " SERVER ":81 ");
    put_err(err);
    uart_puts("\n");
    check("refused", err == FERRY_E_IO);

    /* An address nobody has: ARP gets no answer, the SYN never leaves. */
    uint32_t ms0 = n.clock->now_ms(n.clock->ctx);
    err = tr->ops->connect(tr->ctx, SILENT_HOST, 80, SILENT_WAIT_MS);
    uint32_t ms = n.clock->now_ms(n.clock->ctx) - ms0;
    tr->ops->close(tr->ctx);
    tr->ops->close(tr->ctx); /* twice: safe */
    uart_puts("[net] connect " SILENT_HOST ":80 ");
    put_err(err);
    uart_puts(" after ");
    uart_put_dec(ms);
    uart_puts(" ms\n");
    check("timeout", err == FERRY_E_TIMEOUT && ms >= SILENT_WAIT_MS && ms < SILENT_WAIT_MS + 50);
    uint8_t byte;
    check("recv after close", tr->ops->recv(tr->ctx, &byte, 1, 10) == FERRY_E_IO);

    uart_puts("[net] eth tx ");
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
    /* The deepest stack of the whole run (startup.c paints it). */
    uart_puts("[net] stack ");
    uart_put_dec(cortexm_stack_used(__stack_base, __stack_top));
    uart_puts(" of ");
    uart_put_dec((uint32_t)((uintptr_t)__stack_top - (uintptr_t)__stack_base));
    uart_puts(" bytes\n");
    uart_puts(n.failed ? "[net] FAILED\n" : "[net] done\n");
    cortexm_system_reset();
}
