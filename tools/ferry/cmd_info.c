/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry info: every field of an image's header, metadata and trailer, as
 * text or JSON. Checks the structure and whether the digest matches the
 * protected bytes, but not who signed it (that is ferry verify's job).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "ferry/memflash.h"

enum { OPT_JSON = 1 };

static const struct cli_opt OPTS[] = {
    { "json", 0, 0, OPT_JSON },
    { NULL, 0, 0, 0 },
};

static void help(void)
{
    printf("usage: ferry info [--json] IMG\n"
           "\n"
           "Prints the header, metadata and trailer fields of IMG, and whether the trailer\n"
           "digest matches the protected bytes. Does not check the signature: use\n"
           "ferry verify for that. Exits 1 if IMG is not a well-formed image.\n"
           "\n"
           "  --json       one JSON object instead of text\n"
           "  -h, --help   this text\n");
}

static void print_text(const char *path, size_t file_len, const struct ferry_image_info *in,
                       int digest_ok)
{
    char version[40], vendor[37], class_id[37];
    cli_format_version(&in->version, version, sizeof version);
    ferry_uuid_format(in->vendor_id, vendor);
    ferry_uuid_format(in->class_id, class_id);
    printf("file:             ");
    cli_print_safe(stdout, path);
    printf(" (%zu bytes)\n", file_len);
    printf("format version:   %u\n", FERRY_IMG_FORMAT_V1);
    printf("header size:      %lu\n", (unsigned long)in->header_size);
    printf("metadata size:    %lu\n", (unsigned long)in->meta_size);
    printf("payload size:     %lu\n", (unsigned long)in->payload_size);
    printf("protected size:   %lu\n", (unsigned long)in->protected_size);
    printf("total size:       %lu\n", (unsigned long)in->total_size);
    printf("flags:            0x%08lx%s%s%s%s\n", (unsigned long)in->flags,
           (in->flags & FERRY_IMG_F_REVERT) ? " (revert)" : "",
           (in->flags & FERRY_IMG_F_PERMANENT) ? " (permanent)" : "",
           (in->flags & FERRY_IMG_F_ENCRYPTED) ? " (encrypted)" : "",
           (in->flags & FERRY_IMG_F_HEADER_SIGNED) ? " (header-signed)" : "");
    printf("version:          %s\n", version);
    printf("security counter: %lu\n", (unsigned long)in->security_counter);
    if (in->revoke_below != 0) {
        printf("revokes keys:     below index %lu, once confirmed\n",
               (unsigned long)in->revoke_below);
    } else {
        printf("revokes keys:     none\n");
    }
    printf("vendor id:        %s\n", vendor);
    printf("class id:         %s\n", class_id);
    printf("name:             ");
    if (in->name[0] != '\0') {
        printf("\"");
        cli_print_safe(stdout, in->name);
        printf("\"\n");
    } else {
        printf("(none)\n");
    }
    if ((in->flags & FERRY_IMG_F_ENCRYPTED) != 0) {
        printf("encrypted:        yes, AES-128-CTR, key wrapped for class key ID ");
        cli_print_hex(stdout, in->enc.class_key_id, sizeof in->enc.class_key_id);
        printf("\nplaintext digest: ");
        cli_print_hex(stdout, in->plain_digest, sizeof in->plain_digest);
        printf("\nciphertext digest: ");
        cli_print_hex(stdout, in->cipher_digest, sizeof in->cipher_digest);
        printf("\n");
    } else {
        printf("encrypted:        no\n");
    }
    if ((in->flags & FERRY_IMG_F_HEADER_SIGNED) != 0) {
        printf("header-signed:    yes, payload digest ");
        cli_print_hex(stdout, in->plain_digest, sizeof in->plain_digest);
        printf("\n");
    }
    printf("signature type:   ECDSA P-256 SHA-256 (%u)\n", FERRY_IMG_SIG_ECDSA_P256);
    printf("digest:           ");
    cli_print_hex(stdout, in->digest, sizeof in->digest);
    printf(digest_ok ? " (matches)\n" : " (MISMATCH: the protected bytes were modified)\n");
    printf("key id:           ");
    cli_print_hex(stdout, in->key_id, sizeof in->key_id);
    printf("\nsignature:        ");
    cli_print_hex(stdout, in->signature, sizeof in->signature);
    printf("\n");
}

static void json_hex(const char *key, const uint8_t *p, size_t len, int last)
{
    printf("  \"%s\": \"", key);
    cli_print_hex(stdout, p, len);
    printf("\"%s\n", last ? "" : ",");
}

/* The bytes the signature covers hash to the trailer digest; for an
 * encrypted or header-signed image that is the header, and the payload must
 * also hash to its signed digest (an encrypted image's stored form, the
 * ciphertext: docs/image-format.md sections 13 and 14). */
int cli_image_digest_ok(const struct ferry_area *area, const struct ferry_image_info *in, int *ok)
{
    static uint8_t buf[4096];
    uint8_t digest[32];
    int enc = (in->flags & FERRY_IMG_F_HEADER_DIGEST) != 0;
    *ok = 0;
    int rc = ferry_area_sha256(area, 0, enc ? in->header_size : in->protected_size, buf,
                               sizeof buf, digest);
    if (rc != 0) {
        return rc;
    }
    *ok = ferry_ct_memcmp(digest, in->digest, sizeof digest) == 0;
    if (enc && *ok) {
        rc = ferry_area_sha256(area, in->header_size, in->payload_size, buf, sizeof buf, digest);
        if (rc != 0) {
            return rc;
        }
        *ok = ferry_ct_memcmp(digest, in->cipher_digest, sizeof digest) == 0;
    }
    return FERRY_OK;
}

/* Shared with ferry verify --json (cli.h), so both print the same fields. */
void cli_print_image_json(const char *path, size_t file_len, const struct ferry_image_info *in,
                          int digest_ok)
{
    char version[40], vendor[37], class_id[37];
    cli_format_version(&in->version, version, sizeof version);
    ferry_uuid_format(in->vendor_id, vendor);
    ferry_uuid_format(in->class_id, class_id);
    printf("  \"file\": ");
    cli_print_json_string(stdout, path);
    printf(",\n  \"file_size\": %zu,\n", file_len);
    printf("  \"format_version\": %u,\n", FERRY_IMG_FORMAT_V1);
    printf("  \"header_size\": %lu,\n", (unsigned long)in->header_size);
    printf("  \"meta_size\": %lu,\n", (unsigned long)in->meta_size);
    printf("  \"payload_size\": %lu,\n", (unsigned long)in->payload_size);
    printf("  \"protected_size\": %lu,\n", (unsigned long)in->protected_size);
    printf("  \"total_size\": %lu,\n", (unsigned long)in->total_size);
    printf("  \"flags\": %lu,\n", (unsigned long)in->flags);
    printf("  \"revert\": %s,\n", (in->flags & FERRY_IMG_F_REVERT) ? "true" : "false");
    printf("  \"permanent\": %s,\n", (in->flags & FERRY_IMG_F_PERMANENT) ? "true" : "false");
    printf("  \"encrypted\": %s,\n", (in->flags & FERRY_IMG_F_ENCRYPTED) ? "true" : "false");
    printf("  \"header_signed\": %s,\n",
           (in->flags & FERRY_IMG_F_HEADER_SIGNED) ? "true" : "false");
    if ((in->flags & FERRY_IMG_F_HEADER_SIGNED) != 0) {
        json_hex("payload_digest", in->plain_digest, sizeof in->plain_digest, 0);
    }
    if ((in->flags & FERRY_IMG_F_ENCRYPTED) != 0) {
        json_hex("class_key_id", in->enc.class_key_id, sizeof in->enc.class_key_id, 0);
        json_hex("plaintext_digest", in->plain_digest, sizeof in->plain_digest, 0);
        json_hex("ciphertext_digest", in->cipher_digest, sizeof in->cipher_digest, 0);
    }
    printf("  \"version\": \"%s\",\n", version);
    printf("  \"version_major\": %u,\n", in->version.major);
    printf("  \"version_minor\": %u,\n", in->version.minor);
    printf("  \"version_patch\": %u,\n", in->version.patch);
    printf("  \"version_build\": %lu,\n", (unsigned long)in->version.build);
    printf("  \"security_counter\": %lu,\n", (unsigned long)in->security_counter);
    printf("  \"revoke_keys_below\": %lu,\n", (unsigned long)in->revoke_below);
    printf("  \"vendor_id\": \"%s\",\n", vendor);
    printf("  \"class_id\": \"%s\",\n", class_id);
    printf("  \"name\": ");
    if (in->name[0] != '\0') {
        cli_print_json_string(stdout, in->name);
    } else {
        printf("null");
    }
    printf(",\n  \"signature_type\": %u,\n", FERRY_IMG_SIG_ECDSA_P256);
    json_hex("digest", in->digest, sizeof in->digest, 0);
    printf("  \"digest_matches\": %s,\n", digest_ok ? "true" : "false");
    json_hex("key_id", in->key_id, sizeof in->key_id, 0);
    json_hex("signature", in->signature, sizeof in->signature, 1);
}

static void print_json(const char *path, size_t file_len, const struct ferry_image_info *in,
                       int digest_ok)
{
    printf("{\n");
    cli_print_image_json(path, file_len, in, digest_ok);
    printf("}\n");
}

static int show(const char *cmd, const char *path, const uint8_t *data, size_t len, int json)
{
    struct ferry_memflash mf;
    struct ferry_image_info info;
    memset(&info, 0, sizeof info);
    if (len == 0) {
        return cli_fail(cmd, "%s: %s (the file is empty)", path,
                        ferry_strerror(FERRY_E_IMG_TRUNCATED));
    }
    int rc = ferry_memflash_init_ro(&mf, data, (uint32_t)len);
    if (rc != 0) {
        return cli_fail(cmd, "%s: cannot map the file: %s", path, ferry_strerror(rc));
    }
    struct ferry_area area = { &mf.flash, 0, (uint32_t)len };
    rc = ferry_image_parse(&area, FERRY_PARSE_FILE, &info);
    if (rc != 0) {
        return cli_report_image_error(cmd, path, rc, data, len, &info, NULL);
    }
    int digest_ok = 0;
    rc = cli_image_digest_ok(&area, &info, &digest_ok);
    if (rc != 0) {
        return cli_fail(cmd, "%s: cannot hash the image: %s", path, ferry_strerror(rc));
    }
    if (json) {
        print_json(path, len, &info, digest_ok);
    } else {
        print_text(path, len, &info, digest_ok);
    }
    return CLI_EXIT_OK;
}

int cmd_info(int argc, char **argv)
{
    const char *cmd = argv[0], *path = NULL, *v;
    int json = 0, opt;
    struct cli_parser p;
    cli_init(&p, cmd, argc, argv, OPTS);
    while ((opt = cli_next(&p, &v)) != CLI_DONE) {
        switch (opt) {
        case OPT_JSON: json = 1; break;
        case CLI_OPT_HELP: help(); return CLI_EXIT_OK;
        case CLI_ARG:
            if (path != NULL) {
                return cli_usage(cmd, "unexpected argument '%s': give one IMG", v);
            }
            path = v;
            break;
        default: return CLI_EXIT_USAGE;
        }
    }
    if (path == NULL) {
        return cli_usage(cmd, "missing IMG (the image file to describe)");
    }
    uint8_t *data;
    size_t len;
    if (ferry_host_read_file(path, &data, &len) != 0) {
        return cli_fail(cmd, "%s: cannot read: %s", path, strerror(errno));
    }
    int rc = show(cmd, path, data, len, json);
    free(data);
    return rc;
}
