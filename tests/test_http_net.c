/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP client over real sockets (port/sim/transport_tcp.c) against the
 * misbehaving test server (tests/http_testserver.h) on 127.0.0.1: every
 * failure the agent must survive, each ending in its documented error and
 * within the timeout, plus a cut download resumed with a Range request.
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "ferry/errors.h"
#include "ferry/http.h"
#include "http_testserver.h"
#include "transport_tcp.h"
#include "ferry_tls.h"
#include "tls_hooks.h"

#define TIMEOUT_MS 400u

static struct http_testserver *server;
static struct ferry_sim_tcp tcp;
static uint8_t client_buf[FERRY_HTTP_BUF_MIN];
static struct ferry_http_client client;

/* Body sink that checks every byte against the server's pattern. */
struct pattern_sink {
    uint64_t next;     /* index of the next expected byte */
    uint64_t mismatches;
    uint64_t len;
};

static int pattern_body(void *ctx, const uint8_t *d, size_t n)
{
    struct pattern_sink *s = ctx;
    size_t i;
    for (i = 0; i < n; i++)
        if (d[i] != http_testserver_byte(s->next + i))
            s->mismatches++;
    s->next += n;
    s->len += n;
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* GETs path from the test server, the body checked from byte `range`. */
static int get(const char *path, uint64_t range, struct ferry_http_response *resp, struct pattern_sink *sink)
{
    char text[300];
    struct ferry_url u;
    snprintf(text, sizeof text, "http://127.0.0.1:%u%s", (unsigned)http_testserver_port(server), path);
    if (ferry_url_parse(text, &u) != FERRY_OK)
        return 1;
    memset(sink, 0, sizeof *sink);
    sink->next = range;
    return ferry_http_get(&client, &u, range, resp, pattern_body, sink);
}

/* Expects `rc` for path; returns the sink for more checks. */
static void expect(const char *path, uint64_t range, int want_rc, int want_status)
{
    struct ferry_http_response resp;
    struct pattern_sink sink;
    double t0 = now_s();
    int rc = get(path, range, &resp, &sink);
    double took = now_s() - t0;
    CHECK_EQ(rc, want_rc);
    CHECK_EQ(resp.status, want_status);
    CHECK_EQ(sink.mismatches, 0);
    /* never more than a few timeouts, whatever the server does */
    CHECK(took < 4 * TIMEOUT_MS / 1000.0 + 1.0);
    if (rc != want_rc || resp.status != want_status)
        fprintf(stderr, "  %s: rc %d (%s), status %d\n", path, rc, ferry_strerror(rc), resp.status);
}

static void test_whole_files(void)
{
    struct ferry_http_response resp;
    struct pattern_sink sink;
    char head[2048];

    CHECK_EQ(get("/file/100000", 0, &resp, &sink), FERRY_OK);
    CHECK_EQ(resp.status, 200);
    CHECK_EQ(resp.content_length, 100000);
    CHECK_EQ(resp.total_length, 100000);
    CHECK_EQ(sink.len, 100000);
    CHECK_EQ(sink.mismatches, 0);
    http_testserver_last_request(server, head, sizeof head);
    CHECK(strncmp(head, "GET /file/100000 HTTP/1.1\r\n", 27) == 0);
    CHECK(strstr(head, "\r\nConnection: close\r\n") != NULL);
    CHECK(strstr(head, "Range:") == NULL);

    CHECK_EQ(get("/chunked/20000", 0, &resp, &sink), FERRY_OK);
    CHECK_EQ(sink.len, 20000);
    CHECK_EQ(sink.mismatches, 0);
    CHECK(resp.content_length == UINT64_MAX);

    CHECK_EQ(get("/http10/100", 0, &resp, &sink), FERRY_OK);
    CHECK_EQ(sink.len, 100);
    CHECK_EQ(get("/trickle/300", 0, &resp, &sink), FERRY_OK);
    CHECK_EQ(sink.len, 300);
    CHECK_EQ(sink.mismatches, 0);
    CHECK_EQ(get("/file/0", 0, &resp, &sink), FERRY_OK);
    CHECK_EQ(sink.len, 0);
}

static void test_ranges(void)
{
    struct ferry_http_response resp;
    struct pattern_sink sink;
    char head[2048];

    CHECK_EQ(get("/file/1000", 300, &resp, &sink), FERRY_OK);
    CHECK_EQ(resp.status, 206);
    CHECK_EQ(resp.range_start, 300);
    CHECK_EQ(resp.total_length, 1000);
    CHECK_EQ(resp.content_length, 700);
    CHECK_EQ(sink.len, 700);
    CHECK_EQ(sink.mismatches, 0);
    http_testserver_last_request(server, head, sizeof head);
    CHECK(strstr(head, "\r\nRange: bytes=300-\r\n") != NULL);

    expect("/file/10", 10, FERRY_E_HTTP_STATUS, 416);
    expect("/norange/1000", 10, FERRY_E_HTTP_PROTO, 200);
    expect("/badrange/1000", 10, FERRY_E_HTTP_PROTO, 206);
}

static void test_resume_after_cut(void)
{
    struct ferry_http_response resp;
    struct pattern_sink first, rest;

    /* the connection ends halfway: the client says so and kept what it got */
    CHECK_EQ(get("/truncated/50000", 0, &resp, &first), FERRY_E_HTTP_LENGTH);
    CHECK_EQ(first.len, 25000);
    CHECK_EQ(first.mismatches, 0);
    /* ...and the rest comes with a Range request */
    CHECK_EQ(get("/file/50000", first.len, &resp, &rest), FERRY_OK);
    CHECK_EQ(resp.status, 206);
    CHECK_EQ(resp.range_start, 25000);
    CHECK_EQ(first.len + rest.len, 50000);
    CHECK_EQ(rest.mismatches, 0);
}

static void test_error_statuses(void)
{
    expect("/status/404", 0, FERRY_E_HTTP_STATUS, 404);
    expect("/status/500", 0, FERRY_E_HTTP_STATUS, 500);
    expect("/no/such/route", 0, FERRY_E_HTTP_STATUS, 404);
}

static void test_broken_bodies(void)
{
    struct ferry_http_response resp;
    struct pattern_sink sink;
    int rc;

    expect("/truncated/5000", 0, FERRY_E_HTTP_LENGTH, 200);
    expect("/long/5000", 0, FERRY_E_HTTP_LENGTH, 200);
    expect("/badchunk", 0, FERRY_E_HTTP_LENGTH, 200);
    expect("/chunktrunc/10000", 0, FERRY_E_HTTP_LENGTH, 200);
    /* a reset may land before or after the bytes in flight are read */
    rc = get("/reset/50000", 0, &resp, &sink);
    CHECK(rc == FERRY_E_IO || rc == FERRY_E_HTTP_LENGTH);
    CHECK(sink.len < 50000);
}

static void test_malformed(void)
{
    expect("/garbage", 0, FERRY_E_HTTP_PROTO, 0);
    expect("/hugeheaders", 0, FERRY_E_HTTP_PROTO, 0);
    expect("/noframe/100", 0, FERRY_E_HTTP_PROTO, 200);
    expect("/gzip/10", 0, FERRY_E_HTTP_PROTO, 200);
    expect("/clte/10", 0, FERRY_E_HTTP_PROTO, 0);
    expect("/dupcl/10", 0, FERRY_E_HTTP_PROTO, 0);
    expect("/empty", 0, FERRY_E_IO, 0);
}

static void test_redirects(void)
{
    unsigned before;
    expect("/redirect/3/file/100", 0, FERRY_OK, 200);
    expect("/redirect/4/file/100", 0, FERRY_E_HTTP_REDIRECTS, 302);
    expect("/relredirect/file/64", 0, FERRY_OK, 200);
    expect("/absredirect/file/64", 0, FERRY_OK, 200);
    expect("/noloc", 0, FERRY_E_HTTP_PROTO, 302);
    before = http_testserver_requests(server);
    expect("/loop", 0, FERRY_E_HTTP_REDIRECTS, 301);
    CHECK_EQ(http_testserver_requests(server) - before, client.max_redirects + 1);
}

static void test_stalls_time_out(void)
{
    expect("/stall", 0, FERRY_E_TIMEOUT, 0);
    expect("/stallbody/1000", 0, FERRY_E_TIMEOUT, 200);
}

static void test_server_down(void)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    char text[100];
    struct ferry_url u;
    struct ferry_http_response resp;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    /* a port that was free a moment ago and has no listener now */
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0);
    CHECK(getsockname(fd, (struct sockaddr *)&addr, &len) == 0);
    close(fd);
    snprintf(text, sizeof text, "http://127.0.0.1:%u/file/1", (unsigned)ntohs(addr.sin_port));
    CHECK_EQ(ferry_url_parse(text, &u), FERRY_OK);
    CHECK_EQ(ferry_http_get(&client, &u, 0, &resp, NULL, NULL), FERRY_E_IO);
    /* (an unknown name is FERRY_E_IO too, but how long DNS takes to say so
       depends on the machine, so it is not timed here) */
}

