/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BearSSL TLS client transport (ferry_tls.h). The engine is driven with
 * br_sslio; its low-level callbacks call the underlying transport with the
 * timeout of the current call and remember why they failed, so a timeout
 * comes back as FERRY_E_TIMEOUT and not as a TLS failure.
 *
 * Device code: no allocation, no OS call; the platform's entropy and time
 * come from the hooks in the config.
 */
#include "ferry_tls.h"

#include <string.h>

#include "ferry/errors.h"

/* What the client offers, and so accepts: TLS 1.2 only (1.0 and 1.1 lack
   AEAD suites and rely on weaker handshake hashes), ECDHE key exchange
   (forward secrecy: a server key stolen later does not open old sessions)
   with an AEAD cipher. The order is the client's preference, which most
   servers follow: ChaCha20-Poly1305 first, because a microcontroller
   without AES instructions runs it about six times faster than BearSSL's
   constant-time AES-GCM (docs/tls.md: 36 against 232 instructions per byte
   on the Cortex-M3), then AES-128-GCM, then AES-256-GCM. */
static const uint16_t tls_suites[] = {
    BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
};

/* Hash functions, for the handshake (PRF, transcript, the server's
   signature) and for certificate signatures. SHA-1 and MD5 are left out:
   TLS 1.2 does not need them, and a chain signed with them is refused. */
static const br_hash_class *const tls_hashes[] = {
    &br_sha256_vtable,
    &br_sha384_vtable,
    &br_sha512_vtable,
};

/* The client profile: what br_ssl_client_init_full sets, cut down to the
   suites above, so a device links only their code (no CBC, CCM, 3DES, RSA
   key exchange, TLS 1.0 PRF). RSA stays for ECDHE-RSA servers and RSA CAs,
   ECDSA for EC ones; BearSSL's default implementations are the fastest
   constant-time ones the build offers. */
static void set_profile(struct ferry_tls *t)
{
    br_ssl_client_context *cc = &t->ssl;
    br_x509_minimal_context *xc = &t->x509;
    size_t i;

    br_ssl_client_zero(cc);
    br_ssl_engine_set_versions(&cc->eng, BR_TLS12, BR_TLS12);
    /* The X.509 engine hashes distinguished names with SHA-256. */
    br_x509_minimal_init(xc, &br_sha256_vtable, t->cfg.anchors, t->cfg.anchor_count);
    br_ssl_engine_set_suites(&cc->eng, tls_suites, sizeof tls_suites / sizeof tls_suites[0]);
    br_ssl_engine_set_default_rsavrfy(&cc->eng);
    br_ssl_engine_set_default_ecdsa(&cc->eng);
    br_x509_minimal_set_rsa(xc, br_ssl_engine_get_rsavrfy(&cc->eng));
    br_x509_minimal_set_ecdsa(xc, br_ssl_engine_get_ec(&cc->eng), br_ssl_engine_get_ecdsa(&cc->eng));
    for (i = 0; i < sizeof tls_hashes / sizeof tls_hashes[0]; i++) {
        int id = (int)((tls_hashes[i]->desc >> BR_HASHDESC_ID_OFF) & BR_HASHDESC_ID_MASK);
        br_ssl_engine_set_hash(&cc->eng, id, tls_hashes[i]);
        br_x509_minimal_set_hash(xc, id, tls_hashes[i]);
    }
    br_ssl_engine_set_x509(&cc->eng, &xc->vtable);
    br_ssl_engine_set_prf_sha256(&cc->eng, &br_tls12_sha256_prf);
    br_ssl_engine_set_prf_sha384(&cc->eng, &br_tls12_sha384_prf);
    br_ssl_engine_set_default_aes_gcm(&cc->eng);
    br_ssl_engine_set_default_chapol(&cc->eng);
}

/* Days from 1 Jan 0 AD (BearSSL's epoch, proleptic Gregorian) to 1 Jan 1970. */
#define DAYS_0AD_TO_1970 719528u

