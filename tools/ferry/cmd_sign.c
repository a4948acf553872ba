/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry sign: raw application binary in, signed Ferry image out. The key is
 * a PEM file or a PKCS#11 token key; for signers ferry cannot reach (a cloud
 * KMS, an offline signing room) signing is split in two (docs/keys.md):
 *
 *   --digest-out D   IN.bin -> OUT (unsigned image) and D (its 32-byte digest)
 *   --signature-in S IN (that unsigned image) + S + --pub KEY -> OUT (signed)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ferry/byteorder.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "ferry/image.h"
#include "ferry/memflash.h"

enum {
    OPT_KEY = 1, OPT_VERSION, OPT_CLASS, OPT_VENDOR, OPT_COUNTER, OPT_SLOT, OPT_HEADER,
    OPT_NAME, OPT_REVERT, OPT_PERMANENT, OPT_VECTOR_ALIGN, OPT_UNALIGNED, OPT_RAW,
    OPT_DIGEST_OUT, OPT_SIGNATURE_IN, OPT_PUB, OPT_REVOKE_BELOW, OPT_ENCRYPT, OPT_HEADER_SIGNED,
};

static const struct cli_opt OPTS[] = {
    { "key", 'k', 1, OPT_KEY },
    { "version", 0, 1, OPT_VERSION },
    { "device-class", 0, 1, OPT_CLASS },
    { "vendor", 0, 1, OPT_VENDOR },
    { "security-counter", 0, 1, OPT_COUNTER },
    { "slot-size", 0, 1, OPT_SLOT },
    { "header-size", 0, 1, OPT_HEADER },
    { "name", 0, 1, OPT_NAME },
    { "revert", 0, 0, OPT_REVERT },
    { "permanent", 0, 0, OPT_PERMANENT },
    { "vector-align", 0, 1, OPT_VECTOR_ALIGN },
    { "unaligned", 0, 0, OPT_UNALIGNED },
    { "raw", 0, 0, OPT_RAW },
    { "digest-out", 0, 1, OPT_DIGEST_OUT },
    { "signature-in", 0, 1, OPT_SIGNATURE_IN },
    { "pub", 0, 1, OPT_PUB },
    { "revoke-keys-below", 0, 1, OPT_REVOKE_BELOW },
    { "encrypt", 0, 1, OPT_ENCRYPT },
    { "header-signed", 0, 0, OPT_HEADER_SIGNED },
    CLI_KEY_OPTS,
    { NULL, 0, 0, 0 },
};

