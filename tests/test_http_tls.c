/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HTTPS: the HTTP client over the BearSSL transport against `openssl
 * s_server -HTTP` on 127.0.0.1, with certificates the test makes at run time
 * (tests/http_tls_certs.sh). The server must be trusted through the test CA
 * and named like the host we asked for; a certificate from another CA, or
 * for another name, or not valid at the time the transport's time hook
 * gives (not yet, or no longer), or signed with SHA-1, is refused with
 * FERRY_E_TLS, and so is a server that offers only TLS 1.0/1.1 or no
 * ECDHE + AEAD cipher suite. Also: the trust-anchor
 * loader, chunked and truncated bodies over TLS, and https -> http refused.
 * Skipped (and says so) when openssl is not installed.
 *
 *   test_http_tls CERT_SCRIPT
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "ferry/errors.h"
#include "ferry/http.h"
#include "http_testserver.h"
#include "transport_tcp.h"
#include "ferry_tls.h"
#include "tls_hooks.h"
#include "trust_anchors.h"

#define BODY_LEN 50000u

static char dir[] = "/tmp/ferry-http-tls-XXXXXX";
static const char *cert_script;
static int have_certs;

static struct ferry_sim_tcp tcp;
static struct ferry_tls tls;
static unsigned char tls_buf[FERRY_TLS_BUF_SIZE];
static uint8_t client_buf[FERRY_HTTP_BUF_MIN];

struct tls_server {
    pid_t pid;
    unsigned port;
    int out; /* read end of its stdout, kept open so it never gets SIGPIPE */
};

/* ---- fixtures ---------------------------------------------------------- */

static void path_in_dir(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

/* Writes a file that s_server -HTTP sends as it is: head, then body bytes
   [0, body_len) of the test pattern (or literal `body` when given). */
static void write_response(const char *name, const char *head, size_t body_len, const char *body)
{
    char path[256];
    FILE *f;
    size_t i;
    path_in_dir(path, sizeof path, name);
    f = fopen(path, "wb");
    if (f == NULL)
        return;
    fputs(head, f);
    if (body != NULL)
        fputs(body, f);
    else
        for (i = 0; i < body_len; i++)
            fputc(http_testserver_byte(i), f);
    fclose(f);
}

static void stop_server(struct tls_server *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
    }
    if (s->out >= 0)
        close(s->out);
    s->pid = 0;
    s->out = -1;
}

/* Starts openssl s_server with cert.pem/cert.key from the test directory on
   a port the kernel picks; reads the port from its "ACCEPT" line. `options`
   (NULL-terminated, or NULL: "-tls1_2") choose the protocol and ciphers. */
