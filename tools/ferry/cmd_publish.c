/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry publish: signed images in, a static release repository out
 * (docs/repository.md). Every image is verified, every decision is made
 * before the first byte is written, and files change in an order that never
 * shows a client a manifest whose image or signature is missing:
 *
 *   1. the image file (a new name: no client knows it yet),
 *   2. manifest.json.sig,
 *   3. manifest.json (the switch to the new release).
 *
 * ferry publish --verify-repo DIR checks a repository (publish_verify.c).
 */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "publish.h"

enum {
    OPT_KEY = 1, OPT_REPO, OPT_IMAGE_KEY, OPT_DOWNGRADE, OPT_VERIFY_REPO, OPT_EXPIRES,
    OPT_DIGEST_OUT, OPT_SIGNATURE_IN, OPT_PUB,
};

static const struct cli_opt OPTS[] = {
    { "key", 'k', 1, OPT_KEY },
    { "repo", 0, 1, OPT_REPO },
    { "image-key", 0, 1, OPT_IMAGE_KEY },
    { "allow-downgrade", 0, 0, OPT_DOWNGRADE },
    { "verify-repo", 0, 1, OPT_VERIFY_REPO },
    { "expires", 0, 1, OPT_EXPIRES },
    { "digest-out", 0, 1, OPT_DIGEST_OUT },
    { "signature-in", 0, 1, OPT_SIGNATURE_IN },
    { "pub", 0, 1, OPT_PUB },
    CLI_KEY_OPTS,
    { NULL, 0, 0, 0 },
};

#define KEYS_MAX   8
#define IMAGES_MAX 64
#define DEFAULT_REPO "repo"

static void help(void)
{
    printf("usage: ferry publish -k RELEASE_KEY [--repo DIR] [--image-key KEY ...]\n"
           "                     [--allow-downgrade] [--expires WHEN] [--pkcs11-module PATH]\n"
           "                     [--pin-file FILE] [--passphrase-file FILE] IMAGE.img...\n"
           "       ferry publish --digest-out DIGEST --image-key KEY [--repo DIR]\n"
           "                     [--allow-downgrade] [--expires UTC-TIME] IMAGE.img\n"
           "       ferry publish --signature-in SIG --pub PUB.pem [the options of the\n"
           "                     --digest-out run] IMAGE.img\n"
           "       ferry publish --verify-repo DIR -k KEY [-k KEY2 ...] [--image-key KEY ...]\n"
           "\n"
           "Adds signed images to a static release repository and makes each the current\n"
           "release of its device class: DIR/<class-uuid>/images/<version>-<digest>.img,\n"
           "DIR/<class-uuid>/manifest.json and its signature manifest.json.sig (by the\n"
           "release key). One image per device class per run. Every new manifest of a\n"
           "class carries the next \"sequence\" number; publishing the same image again\n"
           "without --expires changes nothing. Any web server can serve DIR (see\n"
           "docs/repository.md).\n"
           "\n"
           "  -k, --key KEY         release key (private) that signs the manifests: a PEM\n"
           "                        file or a PKCS#11 URI; with --verify-repo: a trusted\n"
           "                        manifest key, public or private\n"
           "  --repo DIR            the repository (default \"%s\"; created if missing)\n"
           "  --image-key FILE      key the images must be signed by (repeatable; default:\n"
           "                        the release key)\n"
           "  --allow-downgrade     allow a lower version than the published one; the image\n"
           "                        must be a signed revert (ferry sign --revert)\n"
           "  --expires WHEN        devices that know the time refuse the manifest after\n"
           "                        WHEN: a duration from now (30d, 12h, 90m, 3600s, 2w) or\n"
           "                        a UTC time YYYY-MM-DDTHH:MM:SSZ; publish again before\n"
           "                        then (the same image is re-signed with a new expiry)\n"
           "  --verify-repo DIR     check every manifest, signature and image in DIR\n"
           "  --digest-out DIGEST   detached signing, step 1: no release key; plan the\n"
           "                        release, write nothing to DIR, write the 32-byte\n"
           "                        SHA-256 of the manifest to sign to DIGEST\n"
           "  --signature-in SIG    step 2: the same command with SIG (DER or raw r||s)\n"
           "                        instead of --digest-out: the manifest is planned again,\n"
           "                        SIG checked against it with --pub, then published\n"
           "  --pub KEY             the release key's public half (with --signature-in;\n"
           "                        also the default --image-key)\n"
           CLI_KEY_HELP
           "  -h, --help            this text\n", DEFAULT_REPO);
}

