/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry serve DIR: the development server for a release repository (or any
 * directory of static files). GET and HEAD, one byte range per request,
 * optional TLS, an access log, clean stop on SIGINT/SIGTERM. Built on
 * libmicrohttpd; the request logic is in serve_request.c.
 */
#define _XOPEN_SOURCE 700 /* realpath */

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "serve.h"

enum { OPT_PORT = 1, OPT_BIND, OPT_CERT, OPT_KEY, OPT_LOG };

static const struct cli_opt OPTS[] = {
    { "port", 'p', 1, OPT_PORT },
    { "bind", 0, 1, OPT_BIND },
    { "tls-cert", 0, 1, OPT_CERT },
    { "tls-key", 0, 1, OPT_KEY },
    { "access-log", 0, 1, OPT_LOG },
    { NULL, 0, 0, 0 },
};

#define DEFAULT_PORT 8080u
#define DEFAULT_BIND "127.0.0.1"
#define CONNECTION_TIMEOUT_S 30u

static void help(void)
{
    printf("usage: ferry serve DIR [--port N] [--bind ADDRESS] [--tls-cert CERT.pem\n"
           "                   --tls-key KEY.pem] [--access-log FILE]\n"
           "\n"
           "Serves the files under DIR over HTTP (or HTTPS) for development and tests:\n"
           "GET and HEAD, single byte ranges (Range: bytes=N- and bytes=N-M), nothing\n"
           "outside DIR and no hidden files. The first line of output ends with the URL;\n"
           "then one access-log line per request. SIGINT or SIGTERM stops it.\n"
           "\n"
           "  -p, --port N          TCP port, 0 picks a free one (default %u)\n"
           "  --bind ADDRESS        numeric IPv4 or IPv6 address to listen on (default %s)\n"
           "  --tls-cert FILE       serve HTTPS with this PEM certificate (chain)\n"
           "  --tls-key FILE        ... and this PEM private key\n"
           "  --access-log FILE     append the access log to FILE (default: standard output)\n"
           "  -h, --help            this text\n", DEFAULT_PORT, DEFAULT_BIND);
}

struct serve_args {
    const char *dir, *port, *bind, *cert, *key, *log;
};

static int collect(int argc, char **argv, struct serve_args *a, int *done)
{
    const char *cmd = argv[0], *v;
    struct cli_parser p;
    int opt;
    memset(a, 0, sizeof *a);
    *done = 0;
    cli_init(&p, cmd, argc, argv, OPTS);
    while ((opt = cli_next(&p, &v)) != CLI_DONE) {
        switch (opt) {
        case OPT_PORT: a->port = v; break;
        case OPT_BIND: a->bind = v; break;
        case OPT_CERT: a->cert = v; break;
        case OPT_KEY: a->key = v; break;
        case OPT_LOG: a->log = v; break;
        case CLI_OPT_HELP: help(); *done = 1; return CLI_EXIT_OK;
        case CLI_ARG:
            if (a->dir != NULL) {
                return cli_usage(cmd, "unexpected argument '%s': give one DIR", v);
            }
            a->dir = v;
            break;
        default: return CLI_EXIT_USAGE;
        }
    }
    if (a->dir == NULL) {
        return cli_usage(cmd, "missing DIR (the directory to serve)");
    }
    if ((a->cert == NULL) != (a->key == NULL)) {
        return cli_usage(cmd, "TLS needs both --tls-cert and --tls-key");
    }
    if (a->bind == NULL) {
        a->bind = DEFAULT_BIND;
    }
    return CLI_EXIT_OK;
}

/* A PEM file as a NUL-terminated string (what MHD's TLS options take). */
static char *read_pem(const char *cmd, const char *path)
{
    uint8_t *data;
    size_t len;
    if (ferry_host_read_file(path, &data, &len) != 0) {
        cli_fail(cmd, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    char *text = realloc(data, len + 1);
    if (text == NULL) {
        free(data);
        cli_fail(cmd, "%s: out of memory", path);
        return NULL;
    }
    text[len] = '\0';
    if (strlen(text) != len || strstr(text, "-----BEGIN ") == NULL) {
        free(text);
        cli_fail(cmd, "%s: not a PEM file", path);
        return NULL;
    }
    return text;
}

/* Binds and listens; fills the URL clients use. Returns the socket, or
 * after reporting: -2 for an address that is not numeric (a usage error),
 * -1 when the socket cannot be bound. */
static int open_listener(const char *cmd, const char *bind_addr, uint16_t port, int tls,
                         int *ipv6, char *url, size_t url_cap)
{
    struct addrinfo hints, *ai;
    char port_text[8];
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    snprintf(port_text, sizeof port_text, "%u", port);
    int rc = getaddrinfo(bind_addr, port_text, &hints, &ai);
    if (rc != 0) {
        cli_usage(cmd, "--bind '%s': not a numeric IPv4 or IPv6 address", bind_addr);
        return -2;
    }
    *ipv6 = ai->ai_family == AF_INET6;
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        (*ipv6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 64) != 0) {
        int saved = errno;
        freeaddrinfo(ai);
        if (fd >= 0) {
            close(fd);
        }
        cli_fail(cmd, "cannot listen on %s port %u: %s", bind_addr, port, strerror(saved));
        return -1;
    }
    freeaddrinfo(ai);
    struct sockaddr_storage ss;
    socklen_t ss_len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &ss_len) != 0) {
        close(fd);
        cli_fail(cmd, "cannot read the listening port: %s", strerror(errno));
        return -1;
    }
    uint16_t bound = ntohs(*ipv6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                 : ((struct sockaddr_in *)&ss)->sin_port);
    snprintf(url, url_cap, "%s://%s%s%s:%u/", tls ? "https" : "http", *ipv6 ? "[" : "",
             bind_addr, *ipv6 ? "]" : "", bound);
    return fd;
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    fprintf(stderr, "serve: ");
    vfprintf(stderr, fmt, ap);
    if (fmt[0] != '\0' && fmt[strlen(fmt) - 1] != '\n') {
        fputc('\n', stderr);
    }
}

