/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The release repository (docs/repository.md), host side: the manifest's
 * exact bytes, its signature file, the image file names, and the file
 * operations `ferry publish` needs to change a repository that may be served
 * while it changes.
 *
 *   REPO/<class-uuid>/manifest.json       one JSON object, <= 1024 bytes
 *   REPO/<class-uuid>/manifest.json.sig   key ID (32) || raw r||s (64)
 *   REPO/<class-uuid>/images/<version>-<16 hex of the image SHA-256>.img
 */
#ifndef FERRY_PUBLISH_H
#define FERRY_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

#define REPO_FORMAT_VERSION   1u
#define REPO_MANIFEST_MAX     1024u  /* bytes: a reader may refuse anything longer */
#define REPO_SIG_SIZE         96u    /* key ID (32) + r||s (64) */
#define REPO_IMAGE_PATH_MAX   128u   /* bytes of the "image" value */
#define REPO_MANIFEST_NAME    "manifest.json"
#define REPO_SIG_NAME         "manifest.json.sig"
#define REPO_IMAGES_DIR       "images"

/* What a manifest says. Known keys only; a reader ignores the others. */
struct repo_manifest {
    uint8_t vendor_id[16];
    uint8_t class_id[16];
    struct ferry_version version;
    uint32_t security_counter;
    uint32_t size;                        /* bytes of the image file */
    uint8_t sha256[32];                   /* SHA-256 of the whole image file */
    char image[REPO_IMAGE_PATH_MAX + 1];  /* relative to the manifest's directory */
    /* Optional freshness members (docs/repository.md); has_* says present. */
    uint32_t sequence;                    /* publish count of the class, >= 1 */
    uint32_t expires;                     /* Unix time, UTC seconds, >= 1 */
    int has_sequence, has_expires;
};

/*
 * The manifest's exact bytes, keys in the order docs/repository.md fixes, no
 * whitespace, no trailing newline. Returns the length, or 0 when `cap` is too
 * small (it never is with REPO_MANIFEST_MAX).
 */
size_t repo_manifest_format(const struct repo_manifest *m, char *out, size_t cap);

/*
 * Parses manifest bytes as a device must: one JSON object of at most
 * REPO_MANIFEST_MAX bytes; "ferry_manifest" is 1; every known key present
 * once with the right type and range; unknown keys ignored; "image" a safe
 * relative path (repo_image_path_valid). On failure returns -1 and writes the
 * reason (one line) to err.
 */
int repo_manifest_parse(const char *text, size_t len, struct repo_manifest *m,
                        char *err, size_t errlen);

/*
 * Reads manifest bytes with the device's own parser (ferry_manifest_parse,
 * src/app/manifest.c) and checks that it sees the same fields as `m`. 0, or -1
 * with the reason in err: a manifest a device refuses or reads differently
 * must never be published.
 */
int repo_manifest_device_check(const char *text, size_t len, const struct repo_manifest *m,
                               char *err, size_t errlen);

/*
 * `ferry publish --expires` text to a Unix time: a duration from `now`
 * (digits and one unit: s, m, h, d or w, e.g. "30d", "12h") or a UTC time
 * "YYYY-MM-DDTHH:MM:SSZ" (also "YYYY-MM-DD", midnight UTC). The time must
 * be after `now` and at most 4294967295 (2106-02-07). 0, or -1 with the
 * reason in err.
 */
int repo_parse_expires(const char *text, uint64_t now, uint32_t *out, char *err, size_t errlen);

/* 1 if `path` may name an image in a manifest: 1..REPO_IMAGE_PATH_MAX bytes of
 * [A-Za-z0-9._+~-/], no leading "/", no empty, "." or ".." segment (so no
 * scheme, no query, no way out of the class directory). */
int repo_image_path_valid(const char *path);

/* "images/<version>-<first 16 hex of sha256>.img" for an image. */
void repo_image_path(const struct ferry_version *v, const uint8_t sha256[32],
                     char out[REPO_IMAGE_PATH_MAX + 1]);

/* The 96-byte signature file content for manifest bytes: key ID || r||s over
 * SHA-256(text). Errors: FERRY_E_INVAL (no private key), a token's errors;
 * the reason in err. */
int repo_manifest_sign(const struct ferry_host_key *k, const char *text, size_t len,
                       uint8_t sig[REPO_SIG_SIZE], char *err, size_t errlen);

/*
 * Checks a signature file against manifest bytes and trusted keys.
 * 0, or -1 with the reason in err (wrong size, unknown key ID, bad signature).
 */
int repo_manifest_check_sig(const uint8_t *sig, size_t sig_len, const char *text, size_t len,
                            const struct ferry_pubkey *keys, unsigned key_count,
                            char *err, size_t errlen);

/*
 * Parses and fully verifies one image file held in memory (structure in file
 * mode, digest, trusted key, signature), reporting failures as
 * "<cmd>: <path>: <what> (<details>)". 0, or CLI_EXIT_FAIL after reporting.
 */
int repo_check_image(const char *cmd, const char *path, const uint8_t *data, size_t len,
                     const struct ferry_verify_policy *pol, struct ferry_image_info *info);

/* ---- files (publish_fs.c); errno is kept on failure ---- */

/* Creates `path` as a directory if it does not exist (mode 0755 less umask).
 * Errors: FERRY_E_IO. */
int repo_mkdir(const char *path);

/*
 * Replaces `path` with `data` so that a reader sees either the old file or the
 * complete new one: writes a hidden temporary file in the same directory,
 * fsyncs it, renames it over `path`, then fsyncs the directory so the rename
 * survives a crash. Mode 0644 less umask. Errors: FERRY_E_IO.
 */
int repo_write_atomic(const char *path, const void *data, size_t len);

/*
 * Reads a file that may be absent. 1 with *data and *len (the caller frees) when
 * it exists, 0 when it does not (ENOENT), FERRY_E_IO or FERRY_E_NOSPC on other
 * failures. Files above `max` bytes fail with FERRY_E_NOSPC (errno EFBIG).
 */
int repo_read_optional(const char *path, size_t max, uint8_t **data, size_t *len);

/* Takes an exclusive lock on the file .ferry-publish.lock in the repository, so two publishers
 * never interleave; held until the process exits. Errors: FERRY_E_IO. */
int repo_lock(const char *repo);

/* "a/b" joined into out; -1 if it does not fit. */
int repo_join(char *out, size_t cap, const char *a, const char *b);

/* ---- commands' halves ---- */

/* ferry publish --verify-repo DIR: checks every class directory. Exit code. */
int publish_verify_repo(const char *cmd, const char *repo, const struct ferry_pubkey *keys,
                        unsigned key_count, const struct ferry_pubkey *image_keys,
                        unsigned image_key_count);

#endif