struct publish_args {
    const char *keys[KEYS_MAX];
    unsigned key_count;
    const char *image_keys[KEYS_MAX];
    unsigned image_key_count;
    const char *repo, *verify_repo;
    const char *digest_out, *signature_in, *pub;
    const char *expires_text;
    const char *images[IMAGES_MAX];
    unsigned image_count;
    int allow_downgrade;
    int has_expires;
    uint32_t expires; /* Unix time, from --expires */
};

/* Detached signing: both runs must plan the very same manifest, so one image
 * per run and an expiry that does not depend on when the command runs. */
static int check_detached_args(const char *cmd, const struct publish_args *a)
{
    if (a->digest_out != NULL && a->signature_in != NULL) {
        return cli_usage(cmd, "--digest-out and --signature-in are the two steps of detached "
                         "signing: give one");
    }
    if (a->key_count > 0) {
        return cli_usage(cmd, "%s: give no -k (the release key is not here)",
                         a->digest_out != NULL ? "--digest-out" : "--signature-in");
    }
    if (a->digest_out != NULL && a->pub != NULL) {
        return cli_usage(cmd, "--pub goes with --signature-in; with --digest-out give "
                         "--image-key");
    }
    if (a->digest_out != NULL && a->image_key_count == 0) {
        return cli_usage(cmd, "--digest-out needs --image-key KEY (the key the image must be "
                         "signed by: there is no release key to default to)");
    }
    if (a->signature_in != NULL && a->pub == NULL) {
        return cli_usage(cmd, "--signature-in needs --pub PUB.pem (the release key's public "
                         "half, to check the signature before anything is written)");
    }
    if (a->image_count != 1) {
        return cli_usage(cmd, "detached signing publishes one IMAGE.img per run (one "
                         "manifest to sign)");
    }
    if (a->has_expires && strchr(a->expires_text, '-') == NULL) {
        return cli_usage(cmd, "--expires %s: with detached signing give a UTC time "
                         "(YYYY-MM-DDTHH:MM:SSZ), not a duration, so that both steps write "
                         "the same manifest", a->expires_text);
    }
    return CLI_EXIT_OK;
}

static int collect(int argc, char **argv, struct publish_args *a, int *done)
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
        case OPT_IMAGE_KEY:
            if (a->image_key_count == KEYS_MAX) {
                return cli_usage(cmd, "at most %d image keys", KEYS_MAX);
            }
            a->image_keys[a->image_key_count++] = v;
            break;
        case OPT_REPO: a->repo = v; break;
        case OPT_VERIFY_REPO: a->verify_repo = v; break;
        case OPT_DOWNGRADE: a->allow_downgrade = 1; break;
        case OPT_EXPIRES: {
            char why[200];
            if (repo_parse_expires(v, (uint64_t)time(NULL), &a->expires, why, sizeof why) != 0) {
                return cli_usage(cmd, "--expires %s", why);
            }
            a->has_expires = 1;
            a->expires_text = v;
            break;
        }
        case OPT_DIGEST_OUT: a->digest_out = v; break;
        case OPT_SIGNATURE_IN: a->signature_in = v; break;
        case OPT_PUB: a->pub = v; break;
        case CLI_OPT_HELP: help(); *done = 1; return CLI_EXIT_OK;
        case CLI_ARG:
            if (a->image_count == IMAGES_MAX) {
                return cli_usage(cmd, "at most %d images per run", IMAGES_MAX);
            }
            a->images[a->image_count++] = v;
            break;
        default:
            if (cli_key_option(opt, v)) {
                break;
            }
            return CLI_EXIT_USAGE;
        }
    }
    int detached = a->digest_out != NULL || a->signature_in != NULL;
    if (a->verify_repo != NULL && (detached || a->pub != NULL)) {
        return cli_usage(cmd, "--verify-repo DIR takes only -k and --image-key");
    }
    if (detached) {
        return check_detached_args(cmd, a);
    }
    if (a->pub != NULL) {
        return cli_usage(cmd, "--pub goes with --signature-in (completing a detached "
                         "signature)");
    }
    if (a->key_count == 0) {
        return cli_usage(cmd, "missing -k KEY.pem (the release key that signs manifests), or "
                         "--digest-out DIGEST for detached signing");
    }
    if (a->verify_repo != NULL) {
        if (a->repo != NULL || a->image_count > 0 || a->allow_downgrade || a->has_expires) {
            return cli_usage(cmd, "--verify-repo DIR takes only -k and --image-key");
        }
        return CLI_EXIT_OK;
    }
    if (a->key_count > 1) {
        return cli_usage(cmd, "give one -k: the release key that signs the manifests");
    }
    if (a->image_count == 0) {
        return cli_usage(cmd, "missing IMAGE.img (the signed images to publish)");
    }
    return CLI_EXIT_OK;
}

