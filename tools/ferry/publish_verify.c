/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry publish --verify-repo DIR: everything a device would check, for every
 * class directory at once, plus the repository's own rules (names, sizes).
 * Each problem is one line on stderr; the summary says how many there were.
 */
#define _DEFAULT_SOURCE /* scandir, alphasort */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "publish.h"

struct verify_ctx {
    const char *cmd;
    const struct ferry_pubkey *keys, *image_keys;
    unsigned key_count, image_key_count;
    unsigned problems, classes, images;
};

/* A lower-case UUID directory name, as publish creates. */
static int is_class_name(const char *name, uint8_t id[16])
{
    char again[37];
    if (strlen(name) != 36 || ferry_uuid_parse(name, id) != 0) {
        return 0;
    }
    ferry_uuid_format(id, again);
    return strcmp(again, name) == 0;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void problem(struct verify_ctx *v, const char *path, const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", v->cmd, path, what);
    v->problems++;
}

/* Verifies one image file for the class; on success fills info and sha. */
static int check_image_file(struct verify_ctx *v, const char *path, const uint8_t vendor[16],
                            const uint8_t class_id[16], struct ferry_image_info *info,
                            uint8_t sha[32], size_t *size)
{
    uint8_t *data;
    size_t len;
    if (ferry_host_read_file(path, &data, &len) != 0) {
        problem(v, path, strerror(errno));
        return -1;
    }
    struct ferry_verify_policy pol = {
        .keys = v->image_keys, .key_count = v->image_key_count,
        .vendor_id = vendor, .class_id = class_id,
    };
    int rc = repo_check_image(v->cmd, path, data, len, &pol, info);
    if (rc != 0) {
        v->problems++; /* repo_check_image printed it */
    } else {
        ferry_sha256(data, len, sha);
        *size = len;
    }
    free(data);
    return rc == 0 ? 0 : -1;
}

static int is_current_release(const struct repo_manifest *m, const char *name)
{
    size_t dir_len = strlen(REPO_IMAGES_DIR);
    return strncmp(m->image, REPO_IMAGES_DIR, dir_len) == 0 && m->image[dir_len] == '/' &&
           strcmp(m->image + dir_len + 1, name) == 0;
}

/* Every images/<name>.img must be a valid image of this class named after its
 * version and digest. Hidden files (a crashed publisher's temporary files)
 * and other names are ignored. */
static void check_images_dir(struct verify_ctx *v, const char *class_dir,
                             const struct repo_manifest *m)
{
    char dir[4096];
    struct dirent **names;
    if (repo_join(dir, sizeof dir, class_dir, REPO_IMAGES_DIR) != 0) {
        problem(v, class_dir, "path too long");
        return;
    }
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0) {
        problem(v, dir, strerror(errno));
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        size_t len = strlen(name);
        char path[4096], expected[REPO_IMAGE_PATH_MAX + 1];
        struct ferry_image_info info;
        uint8_t sha[32];
        size_t size;
        if (name[0] == '.' || len < 4 || strcmp(name + len - 4, ".img") != 0 ||
            repo_join(path, sizeof path, dir, name) != 0) {
            continue;
        }
        v->images++;
        if (is_current_release(m, name)) {
            continue; /* check_release verified it */
        }
        if (check_image_file(v, path, m->vendor_id, m->class_id, &info, sha, &size) == 0) {
            repo_image_path(&info.version, sha, expected);
            if (strcmp(expected + strlen(REPO_IMAGES_DIR) + 1, name) != 0) {
                char what[300];
                snprintf(what, sizeof what, "named unlike its version and digest (expected %s)",
                         expected);
                problem(v, path, what);
            }
        }
    }
    for (int i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
}

/* The manifest's image: present, the announced size and digest, and the same
 * version and counter as the manifest says. */
static void check_release(struct verify_ctx *v, const char *class_dir,
                          const struct repo_manifest *m)
{
    char path[4096], what[300];
    struct ferry_image_info info;
    uint8_t sha[32];
    size_t size;
    if (repo_join(path, sizeof path, class_dir, m->image) != 0) {
        problem(v, class_dir, "path too long");
        return;
    }
    if (check_image_file(v, path, m->vendor_id, m->class_id, &info, sha, &size) != 0) {
        return;
    }
    if (size != m->size) {
        snprintf(what, sizeof what, "%zu bytes, the manifest says %lu", size,
                 (unsigned long)m->size);
        problem(v, path, what);
    } else if (memcmp(sha, m->sha256, 32) != 0) {
        problem(v, path, "SHA-256 differs from the manifest's \"sha256\"");
    } else if (ferry_version_cmp(&info.version, &m->version) != 0 ||
               info.security_counter != m->security_counter) {
        problem(v, path, "version or security counter differs from the manifest's");
    }
}

static void check_class(struct verify_ctx *v, const char *class_dir, const uint8_t class_id[16])
{
    char manifest_path[4096], sig_path[4096], err[200];
    uint8_t *text, *sig;
    size_t text_len, sig_len;
    struct repo_manifest m;
    v->classes++;
    if (repo_join(manifest_path, sizeof manifest_path, class_dir, REPO_MANIFEST_NAME) != 0 ||
        repo_join(sig_path, sizeof sig_path, class_dir, REPO_SIG_NAME) != 0) {
        problem(v, class_dir, "path too long");
        return;
    }
    int rc = repo_read_optional(manifest_path, REPO_MANIFEST_MAX, &text, &text_len);
    if (rc != 1) {
        problem(v, manifest_path, rc == 0 ? "missing" : rc == FERRY_E_NOSPC ?
                "larger than 1024 bytes" : strerror(errno));
        return;
    }
    int usable = repo_manifest_parse((const char *)text, text_len, &m, err, sizeof err) == 0;
    if (!usable) {
        problem(v, manifest_path, err);
    } else if (memcmp(m.class_id, class_id, 16) != 0) {
        problem(v, manifest_path, "\"class\" is not the directory's class");
        usable = 0;
    } else if (repo_manifest_device_check((const char *)text, text_len, &m, err,
                                          sizeof err) != 0) {
        problem(v, manifest_path, err);
    }
    rc = repo_read_optional(sig_path, REPO_SIG_SIZE, &sig, &sig_len);
    if (rc != 1) {
        problem(v, sig_path, rc == 0 ? "missing" : rc == FERRY_E_NOSPC ?
                "larger than 96 bytes" : strerror(errno));
    } else {
        if (repo_manifest_check_sig(sig, sig_len, (const char *)text, text_len, v->keys,
                                    v->key_count, err, sizeof err) != 0) {
            problem(v, sig_path, err);
        }
        free(sig);
    }
    free(text);
    if (!usable) {
        return;
    }
    check_release(v, class_dir, &m);
    check_images_dir(v, class_dir, &m);
}

int publish_verify_repo(const char *cmd, const char *repo, const struct ferry_pubkey *keys,
                        unsigned key_count, const struct ferry_pubkey *image_keys,
                        unsigned image_key_count)
{
    struct verify_ctx v = { cmd, keys, image_keys, key_count, image_key_count, 0, 0, 0 };
    struct dirent **names;
    int n = scandir(repo, &names, NULL, alphasort);
    if (n < 0) {
        return cli_fail(cmd, "%s: cannot read: %s", repo, strerror(errno));
    }
    for (int i = 0; i < n; i++) {
        char path[4096];
        uint8_t class_id[16];
        if (is_class_name(names[i]->d_name, class_id) &&
            repo_join(path, sizeof path, repo, names[i]->d_name) == 0 && is_dir(path)) {
            check_class(&v, path, class_id);
        }
    }
    for (int i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    if (v.classes == 0) {
        return cli_fail(cmd, "%s: no release found (no <class-uuid> directory)", repo);
    }
    if (v.problems > 0) {
        return cli_fail(cmd, "%s: %u problem(s) in %u device class(es)", repo, v.problems,
                        v.classes);
    }
    printf("OK %s: %u device class(es), %u image(s), every manifest signed and every image "
           "verified\n", repo, v.classes, v.images);
    return CLI_EXIT_OK;
}
