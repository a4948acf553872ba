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
#include "ferry/crypto.h"
#include "ferry/crypto_enc.h"
#include "ferry/errors.h"
#include "ferry/memflash.h"

enum { OPT_KEY = 1, OPT_CLASS, OPT_VENDOR, OPT_SLOT, OPT_JSON, OPT_DECRYPT_KEY };

static const struct cli_opt OPTS[] = {
    { "key", 'k', 1, OPT_KEY },
    { "device-class", 0, 1, OPT_CLASS },
    { "vendor", 0, 1, OPT_VENDOR },
    { "slot-size", 0, 1, OPT_SLOT },
    { "json", 0, 0, OPT_JSON },
    { "decrypt-key", 0, 1, OPT_DECRYPT_KEY },
    CLI_KEY_OPTS,
    { NULL, 0, 0, 0 },
};

#define KEYS_MAX 8

static void help(void)
{
    printf("usage: ferry verify -k KEY [-k KEY2 ...] [--device-class ID] [--vendor ID]\n"
           "                    [--slot-size BYTES] [--json] [--decrypt-key CLASS.pem]\n"
           "                    [--pkcs11-module PATH]\n"
           "                    [--pin-file FILE] [--passphrase-file FILE] IMG\n"
           "\n"
           "Checks IMG as a device would: structure (the file must be exactly one image),\n"
           "SHA-256 digest of the protected bytes, key ID, ECDSA signature, and the vendor\n"
           "and device class when given. Prints one line starting with \"OK\" and exits 0\n"
           "only if every check passes; otherwise prints what is wrong and exits 1.\n"
           "\n"
           "  -k, --key KEY        trusted key: public or private PEM, or a PKCS#11 URI;\n"
           "                       repeat for several\n"
           "  --device-class ID    required device class (UUID or name, as for sign)\n"
           "  --vendor ID          required vendor (UUID or name); a class name is hashed\n"
           "                       in this vendor's namespace (default \"%s\")\n"
           "  --slot-size BYTES    the image must fit a slot of this size\n"
           "  --decrypt-key CLASS.pem  an encrypted image: also unwrap its content key with\n"
           "                       this class private key, decrypt the payload and check\n"
           "                       it against the signed plaintext digest (without it, the\n"
           "                       ciphertext is checked against its signed digest)\n"
           "  --json               the result as one JSON object on stdout (valid, error,\n"
           "                       and the fields ferry info --json prints), same exit code\n"
           CLI_KEY_HELP
           "  -h, --help           this text\n", CLI_DEFAULT_VENDOR);
}