static void help(void)
{
    printf("usage: ferry sign -k KEY --version X.Y.Z[+BUILD] --device-class ID\n"
           "                  [--vendor ID] [--security-counter N] [--slot-size BYTES]\n"
           "                  [--header-size BYTES] [--vector-align BYTES | --unaligned]\n"
           "                  [--name TEXT] [--revert] [--permanent] [--raw]\n"
           "                  [--revoke-keys-below N] [--encrypt CLASS_PUB.pem | --header-signed]\n"
           "                  [--pkcs11-module PATH] [--pin-file FILE]\n"
           "                  [--passphrase-file FILE] IN.bin OUT.img\n"
           "       ferry sign --digest-out DIGEST --version X.Y.Z[+BUILD] --device-class ID\n"
           "                  [the options above but -k] IN.bin UNSIGNED.img\n"
           "       ferry sign --signature-in SIG --pub PUB.pem UNSIGNED.img OUT.img\n"
           "\n"
           "Wraps the raw binary IN.bin (linked to run at slot start + header size) into a\n"
           "signed Ferry image. With a key in memory the same inputs always give the same\n"
           "bytes (RFC 6979); a token chooses its own nonce.\n"
           "\n"
           "  -k, --key KEY            P-256 private key: a PEM file (PKCS#8, encrypted\n"
           "                           PKCS#8 or SEC1) or a PKCS#11 URI\n"
           "                           'pkcs11:token=LABEL;object=LABEL'\n"
           "  --version X.Y.Z[+B]      major, minor 0..255, patch 0..65535, build 0..2^32-1\n"
           "  --device-class ID        device class: a UUID, or a name hashed into a UUID v5\n"
           "                           in the vendor's namespace\n"
           "  --vendor ID              vendor: a UUID, or a domain name hashed into a UUID v5\n"
           "                           in the DNS namespace (default \"%s\")\n"
           "  --security-counter N     anti-rollback counter, 0..2^32-1 (default 0)\n"
           "  --slot-size BYTES        refuse an image larger than the slot\n"
           "  --header-size BYTES      payload offset, multiple of 8 and of --vector-align\n"
           "                           (default %u)\n"
           "  --vector-align BYTES     alignment the application's vector table needs: its\n"
           "                           size rounded up to a power of two, at least %u\n"
           "                           (default %u); the header size must be a multiple\n"
           "  --unaligned              skip that check (a payload that is not a Cortex-M\n"
           "                           application, or a deliberately misaligned test image)\n"
           "  --name TEXT              informational name, 1..%u bytes of UTF-8\n"
           "  --revert                 mark as a signed revert (may replace a newer version)\n"
           "  --permanent              install without a trial run (no confirm needed)\n"
           "  --revoke-keys-below N    once this image is confirmed on a device, the keys\n"
           "                           with an index below N are revoked there for good;\n"
           "                           sign it with a key of index N or above\n"
           "  --encrypt CLASS_PUB.pem  encrypt the payload for the device class key pair\n"
           "                           whose public key this is (ferry keygen --class;\n"
           "                           docs/encryption.md): a fresh content key per image\n"
           "  --header-signed          sign the header, which carries the payload's digest\n"
           "                           (docs/image-format.md section 14): a bootloader\n"
           "                           installs it reading and hashing each byte once;\n"
           "                           bootloaders older than the format refuse it\n"
           "  --raw                    sign IN as raw bytes whatever it looks like (the host\n"
           "                           simulator's payloads are host ELF executables)\n"
           CLI_KEY_HELP
           "  --digest-out DIGEST      detached signing, step 1: no key; write the image\n"
           "                           unsigned (key ID and signature zero) to the output\n"
           "                           and the 32-byte SHA-256 to sign to DIGEST\n"
           "  --signature-in SIG       step 2: complete the unsigned image IN with SIG (DER\n"
           "                           or raw r||s, over DIGEST), checked with --pub first\n"
           "  --pub KEY                the signer's public key (with --signature-in)\n"
           "  -h, --help               this text\n"
           "\n"
           "IN.bin must be a raw binary: an ELF file, an Intel HEX file and an image that\n"
           "is already signed are refused (unless --raw). IN and OUT must be different files.\n"
           "\n"
           "BYTES: decimal or 0x hex, with an optional K or M suffix (KiB, MiB).\n",
           CLI_DEFAULT_VENDOR, FERRY_HOST_DEFAULT_HEADER_SIZE, CLI_VECTOR_ALIGN_MIN,
           CLI_VECTOR_ALIGN_MIN, FERRY_NAME_MAX);
}

struct sign_args {
    const char *key, *version, *class_id, *vendor, *counter, *slot, *header, *name, *align;
    const char *in, *out;
    const char *digest_out, *signature_in, *pub, *revoke_below, *encrypt;
    int unaligned;
    int raw;
    int revert;
    int permanent;
    int header_signed;
};