/* A TLS client that meets a server which never answers its hello. */
static void test_tls_handshake_stall(void)
{
    static unsigned char tls_buf[FERRY_TLS_BUF_SIZE];
    static struct ferry_tls tls;
    struct ferry_sim_tcp tls_tcp;
    struct ferry_http_client c = client;
    struct ferry_http_response resp;
    struct ferry_url u;
    char text[100];
    double t0 = now_s();

    ferry_sim_tcp_init(&tls_tcp);
    const struct ferry_tls_config tls_cfg = {
        .tcp = &tls_tcp.transport, .entropy = &ferry_sim_entropy, .time = &ferry_sim_time,
        .buf = tls_buf, .buf_len = sizeof tls_buf,
    };
    CHECK_EQ(ferry_tls_init(&tls, &tls_cfg), FERRY_OK);
    c.tls = &tls.transport;
    snprintf(text, sizeof text, "https://127.0.0.1:%u/file/1", (unsigned)http_testserver_port(server));
    CHECK_EQ(ferry_url_parse(text, &u), FERRY_OK);
    CHECK_EQ(ferry_http_get(&c, &u, 0, &resp, NULL, NULL), FERRY_E_TIMEOUT);
    CHECK(now_s() - t0 < 2.0);
}

int main(void)
{
    server = http_testserver_start();
    if (server == NULL) {
        printf("FAIL cannot start the test server\n");
        return 1;
    }
    ferry_sim_tcp_init(&tcp);
    client.plain = &tcp.transport;
    client.buf = client_buf;
    client.buf_len = sizeof client_buf;
    client.timeout_ms = TIMEOUT_MS;
    client.max_redirects = 3;

    RUN(test_whole_files);
    RUN(test_ranges);
    RUN(test_resume_after_cut);
    RUN(test_error_statuses);
    RUN(test_broken_bodies);
    RUN(test_malformed);
    RUN(test_redirects);
    RUN(test_stalls_time_out);
    RUN(test_server_down);
    RUN(test_tls_handshake_stall);
    http_testserver_stop(server);
    return check_done();
}
