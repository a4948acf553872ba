/* SPDX-License-Identifier: Apache-2.0 */
/* The card region of the PSRAM as a block device (contract: psram_card.h). */
#include <string.h>
#include "board.h"
#include "ferry/errors.h"
#include "psram_card.h"

_Static_assert(BOARD_CARD_OFF >= BOARD_STATUS_OFF + BOARD_STATUS_SIZE &&
               BOARD_CARD_OFF + BOARD_CARD_SIZE <= BOARD_FLASH_SIZE &&
               BOARD_CARD_SIZE % 512 == 0,
               "the card lies above Ferry's areas, inside the backing file, in whole blocks");

#define CARD_BASE ((uint8_t *)(uintptr_t)(BOARD_FLASH_BASE + BOARD_CARD_OFF))

static int check(uint64_t addr, uint32_t len)
{
    if (addr % 512u || len % 512u)
        return FERRY_E_ALIGN;
    if (addr > BOARD_CARD_SIZE || len > BOARD_CARD_SIZE - addr)
        return FERRY_E_RANGE;
    return 0;
}

static int card_read(void *ctx, uint64_t addr, void *buf, uint32_t len)
{
    (void)ctx;
    int err = check(addr, len);
    if (!err)
        memcpy(buf, CARD_BASE + addr, len);
    return err;
}

static int card_program(void *ctx, uint64_t addr, const void *buf, uint32_t len)
{
    (void)ctx;
    int err = check(addr, len);
    if (!err)
        memcpy(CARD_BASE + addr, buf, len);
    return err;
}

static const struct ferry_bd_ops card_ops = {card_read, card_program, NULL, NULL};
static const struct ferry_bd_geometry card_geo = {BOARD_CARD_SIZE, 512, 512, 512, -1};
static const struct ferry_bd card = {&card_ops, NULL, &card_geo};

const struct ferry_bd *psram_card(void)
{
    return &card;
}