/* Loads public halves of key files into `out`; exit code. */
static int load_pubkeys(const char *cmd, const char *const *paths, unsigned count,
                        struct ferry_pubkey *out)
{
    for (unsigned i = 0; i < count; i++) {
        struct ferry_host_key k;
        if (cli_load_key(cmd, paths[i], 0, &k) != 0) {
            return CLI_EXIT_FAIL;
        }
        memcpy(out[i].point, k.pub, sizeof out[i].point);
        memcpy(out[i].id, k.id, sizeof out[i].id);
        out[i].index = FERRY_HOST_KEY_INDEX;
        ferry_host_key_wipe(&k);
    }
    return CLI_EXIT_OK;
}

/* One image's way into the repository, decided before anything is written. */
struct plan {
    const char *path;
    uint8_t *data;
    size_t len;
    struct ferry_image_info info;
    char class_dir[4096];
    char manifest_path[4096], sig_path[4096], image_path[4096];
    int had_previous;
    struct repo_manifest previous;
    struct repo_manifest next;
    char text[REPO_MANIFEST_MAX + 1];
    size_t text_len;
    uint8_t sig[REPO_SIG_SIZE];
    uint8_t digest[32]; /* SHA-256 of text */
};

static int plan_paths(const char *cmd, const char *repo, struct plan *pl)
{
    char class_text[37];
    ferry_uuid_format(pl->info.class_id, class_text);
    if (repo_join(pl->class_dir, sizeof pl->class_dir, repo, class_text) != 0 ||
        repo_join(pl->manifest_path, sizeof pl->manifest_path, pl->class_dir,
                  REPO_MANIFEST_NAME) != 0 ||
        repo_join(pl->sig_path, sizeof pl->sig_path, pl->class_dir, REPO_SIG_NAME) != 0 ||
        repo_join(pl->image_path, sizeof pl->image_path, pl->class_dir, pl->next.image) != 0) {
        return cli_fail(cmd, "%s: path too long", repo);
    }
    return CLI_EXIT_OK;
}

/* Reads the class's current manifest, if any, into pl->previous. */
static int read_previous(const char *cmd, struct plan *pl)
{
    uint8_t *data;
    size_t len;
    char err[200];
    int rc = repo_read_optional(pl->manifest_path, REPO_MANIFEST_MAX, &data, &len);
    if (rc < 0) {
        return cli_fail(cmd, "%s: cannot read the published manifest: %s", pl->manifest_path,
                        rc == FERRY_E_NOSPC ? "larger than 1024 bytes" : strerror(errno));
    }
    pl->had_previous = rc == 1;
    if (!pl->had_previous) {
        return CLI_EXIT_OK;
    }
    rc = repo_manifest_parse((const char *)data, len, &pl->previous, err, sizeof err);
    free(data);
    if (rc != 0) {
        return cli_fail(cmd, "%s: the published manifest is malformed (%s); fix or remove it",
                        pl->manifest_path, err);
    }
    if (memcmp(pl->previous.class_id, pl->info.class_id, 16) != 0) {
        return cli_fail(cmd, "%s: the published manifest names another device class",
                        pl->manifest_path);
    }
    if (memcmp(pl->previous.vendor_id, pl->info.vendor_id, 16) != 0) {
        char a[37], b[37];
        ferry_uuid_format(pl->previous.vendor_id, a);
        ferry_uuid_format(pl->info.vendor_id, b);
        return cli_fail(cmd, "%s: the published release is for vendor %s, the image for %s",
                        pl->path, a, b);
    }
    return CLI_EXIT_OK;
}