/* Runs the daemon on `fd` until SIGINT or SIGTERM; exit code. */
static int run(const char *cmd, struct serve_ctx *ctx, int fd, int ipv6, char *cert, char *key,
               const char *url)
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    /* Blocked before MHD starts its thread, which inherits the mask, so the
     * signals reach sigwait below and nothing else. A shell starts background
     * commands with SIGINT ignored, and an ignored signal is discarded rather
     * than left pending: restore the default action first. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct MHD_OptionItem tls_opts[] = {
        { MHD_OPTION_HTTPS_MEM_KEY, 0, key },
        { MHD_OPTION_HTTPS_MEM_CERT, 0, cert },
        { MHD_OPTION_END, 0, NULL },
    };
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
    if (ipv6) {
        flags |= MHD_USE_IPv6;
    }
    if (cert != NULL) {
        flags |= MHD_USE_TLS;
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, serve_handle, ctx,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, ctx, /* first, so it sees every message */
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
        MHD_OPTION_CONNECTION_TIMEOUT, CONNECTION_TIMEOUT_S,
        MHD_OPTION_URI_LOG_CALLBACK, serve_log_uri, ctx,
        MHD_OPTION_NOTIFY_COMPLETED, serve_log_completed, ctx,
        MHD_OPTION_UNESCAPE_CALLBACK, serve_unescape, ctx,
        MHD_OPTION_ARRAY, cert != NULL ? tls_opts : tls_opts + 2,
        MHD_OPTION_END);
    if (d == NULL) {
        close(fd);
        return cli_fail(cmd, "the server did not start%s", cert != NULL ?
                        " (is the TLS certificate valid and does the key match it?)" : "");
    }
    printf("serving %s at %s\n", ctx->root, url);
    fflush(stdout);
    int sig = 0;
    while (sigwait(&stop, &sig) != 0) {
    }
    MHD_stop_daemon(d); /* closes fd, waits for its thread */
    printf("stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    fflush(stdout);
    return CLI_EXIT_OK;
}

int cmd_serve(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct serve_args a;
    static struct serve_ctx ctx;
    int done;
    int rc = collect(argc, argv, &a, &done);
    if (rc != CLI_EXIT_OK || done) {
        return rc;
    }
    uint32_t port = DEFAULT_PORT;
    if (a.port != NULL && cli_parse_u32(a.port, 65535, &port) != 0) {
        return cli_usage(cmd, "--port '%s': expected a number 0..65535", a.port);
    }
    struct stat st;
    if (realpath(a.dir, ctx.root) == NULL || stat(ctx.root, &st) != 0) {
        return cli_fail(cmd, "%s: %s", a.dir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
        return cli_fail(cmd, "%s: not a directory", a.dir);
    }
    if (strcmp(ctx.root, "/") == 0) {
        return cli_fail(cmd, "%s: refusing to serve the whole file system", a.dir);
    }
    if (a.cert != NULL && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        return cli_fail(cmd, "this libmicrohttpd was built without TLS support");
    }
    ctx.log = stdout;
    if (a.log != NULL && strcmp(a.log, "-") != 0) {
        ctx.log = fopen(a.log, "a");
        if (ctx.log == NULL) {
            return cli_fail(cmd, "%s: cannot open the access log: %s", a.log, strerror(errno));
        }
    }
    setvbuf(ctx.log, NULL, _IOLBF, 0);
    char *cert = NULL, *key = NULL, url[128];
    int ipv6 = 0, fd = -1;
    rc = CLI_EXIT_FAIL;
    if (a.cert == NULL || ((cert = read_pem(cmd, a.cert)) != NULL &&
                           (key = read_pem(cmd, a.key)) != NULL)) {
        fd = open_listener(cmd, a.bind, (uint16_t)port, cert != NULL, &ipv6, url, sizeof url);
    }
    if (fd >= 0) {
        rc = run(cmd, &ctx, fd, ipv6, cert, key, url);
    } else if (fd == -2) {
        rc = CLI_EXIT_USAGE;
    }
    if (key != NULL) {
        memset(key, 0, strlen(key));
    }
    free(cert);
    free(key);
    if (ctx.log != stdout) {
        fclose(ctx.log);
    }
    return rc;
}
