/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An image pushed over a byte stream, staged with ferry/stage.h: see
 * sample_stage.h. This is what a port writes for its own transport (a UART
 * handler, a BLE characteristic, an MQTT subscription): begin with the size,
 * hand over the bytes, finish, reset.
 */
#define _POSIX_C_SOURCE 200809L /* pread */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ferry/errors.h"
#include "ferry/stage.h"
#include "sample_stage.h"
#include "sim_app.h"
#include "sim_device_ids.h"

extern const struct ferry_pubkey ferry_trusted_keys[];
extern const unsigned ferry_trusted_key_count;

static const uint8_t vendor_id[16] = FERRY_VENDOR_ID;
static const uint8_t class_id[16] = FERRY_CLASS_ID;

static struct ferry_stage stage;
static uint8_t stage_buf[FERRY_STAGE_BUF_BYTES];
static uint8_t piece[4096];

/* In order: whatever read() returns, as a UART driver would pass it on. */
static int push_in_order(int fd, size_t chunk)
{
    for (;;) {
        ssize_t n = read(fd, piece, chunk);
        if (n < 0)
            return FERRY_E_IO;
        if (n == 0)
            return 0;
        sim_app_feed_watchdog();
        int err = ferry_stage_write(&stage, piece, (size_t)n);
        if (err)
            return err;
    }
}

/* Any order: program-unit multiples from the end of the file to its start. */
static int push_back_to_front(int fd, uint32_t size, size_t chunk, uint32_t pu)
{
    size_t step = chunk < pu ? pu : chunk / pu * pu;
    uint32_t pieces = (uint32_t)((size + step - 1) / step);
    for (uint32_t i = pieces; i-- > 0;) {
        uint32_t off = (uint32_t)(i * step), len = size - off < step ? size - off : (uint32_t)step;
        if (pread(fd, piece, len, off) != (ssize_t)len)
            return FERRY_E_IO;
        sim_app_feed_watchdog();
        int err = ferry_stage_write_at(&stage, off, piece, len);
        if (err)
            return err;
    }
    return 0;
}

enum sample_update_result sample_stage_run(struct sim_board *b, const char *path)
{
    const char *c = getenv(SAMPLE_ENV_STAGE_CHUNK), *any = getenv(SAMPLE_ENV_STAGE_ANY_ORDER);
    size_t chunk = c ? strtoul(c, NULL, 10) : 64;
    int any_order = any && strcmp(any, "1") == 0;
    struct ferry_image_info info;
    struct stat sb;
    if (chunk == 0 || chunk > sizeof piece)
        chunk = 64;
    const struct ferry_stage_config cfg = {&b->app, ferry_trusted_keys, ferry_trusted_key_count,
                                           vendor_id, class_id, b->cfg.counter,
                                           b->cfg.revocation, stage_buf,
                                           sizeof stage_buf};
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size <= 0 || sb.st_size > UINT32_MAX) {
        printf("[app] stage: cannot read %s\n", path);
        if (fd >= 0)
            close(fd);
        return SAMPLE_UPDATE_NONE;
    }
    uint32_t size = (uint32_t)sb.st_size;
    printf("[app] stage: receiving %lu bytes from %s (%s, %zu-byte pieces)\n",
           (unsigned long)size, path, any_order ? "any order" : "in order", chunk);
    int err = ferry_stage_init(&stage, &cfg);
    if (!err)
        err = ferry_stage_begin(&stage, size, NULL, NULL, any_order ? FERRY_STAGE_ANY_ORDER : 0);
    if (!err && ferry_stage_offset(&stage) < size)
        err = any_order ? push_back_to_front(fd, size, chunk, b->cfg.staging.dev->geo->program_unit)
                        : push_in_order(fd, chunk);
    close(fd);
    if (!err)
        err = ferry_stage_finish(&stage, &info);
    if (err) {
        (void)ferry_stage_abort(&stage);
        printf("[app] stage: refused: %s (%d); nothing is staged\n", ferry_strerror(err), err);
        return SAMPLE_UPDATE_NONE;
    }
    printf("[app] stage: v%u.%u.%u verified and marked for install\n", info.version.major,
           info.version.minor, info.version.patch);
    return SAMPLE_UPDATE_REBOOT;
}