struct verify_args {
    const char *keys[KEYS_MAX];
    unsigned key_count;
    const char *class_id, *vendor, *slot, *image, *decrypt_key;
    int json;
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
        case OPT_JSON: a->json = 1; break;
        case OPT_DECRYPT_KEY: a->decrypt_key = v; break;
        case CLI_OPT_HELP: help(); *done = 1; return CLI_EXIT_OK;
        case CLI_ARG:
            if (a->image != NULL) {
                return cli_usage(cmd, "unexpected argument '%s': give one IMG", v);
            }
            a->image = v;
            break;
        default:
            if (cli_key_option(opt, v)) {
                break;
            }
            return CLI_EXIT_USAGE;
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

/* The outcome of the checks: rc 0, or the error and its one-line message. */
struct verify_result {
    int rc;
    char message[512];
    int parsed;     /* info is complete */
    int digest_ok;  /* the trailer digest matches the protected bytes (when parsed) */
    int decrypted;  /* --decrypt-key: the payload decrypted to its signed plaintext */
    struct ferry_image_info info;
};

/* Runs every check in the device's order and fills *r. */
static void check_image(const struct verify_args *a, const uint8_t *data, size_t len,
                        const struct ferry_verify_policy *pol, uint32_t slot_size,
                        struct verify_result *r)
{
    struct ferry_memflash mf;
    static uint8_t buf[4096];
    uint8_t digest[32];
    memset(r, 0, sizeof *r);
    if (len == 0) {
        r->rc = FERRY_E_IMG_TRUNCATED;
        snprintf(r->message, sizeof r->message, "%s: %s (the file is empty)", a->image,
                 ferry_strerror(r->rc));
        return;
    }
    r->rc = ferry_memflash_init_ro(&mf, data, (uint32_t)len);
    if (r->rc != 0) {
        snprintf(r->message, sizeof r->message, "%s: cannot map the file: %s", a->image,
                 ferry_strerror(r->rc));
        return;
    }
    struct ferry_area area = { &mf.flash, 0, (uint32_t)len };
    r->rc = ferry_image_parse(&area, FERRY_PARSE_FILE, &r->info);
    if (r->rc != 0) {
        cli_describe_image_error(r->message, sizeof r->message, a->image, r->rc, data, len,
                                 &r->info, pol);
        return;
    }
    r->parsed = 1;
    (void)digest;
    if (cli_image_digest_ok(&area, &r->info, &r->digest_ok) != 0) {
        r->digest_ok = 0;
    }
    if (slot_size != 0 && r->info.total_size > slot_size) {
        r->rc = FERRY_E_IMG_TOO_BIG;
        snprintf(r->message, sizeof r->message,
                 "%s: %s (the image is %lu bytes, %lu more than the %lu-byte slot)", a->image,
                 ferry_strerror(r->rc), (unsigned long)r->info.total_size,
                 (unsigned long)(r->info.total_size - slot_size), (unsigned long)slot_size);
        return;
    }
    r->rc = ferry_image_verify(&area, &r->info, pol, buf, sizeof buf);
    if (r->rc != 0) {
        cli_describe_image_error(r->message, sizeof r->message, a->image, r->rc, data, len,
                                 &r->info, pol);
    }
}

static int print_text(const char *cmd, const struct verify_args *a, const struct verify_result *r)
{
    const struct ferry_image_info *in = &r->info;
    if (r->rc != 0) {
        return cli_fail(cmd, "%s", r->message);
    }
    char version[40], vendor[37], class_id[37];
    cli_format_version(&in->version, version, sizeof version);
    ferry_uuid_format(in->vendor_id, vendor);
    ferry_uuid_format(in->class_id, class_id);
    printf("OK %s: version %s%s, security counter %lu, vendor %s, class %s, key ", a->image,
           version, (in->flags & FERRY_IMG_F_REVERT) ? " (revert)" : "",
           (unsigned long)in->security_counter, vendor, class_id);
    cli_print_hex(stdout, in->key_id, 8);
    if ((in->flags & FERRY_IMG_F_ENCRYPTED) != 0) {
        printf("..., encrypted for class key ");
        cli_print_hex(stdout, in->enc.class_key_id, 8);
        printf(r->decrypted ? "..., decrypts to its signed plaintext\n"
                            : "... (ciphertext checked; plaintext not: no --decrypt-key)\n");
        return CLI_EXIT_OK;
    }
    printf("...%s\n", a->decrypt_key != NULL ? " (not encrypted: nothing to decrypt)" : "");
    return CLI_EXIT_OK;
}

/* valid, error_code, error, message, then the image fields of ferry info
 * --json (only "file" and "file_size" when the image could not be parsed). */
static int print_json(const struct verify_args *a, size_t len, const struct verify_result *r)
{
    printf("{\n  \"valid\": %s,\n  \"error_code\": %d,\n  \"error\": ",
           r->rc == 0 ? "true" : "false", r->rc);
    if (r->rc == 0) {
        printf("null,\n  \"message\": null,\n");
    } else {
        cli_print_json_string(stdout, ferry_strerror(r->rc));
        printf(",\n  \"message\": ");
        cli_print_json_string(stdout, r->message);
        printf(",\n");
    }
    if (r->parsed) {
        cli_print_image_json(a->image, len, &r->info, r->digest_ok);
    } else {
        printf("  \"file\": ");
        cli_print_json_string(stdout, a->image);
        printf(",\n  \"file_size\": %zu\n", len);
    }
    printf("}\n");
    return r->rc == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

/*
 * --decrypt-key: the class private key opens the content key (the device's
 * own unwrap, include/ferry/crypto_enc.h), the payload is decrypted in place
 * in the file's copy and must hash to the signed plaintext digest. Fills
 * r->rc and r->message on failure; an unusable key file is an exit code.
 */
static int check_decrypt(const char *cmd, const struct verify_args *a, uint8_t *data,
                         struct verify_result *r)
{
    struct ferry_host_key k;
    if (cli_load_key(cmd, a->decrypt_key, 1, &k) != 0) {
        return CLI_EXIT_FAIL;
    }
    if (k.signer != NULL) {
        ferry_host_key_wipe(&k);
        return cli_fail(cmd, "%s: a token key cannot decrypt here: give the class private key "
                        "as a PEM file", a->decrypt_key);
    }
    const struct ferry_image_info *in = &r->info;
    uint8_t key[16], digest[32];
    int rc = ferry_ct_memcmp(k.id, in->enc.class_key_id, 32) == 0 ? FERRY_OK : FERRY_E_IMG_ENC_KEY;
    if (rc == FERRY_OK) {
        rc = ferry_ecies_unwrap(k.priv, k.pub, in->enc.ephemeral, in->enc.wrapped, key);
    }
    ferry_host_key_wipe(&k);
    if (rc == FERRY_OK) {
        ferry_aes128_key aes;
        ferry_aes128_key_init(&aes, key);
        ferry_wipe(key, sizeof key);
        rc = ferry_aes128_ctr_xor(&aes, in->enc.nonce, 0, data + in->header_size,
                                  in->payload_size);
        ferry_aes128_key_wipe(&aes);
    }
    if (rc == FERRY_OK) {
        ferry_sha256(data + in->header_size, in->payload_size, digest);
        rc = ferry_ct_memcmp(digest, in->plain_digest, 32) == 0 ? FERRY_OK : FERRY_E_IMG_PLAINTEXT;
    }
    if (rc != FERRY_OK) {
        r->rc = rc;
        snprintf(r->message, sizeof r->message, "%s: %s (with --decrypt-key %s)", a->image,
                 ferry_strerror(rc), a->decrypt_key);
    }
    r->decrypted = rc == FERRY_OK;
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
        trusted[i].index = FERRY_HOST_KEY_INDEX;
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
    static struct verify_result r;
    check_image(&a, data, len, &pol, slot_size, &r);
    if (r.rc == 0 && a.decrypt_key != NULL && (r.info.flags & FERRY_IMG_F_ENCRYPTED) != 0) {
        rc = check_decrypt(cmd, &a, data, &r);
        if (rc != CLI_EXIT_OK) {
            free(data);
            return rc;
        }
    }
    rc = a.json ? print_json(&a, len, &r) : print_text(cmd, &a, &r);
    free(data);
    return rc;
}
