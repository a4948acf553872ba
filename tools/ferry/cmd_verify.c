/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry verify: the same checks a device makes before it accepts an image
 * (structure, digest, trusted key, signature, vendor and class), on a file.
 * Prints one "OK ..." line, or one line naming exactly what is wrong.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ferry/errors.h"
#include "ferry/memflash.h"

enum { OPT_KEY = 1, OPT_CLASS, OPT_VENDOR, OPT_SLOT };

static const struct cli_opt OPTS[] = {
    { "key", 'k', 1, OPT_KEY },
    { "device-class", 0, 1, OPT_CLASS },
    { "vendor", 0, 1, OPT_VENDOR },
    { "slot-size", 0, 1, OPT_SLOT },
    { NULL, 0, 0, 0 },
};

#define KEYS_MAX 8

static void help(void)
{
    printf("usage: ferry verify -k KEY.pem [-k KEY2.pem ...] [--device-class ID] [--vendor ID]\n"
           "                    [--slot-size BYTES] IMG\n"
           "\n"
           "Checks IMG as a device would: structure (the file must be exactly one image),\n"
           "SHA-256 digest of the protected bytes, key ID, ECDSA signature, and the vendor\n"
           "and device class when given. Prints one line starting with \"OK\" and exits 0\n"
           "only if every check passes; otherwise prints what is wrong and exits 1.\n"
           "\n"
           "  -k, --key FILE       trusted key, public or private PEM; repeat for several\n"
           "  --device-class ID    required device class (UUID or name, as for sign)\n"
           "  --vendor ID          required vendor (UUID or name); a class name is hashed\n"
           "                       in this vendor's namespace (default \"%s\")\n"
           "  --slot-size BYTES    the image must fit a slot of this size\n"
           "  -h, --help           this text\n", CLI_DEFAULT_VENDOR);
}

struct verify_args {
    const char *keys[KEYS_MAX];
    unsigned key_count;
    const char *class_id, *vendor, *slot, *image;
};

static int collect(int argc, char **argv, struct verify_args *a, int *done)
{
    const char *cmd = argv[0], *v;
    struct cli_parser p;
    int opt;
    memset(a, 0, sizeof *a);
    *done = 0;
    cli_init(&p, cmd, argc, argv, OPTS);
    while ((opt = cli_next(&p, &v)) != CLI_DONE) {
        switch (opt) {
        case OPT_KEY:
            if (a->key_count == KEYS_MAX) {
                return cli_usage(cmd, "at most %d keys", KEYS_MAX);
            }
            a->keys[a->key_count++] = v;
            break;
        case OPT_CLASS: a->class_id = v; break;
        case OPT_VENDOR: a->vendor = v; break;
        case OPT_SLOT: a->slot = v; break;
        case CLI_OPT_HELP: help(); *done = 1; return CLI_EXIT_OK;
        case CLI_ARG:
            if (a->image != NULL) {
                return cli_usage(cmd, "unexpected argument '%s': give one IMG", v);
            }
            a->image = v;
            break;
        default: return CLI_EXIT_USAGE;
        }
    }
    if (a->key_count == 0) {
        return cli_usage(cmd, "missing -k KEY.pem (the key that should have signed the image)");
    }
    if (a->image == NULL) {
        return cli_usage(cmd, "missing IMG (the image file to check)");
    }
    return CLI_EXIT_OK;
}

static int check_image(const char *cmd, const struct verify_args *a, const uint8_t *data,
                       size_t len, const struct ferry_verify_policy *pol, uint32_t slot_size)
{
    struct ferry_memflash mf;
    struct ferry_image_info info;
    memset(&info, 0, sizeof info);
    if (len == 0) {
        return cli_fail(cmd, "%s: %s (the file is empty)", a->image,
                        ferry_strerror(FERRY_E_IMG_TRUNCATED));
    }
    int rc = ferry_memflash_init_ro(&mf, data, (uint32_t)len);
    if (rc != 0) {
        return cli_fail(cmd, "%s: cannot map the file: %s", a->image, ferry_strerror(rc));
    }
    struct ferry_area area = { &mf.flash, 0, (uint32_t)len };
    rc = ferry_image_parse(&area, FERRY_PARSE_FILE, &info);
    if (rc != 0) {
        return cli_report_image_error(cmd, a->image, rc, data, len, &info, pol);
    }
    if (slot_size != 0 && info.total_size > slot_size) {
        return cli_fail(cmd, "%s: %s (the image is %lu bytes, %lu more than the %lu-byte slot)",
                        a->image, ferry_strerror(FERRY_E_IMG_TOO_BIG),
                        (unsigned long)info.total_size,
                        (unsigned long)(info.total_size - slot_size), (unsigned long)slot_size);
    }
    static uint8_t buf[4096];
    rc = ferry_image_verify(&area, &info, pol, buf, sizeof buf);
    if (rc != 0) {
        return cli_report_image_error(cmd, a->image, rc, data, len, &info, pol);
    }
    char version[40], vendor[37], class_id[37];
    cli_format_version(&info.version, version, sizeof version);
    ferry_uuid_format(info.vendor_id, vendor);
    ferry_uuid_format(info.class_id, class_id);
    printf("OK %s: version %s%s, security counter %lu, vendor %s, class %s, key ", a->image,
           version, (info.flags & FERRY_IMG_F_REVERT) ? " (revert)" : "",
           (unsigned long)info.security_counter, vendor, class_id);
    cli_print_hex(stdout, info.key_id, 8);
    printf("...\n");
    return CLI_EXIT_OK;
}

int cmd_verify(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct verify_args a;
    int done;
    int rc = collect(argc, argv, &a, &done);
    if (rc != CLI_EXIT_OK || done) {
        return rc;
    }
    uint32_t slot_size = 0;
    if (a.slot != NULL && (cli_parse_size(a.slot, &slot_size) != 0 || slot_size == 0)) {
        return cli_usage(cmd, "--slot-size '%s': expected a size in bytes (e.g. 0x20000 or 128K)",
                         a.slot);
    }
    uint8_t vendor_id[16], class_id[16];
    rc = cli_resolve_ids(cmd, a.vendor, a.class_id, vendor_id, class_id);
    if (rc != 0) {
        return rc;
    }
    struct ferry_pubkey trusted[KEYS_MAX];
    for (unsigned i = 0; i < a.key_count; i++) {
        struct ferry_host_key k;
        if (cli_load_key(cmd, a.keys[i], 0, &k) != 0) {
            return CLI_EXIT_FAIL;
        }
        memcpy(trusted[i].point, k.pub, sizeof trusted[i].point);
        memcpy(trusted[i].id, k.id, sizeof trusted[i].id);
        ferry_host_key_wipe(&k);
    }
    struct ferry_verify_policy pol = {
        .keys = trusted,
        .key_count = a.key_count,
        .vendor_id = a.vendor != NULL ? vendor_id : NULL,
        .class_id = a.class_id != NULL ? class_id : NULL,
    };
    uint8_t *data;
    size_t len;
    if (ferry_host_read_file(a.image, &data, &len) != 0) {
        return cli_fail(cmd, "%s: cannot read: %s", a.image, strerror(errno));
    }
    rc = check_image(cmd, &a, data, len, &pol, slot_size);
    free(data);
    return rc;
}