static int start_server_with(struct tls_server *s, const char *cert, const char *const *options)
{
    static const char *const tls12[] = { "-tls1_2", NULL };
    char cert_path[256], key_path[256], line[256];
    int out[2];
    size_t len = 0;
    int waited = 0;

    snprintf(cert_path, sizeof cert_path, "%s.pem", cert);
    snprintf(key_path, sizeof key_path, "%s.key", cert);
    if (pipe(out) != 0)
        return -1;
    s->pid = fork();
    if (s->pid < 0) {
        close(out[0]);
        close(out[1]);
        return -1;
    }
    if (s->pid == 0) {
        if (chdir(dir) != 0)
            _exit(127);
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        if (freopen("/dev/null", "w", stderr) == NULL)
            _exit(127);
        {
            const char *argv[24] = { "openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", cert_path,
                                     "-key", key_path, "-HTTP" };
            size_t n = 9, i;
            if (options == NULL)
                options = tls12;
            for (i = 0; options[i] != NULL && n + 1 < sizeof argv / sizeof argv[0]; i++)
                argv[n++] = options[i];
            argv[n] = NULL;
            execvp("openssl", (char *const *)argv);
        }
        _exit(127);
    }
    close(out[1]);
    s->port = 0;
    s->out = -1;
    while (s->port == 0 && waited < 10000) {
        struct pollfd p = { .fd = out[0], .events = POLLIN };
        ssize_t n;
        if (poll(&p, 1, 100) <= 0) {
            waited += 100;
            continue;
        }
        n = read(out[0], line + len, sizeof line - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        line[len] = '\0';
        {
            char *a = strstr(line, "ACCEPT 127.0.0.1:");
            if (a != NULL && strchr(a, '\n') != NULL)
                s->port = (unsigned)atoi(a + 17);
        }
        if (len == sizeof line - 1)
            len = 0;
    }
    s->out = out[0];
    if (s->port == 0) {
        stop_server(s);
        return -1;
    }
    return 0;
}

static int start_server(struct tls_server *s, const char *cert)
{
    return start_server_with(s, cert, NULL);
}

struct sink {
    uint64_t len, mismatches;
};

static int pattern_body(void *ctx, const uint8_t *d, size_t n)
{
    struct sink *s = ctx;
    size_t i;
    for (i = 0; i < n; i++)
        if (d[i] != http_testserver_byte(s->len + i))
            s->mismatches++;
    s->len += n;
    return 0;
}

/* The validation time the next get() gives the transport: the host's
   clock shifted by `time_shift` seconds. */
static int64_t time_shift;

static int shifted_time(void *ctx, uint64_t *unix_seconds)
{
    int rc = ferry_sim_unix_time(ctx, unix_seconds);
    *unix_seconds = (uint64_t)((int64_t)*unix_seconds + time_shift);
    return rc;
}

static const struct ferry_tls_time test_time = {shifted_time, NULL};

/* GET over https with the anchors in `ca_file`. */
static int get(const char *ca_file, const char *host, unsigned port, const char *path, struct sink *sink,
               struct ferry_http_response *resp)
{
    struct ferry_tls_config tls_cfg;
    struct ferry_sim_trust_anchors ta;
    struct ferry_http_client c;
    struct ferry_url u;
    char text[300], ca_path[256];
    int rc;

    path_in_dir(ca_path, sizeof ca_path, ca_file);
    if (ferry_sim_trust_anchors_load(&ta, ca_path) != FERRY_OK)
        return 1;
    ferry_sim_tcp_init(&tcp);
    memset(&tls_cfg, 0, sizeof tls_cfg);
    tls_cfg.tcp = &tcp.transport;
    tls_cfg.anchors = ta.anchors;
    tls_cfg.anchor_count = ta.count;
    tls_cfg.entropy = &ferry_sim_entropy;
    tls_cfg.time = &test_time;
    tls_cfg.buf = tls_buf;
    tls_cfg.buf_len = sizeof tls_buf;
    if (ferry_tls_init(&tls, &tls_cfg) != FERRY_OK) {
        ferry_sim_trust_anchors_free(&ta);
        return 1;
    }
    memset(&c, 0, sizeof c);
    c.plain = &tcp.transport;
    c.tls = &tls.transport;
    c.buf = client_buf;
    c.buf_len = sizeof client_buf;
    c.timeout_ms = 5000;
    c.max_redirects = 3;
    snprintf(text, sizeof text, "https://%s:%u%s", host, port, path);
    memset(sink, 0, sizeof *sink);
    rc = ferry_url_parse(text, &u);
    if (rc == FERRY_OK)
        rc = ferry_http_get(&c, &u, 0, resp, pattern_body, sink);
    ferry_sim_trust_anchors_free(&ta);
    return rc;
}

/* ---- tests ------------------------------------------------------------- */

static void test_trust_anchor_loader(void)
{
    struct ferry_sim_trust_anchors ta;
    char path[256];
    if (!have_certs)
        SKIP("no certificates (openssl missing)");
    path_in_dir(path, sizeof path, "ca.pem");
    CHECK_EQ(ferry_sim_trust_anchors_load(&ta, path), FERRY_OK);
    CHECK_EQ(ta.count, 1);
    if (ta.count == 1) {
        CHECK(ta.anchors[0].flags & BR_X509_TA_CA);
        CHECK_EQ(ta.anchors[0].pkey.key_type, BR_KEYTYPE_RSA);
        CHECK(ta.anchors[0].dn.len > 0);
    }
    ferry_sim_trust_anchors_free(&ta);
    CHECK_EQ(ta.count, 0);

    path_in_dir(path, sizeof path, "server.pem"); /* a leaf: trusted directly, no CA flag */
    CHECK_EQ(ferry_sim_trust_anchors_load(&ta, path), FERRY_OK);
    CHECK_EQ(ta.count, 1);
    if (ta.count == 1) {
        CHECK(!(ta.anchors[0].flags & BR_X509_TA_CA));
        CHECK_EQ(ta.anchors[0].pkey.key_type, BR_KEYTYPE_EC);
    }
    ferry_sim_trust_anchors_free(&ta);

    path_in_dir(path, sizeof path, "server.key"); /* no certificate in it */
    CHECK_EQ(ferry_sim_trust_anchors_load(&ta, path), FERRY_E_CORRUPT);
    path_in_dir(path, sizeof path, "no-such-file.pem");
    CHECK_EQ(ferry_sim_trust_anchors_load(&ta, path), FERRY_E_IO);
    {
        static const char broken[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        CHECK_EQ(ferry_sim_trust_anchors_from_pem(&ta, broken, sizeof broken - 1), FERRY_E_CORRUPT);
        CHECK_EQ(ta.count, 0);
    }
}

static void test_https_fetch(void)
{
    struct tls_server s;
    struct ferry_http_response resp;
    struct sink sink;
    int rc;

    if (!have_certs)
        SKIP("no certificates (openssl missing)");
    if (start_server(&s, "server") != 0) {
        CHECK(!"openssl s_server did not start");
        return;
    }
    rc = get("ca.pem", "localhost", s.port, "/ok.http", &sink, &resp);
    CHECK_EQ(rc, FERRY_OK);
    CHECK_EQ(resp.status, 200);
    CHECK_EQ(sink.len, BODY_LEN);
    CHECK_EQ(sink.mismatches, 0);
    if (rc != FERRY_OK)
        fprintf(stderr, "  BearSSL error %d\n", ferry_tls_last_error(&tls));

    CHECK_EQ(get("ca.pem", "127.0.0.1", s.port, "/ok.http", &sink, &resp), FERRY_OK);
    CHECK_EQ(sink.len, BODY_LEN);

    CHECK_EQ(get("ca.pem", "localhost", s.port, "/chunked.http", &sink, &resp), FERRY_OK);
    CHECK_EQ(sink.len, 5000);
    CHECK_EQ(sink.mismatches, 0);

    /* truncated over TLS: the server closes early, the framing tells */
    CHECK_EQ(get("ca.pem", "localhost", s.port, "/trunc.http", &sink, &resp), FERRY_E_HTTP_LENGTH);
    CHECK_EQ(sink.len, 500);

    /* a redirect from https to plain http is refused */
    CHECK_EQ(get("ca.pem", "localhost", s.port, "/down.http", &sink, &resp), FERRY_E_HTTP_REDIRECTS);
    CHECK_EQ(resp.status, 302);

    /* the same server, but the device trusts only another CA */
    CHECK_EQ(get("other-ca.pem", "localhost", s.port, "/ok.http", &sink, &resp), FERRY_E_TLS);
    CHECK_EQ(ferry_tls_last_error(&tls), BR_ERR_X509_NOT_TRUSTED);
    CHECK_EQ(sink.len, 0);
    stop_server(&s);
}

static void test_certificate_from_other_ca(void)
{
    struct tls_server s;
    struct ferry_http_response resp;
    struct sink sink;
    if (!have_certs)
        SKIP("no certificates (openssl missing)");
    if (start_server(&s, "other") != 0) {
        CHECK(!"openssl s_server did not start");
        return;
    }
    CHECK_EQ(get("ca.pem", "localhost", s.port, "/ok.http", &sink, &resp), FERRY_E_TLS);
    CHECK_EQ(ferry_tls_last_error(&tls), BR_ERR_X509_NOT_TRUSTED);
    CHECK_EQ(resp.status, 0);
    CHECK_EQ(sink.len, 0);
    stop_server(&s);
}

static void test_certificate_for_other_name(void)
{
    struct tls_server s;
    struct ferry_http_response resp;
    struct sink sink;
    if (!have_certs)
        SKIP("no certificates (openssl missing)");
    if (start_server(&s, "wrongname") != 0) {
        CHECK(!"openssl s_server did not start");
        return;
    }
    CHECK_EQ(get("ca.pem", "localhost", s.port, "/ok.http", &sink, &resp), FERRY_E_TLS);
    CHECK_EQ(ferry_tls_last_error(&tls), BR_ERR_X509_BAD_SERVER_NAME);
    CHECK_EQ(get("ca.pem", "127.0.0.1", s.port, "/ok.http", &sink, &resp), FERRY_E_TLS);
    CHECK_EQ(sink.len, 0);
    stop_server(&s);
}

/* SHA-1 is not among the transport's hashes: a chain signed with it is
   refused, while the same server options with a SHA-256 chain work. */
static void test_sha1_chain_refused(void)
{
    static const char *const weak_ok[] = { "-tls1_2", "-cipher", "DEFAULT:@SECLEVEL=0", NULL };
    struct tls_server s;
    struct ferry_http_response resp;
    struct sink sink;
    if (!have_certs)
        SKIP("no certificates (openssl missing)");
    if (start_server_with(&s, "server", weak_ok) != 0) {
        CHECK(!"openssl s_server did not start");
        return;
    }
    CHECK_EQ(get("ca.pem", "localhost", s.port, "/ok.http", &sink, &resp), FERRY_OK);
    stop_server(&s);
    if (start_server_with(&s, "sha1server", weak_ok) != 0) {
        CHECK(!"openssl s_server did not start");
        return;
    }
    CHECK_EQ(get("ca.pem", "localhost", s.port, "/ok.http", &sink, &resp), FERRY_E_TLS);
    CHECK_EQ(ferry_tls_last_error(&tls), BR_ERR_X509_UNSUPPORTED); /* no SHA-1 to check it with */
    CHECK_EQ(sink.len, 0);
    stop_server(&s);
}

/* The certificates are valid from now for two days (http_tls_certs.sh);
   the transport judges them at the time its hook gives. */
static void test_validity_time(void)
{
    struct tls_server s;
    struct ferry_http_response resp;
    struct sink sink;
    if (!have_certs)
        SKIP("no certificates (openssl missing)");
    if (start_server(&s, "server") != 0) {
        CHECK(!"openssl s_server did not start");
        return;
    }
    /* a day from now: inside the validity period */
    time_shift = 86400;
    CHECK_EQ(get("ca.pem", "localhost", s.port, "/ok.http", &sink, &resp), FERRY_OK);
    CHECK_EQ(sink.len, BODY_LEN);
    /* three days ago: the certificates are not valid yet */
    time_shift = -3 * 86400;
    CHECK_EQ(get("ca.pem", "localhost", s.port, "/ok.http", &sink, &resp), FERRY_E_TLS);
    CHECK_EQ(ferry_tls_last_error(&tls), BR_ERR_X509_EXPIRED);
    CHECK_EQ(sink.len, 0);
    /* three days ahead: they have expired */
    time_shift = 3 * 86400;
    CHECK_EQ(get("ca.pem", "localhost", s.port, "/ok.http", &sink, &resp), FERRY_E_TLS);
    CHECK_EQ(ferry_tls_last_error(&tls), BR_ERR_X509_EXPIRED);
    CHECK_EQ(sink.len, 0);
    time_shift = 0;
    stop_server(&s);
}

/* Protocol policy: TLS 1.2 only, ECDHE key exchange, AEAD ciphers. Each
   server offers exactly one protocol version or one cipher suite. */
static void test_protocol_policy(void)
{
    static const char *const tls10[] = { "-tls1", "-cipher", "DEFAULT:@SECLEVEL=0", NULL };
    static const char *const tls11[] = { "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0", NULL };
    static const char *const ecdhe_cbc[] = { "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256", NULL };
    static const char *const ecdhe_sha1[] = { "-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-SHA", NULL };
    static const char *const rsa_gcm[] = { "-tls1_2", "-cipher", "AES128-GCM-SHA256", NULL };
    static const char *const rsa_cbc[] = { "-tls1_2", "-cipher", "AES256-SHA256", NULL };
    static const char *const ecdsa_chacha[] = { "-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305", NULL };
    static const char *const ecdsa_gcm256[] = { "-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384", NULL };
    static const char *const rsa_ecdhe_gcm[] = { "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256", NULL };
    static const char *const rsa_ecdhe_chacha[] = { "-tls1_2", "-cipher", "ECDHE-RSA-CHACHA20-POLY1305", NULL };
    static const struct {
        const char *what, *cert;
        const char *const *options;
        int want;
    } cases[] = {
        { "TLS 1.0 only", "server", tls10, FERRY_E_TLS },
        { "TLS 1.1 only", "server", tls11, FERRY_E_TLS },
        { "ECDHE with AES-CBC (SHA-256)", "server", ecdhe_cbc, FERRY_E_TLS },
        { "ECDHE with AES-CBC (SHA-1)", "server", ecdhe_sha1, FERRY_E_TLS },
        { "RSA key exchange with AES-GCM", "rsaserver", rsa_gcm, FERRY_E_TLS },
        { "RSA key exchange with AES-CBC", "rsaserver", rsa_cbc, FERRY_E_TLS },
        { "ECDHE-ECDSA ChaCha20-Poly1305", "server", ecdsa_chacha, FERRY_OK },
        { "ECDHE-ECDSA AES-256-GCM", "server", ecdsa_gcm256, FERRY_OK },
        { "ECDHE-RSA AES-128-GCM", "rsaserver", rsa_ecdhe_gcm, FERRY_OK },
        { "ECDHE-RSA ChaCha20-Poly1305", "rsaserver", rsa_ecdhe_chacha, FERRY_OK },
    };
    size_t i;
    if (!have_certs)
        SKIP("no certificates (openssl missing)");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tls_server s;
        struct ferry_http_response resp;
        struct sink sink;
        int rc;
        if (start_server_with(&s, cases[i].cert, cases[i].options) != 0) {
            fprintf(stderr, "  %s: openssl s_server did not start\n", cases[i].what);
            CHECK(!"openssl s_server did not start");
            continue;
        }
        rc = get("ca.pem", "localhost", s.port, "/ok.http", &sink, &resp);
        if (rc != cases[i].want)
            fprintf(stderr, "  %s: rc %d (want %d), BearSSL error %d\n", cases[i].what, rc, cases[i].want,
                    ferry_tls_last_error(&tls));
        CHECK_EQ(rc, cases[i].want);
        CHECK_EQ(sink.len, cases[i].want == FERRY_OK ? BODY_LEN : 0);
        stop_server(&s);
    }
}

static void make_fixtures(void)
{
    char cmd[600], head[200];
    if (system("openssl version >/dev/null 2>&1") != 0)
        return;
    if (mkdtemp(dir) == NULL)
        return;
    snprintf(cmd, sizeof cmd, "sh '%s' '%s'", cert_script, dir);
    if (system(cmd) != 0) {
        printf("FAIL making certificates (see %s/openssl.log)\n", dir);
        return;
    }
    snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n\r\n", BODY_LEN);
    write_response("ok.http", head, BODY_LEN, NULL);
    write_response("trunc.http", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", 500, NULL);
    write_response("down.http", "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/ok.http\r\n"
                                "Content-Length: 0\r\n\r\n", 0, "");
    {
        /* 5000 pattern bytes as 5 chunks of 1000 */
        char path[256];
        FILE *f;
        unsigned k, i;
        path_in_dir(path, sizeof path, "chunked.http");
        f = fopen(path, "wb");
        if (f == NULL)
            return;
        fputs("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", f);
        for (k = 0; k < 5; k++) {
            fputs("3e8\r\n", f);
            for (i = 0; i < 1000; i++)
                fputc(http_testserver_byte(k * 1000u + i), f);
            fputs("\r\n", f);
        }
        fputs("0\r\n\r\n", f);
        fclose(f);
    }
    have_certs = 1;
}

int main(int argc, char **argv)
{
    char cmd[300];
    int rc;
    if (argc != 2) {
        fprintf(stderr, "usage: %s CERT_SCRIPT\n", argv[0]);
        return 2;
    }
    cert_script = argv[1];
    signal(SIGPIPE, SIG_IGN);
    make_fixtures();
    if (!have_certs && system("openssl version >/dev/null 2>&1") == 0) {
        printf("FAIL could not make the TLS fixtures\n");
        return 1;
    }
    RUN(test_trust_anchor_loader);
    RUN(test_https_fetch);
    RUN(test_certificate_from_other_ca);
    RUN(test_certificate_for_other_name);
    RUN(test_protocol_policy);
    RUN(test_validity_time);
    RUN(test_sha1_chain_refused);
    rc = check_done();
    if (have_certs) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    }
    return rc;
}
