/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tls-bench: what the TLS transport (port/tls-bearssl) costs the Cortex-M3,
 * at 0x0 in place of the bootloader, run under QEMU with -icount shift=0
 * (one instruction per ns: 40 per 25 MHz timer tick). The client (Ferry's
 * HTTP client over ferry_tls) talks to an in-memory TLS server
 * (tls_memserver.h) in front of the in-memory web server of bench_memnet.h,
 * all on this CPU; the time spent inside the server is counted apart and
 * taken out, so the figures are the client's alone:
 *
 *   [tls] suite NAME   the server offers only this suite (each in turn)
 *   [tls] curve N      the ECDHE group negotiated (23: P-256, 29: X25519)
 *   [tls] handshake result R instructions I (server S)
 *         connect + close: ECDHE P-256 (or X25519), the chain and the
 *         server's signature checked, nothing sent after
 *   [tls] get /small|/big bytes N result R instructions I (server S)
 *         a whole HTTPS GET: handshake, request, body, end
 *   [tls] per-byte instructions P (x1000: P/1000 per byte)
 *         (get /big - get /small) / (their difference in bytes)
 *   [tls] check NAME ok|FAILED   the refusals: wrong CA, wrong time
 *   [tls] stack handshake N   the client's stack for connect + close
 *   [tls] stack https_get N   ... for a whole GET (the HTTP client included)
 *         (the server runs on a stack of its own, so these are the
 *         client's alone: painted before, the deepest word written after)
 *   [tls] stack server N of M the in-memory server's own stack
 *   [tls] sizes ctx C buf B server ctx S
 *   [tls] done   or   [tls] FAILED
 *
 * Entropy is the test-only source (entropy_test_only.h: NOT RANDOM); the
 * certificates are made at build time (tls_bench_certs.cmake), and the time
 * hook reads the time they were made. Then the program resets (QEMU
 * -no-reboot exits). port/mps2-an385/tls.cmake builds it, docs/tls.md
 * gives the figures.
 */
#include <stdint.h>
#include <string.h>

#include "bench_memnet.h"
#include "cmsdk_timer.h"
#include "cmsdk_uart.h"
#include "cortexm.h"
#include "entropy_test_only.h"
#include "ferry/errors.h"
#include "ferry/http.h"
#include "ferry_tls.h"
#include "tls_memserver.h"

#define INSTR_PER_TICK 40u
#define BIG_LEN (128u * 1024u)
#define SMALL_LEN 1024u

extern const unsigned char tls_bench_ca_der[], tls_bench_server_der[], tls_bench_key_der[];
extern const size_t tls_bench_ca_der_len, tls_bench_server_der_len, tls_bench_key_der_len;
extern const uint64_t tls_bench_unix_time;
extern uint32_t __stack_base[], __stack_top[]; /* the linker script's */

/* The body: any bytes will do, the client only frames and counts them. */
static const uint8_t body[BIG_LEN] = {1, 2, 3, 4};
static const struct memnet_file files[] = {
    {"/small", body, SMALL_LEN},
    {"/big", body, BIG_LEN},
};

/* The suites measured: the server offers only that one, and with `ec` only
   P-256 for ECDHE (else X25519, which BearSSL prefers). */
static const struct {
    uint16_t id;
    const char *name;
    const br_ec_impl *ec;
} suites[] = {
    {BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305", NULL},
    {BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256", NULL},
    {BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305 (P-256)",
     &br_ec_p256_m31},
};

static struct memnet net;
static struct tls_memserver server;
static unsigned char server_buf[BR_SSL_BUFSIZE_MONO];
static struct ferry_tls tls;
static unsigned char tls_buf[FERRY_TLS_BUF_SIZE];
static uint8_t http_buf[2048];
static int failed;

/* ---- the trust anchor and the server's key, decoded from the DER -------- */

static br_x509_decoder_context ca_decoder; /* the anchor's key points into it */
static br_skey_decoder_context key_decoder; /* so does the server key */
static unsigned char ca_dn[256];
static size_t ca_dn_len;
static br_x509_trust_anchor anchor, wrong_anchor;
static br_x509_certificate chain;

static void dn_append(void *ctx, const void *buf, size_t len)
{
    (void)ctx;
    if (len > sizeof ca_dn - ca_dn_len)
        len = sizeof ca_dn - ca_dn_len;
    memcpy(ca_dn + ca_dn_len, buf, len);
    ca_dn_len += len;
}

static int decode_fixtures(void)
{
    const br_x509_pkey *pk;
    br_x509_decoder_init(&ca_decoder, dn_append, NULL);
    br_x509_decoder_push(&ca_decoder, tls_bench_ca_der, tls_bench_ca_der_len);
    pk = br_x509_decoder_get_pkey(&ca_decoder);
    if (pk == NULL || !br_x509_decoder_isCA(&ca_decoder))
        return -1;
    anchor.dn.data = ca_dn;
    anchor.dn.len = ca_dn_len;
    anchor.flags = BR_X509_TA_CA;
    anchor.pkey = *pk;
    br_skey_decoder_init(&key_decoder);
    br_skey_decoder_push(&key_decoder, tls_bench_key_der, tls_bench_key_der_len);
    if (br_skey_decoder_last_error(&key_decoder) != 0 ||
        br_skey_decoder_key_type(&key_decoder) != BR_KEYTYPE_EC)
        return -1;
    chain.data = (unsigned char *)tls_bench_server_der;
    chain.data_len = tls_bench_server_der_len;
    return 0;
}

/* ---- hooks --------------------------------------------------------------- */

static int64_t time_shift; /* seconds added to the certificates' birth */

static int bench_time(void *ctx, uint64_t *unix_seconds)
{
    (void)ctx;
    *unix_seconds = (uint64_t)((int64_t)tls_bench_unix_time + 60 + time_shift);
    return 0;
}

static const struct ferry_tls_time bench_clock = {bench_time, NULL};

/* ---- measurements ---------------------------------------------------------- */

static void start_client(const br_x509_trust_anchor *ta)
{
    const struct ferry_tls_config cfg = {
        .tcp = &server.transport,
        .anchors = ta,
        .anchor_count = 1,
        .entropy = &mps2_entropy_test_only,
        .time = &bench_clock,
        .buf = tls_buf,
        .buf_len = sizeof tls_buf,
    };
    if (ferry_tls_init(&tls, &cfg) != FERRY_OK)
        failed = 1;
}

static void put_result(int rc)
{
    uart_puts(" result ");
    uart_puts(rc < 0 ? "-" : "");
    uart_put_dec((uint32_t)(rc < 0 ? -rc : rc));
    uart_puts(" (");
    uart_puts(ferry_strerror(rc));
    uart_puts(")");
}

static void put_costs(uint32_t ticks)
{
    uart_puts(" instructions ");
    uart_put_dec((ticks - server.ticks) * INSTR_PER_TICK);
    uart_puts(" (server ");
    uart_put_dec(server.ticks * INSTR_PER_TICK);
    uart_puts(")\n");
}

static int handshake(void)
{
    const struct ferry_transport *t = &tls.transport;
    uint32_t t0;
    int rc;
    server.ticks = 0;
    t0 = timer_ticks();
    rc = t->ops->connect(t->ctx, "update.example", 443, 1000);
    t->ops->close(t->ctx);
    uint32_t ticks = timer_ticks() - t0;
    uart_puts("[tls] handshake");
    put_result(rc);
    put_costs(ticks);
    return rc;
}

static int count_body(void *ctx, const uint8_t *data, size_t len)
{
    (void)data;
    *(uint32_t *)ctx += (uint32_t)len;
    return 0;
}

/* One GET of `path`; returns the client's instructions, 0 on failure. */
static uint32_t get(const char *path, uint32_t want_len)
{
    struct ferry_http_client c = {.tls = &tls.transport, .buf = http_buf, .buf_len = sizeof http_buf,
                                  .timeout_ms = 1000};
    struct ferry_http_response resp;
    struct ferry_url u;
    char text[64] = "https://update.example";
    uint32_t got = 0, t0, ticks;
    int rc;
    strncat(text, path, sizeof text - strlen(text) - 1);
    rc = ferry_url_parse(text, &u);
    server.ticks = 0;
    t0 = timer_ticks();
    if (rc == FERRY_OK)
        rc = ferry_http_get(&c, &u, 0, &resp, count_body, &got);
    ticks = timer_ticks() - t0;
    uart_puts("[tls] get ");
    uart_puts(path);
    uart_puts(" bytes ");
    uart_put_dec(got);
    put_result(rc);
    put_costs(ticks);
    if (rc != FERRY_OK || got != want_len) {
        failed = 1;
        return 0;
    }
    return (ticks - server.ticks) * INSTR_PER_TICK;
}

/* newlib's assert() ends here (http_parser.c asserts its own invariants):
   reported like any other failure instead of newlib's abort(). */
void __assert_func(const char *file, int line, const char *func, const char *expr);
void __assert_func(const char *file, int line, const char *func, const char *expr)
{
    (void)file, (void)line, (void)func;
    uart_puts("[tls] assertion failed: ");
    uart_puts(expr);
    uart_puts("\n[tls] FAILED\n");
    cortexm_system_reset();
}

/* Paints the unused part of the stack again (below the current frame) and
   returns how deep the stack is here: what a call made from here uses is
   then cortexm_stack_used() minus that. Inline, so that it measures the
   caller's depth. */
static inline __attribute__((always_inline)) uint32_t repaint_stack(void)
{
    uintptr_t sp = cortexm_stack_pointer();
    for (uint32_t *p = __stack_base; (uintptr_t)(p + 16) < sp; p++)
        *(volatile uint32_t *)p = CORTEXM_STACK_PAINT;
    return (uint32_t)((uintptr_t)__stack_top - sp);
}

static void put_stack(const char *what, uint32_t depth0)
{
    uart_puts("[tls] stack ");
    uart_puts(what);
    uart_puts(" ");
    uart_put_dec(cortexm_stack_used(__stack_base, __stack_top) - depth0);
    uart_puts("\n");
}

static void check(const char *name, int ok)
{
    uart_puts("[tls] check ");
    uart_puts(name);
    uart_puts(ok ? " ok\n" : " FAILED\n");
    if (!ok)
        failed = 1;
}

int main(void)
{
    uint32_t small, big;
    uart_init();
    timer_start();
    if (decode_fixtures() != 0) {
        uart_puts("[tls] cannot decode the test certificates\n[tls] FAILED\n");
        cortexm_system_reset();
    }
    memnet_init(&net, files, sizeof files / sizeof files[0], 16384);
    tls_memserver_init(&server, &net.transport, &chain, 1, br_skey_decoder_get_ec(&key_decoder),
                       server_buf, sizeof server_buf, 1460);

    start_client(&anchor);
    for (unsigned i = 0; i < sizeof suites / sizeof suites[0]; i++) {
        server.suite = suites[i].id;
        server.ec = suites[i].ec;
        uart_puts("[tls] suite ");
        uart_puts(suites[i].name);
        uart_puts("\n");
        uint32_t depth0 = repaint_stack();
        check("handshake", handshake() == FERRY_OK &&
                               server.sc.eng.session.cipher_suite == suites[i].id);
        put_stack("handshake", depth0);
        uart_puts("[tls] curve ");
        uart_put_dec((uint32_t)br_ssl_engine_get_ecdhe_curve(&server.sc.eng));
        uart_puts(" (23: P-256, 29: X25519)\n");
        small = get("/small", SMALL_LEN);
        depth0 = repaint_stack();
        big = get("/big", BIG_LEN);
        put_stack("https_get", depth0);
        if (small != 0 && big > small) {
            uart_puts("[tls] per-byte instructions ");
            uart_put_dec((uint32_t)(((uint64_t)(big - small) * 1000u) / (BIG_LEN - SMALL_LEN)));
            uart_puts(" (x1000)\n");
        }
    }
    server.suite = 0;
    server.ec = NULL;

    /* refusals on the target, as on the host (tests/test_http_tls.c) */
    time_shift = -86400;
    check("not_yet_valid", handshake() == FERRY_E_TLS &&
                               ferry_tls_last_error(&tls) == BR_ERR_X509_EXPIRED);
    time_shift = 11 * 365 * 86400;
    check("expired", handshake() == FERRY_E_TLS && ferry_tls_last_error(&tls) == BR_ERR_X509_EXPIRED);
    time_shift = 0;
    wrong_anchor = anchor;
    wrong_anchor.dn.len = anchor.dn.len - 1; /* another name: not the issuer */
    start_client(&wrong_anchor);
    check("wrong_ca", handshake() == FERRY_E_TLS &&
                          ferry_tls_last_error(&tls) == BR_ERR_X509_NOT_TRUSTED);

    uart_puts("[tls] stack server ");
    uart_put_dec(tls_memserver_stack_used());
    uart_puts(" of ");
    uart_put_dec(TLS_MEMSERVER_STACK_BYTES);
    uart_puts("\n");
    uart_puts("[tls] sizes ctx ");
    uart_put_dec(sizeof tls);
    uart_puts(" buf ");
    uart_put_dec(sizeof tls_buf);
    uart_puts(" server ctx ");
    uart_put_dec(sizeof server);
    uart_puts("\n");
    uart_puts(failed ? "[tls] FAILED\n" : "[tls] done\n");
    cortexm_system_reset();
}
