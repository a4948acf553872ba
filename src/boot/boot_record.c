/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The boot record, bootloader side (include/ferry/boot_record.h): a recorder
 * between ferry_boot() and the port's hooks, and the encoder. Linked only by
 * ports that hand a record to the application.
 */
#include <string.h>
#include "boot_record_priv.h"
#include "ferry/byteorder.h"

uint32_t ferry_boot_record_crc32(const uint8_t *p, size_t len)
{
    uint32_t crc = 0xFFFFFFFFu;
    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xFFFFFFFFu;
}

static void feed(void *ctx)
{
    const struct ferry_boot_recorder *r = ctx;
    if (r->port.watchdog_feed)
        r->port.watchdog_feed(r->port.ctx);
}

static void arm(void *ctx)
{
    const struct ferry_boot_recorder *r = ctx;
    if (r->port.watchdog_arm)
        r->port.watchdog_arm(r->port.ctx);
}

static void event(void *ctx, enum ferry_boot_event ev, int err, const struct ferry_image_info *info)
{
    struct ferry_boot_recorder *r = ctx;
    struct ferry_boot_record *rec = &r->rec;
    switch (ev) {
    case FERRY_EV_STATE:
        r->op = err;
        break;
    case FERRY_EV_STAGED_FOUND:
        if (info) {
            r->staged_parsed = 1;
            r->staged = info->version;
        }
        break;
    case FERRY_EV_STAGED_REJECTED:
        /* The event carries no image: its version is the one found just before. */
        rec->staged_known = r->staged_parsed;
        rec->staged_version = r->staged;
        break;
    case FERRY_EV_INSTALL_FAILED:
        rec->install_err = err;
        rec->revert_reason = FERRY_REVERT_INSTALL_FAILED;
        break;
    case FERRY_EV_REVERT_START:
        /* A revert started while the status already said "revert" redoes
         * one a power cut interrupted (op 2: FERRY_EV_STATE's revert). */
        if (rec->revert_reason == FERRY_REVERT_NONE)
            rec->revert_reason = r->op == 2 ? FERRY_REVERT_RESUMED : FERRY_REVERT_NOT_CONFIRMED;
        break;
    case FERRY_EV_REVERT_RESUME:
        if (rec->revert_reason == FERRY_REVERT_NONE)
            rec->revert_reason = FERRY_REVERT_RESUMED;
        break;
    case FERRY_EV_BACKUP_DAMAGED:
        rec->backup_damaged = 1;
        break;
    case FERRY_EV_COUNTER_ADVANCED:
        rec->counter_known = 1;
        rec->counter_min = (uint32_t)err;
        break;
    default:
        break;
    }
    if (r->port.event)
        r->port.event(r->port.ctx, ev, err, info);
}

void ferry_boot_recorder_init(struct ferry_boot_recorder *r,
                              const struct ferry_boot_hooks *port_hooks,
                              struct ferry_boot_hooks *hooks)
{
    memset(r, 0, sizeof *r);
    if (port_hooks)
        r->port = *port_hooks;
    hooks->ctx = r;
    hooks->watchdog_feed = feed;
    hooks->watchdog_arm = arm;
    hooks->event = event;
}

static void put_version(uint8_t *p, const struct ferry_version *v)
{
    p[0] = v->major;
    p[1] = v->minor;
    ferry_put_le16(p + 2, v->patch);
    ferry_put_le32(p + 4, v->build);
}

void ferry_boot_record_encode(const struct ferry_boot_recorder *r,
                              const struct ferry_boot_result *res,
                              uint8_t out[FERRY_BOOT_RECORD_SIZE])
{
    const struct ferry_boot_record *rec = &r->rec;
    memset(out, 0, FERRY_BOOT_RECORD_SIZE);
    ferry_put_le32(out + BR_MAGIC, FERRY_BOOT_RECORD_MAGIC);
    out[BR_VERSION] = FERRY_BOOT_RECORD_VERSION;
    ferry_put_le16(out + BR_LENGTH, FERRY_BOOT_RECORD_SIZE);
    out[BR_ACTION] = (uint8_t)res->action;
    /* A reason only with a revert: an install that failed and reverted
     * reports REVERTED, one whose revert kept the trial image does not. */
    out[BR_REASON] = res->action == FERRY_BOOT_REVERTED
                         ? (uint8_t)(rec->revert_reason ? rec->revert_reason : FERRY_REVERT_RESUMED)
                         : (uint8_t)FERRY_REVERT_NONE;
    out[BR_FLAGS] = (uint8_t)((res->trial ? BR_F_TRIAL : 0) |
                              (rec->backup_damaged ? BR_F_BACKUP_DAMAGED : 0) |
                              (rec->staged_known ? BR_F_STAGED_KNOWN : 0) |
                              (rec->counter_known ? BR_F_COUNTER_KNOWN : 0));
    ferry_put_le16(out + BR_STAGED_ERR, (uint16_t)(int16_t)res->staged_err);
    ferry_put_le16(out + BR_INSTALL_ERR, (uint16_t)(int16_t)rec->install_err);
    put_version(out + BR_VERSION_RUN, &res->image.version);
    ferry_put_le32(out + BR_COUNTER, res->image.security_counter);
    memcpy(out + BR_DIGEST, res->image.digest, 32);
    if (rec->staged_known)
        put_version(out + BR_VERSION_STAGED, &rec->staged_version);
    ferry_put_le32(out + BR_COUNTER_MIN, rec->counter_min);
    ferry_put_le32(out + BR_CRC, ferry_boot_record_crc32(out, BR_CRC));
}
