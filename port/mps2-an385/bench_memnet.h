/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A release repository behind an in-memory network, for on-target
 * benchmarks: a struct ferry_transport that answers the HTTP client's GET
 * requests from files held in ROM, like a static web server with Range
 * support (200, 206, 404, 416), one request per connection. recv hands out
 * at most `piece` bytes at a time (a TCP segment) and never blocks, so a
 * transfer runs at the speed of the code under test.
 *
 * Every operation first calls stack_probe_mark(STACK_PROBE_NET): a real
 * TCP/IP or TLS stack would run its own frames from that depth.
 */
#ifndef MPS2_BENCH_MEMNET_H
#define MPS2_BENCH_MEMNET_H

#include <stdint.h>
#include "ferry/transport.h"

struct memnet_file {
    const char *path; /* URL path, e.g. "/repo/<class>/manifest.json" */
    const uint8_t *data;
    uint32_t len;
};

/* The release repository made at build time (bench_embed.cmake). */
extern const struct memnet_file bench_release_files[];
extern const unsigned bench_release_file_count;

struct memnet {
    struct ferry_transport transport; /* hand this to the HTTP client */
    const struct memnet_file *files;
    unsigned count;
    uint32_t piece;       /* bytes per recv at most */
    /* the connection */
    int connected, answered;
    char req[512];        /* the request as received */
    uint32_t req_len;
    char head[192];       /* the response's status line and headers */
    uint32_t head_len, head_pos;
    const uint8_t *body;
    uint32_t body_len, body_pos;
    unsigned requests;    /* requests answered */
};

void memnet_init(struct memnet *n, const struct memnet_file *files, unsigned count, uint32_t piece);

#endif