/* --signature-in: the image already says everything but who signed it. */
static int check_completion_args(const char *cmd, const struct sign_args *a)
{
    if (a->key != NULL || a->digest_out != NULL) {
        return cli_usage(cmd, "--signature-in completes an unsigned image: give --pub PUB.pem, "
                         "not %s", a->key != NULL ? "-k" : "--digest-out");
    }
    if (a->version || a->class_id || a->vendor || a->counter || a->slot || a->header ||
        a->name || a->align || a->unaligned || a->raw || a->revert || a->permanent ||
        a->revoke_below || a->encrypt || a->header_signed) {
        return cli_usage(cmd, "--signature-in takes only --pub, UNSIGNED.img and OUT.img: the "
                         "version and every other field are in the unsigned image");
    }
    if (a->pub == NULL) {
        return cli_usage(cmd, "--signature-in needs --pub PUB.pem (the signer's public key, "
                         "to check the signature before it is written)");
    }
    if (a->in == NULL || a->out == NULL) {
        return cli_usage(cmd, "missing %s",
                         a->in == NULL ? "UNSIGNED.img and OUT.img" : "OUT.img");
    }
    return CLI_EXIT_OK;
}

/* Collects the command line; CLI_EXIT_OK, or an exit code (help shown or
 * usage error reported) in *done. */
static int collect(int argc, char **argv, struct sign_args *a, int *done)
{
    const char *cmd = argv[0], *v;
    struct cli_parser p;
    int opt;
    memset(a, 0, sizeof *a);
    *done = 0;
    cli_init(&p, cmd, argc, argv, OPTS);
    while ((opt = cli_next(&p, &v)) != CLI_DONE) {
        switch (opt) {
        case OPT_KEY: a->key = v; break;
        case OPT_VERSION: a->version = v; break;
        case OPT_CLASS: a->class_id = v; break;
        case OPT_VENDOR: a->vendor = v; break;
        case OPT_COUNTER: a->counter = v; break;
        case OPT_SLOT: a->slot = v; break;
        case OPT_HEADER: a->header = v; break;
        case OPT_NAME: a->name = v; break;
        case OPT_REVERT: a->revert = 1; break;
        case OPT_PERMANENT: a->permanent = 1; break;
        case OPT_VECTOR_ALIGN: a->align = v; break;
        case OPT_UNALIGNED: a->unaligned = 1; break;
        case OPT_RAW: a->raw = 1; break;
        case OPT_DIGEST_OUT: a->digest_out = v; break;
        case OPT_SIGNATURE_IN: a->signature_in = v; break;
        case OPT_PUB: a->pub = v; break;
        case OPT_REVOKE_BELOW: a->revoke_below = v; break;
        case OPT_ENCRYPT: a->encrypt = v; break;
        case OPT_HEADER_SIGNED: a->header_signed = 1; break;
        case CLI_OPT_HELP: help(); *done = 1; return CLI_EXIT_OK;
        case CLI_ARG:
            if (a->in == NULL) {
                a->in = v;
            } else if (a->out == NULL) {
                a->out = v;
            } else {
                return cli_usage(cmd, "unexpected argument '%s': give one IN and one OUT", v);
            }
            break;
        default:
            if (cli_key_option(opt, v)) {
                break;
            }
            return CLI_EXIT_USAGE;
        }
    }
    if (a->signature_in != NULL) {
        return check_completion_args(cmd, a);
    }
    if (a->pub != NULL) {
        return cli_usage(cmd, "--pub goes with --signature-in (completing a detached "
                         "signature)");
    }
    if (a->digest_out != NULL && a->key != NULL) {
        return cli_usage(cmd, "--digest-out writes an unsigned image for a signer ferry cannot "
                         "reach: give no -k");
    }
    if (a->key == NULL && a->digest_out == NULL) {
        return cli_usage(cmd, "missing -k KEY.pem (the private signing key), or --digest-out "
                         "DIGEST for detached signing");
    }
    if (a->version == NULL) {
        return cli_usage(cmd, "missing --version X.Y.Z[+BUILD]");
    }
    if (a->class_id == NULL) {
        return cli_usage(cmd, "missing --device-class ID (a UUID or a class name)");
    }
    if (a->in == NULL || a->out == NULL) {
        return cli_usage(cmd, "missing %s", a->in == NULL ? "IN.bin and OUT.img" : "OUT.img");
    }
    if (a->align != NULL && a->unaligned) {
        return cli_usage(cmd, "--vector-align and --unaligned exclude each other");
    }
    return CLI_EXIT_OK;
}

