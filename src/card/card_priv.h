/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the card flow (card_update.c) and the agent's card download
 * (agent_card.c): an open FAT file seen as a read-only flash device, so the
 * image parser and verifier read it like a slot.
 */
#ifndef FERRY_CARD_PRIV_H
#define FERRY_CARD_PRIV_H

#include "ferry/fat.h"
#include "ferry/flash.h"

struct card_file_view {
    struct ferry_fat_file *f;
    struct ferry_sector_region region;
    struct ferry_flash_geometry geo;
    struct ferry_flash dev;
    struct ferry_area area;  /* the whole file: offset 0 .. size */
};

/* Fills `v` over the open file `f` (kept by pointer). Reads go through
 * ferry_fat_read (a short read is FERRY_E_IO); program and erase are
 * FERRY_E_UNSUPPORTED. */
void card_file_view_init(struct card_file_view *v, struct ferry_fat_file *f);

/* Program/erase ops that refuse: for read-only views. */
int card_refuse_program(void *ctx, uint32_t off, const void *buf, uint32_t len);
int card_refuse_erase(void *ctx, uint32_t off, uint32_t len);

#endif
