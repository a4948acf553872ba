/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Download-and-stage through the update agent, timed: the device side of
 * bench/download.sh. Runs on a RAM-backed simulated board (spi-nor-8m, room
 * for 2 MiB images) whose primary slot holds RUNNING.img, against a real
 * server on 127.0.0.1.
 *
 *   bench_agent URL KEY.pem RUNNING.img RUNS
 * Prints one line per run: "agent_ms <milliseconds> <bytes>", then the
 * agent's buffer memory.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ferry/agent.h"
#include "ferry/errors.h"
#include "ferry_host.h"
#include "sim_board.h"
#include "transport_tcp.h"

static uint8_t http_buf[1024];

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: bench_agent URL KEY.pem RUNNING.img RUNS\n");
        return 2;
    }
    struct ferry_host_key key;
    struct ferry_pubkey trusted;
    uint8_t vendor[16], cls[16], *running;
    size_t running_len;
    char err_text[256];
    if (ferry_host_key_load(argv[2], &key, err_text, sizeof err_text) ||
        ferry_host_read_file(argv[3], &running, &running_len)) {
        fprintf(stderr, "bench_agent: cannot load key or image\n");
        return 1;
    }
    memcpy(trusted.point, key.pub, 65);
    memcpy(trusted.id, key.id, 32);
    ferry_uuid_from_arg("example.com", NULL, vendor);
    ferry_uuid_from_arg("ferry-sim-device", vendor, cls);

    int runs = atoi(argv[4]), rc = 0;
    for (int i = 0; i < runs && !rc; i++) {
        static struct sim_board b;
        static struct ferry_agent agent;
        struct ferry_sim_tcp tcp;
        struct ferry_http_client http;
        struct ferry_agent_config cfg;
        if (sim_board_open(&b, sim_board_find("spi-nor-8m"), NULL) ||
            sim_board_write_image(&b, SIM_SLOT_PRIMARY, running, running_len)) {
            fprintf(stderr, "bench_agent: board set-up failed\n");
            return 1;
        }
        ferry_sim_tcp_init(&tcp);
        memset(&http, 0, sizeof http);
        http.plain = &tcp.transport;
        http.buf = http_buf;
        http.buf_len = sizeof http_buf;
        http.timeout_ms = 10000;
        http.max_redirects = 3;
        memset(&cfg, 0, sizeof cfg);
        cfg.base_url = argv[1];
        cfg.vendor_id = vendor;
        cfg.class_id = cls;
        cfg.keys = &trusted;
        cfg.key_count = 1;
        cfg.app = &b.app;
        cfg.http = &http;
        double t0 = now_ms();
        int err = ferry_agent_init(&agent, &cfg);
        if (!err)
            err = ferry_agent_check(&agent);
        if (!err)
            err = ferry_agent_download(&agent);
        double t1 = now_ms();
        if (err) {
            fprintf(stderr, "bench_agent: %s\n", ferry_strerror(err));
            rc = 1;
        } else {
            printf("agent_ms %.1f %lu\n", t1 - t0, (unsigned long)agent.release.size);
        }
        sim_board_close(&b);
    }
    printf("agent_buffers %zu %zu\n", sizeof(struct ferry_agent), sizeof http_buf);
    free(running);
    return rc;
}
