/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Marking a card's update file as applied by renaming it: the one piece of
 * the card flow that needs the FAT write side, kept apart so that a
 * read-only bootloader (mark_applied = NULL) links none of it.
 * Contract: include/ferry/card_update.h.
 */
#include "ferry/card_update.h"

int ferry_card_mark_rename(struct ferry_fat *fs, const char *from, const char *to)
{
    int err = ferry_fat_rename(fs, from, to);
    return err ? err : ferry_fat_sync(fs);
}