/* Turns the option texts into signing parameters; exit code on failure. */
static int make_params(const char *cmd, const struct sign_args *a, struct ferry_sign_params *sp,
                       uint32_t *slot_size, uint32_t *vector_align)
{
    char err[160];
    memset(sp, 0, sizeof *sp);
    if (cli_parse_version(a->version, &sp->version, err, sizeof err) != 0) {
        return cli_usage(cmd, "--version '%s': %s", a->version, err);
    }
    if (a->counter != NULL && cli_parse_u32(a->counter, UINT32_MAX, &sp->security_counter) != 0) {
        return cli_usage(cmd, "--security-counter '%s': expected a number 0..4294967295",
                         a->counter);
    }
    if (a->revoke_below != NULL &&
        (cli_parse_u32(a->revoke_below, UINT32_MAX, &sp->revoke_below) != 0 ||
         sp->revoke_below == 0)) {
        return cli_usage(cmd, "--revoke-keys-below '%s': expected a key index 1..4294967295",
                         a->revoke_below);
    }
    *slot_size = 0;
    if (a->slot != NULL && (cli_parse_size(a->slot, slot_size) != 0 || *slot_size == 0)) {
        return cli_usage(cmd, "--slot-size '%s': expected a size in bytes (e.g. 0x20000 or 128K)",
                         a->slot);
    }
    if (a->header != NULL) {
        if (cli_parse_size(a->header, &sp->header_size) != 0 || sp->header_size == 0 ||
            sp->header_size % 8 != 0 || sp->header_size > 0xFFF8u) {
            return cli_usage(cmd, "--header-size '%s': expected a multiple of 8 from 8 to 65528",
                             a->header);
        }
    }
    /* --unaligned: every header size is a multiple of 8, so the check passes. */
    *vector_align = a->unaligned ? 8u : CLI_VECTOR_ALIGN_MIN;
    if (a->align != NULL && cli_parse_vector_align(cmd, a->align, vector_align) != 0) {
        return CLI_EXIT_USAGE;
    }
    if (a->name != NULL) {
        sp->name = a->name;
    }
    if (a->header_signed && a->encrypt != NULL) {
        return cli_usage(cmd, "--header-signed and --encrypt: an encrypted image is signed over "
                         "its header already; give one of them");
    }
    sp->flags = (a->revert ? FERRY_IMG_F_REVERT : 0) | (a->permanent ? FERRY_IMG_F_PERMANENT : 0) |
                (a->header_signed ? FERRY_IMG_F_HEADER_SIGNED : 0);
    return cli_resolve_ids(cmd, a->vendor, a->class_id, sp->vendor_id, sp->class_id);
}

