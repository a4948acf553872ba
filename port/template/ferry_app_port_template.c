/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry application-side port template: what the update agent's HTTPS
 * transport needs from the platform (port/tls-bearssl, docs/tls.md). Copy it
 * next to your application, fill in every PORT: block. The bootloader's
 * hooks are in ferry_port_template.c. Nothing here may call malloc.
 *
 * A port provides:
 *   1. an entropy source: bytes fit for key generation (a hardware TRNG, or
 *      a DRBG seeded from one). The TLS transport refuses to connect without
 *      one (FERRY_E_ENTROPY) and never falls back to anything else;
 *   2. a wall clock (UTC seconds since 1970) for the certificates' validity
 *      and the manifest's expiry: an RTC, or a network time. Without it, or
 *      while it is not known, every TLS connect is refused;
 *   3. a TCP transport (port/lwip/transport_lwip.h over lwIP, or the OS's).
 */
#include <stddef.h>
#include <stdint.h>
#include "ferry/errors.h"
#include "ferry_tls.h"

/* ---- 1. Entropy ------------------------------------------------------------ */

/* PORT: write len bytes from the TRNG into buf and return 0; return a
 * negative FERRY_E_* code when the source fails its health checks or is not
 * ready. Never return predictable bytes: they would be the TLS keys. */
static int board_entropy_fill(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx, (void)buf, (void)len;
    return FERRY_E_UNSUPPORTED;
}

static const struct ferry_tls_entropy board_entropy = {board_entropy_fill, NULL};

/* ---- 2. Clock ---------------------------------------------------------------- */

/* PORT: UTC seconds since 1970 into *unix_seconds and 0, or nonzero while
 * the time is not known (an RTC that lost power, no network time yet). The
 * same function serves the agent's unix_time hook (ferry/agent.h). */
static int board_unix_time(void *ctx, uint64_t *unix_seconds)
{
    (void)ctx, (void)unix_seconds;
    return FERRY_E_UNSUPPORTED;
}

static const struct ferry_tls_time board_time = {board_unix_time, NULL};

/* ---- 3. The TLS transport over the port's TCP transport ------------------------ */

static unsigned char tls_buf[FERRY_TLS_BUF_SIZE];
static struct ferry_tls tls;

/* PORT: `tcp` is the port's TCP transport, `anchors` the CA certificates
 * the device trusts (brssl ta CA.pem writes them as C). Returns the
 * transport for ferry_http_client's `tls`; it refuses every connect until
 * both hooks work. */
const struct ferry_transport *ferry_app_port_template_tls(const struct ferry_transport *tcp,
                                                         const br_x509_trust_anchor *anchors,
                                                         size_t anchor_count)
{
    const struct ferry_tls_config cfg = {
        .tcp = tcp,
        .anchors = anchors,
        .anchor_count = anchor_count,
        .entropy = &board_entropy,
        .time = &board_time,
        .buf = tls_buf,
        .buf_len = sizeof tls_buf,
    };
    (void)ferry_tls_init(&tls, &cfg); /* on failure connect repeats the error */
    return &tls.transport;
}
