/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: the update agent with a memory card as its staging area.
 *
 * Instead of writing the staging slot, ferry_agent_download_to_card() saves
 * the release found by ferry_agent_check() as a file on the card's FAT
 * volume; the bootloader's card flow (include/ferry/card_update.h) then
 * verifies and installs it on the next reset, exactly like a file a person
 * copied there. Useful when the staging slot is small or shared, or when
 * the same card should carry the update to other devices.
 *
 * The file is written as "update.tmp" (hashed on the way), checked against
 * the manifest's SHA-256, parsed and fully verified from the card, and only
 * then renamed to the final name: the bootloader never sees a partial file.
 * A transfer that breaks midway is resumed (HTTP Range) within the call, up
 * to cfg->retries times; after a power cut the next call starts over
 * (update.tmp is truncated). Needs the FAT write side.
 */
#ifndef FERRY_AGENT_CARD_H
#define FERRY_AGENT_CARD_H

#include "ferry/agent.h"
#include "ferry/fat.h"

#define FERRY_AGENT_CARD_TMP "update.tmp"

/*
 * Downloads the checked release into `path` on the mounted volume `fs`
 * (NULL: "update.bin"), then calls the reboot hook. Returns 0, or:
 *   FERRY_E_INVAL          no successful check before, NULL arguments
 *   FERRY_E_HTTP_LENGTH    the server's length differs from the manifest's
 *   FERRY_E_IMG_DIGEST     the file's SHA-256 is not the manifest's
 *   FERRY_E_MANIFEST       the image header disagrees with the manifest
 *   image parse/verify errors, ferry_http_get() errors after the retries,
 *   FAT errors (FERRY_E_FAT_FULL: the card has no room), device errors.
 * On a verification error the temporary file is removed; on any error the
 * file at `path` is left as it was.
 */
int ferry_agent_download_to_card(struct ferry_agent *a, struct ferry_fat *fs, const char *path);

#endif
