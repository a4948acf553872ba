/* SPDX-License-Identifier: Apache-2.0 */
/* The boot record, application side: see include/ferry/boot_record.h. */
#include <string.h>
#include "boot_record_priv.h"
#include "ferry/byteorder.h"
#include "ferry/errors.h"

static void get_version(const uint8_t *p, struct ferry_version *v)
{
    v->major = p[0];
    v->minor = p[1];
    v->patch = ferry_get_le16(p + 2);
    v->build = ferry_get_le32(p + 4);
}

static int is_zero(const uint8_t *p, size_t n)
{
    while (n--)
        if (*p++)
            return 0;
    return 1;
}

int ferry_app_boot_record(const void *mem, size_t len, struct ferry_boot_record *out)
{
    const uint8_t *p = mem;
    if (!mem || !out)
        return FERRY_E_INVAL;
    if (len < BR_ACTION || ferry_get_le32(p + BR_MAGIC) != FERRY_BOOT_RECORD_MAGIC)
        return FERRY_E_NOT_FOUND;
    if (p[BR_VERSION] > FERRY_BOOT_RECORD_VERSION)
        return FERRY_E_UNSUPPORTED;
    if (p[BR_VERSION] != FERRY_BOOT_RECORD_VERSION || p[BR_VERSION + 1] != 0 ||
        ferry_get_le16(p + BR_LENGTH) != FERRY_BOOT_RECORD_SIZE || len < FERRY_BOOT_RECORD_SIZE ||
        ferry_get_le32(p + BR_CRC) != ferry_boot_record_crc32(p, BR_CRC))
        return FERRY_E_CORRUPT;
    uint8_t flags = p[BR_FLAGS];
    if (p[BR_ACTION] > FERRY_BOOT_REVERTED || p[BR_REASON] > FERRY_REVERT_RESUMED ||
        (flags & ~BR_F_KNOWN) != 0 || p[BR_FLAGS + 1] != 0 ||
        !is_zero(p + BR_RESERVED, BR_CRC - BR_RESERVED) ||
        (p[BR_REASON] != FERRY_REVERT_NONE) != (p[BR_ACTION] == FERRY_BOOT_REVERTED))
        return FERRY_E_CORRUPT;
    memset(out, 0, sizeof *out);
    out->action = (enum ferry_boot_action)p[BR_ACTION];
    out->revert_reason = (enum ferry_boot_revert_reason)p[BR_REASON];
    out->trial = (flags & BR_F_TRIAL) != 0;
    out->backup_damaged = (flags & BR_F_BACKUP_DAMAGED) != 0;
    out->staged_known = (flags & BR_F_STAGED_KNOWN) != 0;
    out->counter_known = (flags & BR_F_COUNTER_KNOWN) != 0;
    out->staged_err = (int16_t)ferry_get_le16(p + BR_STAGED_ERR);
    out->install_err = (int16_t)ferry_get_le16(p + BR_INSTALL_ERR);
    get_version(p + BR_VERSION_RUN, &out->version);
    out->security_counter = ferry_get_le32(p + BR_COUNTER);
    memcpy(out->digest, p + BR_DIGEST, 32);
    if (out->staged_known)
        get_version(p + BR_VERSION_STAGED, &out->staged_version);
    out->counter_min = ferry_get_le32(p + BR_COUNTER_MIN);
    return 0;
}

const char *ferry_boot_revert_reason_str(enum ferry_boot_revert_reason reason)
{
    switch (reason) {
    case FERRY_REVERT_NONE:
        return "no revert";
    case FERRY_REVERT_NOT_CONFIRMED:
        return "the trial image was not confirmed";
    case FERRY_REVERT_INSTALL_FAILED:
        return "the installed copy failed its check";
    case FERRY_REVERT_RESUMED:
        return "a revert interrupted by a power cut was finished";
    }
    return "unknown reason";
}
