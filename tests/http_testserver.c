/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The misbehaving test HTTP server (http_testserver.h). Test code: plain
 * POSIX, one thread, blocking writes; reads and waits are bounded by poll.
 */
#define _DEFAULT_SOURCE
#include "http_testserver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define REQUEST_MAX 16384

struct http_testserver {
    int listen_fd;
    uint16_t port;
    pthread_t thread;
    atomic_int stopping;
    pthread_mutex_t lock;
    unsigned requests;
    char last[REQUEST_MAX + 1];
    char head[REQUEST_MAX + 1]; /* the request being served */
};

uint8_t http_testserver_byte(uint64_t i)
{
    return (uint8_t)((i * 131u + (i >> 8) * 7u + 3u) & 0xffu);
}

/* ---- writing -------------------------------------------------------------- */

static void send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return; /* the client went away: fine for a test server */
        }
        p += n;
        len -= (size_t)n;
    }
}

static void sendf(int fd, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n > 0)
        send_all(fd, text, (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
}

/* Sends body bytes [from, to) of the standard pattern. */
static void send_body(int fd, uint64_t from, uint64_t to)
{
    uint8_t chunk[4096];
    while (from < to) {
        size_t n = to - from < sizeof chunk ? (size_t)(to - from) : sizeof chunk, i;
        for (i = 0; i < n; i++)
            chunk[i] = http_testserver_byte(from + i);
        send_all(fd, chunk, n);
        from += n;
    }
}

static void send_chunk(int fd, uint64_t from, uint64_t n, int ext)
{
    sendf(fd, ext ? "%llx;name=value\r\n" : "%llX\r\n", (unsigned long long)n);
    send_body(fd, from, from + n);
    send_all(fd, "\r\n", 2);
}

/* Chunked body of n bytes; stops after `cut` bytes of data if cut < n. */
static void send_chunked(int fd, uint64_t n, uint64_t cut)
{
    static const uint64_t sizes[] = { 1, 13, 200, 4000 };
    uint64_t at = 0;
    unsigned k = 0;
    while (at < n) {
        uint64_t len = sizes[k % 4];
        if (len > n - at)
            len = n - at;
        if (at + len > cut) {
            sendf(fd, "%llx\r\n", (unsigned long long)len);
            send_body(fd, at, cut);
            return;
        }
        send_chunk(fd, at, len, k % 3 == 1);
        at += len;
        k++;
    }
    sendf(fd, "0\r\nX-Trailer: done\r\n\r\n");
}

/* Waits until the client closes (or the server stops, or 10 s pass). */
static void wait_for_close(struct http_testserver *s, int fd)
{
    int waited = 0;
    char sink[512];
    while (!s->stopping && waited < 10000) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int n = poll(&p, 1, 50);
        waited += 50;
        if (n > 0 && recv(fd, sink, sizeof sink, 0) <= 0)
            return;
    }
}

static void reset_close(int fd)
{
    struct linger l = { .l_onoff = 1, .l_linger = 0 };
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}

/* ---- routing -------------------------------------------------------------- */

static int starts(const char *path, const char *prefix, const char **rest)
{
    size_t n = strlen(prefix);
    if (strncmp(path, prefix, n) != 0)
        return 0;
    *rest = path + n;
    return 1;
}

static uint64_t number(const char *s)
{
    return strtoull(s, NULL, 10);
}

/* Range start asked for in the request head, or -1. */
static long long range_start(const char *head)
{
    const char *r = strstr(head, "\r\nRange: bytes=");
    return r ? atoll(r + 15) : -1;
}

static void serve_file(int fd, const char *head, uint64_t n, int honour_range, int late_range)
{
    long long from = honour_range ? range_start(head) : -1;
    if (from >= 0 && (uint64_t)from >= n) {
        sendf(fd, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */%llu\r\n"
                  "Content-Length: 0\r\n\r\n", (unsigned long long)n);
        return;
    }
    if (from >= 0) {
        uint64_t s0 = (uint64_t)from + (late_range ? 1 : 0);
        sendf(fd, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes %llu-%llu/%llu\r\n"
                  "Content-Length: %llu\r\nConnection: close\r\n\r\n", (unsigned long long)s0,
              (unsigned long long)(n - 1), (unsigned long long)n, (unsigned long long)(n - s0));
        send_body(fd, s0, n);
        return;
    }
    sendf(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %llu\r\n"
              "Connection: close\r\n\r\n", (unsigned long long)n);
    send_body(fd, 0, n);
}

