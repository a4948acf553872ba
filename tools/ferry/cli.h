/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared pieces of the `ferry` commands: option parsing, strict number and
 * version parsing, messages, key and UUID arguments.
 *
 * Exit codes of every command: 0 success, 1 the operation failed (bad image,
 * bad key, I/O), 2 the command line is wrong.
 */
#ifndef FERRY_CLI_H
#define FERRY_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "ferry_host.h"

#define CLI_EXIT_OK    0
#define CLI_EXIT_FAIL  1
#define CLI_EXIT_USAGE 2

/* The vendor used when --vendor is not given (a reserved domain, RFC 2606):
 * fine for trying Ferry out, to be replaced by your own domain in products. */
#define CLI_DEFAULT_VENDOR "ferry.invalid"

/* One option of a command. `id` is returned by cli_next (must be > 0). */
struct cli_opt {
    const char *name;  /* long name without "--" */
    char short_name;   /* 0 if none */
    int has_arg;
    int id;
};

#define CLI_OPT_HELP 1000 /* every command accepts --help / -h */

struct cli_parser {
    int argc;
    char **argv;
    int i;
    int only_args;       /* after "--" */
    const char *cmd;     /* for messages */
    const struct cli_opt *opts;
};

enum {
    CLI_DONE = 0,   /* no more arguments */
    CLI_ARG = -1,   /* a positional argument in *value */
    CLI_BAD = -2,   /* usage error, already reported */
};

/* argv[0] is the command name. */
void cli_init(struct cli_parser *p, const char *cmd, int argc, char **argv,
              const struct cli_opt *opts);

/* The next option id, CLI_ARG, CLI_DONE or CLI_BAD. `--name=value`,
 * `--name value`, `-k value` and `-kvalue` are accepted. */
int cli_next(struct cli_parser *p, const char **value);

/* "<cmd>: <message>" on stderr; returns CLI_EXIT_FAIL. */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "<cmd>: <message> (see 'ferry <cmd> --help')" on stderr; returns CLI_EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Strict unsigned numbers: decimal or 0x-hex, no sign, no spaces, at most `max`.
 * cli_parse_size also takes a K or M suffix (KiB, MiB). 0 or -1. */
int cli_parse_u32(const char *s, uint32_t max, uint32_t *out);
int cli_parse_size(const char *s, uint32_t *out);

/* MAJOR.MINOR.PATCH[+BUILD], decimal, no leading zeros, each part in range
 * (255, 255, 65535, 4294967295). On failure writes the reason to err. */
int cli_parse_version(const char *s, struct ferry_version *v, char *err, size_t errlen);

/* "1.2.3" or "1.2.3+4" (build shown when non-zero). */
void cli_format_version(const struct ferry_version *v, char *out, size_t outlen);

/*
 * Where keys come from, for every command that reads one (docs/cli.md,
 * "Keys"): the PKCS#11 module and PIN of a -k 'pkcs11:...' URI, and the
 * passphrase of an encrypted key. An option wins over its environment
 * variable (FERRY_PKCS11_MODULE, FERRY_PKCS11_PIN, FERRY_KEY_PASSPHRASE).
 * A command lists CLI_KEY_OPTS in its options and hands every option id it
 * does not know to cli_key_option.
 */
enum { CLI_OPT_PKCS11_MODULE = 1001, CLI_OPT_PIN_FILE, CLI_OPT_PASSPHRASE_FILE };

#define CLI_KEY_OPTS                                        \
    { "pkcs11-module", 0, 1, CLI_OPT_PKCS11_MODULE },       \
    { "pin-file", 0, 1, CLI_OPT_PIN_FILE },                 \
    { "passphrase-file", 0, 1, CLI_OPT_PASSPHRASE_FILE }

/* Their lines in a command's --help. */
#define CLI_KEY_HELP                                                                      \
    "  --pkcs11-module PATH     PKCS#11 module for a -k 'pkcs11:...' key (default:\n"    \
    "                           $FERRY_PKCS11_MODULE, else the URI's module-path)\n"     \
    "  --pin-file FILE          the token's user PIN: first line of FILE (default:\n"    \
    "                           $FERRY_PKCS11_PIN); never on the command line\n"         \
    "  --passphrase-file FILE   passphrase of an encrypted key: first line of FILE\n"    \
    "                           (default: $FERRY_KEY_PASSPHRASE)\n"

/* Records the value of a key option. 1 if `opt` was one, else 0. */
int cli_key_option(int opt, const char *value);

