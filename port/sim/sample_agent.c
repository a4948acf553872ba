/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sample application's update step (sample_agent.h): what an
 * application on a real device does with the Ferry agent, on the simulator's
 * flash and the host's network.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ferry/agent.h"
#include "ferry/errors.h"
#include "sample_agent.h"
#include "sim_app.h"
#include "sim_device_ids.h"
#include "transport_tcp.h"
#include "ferry_tls.h"
#include "tls_hooks.h"
#include "trust_anchors.h"

extern const struct ferry_pubkey ferry_trusted_keys[];
extern const unsigned ferry_trusted_key_count;

static const uint8_t vendor_id[16] = FERRY_VENDOR_ID;
static const uint8_t class_id[16] = FERRY_CLASS_ID;

/* Device memory of the update step: the agent's own (about 2 KiB), the HTTP
 * client buffer, and for https the TLS context and its record buffer. */
static struct ferry_agent agent;
static uint8_t http_buf[FERRY_HTTP_BUF_MIN];
static struct ferry_sim_tcp tcp;
static struct ferry_tls tls;
static unsigned char tls_buf[FERRY_TLS_BUF_SIZE];

/* The port's clock for the agent's deadlines: the host's monotonic clock. */
static uint32_t monotonic_ms(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

static const struct ferry_clock monotonic = {monotonic_ms, NULL};

#define BAR_WIDTH 32

struct progress {
    int shown_percent; /* last percentage drawn, -1: none yet */
    int reboot_requested;
};

static int on_progress(void *ctx, uint64_t done, uint64_t total)
{
    struct progress *p = ctx;
    int percent = total ? (int)(done * 100 / total) : 100;
    sim_app_feed_watchdog(); /* a download outlasts any trial watchdog period */
    /* A terminal redraws one line; a log gets a few steps of it. */
    int step = isatty(STDOUT_FILENO) ? 2 : 10;
    if (percent == p->shown_percent ||
        (percent < 100 && p->shown_percent >= 0 && percent - p->shown_percent < step))
        return 0;
    p->shown_percent = percent;
    int fill = percent * BAR_WIDTH / 100;
    char bar[BAR_WIDTH + 1];
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, '.', (size_t)(BAR_WIDTH - fill));
    bar[BAR_WIDTH] = '\0';
    printf("\r[app] downloading [%s] %3d%%  %llu/%llu KiB", bar, percent,
           (unsigned long long)((done + 1023) / 1024), (unsigned long long)((total + 1023) / 1024));
    if (percent == 100)
        printf("\n");
    fflush(stdout);
    return 0;
}

static void on_reboot(void *ctx)
{
    struct progress *p = ctx;
    p->reboot_requested = 1;
}

static void version_text(const struct ferry_version *v, char *out, size_t len)
{
    if (v->build)
        snprintf(out, len, "%u.%u.%u+%lu", v->major, v->minor, v->patch, (unsigned long)v->build);
    else
        snprintf(out, len, "%u.%u.%u", v->major, v->minor, v->patch);
}

/* One line saying why, with the HTTP status where there was one. */
static void say_failure(const char *what, int err)
{
    printf("[app] %s: %s", what, ferry_strerror(err));
    if (err == FERRY_E_HTTP_STATUS && agent.last_status)
        printf(" (HTTP %d)", agent.last_status);
    if (err == FERRY_E_IO)
        printf(" (server unreachable, or the connection broke)");
    if (err == FERRY_E_TIMEOUT)
        printf(" (the server stopped answering)");
    if (err == FERRY_E_DEADLINE)
        printf(" (the server was too slow)");
    if (err == FERRY_E_TLS && ferry_tls_last_error(&tls))
        printf(" (BearSSL error %d)", ferry_tls_last_error(&tls));
    printf("\n");
}