/* The version and security counter rules against the published release. */
static int check_order(const char *cmd, const struct plan *pl, int allow_downgrade)
{
    if (!pl->had_previous) {
        return CLI_EXIT_OK;
    }
    const struct repo_manifest *prev = &pl->previous;
    char now[40], was[40];
    cli_format_version(&pl->info.version, now, sizeof now);
    cli_format_version(&prev->version, was, sizeof was);
    int order = ferry_version_cmp(&pl->info.version, &prev->version);
    if (order == 0 && memcmp(prev->sha256, pl->next.sha256, 32) != 0) {
        return cli_fail(cmd, "%s: version %s is already published with another image (%s); "
                        "give this build a new version", pl->path, now, prev->image);
    }
    if (order < 0 && !allow_downgrade) {
        return cli_fail(cmd, "%s: version %s is lower than the published %s; to ship an older "
                        "release on purpose, sign it with --revert and use --allow-downgrade",
                        pl->path, now, was);
    }
    if (order < 0 && !(pl->info.flags & FERRY_IMG_F_REVERT)) {
        return cli_fail(cmd, "%s: version %s is lower than the published %s and is not a "
                        "signed revert (ferry sign --revert): devices would refuse it",
                        pl->path, now, was);
    }
    if (pl->info.security_counter < prev->security_counter) {
        return cli_fail(cmd, "%s: security counter %lu is below the published release's %lu: "
                        "devices that installed %s would refuse it", pl->path,
                        (unsigned long)pl->info.security_counter,
                        (unsigned long)prev->security_counter, was);
    }
    return CLI_EXIT_OK;
}

/* The manifest's signature: made with the release key, or (--digest-out)
 * only its digest kept, or (--signature-in) the given signature checked
 * against this very manifest. */
static int sign_manifest(const char *cmd, const struct publish_args *a,
                         const struct ferry_host_key *key, struct plan *pl)
{
    char err[320];
    ferry_sha256(pl->text, pl->text_len, pl->digest);
    if (a->digest_out != NULL) {
        return CLI_EXIT_OK;
    }
    if (a->signature_in != NULL) {
        memcpy(pl->sig, key->id, 32);
        return cli_read_signature(cmd, a->signature_in, a->pub, key, pl->digest, pl->sig + 32);
    }
    if (repo_manifest_sign(key, pl->text, pl->text_len, pl->sig, err, sizeof err) != 0) {
        return cli_fail(cmd, "%s: cannot sign the manifest: %s", a->keys[0], err);
    }
    return CLI_EXIT_OK;
}

static int make_plan(const char *cmd, const struct publish_args *a,
                     const struct ferry_verify_policy *pol, const struct ferry_host_key *key,
                     struct plan *pl)
{
    if (ferry_host_read_file(pl->path, &pl->data, &pl->len) != 0) {
        return cli_fail(cmd, "%s: cannot read: %s", pl->path, strerror(errno));
    }
    if (repo_check_image(cmd, pl->path, pl->data, pl->len, pol, &pl->info) != 0) {
        return CLI_EXIT_FAIL;
    }
    struct repo_manifest *m = &pl->next;
    memcpy(m->vendor_id, pl->info.vendor_id, 16);
    memcpy(m->class_id, pl->info.class_id, 16);
    m->version = pl->info.version;
    m->security_counter = pl->info.security_counter;
    m->size = (uint32_t)pl->len;
    ferry_sha256(pl->data, pl->len, m->sha256);
    repo_image_path(&m->version, m->sha256, m->image);
    int rc = plan_paths(cmd, a->repo, pl);
    if (rc == CLI_EXIT_OK) {
        rc = read_previous(cmd, pl);
    }
    if (rc == CLI_EXIT_OK) {
        rc = check_order(cmd, pl, a->allow_downgrade);
    }
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    /* Freshness: every new manifest of the class takes the next sequence
     * number; the same image again without --expires keeps the manifest as
     * it is (nothing changes, so nothing is published). */
    const struct repo_manifest *prev = &pl->previous;
    int same = pl->had_previous && prev->has_sequence && memcmp(prev->sha256, m->sha256, 32) == 0 &&
               ferry_version_cmp(&prev->version, &m->version) == 0 && !a->has_expires;
    m->has_sequence = 1;
    if (same) {
        m->sequence = prev->sequence;
        m->has_expires = prev->has_expires;
        m->expires = prev->expires;
    } else if (pl->had_previous && prev->has_sequence) {
        if (prev->sequence == UINT32_MAX) {
            return cli_fail(cmd, "%s: the class's manifest sequence is at its limit (%lu)",
                            pl->manifest_path, (unsigned long)prev->sequence);
        }
        m->sequence = prev->sequence + 1;
    } else {
        m->sequence = 1;
    }
    if (!same) {
        m->has_expires = a->has_expires;
        m->expires = a->expires;
    }
    pl->text_len = repo_manifest_format(m, pl->text, sizeof pl->text);
    if (pl->text_len == 0) {
        return cli_fail(cmd, "%s: cannot make the manifest", pl->path);
    }
    rc = sign_manifest(cmd, a, key, pl);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    char why[160];
    if (repo_manifest_device_check(pl->text, pl->text_len, m, why, sizeof why) != 0) {
        return cli_fail(cmd, "%s: refusing to publish a manifest devices cannot use: %s (%s)",
                        pl->path, why, pl->text);
    }
    return CLI_EXIT_OK;
}