/*
 * A secret from --pin-file / --passphrase-file FILE (its first line, without
 * the line end: what `openssl -passin file:FILE` reads), else from the
 * environment variable `env` (the whole value), into buf (NUL-terminated).
 * 1 found, 0 neither given, -1 after reporting "<cmd>: FILE: ..."
 * (unreadable, empty first line, too long). buf is wiped on failure.
 */
int cli_read_secret(const char *cmd, const char *file, const char *env, char *buf, size_t cap,
                    size_t *len);

/* The --passphrase-file value recorded by cli_key_option (NULL if none). */
const char *cli_passphrase_file(void);

/* Loads a key: a PEM file (encrypted ones with the passphrase) or a PKCS#11
 * URI, reporting failures as "<cmd>: <path>: <reason>". With need_private, a
 * public key is refused. 0 or CLI_EXIT_FAIL. */
int cli_load_key(const char *cmd, const char *path, int need_private, struct ferry_host_key *k);

/*
 * A detached signature file for ferry sign / ferry publish --signature-in:
 * a DER ECDSA-Sig-Value (what `openssl pkeyutl -sign` and most signing
 * services write) or 64 raw bytes r||s, told apart by their form. It must
 * verify over `hash` with k's public key (named key_name in messages).
 * 0 with raw r||s in sig, or CLI_EXIT_FAIL after reporting one line.
 */
int cli_read_signature(const char *cmd, const char *path, const char *key_name,
                       const struct ferry_host_key *k, const uint8_t hash[32], uint8_t sig[64]);

/* Writes the 32-byte digest to sign to `path` (created or replaced).
 * 0 or CLI_EXIT_FAIL after reporting. */
int cli_write_digest(const char *cmd, const char *path, const uint8_t digest[32]);

/* Vendor and class IDs from --vendor / --device-class arguments (either may
 * be NULL: the vendor defaults to CLI_DEFAULT_VENDOR; class_out is left alone
 * when class_arg is NULL). A class name is hashed in the vendor's namespace.
 * Reports errors; 0 or CLI_EXIT_USAGE. */
int cli_resolve_ids(const char *cmd, const char *vendor_arg, const char *class_arg,
                    uint8_t vendor_out[16], uint8_t class_out[16]);

/* The Cortex-M rule for the application's vector table (VTOR): aligned to the
 * table's size rounded up to a power of two, never less than 32 words. */
#define CLI_VECTOR_ALIGN_MIN 128u

/* --vector-align: a power of two, at least CLI_VECTOR_ALIGN_MIN. Reports a
 * usage error stating the rule; 0 or CLI_EXIT_USAGE. */
int cli_parse_vector_align(const char *cmd, const char *arg, uint32_t *out);

/* Refuses writing OUT when it names the same file as IN (same path, or the
 * same device and inode: a link or another spelling). 0 or CLI_EXIT_FAIL. */
int cli_check_distinct(const char *cmd, const char *in, const char *out);

void cli_print_hex(FILE *out, const uint8_t *p, size_t len);

/* Text with control characters and invalid UTF-8 shown as \xNN, so a
 * hostile name cannot break the one-line output. */
void cli_print_safe(FILE *out, const char *s);

/* A JSON string literal (quotes included); invalid UTF-8 becomes U+FFFD. */
void cli_print_json_string(FILE *out, const char *s);

/*
 * Reports an image rejected by ferry_image_parse or ferry_image_verify
 * ("<cmd>: <path>: <what> (<specifics>)") and returns CLI_EXIT_FAIL.
 * `data`/`len` are the file's bytes; `info` is what parsing filled (may be
 * partial); `pol` may be NULL when only parsing ran.
 */
int cli_report_image_error(const char *cmd, const char *path, int rc, const uint8_t *data,
                           size_t len, const struct ferry_image_info *info,
                           const struct ferry_verify_policy *pol);

/* The same line, without the "<cmd>: " prefix, into buf (always terminated). */
void cli_describe_image_error(char *buf, size_t buflen, const char *path, int rc,
                              const uint8_t *data, size_t len,
                              const struct ferry_image_info *info,
                              const struct ferry_verify_policy *pol);

/* The image fields `ferry info --json` prints, as the members of an open JSON
 * object ("  \"key\": value,\n" each, the last without the comma). */
/* Whether an image's signed bytes hash to their digests (an encrypted
 * image: the header, and the ciphertext payload). Errors: read errors. */
int cli_image_digest_ok(const struct ferry_area *area, const struct ferry_image_info *in, int *ok);

void cli_print_image_json(const char *path, size_t file_len, const struct ferry_image_info *in,
                          int digest_ok);

/* Commands. argv[0] is the command name. */
int cmd_keygen(int argc, char **argv);
int cmd_getpub(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_uuid(int argc, char **argv);

#endif