static int is_hex_digit(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* An Intel HEX file: ':' then an even number of hex digits (at least the 10
 * of an empty record) up to the end of the first line. */
static int looks_like_hex(const uint8_t *p, size_t len)
{
    size_t n = 1;
    if (len == 0 || p[0] != ':') {
        return 0;
    }
    while (n < len && is_hex_digit(p[n])) {
        n++;
    }
    if (n < 11 || (n - 1) % 2 != 0) {
        return 0;
    }
    return n == len || p[n] == '\n' || (p[n] == '\r' && n + 1 < len && p[n + 1] == '\n');
}

/* Rule: the input is the raw bytes of the application. The usual wrong
 * inputs (the linker's ELF, a HEX file, an image signed before) are named,
 * with what to give instead, rather than signed into an image that cannot
 * boot. */
static int check_raw(const char *cmd, const char *path, const uint8_t *p, size_t len)
{
    if (len >= 4 && p[0] == 0x7F && p[1] == 'E' && p[2] == 'L' && p[3] == 'F') {
        return cli_fail(cmd, "%s: this is an ELF file, not a raw binary: convert it with "
                        "'arm-none-eabi-objcopy -O binary %s app.bin' and sign app.bin", path,
                        path);
    }
    if (looks_like_hex(p, len)) {
        return cli_fail(cmd, "%s: this is an Intel HEX file, not a raw binary: convert it to a "
                        "binary (e.g. 'arm-none-eabi-objcopy -I ihex -O binary %s app.bin') "
                        "and sign that", path, path);
    }
    if (len >= 4 && ferry_get_le32(p) == FERRY_IMG_MAGIC) {
        return cli_fail(cmd, "%s: this is already a signed Ferry image (magic \"FRRY\"): sign "
                        "the raw payload it was made from, not the image", path);
    }
    return CLI_EXIT_OK;
}

/* Rule: the payload (the application's vector table) starts at slot start +
 * header size; with a slot start aligned as the part requires, the table is
 * aligned when the header size is a multiple of the table's alignment. */
static int check_vector_align(const char *cmd, uint32_t header_size, uint32_t align)
{
    if (header_size % align == 0) {
        return CLI_EXIT_OK;
    }
    return cli_fail(cmd, "--header-size %lu: the application's vector table starts at slot start "
                    "+ header size and must be aligned to %lu bytes (its size rounded up to a "
                    "power of two, at least %u: the VTOR rule); use a multiple of %lu, e.g. %lu",
                    (unsigned long)header_size, (unsigned long)align,
                    CLI_VECTOR_ALIGN_MIN, (unsigned long)align,
                    (unsigned long)((header_size + align - 1) / align * align));
}

/* Signs the unsigned image in place with `key`, or (key NULL, --digest-out)
 * writes the digest file. Exit code. */
static int sign_or_detach(const char *cmd, const struct sign_args *a,
                          const struct ferry_host_key *key, uint8_t *img, size_t img_len)
{
    char err[320];
    if (key == NULL) {
        return cli_write_digest(cmd, a->digest_out, FERRY_HOST_TRAILER_DIGEST(img, img_len));
    }
    memcpy(FERRY_HOST_TRAILER_KEY_ID(img, img_len), key->id, 32);
    if (ferry_host_sign_hash_err(key, FERRY_HOST_TRAILER_DIGEST(img, img_len),
                                 FERRY_HOST_TRAILER_SIG(img, img_len), err, sizeof err) != 0) {
        return cli_fail(cmd, "%s: signing failed: %s", a->key, err);
    }
    return CLI_EXIT_OK;
}

static int sign_file(const char *cmd, const struct sign_args *a, const struct ferry_sign_params *sp,
                     uint32_t slot_size, uint32_t vector_align, const struct ferry_host_key *key)
{
    uint8_t *payload, *img;
    size_t payload_len, img_len;
    char err[160];
    uint32_t total;
    if (ferry_host_read_file(a->in, &payload, &payload_len) != 0) {
        return cli_fail(cmd, "%s: cannot read: %s", a->in, strerror(errno));
    }
    uint32_t header_size;
    int rc = a->raw ? CLI_EXIT_OK : check_raw(cmd, a->in, payload, payload_len);
    if (rc == CLI_EXIT_OK &&
        ferry_host_layout(sp, payload_len, &header_size, NULL, &total, err, sizeof err) != 0) {
        rc = cli_fail(cmd, "%s: %s", a->in, err);
    }
    if (rc == CLI_EXIT_OK) {
        rc = check_vector_align(cmd, header_size, vector_align);
    }
    if (rc != CLI_EXIT_OK) {
        free(payload);
        return rc;
    }
    if (slot_size != 0 && total > slot_size) {
        free(payload);
        return cli_fail(cmd, "%s: the image would be %lu bytes, %lu more than the %lu-byte "
                        "slot (--slot-size)", a->in, (unsigned long)total,
                        (unsigned long)(total - slot_size), (unsigned long)slot_size);
    }
    rc = ferry_host_build_unsigned(sp, payload, payload_len, &img, &img_len);
    free(payload);
    if (rc != 0) {
        return cli_fail(cmd, "%s: signing failed: %s", a->in, ferry_strerror(rc));
    }
    rc = sign_or_detach(cmd, a, key, img, img_len);
    if (rc == CLI_EXIT_OK && ferry_host_write_file(a->out, img, img_len) != 0) {
        rc = cli_fail(cmd, "%s: cannot write: %s", a->out, strerror(errno));
        if (key == NULL) {
            remove(a->digest_out); /* no digest without its image */
        }
    }
    free(img);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    char version[40];
    cli_format_version(&sp->version, version, sizeof version);
    if (key == NULL) {
        printf("wrote unsigned %s: version %s, %zu-byte payload, %zu-byte image; sign the "
               "32-byte SHA-256 in %s, then: ferry sign --signature-in SIG --pub PUB.pem %s "
               "OUT.img\n", a->out, version, payload_len, img_len, a->digest_out, a->out);
        return CLI_EXIT_OK;
    }
    printf("signed %s: version %s, %zu-byte payload, %zu-byte image, key ID ", a->out, version,
           payload_len, img_len);
    cli_print_hex(stdout, key->id, 8);
    if (sp->enc != NULL) {
        printf("..., encrypted for class key ID ");
        cli_print_hex(stdout, sp->enc->class_key_id, 8);
    }
    printf("...%s\n", (sp->flags & FERRY_IMG_F_HEADER_SIGNED) ? ", header-signed" : "");
    return CLI_EXIT_OK;
}

/* --encrypt: a fresh content key wrapped for the class public key. */
static int make_enc(const char *cmd, const char *path, struct ferry_host_enc *enc)
{
    struct ferry_host_key class_key;
    if (cli_load_key(cmd, path, 0, &class_key) != 0) {
        return CLI_EXIT_FAIL;
    }
    int rc = ferry_host_enc_new(class_key.pub, enc);
    ferry_host_key_wipe(&class_key);
    if (rc != 0) {
        return cli_fail(cmd, "%s: cannot make a content key: %s", path, ferry_strerror(rc));
    }
    return CLI_EXIT_OK;
}

/*
 * --signature-in: the unsigned image is parsed with the device's parser, its
 * digest recomputed (an image changed since --digest-out is refused), the
 * signature checked against --pub over that digest, and the completed image
 * verified as a device would before OUT is written.
 */
static int complete_image(const char *cmd, const struct sign_args *a, uint8_t *data, size_t len,
                          const struct ferry_host_key *pub)
{
    static uint8_t buf[4096];
    struct ferry_memflash mf;
    struct ferry_image_info info;
    uint8_t digest[32];
    memset(&info, 0, sizeof info);
    int rc = len == 0 || len > UINT32_MAX ? FERRY_E_IMG_TRUNCATED
                                          : ferry_memflash_init_ro(&mf, data, (uint32_t)len);
    struct ferry_area area = { &mf.flash, 0, (uint32_t)len };
    if (rc == 0) {
        rc = ferry_image_parse(&area, FERRY_PARSE_FILE, &info);
    }
    if (rc != 0) {
        return cli_report_image_error(cmd, a->in, rc, data, len, &info, NULL);
    }
    /* An encrypted or header-signed image's digest covers its header only
     * (docs/image-format.md). */
    uint32_t signed_len =
        (info.flags & FERRY_IMG_F_HEADER_DIGEST) != 0 ? info.header_size : info.protected_size;
    if (ferry_area_sha256(&area, 0, signed_len, buf, sizeof buf, digest) != 0 ||
        memcmp(digest, info.digest, sizeof digest) != 0) {
        return cli_fail(cmd, "%s: the trailer digest does not match the image's bytes: the "
                        "image changed after --digest-out; make it and its digest again", a->in);
    }
    uint8_t sig[64];
    if (cli_read_signature(cmd, a->signature_in, a->pub, pub, digest, sig) != 0) {
        return CLI_EXIT_FAIL;
    }
    memcpy(FERRY_HOST_TRAILER_KEY_ID(data, len), pub->id, 32);
    memcpy(FERRY_HOST_TRAILER_SIG(data, len), sig, 64);
    struct ferry_pubkey trusted;
    memcpy(trusted.point, pub->pub, sizeof trusted.point);
    memcpy(trusted.id, pub->id, sizeof trusted.id);
    trusted.index = FERRY_HOST_KEY_INDEX;
    struct ferry_verify_policy pol = { .keys = &trusted, .key_count = 1 };
    rc = ferry_image_parse(&area, FERRY_PARSE_FILE, &info);
    if (rc == 0) {
        rc = ferry_image_verify(&area, &info, &pol, buf, sizeof buf);
    }
    if (rc != 0) {
        return cli_report_image_error(cmd, a->out, rc, data, len, &info, &pol);
    }
    if (ferry_host_write_file(a->out, data, len) != 0) {
        return cli_fail(cmd, "%s: cannot write: %s", a->out, strerror(errno));
    }
    char version[40];
    cli_format_version(&info.version, version, sizeof version);
    printf("signed %s: version %s, %zu-byte image, signature from %s, key ID ", a->out, version,
           len, a->signature_in);
    cli_print_hex(stdout, pub->id, 8);
    printf("...\n");
    return CLI_EXIT_OK;
}

static int complete_file(const char *cmd, const struct sign_args *a)
{
    if (cli_check_distinct(cmd, a->in, a->out) != 0) {
        return CLI_EXIT_FAIL;
    }
    struct ferry_host_key pub;
    if (cli_load_key(cmd, a->pub, 0, &pub) != 0) {
        return CLI_EXIT_FAIL;
    }
    uint8_t *data;
    size_t len;
    int rc;
    if (ferry_host_read_file(a->in, &data, &len) != 0) {
        rc = cli_fail(cmd, "%s: cannot read: %s", a->in, strerror(errno));
    } else {
        rc = complete_image(cmd, a, data, len, &pub);
        free(data);
    }
    ferry_host_key_wipe(&pub);
    return rc;
}

static int sign_with(const char *cmd, const struct sign_args *a, const struct ferry_sign_params *sp,
                     uint32_t slot_size, uint32_t vector_align);

int cmd_sign(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct sign_args a;
    struct ferry_sign_params sp;
    uint32_t slot_size, vector_align;
    int done;
    int rc = collect(argc, argv, &a, &done);
    if (rc != CLI_EXIT_OK || done) {
        return rc;
    }
    if (a.signature_in != NULL) {
        return complete_file(cmd, &a);
    }
    rc = make_params(cmd, &a, &sp, &slot_size, &vector_align);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    if (cli_check_distinct(cmd, a.in, a.out) != 0) {
        return CLI_EXIT_FAIL;
    }
    struct ferry_host_enc enc;
    if (a.encrypt != NULL) {
        rc = make_enc(cmd, a.encrypt, &enc);
        if (rc != CLI_EXIT_OK) {
            return rc;
        }
        sp.enc = &enc;
    }
    rc = sign_with(cmd, &a, &sp, slot_size, vector_align);
    if (sp.enc != NULL) {
        ferry_host_enc_wipe(&enc);
    }
    return rc;
}

/* Signing proper (with -k) or its first detached step (--digest-out). */
static int sign_with(const char *cmd, const struct sign_args *a, const struct ferry_sign_params *sp,
                     uint32_t slot_size, uint32_t vector_align)
{
    if (a->digest_out != NULL) {
        if (strcmp(a->out, a->digest_out) == 0) {
            return cli_usage(cmd, "--digest-out '%s' is also the output image: give the digest "
                             "its own file", a->digest_out);
        }
        if (cli_check_distinct(cmd, a->in, a->digest_out) != 0) {
            return CLI_EXIT_FAIL;
        }
        return sign_file(cmd, a, sp, slot_size, vector_align, NULL);
    }
    struct ferry_host_key key;
    if (cli_load_key(cmd, a->key, 1, &key) != 0) {
        return CLI_EXIT_FAIL;
    }
    int rc = sign_file(cmd, a, sp, slot_size, vector_align, &key);
    ferry_host_key_wipe(&key);
    return rc;
}