/* Writes `data` to `path` unless the file already holds exactly these bytes.
 * 1 written, 0 unchanged, <0 failed (errno kept). */
static int write_if_changed(const char *path, const void *data, size_t len)
{
    uint8_t *old;
    size_t old_len;
    int rc = repo_read_optional(path, len, &old, &old_len);
    if (rc == 1) {
        int same = old_len == len && memcmp(old, data, len) == 0;
        free(old);
        if (same) {
            return 0;
        }
    }
    return repo_write_atomic(path, data, len) == 0 ? 1 : -1;
}

static int execute(const char *cmd, struct plan *pl)
{
    char images_dir[4096];
    if (repo_join(images_dir, sizeof images_dir, pl->class_dir, REPO_IMAGES_DIR) != 0 ||
        repo_mkdir(pl->class_dir) != 0 || repo_mkdir(images_dir) != 0) {
        return cli_fail(cmd, "%s: cannot create: %s", images_dir, strerror(errno));
    }
    /* The order that keeps every manifest a client can see complete. */
    const char *const paths[3] = { pl->image_path, pl->sig_path, pl->manifest_path };
    const void *const datas[3] = { pl->data, pl->sig, pl->text };
    const size_t lens[3] = { pl->len, sizeof pl->sig, pl->text_len };
    int wrote = 0;
    for (int i = 0; i < 3; i++) {
        int rc = write_if_changed(paths[i], datas[i], lens[i]);
        if (rc < 0) {
            return cli_fail(cmd, "%s: cannot write: %s", paths[i], strerror(errno));
        }
        wrote |= rc;
    }
    char version[40], was[40];
    cli_format_version(&pl->next.version, version, sizeof version);
    if (!wrote) {
        printf("unchanged %s: version %s is already the published release\n",
               pl->manifest_path, version);
        return CLI_EXIT_OK;
    }
    printf("published %s: version %s%s, security counter %lu, %s (%lu bytes), sequence %lu",
           pl->manifest_path, version, (pl->info.flags & FERRY_IMG_F_REVERT) ? " (revert)" : "",
           (unsigned long)pl->next.security_counter, pl->next.image,
           (unsigned long)pl->next.size, (unsigned long)pl->next.sequence);
    if (pl->next.has_expires) {
        char when[32];
        time_t t = (time_t)pl->next.expires;
        struct tm tm;
        if (gmtime_r(&t, &tm) != NULL && strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0) {
            printf(", expires %s", when);
        }
    }
    if (pl->had_previous) {
        cli_format_version(&pl->previous.version, was, sizeof was);
        printf(", was %s", was);
    }
    printf("\n");
    return CLI_EXIT_OK;
}

/* --digest-out: the release is planned and checked, nothing in the
 * repository changes; the digest of its manifest goes to the file. */
