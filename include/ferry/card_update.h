/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: an update from a memory card ("copy update.bin to a card, insert,
 * reboot"), one more way for an image to reach the staging slot.
 *
 * The bootloader mounts the card's FAT volume and, once per reset, calls
 * ferry_card_stage() *before* ferry_boot():
 *
 *     err = ferry_card_stage(&boot_cfg, &fat, &card_cfg, &card_res);  report err
 *     err = ferry_boot(&boot_cfg, &boot_res);                          installs it
 *
 * ferry_card_stage() only ever writes the staging slot at the swap offset D
 * (the same place the update agent writes) and, at the very end, renames the
 * card file; installing, the trial run and reverting are ferry_boot()'s
 * normal path, with all its checks. It reads the card through the FAT read
 * API only (mount/open/size/read); renaming goes through the port's
 * `mark_applied` hook, so a read-only bootloader links no FAT write code.
 *
 * Steps, each one's failure returned as it is and changing nothing:
 *  1. The status area must be stable (no install or revert unfinished, no
 *     trial image waiting for its confirm): FERRY_E_BUSY otherwise, and the
 *     card is not even opened; the next boot looks again.
 *  2. Open update_path; parse it as one image file (header, metadata,
 *     trailer framing) through a read-only flash view of the open file.
 *  3. Cheap checks against this device: vendor, class, size; the running
 *     image itself (already applied: marked, FERRY_E_NO_UPDATE); the image
 *     the bootloader reverted after a failed trial (FERRY_E_IMG_REVERTED);
 *     not newer than the primary, unless signed as a revert or the primary
 *     does not verify (FERRY_E_IMG_DOWNGRADE); security counter below the
 *     stored minimum (FERRY_E_IMG_ROLLBACK).
 *  4. Full verification of the file on the card (digest + signature).
 *  5. Copy into staging [D, D + size): sectors erased ahead, the first
 *     program unit held back. The copy is read back and hashed (with the
 *     held-back head from RAM); only when that equals the verified digest is
 *     the head programmed, which is what makes ferry_boot() see the image.
 *     (If staging already holds exactly this image, marked and intact, the
 *     copy is skipped: a power cut hit between the head and the rename.)
 *  6. Mark the card file as applied (mark_applied(fs, update_path,
 *     done_path)); a failure here is reported but the staged image stays
 *     staged and is installed.
 *
 * Power cuts: before step 5's head write the staging slot holds no image at
 * D (its magic is not there), so the update is still pending on the card and
 * the next boot starts over; after it, the update is staged and ferry_boot()
 * installs it (power-safe by itself), and step 1 or the "already applied"
 * check of step 3 finishes the rename on a later boot. The primary image is
 * never touched here, so the device stays bootable throughout.
 *
 * A card update takes precedence over an image staged over the air but not
 * yet installed (both live at D; the card's overwrites it).
 */
#ifndef FERRY_CARD_UPDATE_H
#define FERRY_CARD_UPDATE_H

#include "ferry/boot.h"
#include "ferry/fat.h"

#define FERRY_CARD_UPDATE_PATH "update.bin"
#define FERRY_CARD_DONE_PATH   "update.old" /* 8.3, as the FAT write side requires */

struct ferry_card_config {
    const char *update_path; /* NULL: FERRY_CARD_UPDATE_PATH */
    const char *done_path;   /* NULL: FERRY_CARD_DONE_PATH */
    /* Marks the file applied: ferry_card_mark_rename (rename + sync), or NULL
       to leave the card untouched (a read-only bootloader: the file then
       stays, is recognised as the running image on every later boot by a
       header parse, and costs no hashing). Returns 0 or a FAT/device error. */
    int (*mark_applied)(struct ferry_fat *fs, const char *from, const char *to);
};

struct ferry_card_result {
    int parsed;                    /* 1: `image` holds the card file's header */
    struct ferry_image_info image;
    int copied;                    /* 1: this call wrote the staging slot */
    int mark_err;                  /* 0, or why marking the file applied failed */
};

/*
 * Returns 0 when the card's image is now staged and marked for install
 * (ferry_boot() installs it on this boot), or why not:
 *   FERRY_E_BUSY          an install, revert or trial is in progress (card untouched)
 *   FERRY_E_NOT_FOUND     no update file on the card
 *   FERRY_E_NO_UPDATE     the file is the image already running (marked applied now)
 *   FERRY_E_IMG_*         the file is not a valid image for this device, not
 *                         newer, reverted before, or signed by an unknown key
 *   FERRY_E_CORRUPT, FERRY_E_FAT_NOFS, device errors (the card's or the flash's)
 *   FERRY_E_INVAL         bad arguments or slot layout
 *   FERRY_E_UNSUPPORTED   the scratch buffer has no room beside one program unit
 * The card is never written except by mark_applied in the cases that say so.
 * `fs` must be mounted; `cc` may be NULL (defaults, no marking); `res` may be NULL.
 */
int ferry_card_stage(const struct ferry_boot_config *cfg, struct ferry_fat *fs,
                     const struct ferry_card_config *cc, struct ferry_card_result *res);

/* mark_applied for bootloaders with the FAT write side: ferry_fat_rename()
 * then ferry_fat_sync(). In its own file (src/card/card_mark.c). */
int ferry_card_mark_rename(struct ferry_fat *fs, const char *from, const char *to);

#endif
