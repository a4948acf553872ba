/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry bootloader core: the portable boot decision and install engine.
 *
 * The port fills a struct ferry_boot_config (slots, status area, trusted keys,
 * device identity, hooks, a scratch buffer) and calls ferry_boot() once per
 * reset. ferry_boot() finishes or undoes whatever a power cut interrupted,
 * installs a valid newer staged image (swap, keeping the old image for
 * revert), reverts an unconfirmed trial image, verifies the image it is about
 * to run, and tells the port where to jump. It never jumps itself.
 *
 * Slots and the status area are described in docs/design.md.
 */
#ifndef FERRY_BOOT_H
#define FERRY_BOOT_H

#include <stddef.h>
#include <stdint.h>
#include "ferry/flash.h"
#include "ferry/decrypt.h"
#include "ferry/image.h"
#include "ferry/counter.h"

/* What happened during ferry_boot(); reported through the event hook.
 * `err` and `info` are set where the comment says so. */
enum ferry_boot_event {
    FERRY_EV_STATE,             /* status read; err = op (0 none, 1 install, 2 revert) */
    FERRY_EV_STAGED_FOUND,      /* info = staged image (parsed, not yet verified) */
    FERRY_EV_STAGED_REJECTED,   /* err = why; info = staged image if it parsed, else NULL */
    FERRY_EV_INSTALL_START,     /* info = image being installed */
    FERRY_EV_INSTALL_RESUME,    /* a power cut interrupted an install; continuing */
    FERRY_EV_INSTALL_DONE,      /* info = installed image */
    FERRY_EV_INSTALL_FAILED,    /* err = why (digest of the copy wrong); reverting */
    FERRY_EV_REVERT_START,      /* a trial image was not confirmed: restoring the previous one */
    FERRY_EV_BACKUP_DAMAGED,    /* the previous image in staging is no longer intact (something
                                   wrote the staging slot during a trial): the trial image,
                                   if valid, is kept and confirmed instead of reverting */
    FERRY_EV_REVERT_RESUME,
    FERRY_EV_REVERT_DONE,
    FERRY_EV_TRIAL_BOOT,        /* info = image booting on trial (watchdog armed) */
    FERRY_EV_COUNTER_ADVANCED,  /* err = new stored minimum security counter */
    FERRY_EV_PRIMARY_INVALID,   /* err = why the primary image cannot run */
    FERRY_EV_BOOT,              /* info = image about to run */
    FERRY_EV_KEYS_REVOKED,      /* err = new lowest trusted key index (keys below it are
                                   revoked); info = the confirmed image that asked for it */
};

/*
 * Hooks a port provides. Every member may be NULL.
 * watchdog_feed: called often during long copy/erase loops (at least once per
 *   sector erased and per buffer copied).
 * watchdog_arm:  called right before ferry_boot() returns a trial image, so a
 *   hanging trial image is reset (and then reverted) by hardware.
 * event:         progress and diagnostics, see enum ferry_boot_event. A port
 *   without a console leaves it NULL and no text is linked in.
 */
struct ferry_boot_hooks {
    void *ctx;
    void (*watchdog_feed)(void *ctx);
    void (*watchdog_arm)(void *ctx);
    void (*event)(void *ctx, enum ferry_boot_event ev, int err,
                  const struct ferry_image_info *info);
};

struct ferry_boot_config {
    struct ferry_area primary;  /* the execution slot */
    struct ferry_area staging;  /* where updates arrive, and where the previous image is kept */
    struct ferry_area status;   /* two banks of install progress (docs/design.md) */
    struct ferry_verify_policy policy; /* trusted keys, this device's vendor and class */
    const struct ferry_counter *counter; /* anti-rollback store, or NULL */
    /* Key revocation store, or NULL: a second monotonic counter (same seam,
       same encoding as the anti-rollback store, next to it and locked with
       it) holding the lowest key index still trusted (docs/keys.md). */
    const struct ferry_counter *revocation;
    /* The device's class key for encrypted images (docs/encryption.md), or
     * NULL: encrypted images are refused (FERRY_E_IMG_ENC_KEY). With one,
     * the staging slot only ever holds images in their stored form. */
    const struct ferry_decrypt_key *decrypt;
    /* 1: plain staged images are refused (FERRY_E_IMG_PLAIN); the running
     * image is not judged by it. Needs `decrypt`. */
    int require_encrypted;
    struct ferry_boot_hooks hooks;
    uint8_t *buf;               /* scratch: >= 256 bytes (>= 512 for encrypted images,
                                   whose metadata is larger) and a multiple of every
                                   device's program unit; 1-4 KiB is a good size */
    size_t buf_len;
};

enum ferry_boot_action {
    FERRY_BOOT_NORMAL = 0,   /* primary ran before and is confirmed */
    FERRY_BOOT_INSTALLED,    /* a staged image was installed this boot */
    FERRY_BOOT_REVERTED,     /* an unconfirmed image was replaced by the previous one */
};

struct ferry_boot_result {
    enum ferry_boot_action action;
    int trial;                       /* 1: the image runs on trial and must confirm */
    struct ferry_image_info image;   /* the verified image in the primary slot */
    uint32_t entry_off;              /* primary.off + image.header_size: device
                                        offset of the application (vector table) */
    int staged_err;                  /* 0, or why a staged image was not installed */
};

/*
 * One boot. Returns 0 with *res filled when the primary slot holds an image
 * verified in this boot (one read: signature by a trusted key not revoked,
 * vendor, class, security counter at or above the stored minimum) to jump to; res->image is
 * that verified read. Otherwise the port must not jump; it reports and waits
 * (or resets to try again):
 *   FERRY_E_NO_IMAGE   nothing this bootloader would run, anywhere;
 *   FERRY_E_IO         the primary could not be read outside a swap (nothing
 *                      was changed; the next reset reads again), or a device
 *                      error it could not get past;
 *   FERRY_E_CORRUPT    (or the store's read error) the anti-rollback store
 *                      or the revocation store cannot be read: fail closed,
 *                      nothing runs;
 *   FERRY_E_IMG_SIGNATURE  a verified image's seal did not hold (a glitch);
 *   FERRY_E_INVAL      a bad config (layout rules);
 *   other storage errors of programs and erases.
 * Never leaves the device in a state that a later call cannot recover from.
 * The status area, the counter store and both slots are treated as untrusted
 * input (docs/design.md, docs/threat-model.md).
 */
int ferry_boot(const struct ferry_boot_config *cfg, struct ferry_boot_result *res);

/*
 * Checks that slots and status area fit together (docs/design.md, "Layout
 * rules"): sector boundaries line up, the staging slot is large enough for the
 * swap offset, the status banks can hold a full swap's progress.
 * Returns 0 or FERRY_E_INVAL.
 */
int ferry_boot_layout_check(const struct ferry_boot_config *cfg);

/*
 * Offset inside the staging slot at which a new image must be written
 * (the swap offset D of docs/design.md). 0 on error (never a valid value).
 */
uint32_t ferry_staging_image_offset(const struct ferry_area *primary,
                                    const struct ferry_area *staging);

#endif