static int plan_only(const char *cmd, const struct publish_args *a,
                     const struct ferry_verify_policy *pol)
{
    struct plan *pl = calloc(1, sizeof *pl);
    if (pl == NULL) {
        return cli_fail(cmd, "out of memory");
    }
    pl->path = a->images[0];
    int rc = make_plan(cmd, a, pol, NULL, pl);
    if (rc == CLI_EXIT_OK) {
        rc = cli_write_digest(cmd, a->digest_out, pl->digest);
    }
    if (rc == CLI_EXIT_OK) {
        char version[40];
        cli_format_version(&pl->next.version, version, sizeof version);
        printf("planned %s: version %s, sequence %lu; nothing published. Sign the 32-byte "
               "SHA-256 in %s, then run this command again with --signature-in SIG --pub "
               "PUB.pem instead of --digest-out\nmanifest: %s\n", pl->manifest_path, version,
               (unsigned long)pl->next.sequence, a->digest_out, pl->text);
    }
    free(pl->data);
    free(pl);
    return rc;
}

static int publish(const char *cmd, const struct publish_args *a, const struct ferry_host_key *key,
                   const struct ferry_verify_policy *pol)
{
    if (a->digest_out != NULL) {
        return plan_only(cmd, a, pol);
    }
    if (repo_mkdir(a->repo) != 0) {
        return cli_fail(cmd, "%s: cannot create the repository: %s", a->repo, strerror(errno));
    }
    if (repo_lock(a->repo) != 0) {
        return cli_fail(cmd, "%s: cannot lock the repository: %s", a->repo, strerror(errno));
    }
    struct plan *plans = calloc(a->image_count, sizeof *plans);
    int rc = CLI_EXIT_OK;
    unsigned n = 0;
    if (plans == NULL) {
        return cli_fail(cmd, "out of memory");
    }
    for (; n < a->image_count && rc == CLI_EXIT_OK; n++) {
        plans[n].path = a->images[n];
        rc = make_plan(cmd, a, pol, key, &plans[n]);
        for (unsigned j = 0; j < n && rc == CLI_EXIT_OK; j++) {
            if (memcmp(plans[j].info.class_id, plans[n].info.class_id, 16) == 0) {
                rc = cli_fail(cmd, "%s: %s is for the same device class; publish one image "
                              "per class", plans[n].path, plans[j].path);
            }
        }
    }
    for (unsigned i = 0; i < a->image_count && rc == CLI_EXIT_OK; i++) {
        rc = execute(cmd, &plans[i]);
    }
    for (unsigned i = 0; i < n; i++) {
        free(plans[i].data);
    }
    free(plans);
    return rc;
}

int cmd_publish(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct publish_args a;
    int done;
    int rc = collect(argc, argv, &a, &done);
    if (rc != CLI_EXIT_OK || done) {
        return rc;
    }
    struct ferry_pubkey image_keys[KEYS_MAX];
    if (load_pubkeys(cmd, a.image_keys, a.image_key_count, image_keys) != 0) {
        return CLI_EXIT_FAIL;
    }
    if (a.verify_repo != NULL) {
        struct ferry_pubkey keys[KEYS_MAX];
        if (load_pubkeys(cmd, a.keys, a.key_count, keys) != 0) {
            return CLI_EXIT_FAIL;
        }
        return publish_verify_repo(cmd, a.verify_repo, keys, a.key_count,
                                   a.image_key_count > 0 ? image_keys : keys,
                                   a.image_key_count > 0 ? a.image_key_count : a.key_count);
    }
    if (a.repo == NULL) {
        a.repo = DEFAULT_REPO;
    }
    if (a.digest_out != NULL) {
        struct ferry_verify_policy pol = { .keys = image_keys, .key_count = a.image_key_count };
        return publish(cmd, &a, NULL, &pol);
    }
    struct ferry_host_key key;
    if (cli_load_key(cmd, a.signature_in != NULL ? a.pub : a.keys[0], a.signature_in == NULL,
                     &key) != 0) {
        return CLI_EXIT_FAIL;
    }
    if (a.image_key_count == 0) {
        memcpy(image_keys[0].point, key.pub, sizeof image_keys[0].point);
        memcpy(image_keys[0].id, key.id, sizeof image_keys[0].id);
        image_keys[0].index = FERRY_HOST_KEY_INDEX;
        a.image_key_count = 1;
    }
    struct ferry_verify_policy pol = { .keys = image_keys, .key_count = a.image_key_count };
    rc = publish(cmd, &a, &key, &pol);
    ferry_host_key_wipe(&key);
    return rc;
}
