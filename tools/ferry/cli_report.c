/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One precise line for an image that failed parsing or verification: the
 * project's text for the error plus the specifics that help fix it.
 */
#include <stdio.h>

#include "cli.h"
#include "ferry/errors.h"
#include "ferry/byteorder.h"

/* Which rule of the fixed header failed (parse order), from its raw fields. */
static const char *header_problem(const uint8_t *h, char *buf, size_t buflen)
{
    uint32_t header_size = ferry_get_le16(h + 6), meta_size = ferry_get_le16(h + 8), flags = ferry_get_le32(h + 16);
    if (ferry_get_le16(h + 10) != 0) {
        snprintf(buf, buflen, "reserved field is 0x%04lx, must be 0", (unsigned long)ferry_get_le16(h + 10));
    } else if (meta_size % 4 != 0) {
        snprintf(buf, buflen, "metadata size %lu is not a multiple of 4", (unsigned long)meta_size);
    } else if (header_size % 8 != 0) {
        snprintf(buf, buflen, "header size %lu is not a multiple of 8", (unsigned long)header_size);
    } else if (header_size < FERRY_IMG_FIXED_HDR_SIZE + meta_size) {
        snprintf(buf, buflen, "header size %lu is smaller than 32 + metadata size %lu",
                 (unsigned long)header_size, (unsigned long)meta_size);
    } else if (ferry_get_le32(h + 12) == 0) {
        snprintf(buf, buflen, "payload size is 0");
    } else if ((flags & ~FERRY_IMG_F_KNOWN) != 0) {
        snprintf(buf, buflen, "unknown flag bits 0x%08lx",
                 (unsigned long)(flags & ~FERRY_IMG_F_KNOWN));
    } else {
        return NULL;
    }
    return buf;
}

/* The size the fixed header announces, or 0 if the file is shorter than it. */
static unsigned long long announced_size(const uint8_t *data, size_t len)
{
    if (len < FERRY_IMG_FIXED_HDR_SIZE) {
        return 0;
    }
    return (unsigned long long)ferry_get_le16(data + 6) + ferry_get_le32(data + 12) + FERRY_IMG_TRAILER_SIZE;
}

static void hex8(const uint8_t *p, char out[17])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[16] = '\0';
}

void cli_describe_image_error(char *buf, size_t buflen, const char *path, int rc,
                              const uint8_t *data, size_t len,
                              const struct ferry_image_info *info,
                              const struct ferry_verify_policy *pol)
{
    char kid[17];
    const char *what = ferry_strerror(rc);
    unsigned long long need = announced_size(data, len);
    char a[37], b[37];
    switch (rc) {
    case FERRY_E_IMG_MAGIC:
        if (len < 4) {
            snprintf(buf, buflen, "%s: %s (the file has only %zu bytes)", path, what, len);
            return;
        }
        snprintf(buf, buflen, "%s: %s (the file starts with %02x %02x %02x %02x, not \"FRRY\": "
                 "an unsigned binary?)", path, what, data[0], data[1], data[2], data[3]);
        return;
    case FERRY_E_IMG_FORMAT:
        snprintf(buf, buflen, "%s: %s (format version %lu; this tool reads version %u)", path,
                 what, (unsigned long)(len >= 6 ? ferry_get_le16(data + 4) : 0),
                 FERRY_IMG_FORMAT_V1);
        return;
    case FERRY_E_IMG_HEADER: {
        char why[96];
        if (len >= FERRY_IMG_FIXED_HDR_SIZE && header_problem(data, why, sizeof why) != NULL) {
            snprintf(buf, buflen, "%s: %s (%s)", path, what, why);
            return;
        }
        break;
    }
    case FERRY_E_IMG_TRAILER:
        if (need == len && len >= FERRY_IMG_TRAILER_SIZE) {
            const uint8_t *t = data + len - FERRY_IMG_TRAILER_SIZE;
            snprintf(buf, buflen, "%s: %s (magic 0x%08lx, size %lu, signature type %lu; "
                     "expected 0x%08lx \"FTRL\", %u, %u)", path, what,
                     (unsigned long)ferry_get_le32(t), (unsigned long)ferry_get_le16(t + 4),
                     (unsigned long)ferry_get_le16(t + 6), (unsigned long)FERRY_IMG_TRAILER_MAGIC,
                     FERRY_IMG_TRAILER_SIZE, FERRY_IMG_SIG_ECDSA_P256);
            return;
        }
        break;
    case FERRY_E_IMG_TRUNCATED:
        if (need == 0) {
            snprintf(buf, buflen, "%s: %s (the file has %zu bytes, less than the %u-byte header)",
                     path, what, len, FERRY_IMG_FIXED_HDR_SIZE);
            return;
        }
        snprintf(buf, buflen, "%s: %s (the file has %zu bytes, the header describes %llu)", path,
                 what, len, need);
        return;
    case FERRY_E_IMG_TRAILING:
        snprintf(buf, buflen, "%s: %s (the file has %zu bytes but the image ends at %llu)",
                 path, what, len, need);
        return;
    case FERRY_E_IMG_DIGEST:
        snprintf(buf, buflen, "%s: %s (the protected bytes were modified after signing)", path,
                 what);
        return;
    case FERRY_E_IMG_KEY:
        if (pol == NULL) {
            break;
        }
        hex8(info->key_id, kid);
        snprintf(buf, buflen, "%s: %s (signed by key %s..., not one of the %u key(s) given with "
                 "-k)", path, what, kid, pol->key_count);
        return;
    case FERRY_E_IMG_SIGNATURE:
        hex8(info->key_id, kid);
        snprintf(buf, buflen, "%s: %s (the signature was not made by key %s... over this image)",
                 path, what, kid);
        return;
    case FERRY_E_IMG_VENDOR:
        if (pol == NULL || pol->vendor_id == NULL) {
            break;
        }
        ferry_uuid_format(info->vendor_id, a);
        ferry_uuid_format(pol->vendor_id, b);
        snprintf(buf, buflen, "%s: %s (the image is for vendor %s, expected %s)", path, what, a,
                 b);
        return;
    case FERRY_E_IMG_CLASS:
        if (pol == NULL || pol->class_id == NULL) {
            break;
        }
        ferry_uuid_format(info->class_id, a);
        ferry_uuid_format(pol->class_id, b);
        snprintf(buf, buflen, "%s: %s (the image is for device class %s, expected %s)", path,
                 what, a, b);
        return;
    default:
        break;
    }
    snprintf(buf, buflen, "%s: %s", path, what);
}

int cli_report_image_error(const char *cmd, const char *path, int rc, const uint8_t *data,
                           size_t len, const struct ferry_image_info *info,
                           const struct ferry_verify_policy *pol)
{
    char line[512];
    cli_describe_image_error(line, sizeof line, path, rc, data, len, info, pol);
    return cli_fail(cmd, "%s", line);
}