/* memset that the compiler may not drop because the memory is dead after. */
static void wipe(void *p, size_t len)
{
    volatile unsigned char *v = p;
    while (len-- > 0)
        *v++ = 0;
}

static int low_read(void *ctx, unsigned char *buf, size_t len)
{
    struct ferry_tls *t = ctx;
    int n = t->cfg.tcp->ops->recv(t->cfg.tcp->ctx, buf, len, t->timeout_ms);
    if (n > 0)
        return n;
    if (n == 0)
        t->peer_closed = 1;
    else if (t->io_err == FERRY_OK)
        t->io_err = n;
    return -1;
}

static int low_write(void *ctx, const unsigned char *buf, size_t len)
{
    struct ferry_tls *t = ctx;
    int rc = t->cfg.tcp->ops->send(t->cfg.tcp->ctx, buf, len, t->timeout_ms);
    if (rc == FERRY_OK)
        return (int)len;
    if (t->io_err == FERRY_OK)
        t->io_err = rc;
    return -1;
}

static void begin_call(struct ferry_tls *t, unsigned timeout_ms)
{
    t->timeout_ms = timeout_ms;
    t->io_err = FERRY_OK;
}

/* Why the engine stopped: the transport's error first (timeout, reset),
   else a TLS failure. */
static int failure(struct ferry_tls *t)
{
    int e = br_ssl_engine_last_error(&t->ssl.eng);
    if (e != BR_ERR_OK)
        t->last_error = e;
    if (t->io_err != FERRY_OK)
        return t->io_err;
    if (e == BR_ERR_IO && t->peer_closed)
        return FERRY_E_IO;
    return FERRY_E_TLS;
}

/* Drops the connection and wipes the session (master secret, record keys,
   ECDHE state) from the context. */
static void tls_close(void *ctx)
{
    struct ferry_tls *t = ctx;
    if (t->cfg.tcp != NULL)
        t->cfg.tcp->ops->close(t->cfg.tcp->ctx);
    t->connected = 0;
    wipe(&t->ssl, sizeof t->ssl);
    wipe(&t->x509, sizeof t->x509);
    wipe(&t->io, sizeof t->io);
}

/* The validation time as BearSSL counts it, from the time hook. 0, or -1
   when there is no hook, it fails, or it reads before FERRY_TLS_TIME_FLOOR:
   the certificate's validity cannot be judged, so the connection is refused
   rather than the check skipped (docs/tls.md says why). */
static int validation_time(const struct ferry_tls *t, uint32_t *days, uint32_t *seconds)
{
    const struct ferry_tls_time *h = t->cfg.time;
    uint64_t now;
    if (h == NULL || h->unix_time == NULL || h->unix_time(h->ctx, &now) != 0)
        return -1;
    if (now < FERRY_TLS_TIME_FLOOR || now / 86400u > UINT32_MAX - DAYS_0AD_TO_1970)
        return -1;
    *days = (uint32_t)(now / 86400u) + DAYS_0AD_TO_1970;
    *seconds = (uint32_t)(now % 86400u);
    return 0;
}