enum sample_update_result sample_agent_run(struct sim_board *b, const char *url,
                                           const char *running_version)
{
    static struct ferry_sim_trust_anchors anchors;
    struct progress progress = {-1, 0};
    struct ferry_http_client http;
    struct ferry_agent_config cfg;
    const char *ca = getenv(SAMPLE_ENV_UPDATE_CA), *tmo = getenv(SAMPLE_ENV_UPDATE_TIMEOUT);
    char version[40];

    ferry_sim_tcp_init(&tcp);
    memset(&http, 0, sizeof http);
    http.plain = &tcp.transport;
    http.buf = http_buf;
    http.buf_len = sizeof http_buf;
    http.timeout_ms = tmo ? (unsigned)strtoul(tmo, NULL, 10) : 5000;
    http.max_redirects = 3;
    if (ca) {
        int err = ferry_sim_trust_anchors_load(&anchors, ca);
        if (err) {
            printf("[app] cannot load trust anchors %s: %s\n", ca, ferry_strerror(err));
            return SAMPLE_UPDATE_NONE;
        }
        /* The host's entropy and clock (tls_hooks.c); a device gives its
           TRNG and RTC here. */
        const struct ferry_tls_config tls_cfg = {
            .tcp = &tcp.transport,
            .anchors = anchors.anchors,
            .anchor_count = anchors.count,
            .entropy = &ferry_sim_entropy,
            .time = &ferry_sim_time,
            .buf = tls_buf,
            .buf_len = sizeof tls_buf,
        };
        err = ferry_tls_init(&tls, &tls_cfg);
        if (err) {
            printf("[app] cannot start TLS: %s\n", ferry_strerror(err));
            return SAMPLE_UPDATE_NONE;
        }
        http.tls = &tls.transport;
    }

    memset(&cfg, 0, sizeof cfg);
    cfg.base_url = url;
    cfg.vendor_id = vendor_id;
    cfg.class_id = class_id;
    cfg.keys = ferry_trusted_keys;
    cfg.key_count = ferry_trusted_key_count;
    cfg.app = &b->app;
    cfg.http = &http;
    cfg.counter = b->cfg.counter;
    cfg.revocation = b->cfg.revocation;
    cfg.retries = 3;
    cfg.progress = on_progress;
    cfg.reboot = on_reboot;
    cfg.ctx = &progress;
    cfg.clock = &monotonic; /* default deadlines: FERRY_AGENT_*_DEADLINE_MS */

    printf("[app] checking for updates at %s\n", url);
    fflush(stdout);
    int err = ferry_agent_init(&agent, &cfg);
    if (!err)
        err = ferry_agent_check(&agent);
    if (err == FERRY_E_NO_UPDATE) {
        printf("[app] v%s is the current release: nothing to do\n", running_version);
        return SAMPLE_UPDATE_NONE;
    }
    if (err) {
        say_failure("no update", err);
        printf("[app] staying on v%s\n", running_version);
        return SAMPLE_UPDATE_NONE;
    }
    version_text(&agent.release.version, version, sizeof version);
    printf("[app] update available: v%s (%lu bytes, manifest signature ok)\n", version,
           (unsigned long)agent.release.size);
    fflush(stdout);
    err = ferry_agent_download(&agent);
    if (progress.shown_percent >= 0 && progress.shown_percent < 100)
        printf("\n");
    if (err) {
        say_failure("download failed", err);
        printf("[app] staying on v%s\n", running_version);
        return SAMPLE_UPDATE_NONE;
    }
    if (agent.st.resumed_from)
        printf("[app] (resumed at byte %lu)\n", (unsigned long)agent.st.resumed_from);
    printf("[app] v%s downloaded, SHA-256 and signature verified, marked for install\n", version);
    if (progress.reboot_requested)
        printf("[app] rebooting into the bootloader to install it\n");
    fflush(stdout);
    return progress.reboot_requested ? SAMPLE_UPDATE_REBOOT : SAMPLE_UPDATE_NONE;
}