static void redirect(int fd, int code, const char *location)
{
    sendf(fd, "HTTP/1.1 %d Moved\r\nLocation: %s\r\nContent-Length: 5\r\n\r\nmoved", code, location);
}

static void route(struct http_testserver *s, int fd, const char *head, const char *path)
{
    const char *a;
    char loc[1100]; /* any request path (< 1024 bytes) plus the longest prefix fits */

    if (starts(path, "/file/", &a)) {
        serve_file(fd, head, number(a), 1, 0);
    } else if (starts(path, "/chunked/", &a)) {
        sendf(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        send_chunked(fd, number(a), UINT64_MAX);
    } else if (starts(path, "/status/", &a)) {
        sendf(fd, "HTTP/1.1 %d Test\r\nContent-Length: 5\r\n\r\nerror", atoi(a));
    } else if (starts(path, "/truncated/", &a)) {
        sendf(fd, "HTTP/1.1 200 OK\r\nContent-Length: %llu\r\n\r\n", (unsigned long long)number(a));
        send_body(fd, 0, number(a) / 2);
    } else if (starts(path, "/long/", &a)) {
        sendf(fd, "HTTP/1.1 200 OK\r\nContent-Length: %llu\r\n\r\n", (unsigned long long)number(a));
        send_body(fd, 0, number(a) + 16);
    } else if (starts(path, "/reset/", &a)) {
        sendf(fd, "HTTP/1.1 200 OK\r\nContent-Length: %llu\r\n\r\n", (unsigned long long)number(a));
        send_body(fd, 0, number(a) / 2);
        reset_close(fd);
    } else if (starts(path, "/norange/", &a)) {
        serve_file(fd, head, number(a), 0, 0);
    } else if (starts(path, "/badrange/", &a)) {
        serve_file(fd, head, number(a), 1, 1);
    } else if (starts(path, "/redirect/", &a)) {
        char *slash;
        long k = strtol(a, &slash, 10);
        if (k > 1)
            snprintf(loc, sizeof loc, "/redirect/%ld%s", k - 1, slash);
        else
            snprintf(loc, sizeof loc, "%s", slash);
        redirect(fd, 302, loc);
    } else if (starts(path, "/relredirect/", &a)) {
        snprintf(loc, sizeof loc, "../../%s", a);
        redirect(fd, 307, loc);
    } else if (starts(path, "/absredirect/", &a)) {
        snprintf(loc, sizeof loc, "http://127.0.0.1:%u/%s", (unsigned)s->port, a);
        redirect(fd, 308, loc);
    } else if (strcmp(path, "/loop") == 0) {
        redirect(fd, 301, "/loop");
    } else if (strcmp(path, "/noloc") == 0) {
        sendf(fd, "HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n");
    } else if (strcmp(path, "/stall") == 0) {
        wait_for_close(s, fd);
    } else if (starts(path, "/stallbody/", &a)) {
        sendf(fd, "HTTP/1.1 200 OK\r\nContent-Length: %llu\r\n\r\n", (unsigned long long)number(a));
        send_body(fd, 0, number(a) / 2);
        wait_for_close(s, fd);
    } else if (strcmp(path, "/garbage") == 0) {
        sendf(fd, "HTTP/1.1 2x0 Fine\r\nContent-Length: 0\r\n\r\n");
    } else if (strcmp(path, "/hugeheaders") == 0) {
        int i;
        sendf(fd, "HTTP/1.1 200 OK\r\n");
        for (i = 0; i < 200; i++)
            sendf(fd, "X-Pad-%03d: %060d\r\n", i, i);
        sendf(fd, "Content-Length: 2\r\n\r\nok");
    } else if (starts(path, "/noframe/", &a)) {
        sendf(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
        send_body(fd, 0, number(a));
    } else if (strcmp(path, "/badchunk") == 0) {
        sendf(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n");
        send_body(fd, 0, 4);
        sendf(fd, "\r\nzz\r\nxx\r\n0\r\n\r\n");
    } else if (starts(path, "/chunktrunc/", &a)) {
        sendf(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        send_chunked(fd, number(a), number(a) / 2 + 1);
    } else if (starts(path, "/http10/", &a)) {
        sendf(fd, "HTTP/1.0 200 OK\r\nContent-Length: %llu\r\n\r\n", (unsigned long long)number(a));
        send_body(fd, 0, number(a));
    } else if (strcmp(path, "/empty") == 0) {
        /* close at once */
    } else if (starts(path, "/gzip/", &a)) {
        sendf(fd, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %llu\r\n\r\n",
              (unsigned long long)number(a));
        send_body(fd, 0, number(a));
    } else if (starts(path, "/clte/", &a)) {
        sendf(fd, "HTTP/1.1 200 OK\r\nContent-Length: %llu\r\nTransfer-Encoding: chunked\r\n\r\n",
              (unsigned long long)number(a));
        send_chunked(fd, number(a), UINT64_MAX);
    } else if (starts(path, "/dupcl/", &a)) {
        sendf(fd, "HTTP/1.1 200 OK\r\nContent-Length: %llu\r\nContent-Length: %llu\r\n\r\n",
              (unsigned long long)number(a), (unsigned long long)number(a) + 1);
        send_body(fd, 0, number(a));
    } else if (starts(path, "/trickle/", &a)) {
        char text[256];
        uint64_t n = number(a), i;
        int len = snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nContent-Length: %llu\r\n\r\n",
                           (unsigned long long)n);
        for (i = 0; i < (uint64_t)len; i++)
            send_all(fd, text + i, 1);
        for (i = 0; i < n; i++)
            send_body(fd, i, i + 1);
    } else {
        sendf(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
    }
}

/* ---- connections ---------------------------------------------------------- */

/* Reads a request head (up to the blank line) with a 2 s budget. */
static size_t read_head(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    int waited = 0;
    while (len < cap && waited < 2000) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        ssize_t n;
        if (poll(&p, 1, 50) <= 0) {
            waited += 50;
            continue;
        }
        n = recv(fd, buf + len, cap - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        if (strstr(buf, "\r\n\r\n") != NULL)
            return len;
    }
    return 0;
}

static void serve(struct http_testserver *s, int fd)
{
    char *head = s->head;
    char path[1024];
    size_t len = read_head(fd, head, REQUEST_MAX);
    if (len == 0)
        return;
    head[len] = '\0';
    pthread_mutex_lock(&s->lock);
    s->requests++;
    memcpy(s->last, head, len + 1);
    pthread_mutex_unlock(&s->lock);
    if (sscanf(head, "GET %1023s HTTP/1.1", path) != 1) {
        sendf(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        return;
    }
    route(s, fd, head, path);
}

static void *server_main(void *arg)
{
    struct http_testserver *s = arg;
    while (!s->stopping) {
        struct pollfd p = { .fd = s->listen_fd, .events = POLLIN };
        int fd, one = 1;
        if (poll(&p, 1, 50) <= 0)
            continue;
        fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0)
            continue;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        serve(s, fd);
        close(fd);
    }
    return NULL;
}

struct http_testserver *http_testserver_start(void)
{
    struct http_testserver *s = calloc(1, sizeof *s);
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;

    if (s == NULL)
        return NULL;
    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0; /* the kernel picks a free port: no clashes */
    if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(s->listen_fd, 16) != 0 || getsockname(s->listen_fd, (struct sockaddr *)&addr, &len) != 0) {
        if (s->listen_fd >= 0)
            close(s->listen_fd);
        free(s);
        return NULL;
    }
    s->port = ntohs(addr.sin_port);
    pthread_mutex_init(&s->lock, NULL);
    if (pthread_create(&s->thread, NULL, server_main, s) != 0) {
        close(s->listen_fd);
        free(s);
        return NULL;
    }
    return s;
}

void http_testserver_stop(struct http_testserver *s)
{
    if (s == NULL)
        return;
    s->stopping = 1;
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

uint16_t http_testserver_port(const struct http_testserver *s)
{
    return s->port;
}

unsigned http_testserver_requests(struct http_testserver *s)
{
    unsigned n;
    pthread_mutex_lock(&s->lock);
    n = s->requests;
    pthread_mutex_unlock(&s->lock);
    return n;
}

void http_testserver_last_request(struct http_testserver *s, char *out, size_t cap)
{
    pthread_mutex_lock(&s->lock);
    snprintf(out, cap, "%s", s->last);
    pthread_mutex_unlock(&s->lock);
}