static int tls_connect(void *ctx, const char *host, uint16_t port, unsigned timeout_ms)
{
    struct ferry_tls *t = ctx;
    uint8_t seed[FERRY_TLS_SEED_LEN];
    uint32_t days, seconds;
    int rc;

    tls_close(t);
    t->last_error = 0;
    t->peer_closed = 0;
    if (t->init_err != FERRY_OK)
        return t->init_err;
    /* Both hooks are asked before the server is: without them nothing is
       sent at all. */
    if (validation_time(t, &days, &seconds) != 0) {
        t->last_error = BR_ERR_X509_TIME_UNKNOWN;
        return FERRY_E_TLS;
    }
    if (t->cfg.entropy->fill(t->cfg.entropy->ctx, seed, sizeof seed) != 0) {
        wipe(seed, sizeof seed);
        return FERRY_E_ENTROPY;
    }
    begin_call(t, timeout_ms);
    rc = t->cfg.tcp->ops->connect(t->cfg.tcp->ctx, host, port, timeout_ms);
    if (rc != FERRY_OK) {
        wipe(seed, sizeof seed);
        return rc;
    }
    set_profile(t);
    br_x509_minimal_set_time(&t->x509, days, seconds);
    br_ssl_engine_set_buffer(&t->ssl.eng, t->cfg.buf, t->cfg.buf_len,
                             t->cfg.buf_len >= BR_SSL_BUFSIZE_BIDI);
    /* The hook's bytes are the generator's only seed. br_ssl_client_reset
       would also run BearSSL's system seeder once (getrandom, /dev/urandom,
       RDRAND, where the build has one) and mix it in; marking that as done
       keeps every build, host or device, on the one documented source, so
       what the tests see is what a device does. (BearSSL 0.6 has no call
       for this; the field is in its public context struct, zeroed by
       br_ssl_client_zero in set_profile.) */
    br_ssl_engine_inject_entropy(&t->ssl.eng, seed, sizeof seed);
    wipe(seed, sizeof seed);
    t->ssl.eng.rng_os_rand_done = 1;
    if (!br_ssl_client_reset(&t->ssl, host, 0)) {
        t->last_error = br_ssl_engine_last_error(&t->ssl.eng);
        tls_close(t);
        return FERRY_E_TLS;
    }
    br_sslio_init(&t->io, &t->ssl.eng, low_read, t, low_write, t);
    /* A flush with nothing to send runs the engine until it can carry
       application data: that is, through the whole handshake. */
    if (br_sslio_flush(&t->io) != 0) {
        rc = failure(t);
        tls_close(t);
        return rc;
    }
    t->connected = 1;
    return FERRY_OK;
}

static int tls_send(void *ctx, const void *buf, size_t len, unsigned timeout_ms)
{
    struct ferry_tls *t = ctx;
    if (!t->connected)
        return FERRY_E_IO;
    begin_call(t, timeout_ms);
    if (br_sslio_write_all(&t->io, buf, len) != 0 || br_sslio_flush(&t->io) != 0)
        return failure(t);
    return FERRY_OK;
}

static int tls_recv(void *ctx, void *buf, size_t len, unsigned timeout_ms)
{
    struct ferry_tls *t = ctx;
    int n, e;
    if (!t->connected)
        return FERRY_E_IO;
    begin_call(t, timeout_ms);
    n = br_sslio_read(&t->io, buf, len);
    if (n > 0)
        return n;
    e = br_ssl_engine_last_error(&t->ssl.eng);
    if (e == BR_ERR_OK)
        return 0; /* close_notify */
    if (e == BR_ERR_IO && t->io_err == FERRY_OK && t->peer_closed)
        return 0; /* TCP closed without close_notify: HTTP framing decides */
    return failure(t);
}

static const struct ferry_transport_ops tls_ops = {
    .connect = tls_connect,
    .send = tls_send,
    .recv = tls_recv,
    .close = tls_close,
};

int ferry_tls_init(struct ferry_tls *t, const struct ferry_tls_config *cfg)
{
    if (t == NULL)
        return FERRY_E_INVAL;
    memset(t, 0, sizeof *t);
    t->transport.ops = &tls_ops;
    t->transport.ctx = t;
    if (cfg == NULL || cfg->tcp == NULL || cfg->buf == NULL || cfg->buf_len == 0)
        t->init_err = FERRY_E_INVAL;
    else if (cfg->entropy == NULL || cfg->entropy->fill == NULL)
        t->init_err = FERRY_E_ENTROPY;
    if (cfg != NULL)
        t->cfg = *cfg;
    if (t->init_err == FERRY_E_INVAL)
        t->cfg.tcp = NULL; /* close() must not call through a NULL transport */
    return t->init_err;
}

int ferry_tls_last_error(const struct ferry_tls *t)
{
    return t->last_error;
}
