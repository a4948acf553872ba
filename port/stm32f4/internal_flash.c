/* SPDX-License-Identifier: Apache-2.0 */
/* STM32F4 internal flash driver (contract: internal_flash.h, ferry/flash.h). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "board.h"
#include "ferry/errors.h"
#include "internal_flash.h"
#include "stm32f4_regs.h"

#define KiB 1024u

static const struct ferry_sector_region regions[] = {
    {4, 16 * KiB}, {1, 64 * KiB}, {7, 128 * KiB},
};

static const struct ferry_flash_geometry geometry = {
    .start = BOARD_FLASH_BASE,
    .size = BOARD_FLASH_SIZE,
    .program_unit = BOARD_PROGRAM_UNIT,
    .erased_value = 0xFF,
    .region_count = sizeof regions / sizeof regions[0],
    .regions = regions,
};

/* The CPU stalls on instruction fetches from flash while an erase runs, so
 * this bounds polls, not time; the IWDG bounds time (docs/porting.md). */
#define BUSY_POLLS 0x10000000u

void stm32f4_art_reset(void)
{
    uint32_t acr = REG32(FLASH_ACR);
    uint32_t on = acr & (FLASH_ACR_ICEN | FLASH_ACR_DCEN);

    REG32(FLASH_ACR) = acr & ~(FLASH_ACR_ICEN | FLASH_ACR_DCEN);
    REG32(FLASH_ACR) = (acr & ~on) | FLASH_ACR_ICRST | FLASH_ACR_DCRST;
    REG32(FLASH_ACR) = acr & ~on;
    REG32(FLASH_ACR) = acr;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

int stm32f4_flash_lock(void)
{
    REG32(FLASH_CR) |= FLASH_CR_LOCK;
    __asm__ volatile("dsb" ::: "memory");
    return (REG32(FLASH_CR) & FLASH_CR_LOCK) ? FERRY_OK : FERRY_E_UNSUPPORTED;
}

/* Unlocks FLASH_CR with the key sequence. A wrong sequence would lock it
 * until reset (RM0090 3.5.1), so the keys are written only while locked. */
static int unlock(void)
{
    if (REG32(FLASH_CR) & FLASH_CR_LOCK) {
        REG32(FLASH_KEYR) = FLASH_KEY1;
        REG32(FLASH_KEYR) = FLASH_KEY2;
    }
    return (REG32(FLASH_CR) & FLASH_CR_LOCK) ? FERRY_E_IO : FERRY_OK;
}

static int wait_idle(void)
{
    for (uint32_t i = 0; i < BUSY_POLLS; i++) {
        if (!(REG32(FLASH_SR) & FLASH_SR_BSY)) {
            uint32_t sr = REG32(FLASH_SR);
            /* Error flags are cleared by writing 1s; EOP only matters with EOPIE. */
            REG32(FLASH_SR) = FLASH_SR_ERRORS | FLASH_SR_EOP;
            if (sr & FLASH_SR_WRPERR)
                return FERRY_E_LOCKED;
            return (sr & FLASH_SR_ERRORS) ? FERRY_E_IO : FERRY_OK;
        }
    }
    return FERRY_E_TIMEOUT;
}

/* Ends every operation the same way: control bits off, the controller locked. */
static int finish(int err)
{
    REG32(FLASH_CR) &= ~(FLASH_CR_PG | FLASH_CR_SER | FLASH_CR_SNB_MASK);
    REG32(FLASH_CR) |= FLASH_CR_LOCK;
    stm32f4_art_reset();
    return err;
}

static int in_range(uint32_t off, uint32_t len)
{
    return off <= BOARD_FLASH_SIZE && len <= BOARD_FLASH_SIZE - off;
}

static int internal_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    (void)ctx;
    if (!in_range(off, len))
        return FERRY_E_RANGE;
    if (len)
        memcpy(buf, (const void *)(uintptr_t)(BOARD_FLASH_BASE + off), len);
    return FERRY_OK;
}

static int internal_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    const uint8_t *src = buf;
    const volatile uint32_t *mapped = (const volatile uint32_t *)(uintptr_t)(BOARD_FLASH_BASE + off);
    (void)ctx;

    if (!in_range(off, len))
        return FERRY_E_RANGE;
    if (off % BOARD_PROGRAM_UNIT != 0 || len % BOARD_PROGRAM_UNIT != 0)
        return FERRY_E_ALIGN;
    if (off < BOARD_BOOT_SIZE)
        return FERRY_E_LOCKED;
    /* Programming over programmed bits is refused, not attempted (the
     * contract forbids it even where silicon would accept it). */
    for (uint32_t i = 0; i < len / 4u; i++)
        if (mapped[i] != 0xFFFFFFFFu)
            return FERRY_E_NOT_ERASED;

    int err = wait_idle();
    if (!err)
        err = unlock();
    if (err)
        return finish(err);
    REG32(FLASH_CR) = (REG32(FLASH_CR) & ~FLASH_CR_PSIZE_MASK) | FLASH_CR_PSIZE_X32 | FLASH_CR_PG;
    for (uint32_t i = 0; i < len / 4u && !err; i++) {
        uint32_t word;
        memcpy(&word, src + 4u * i, sizeof word); /* buf need not be aligned */
        *(volatile uint32_t *)(uintptr_t)(BOARD_FLASH_BASE + off + 4u * i) = word;
        __asm__ volatile("dsb" ::: "memory");
        err = wait_idle();
    }
    err = finish(err);
    /* The controller has no write verification: read back. */
    if (!err && memcmp((const void *)(uintptr_t)(BOARD_FLASH_BASE + off), src, len) != 0)
        err = FERRY_E_IO;
    return err;
}

/* The sector number (SNB) of a sector starting at `off`, or -1. */
static int sector_number(uint32_t off)
{
    if (off < 64 * KiB)
        return off % (16 * KiB) == 0 ? (int)(off / (16 * KiB)) : -1;
    if (off < 128 * KiB)
        return off == 64 * KiB ? 4 : -1;
    return (off - 128 * KiB) % (128 * KiB) == 0 ? 5 + (int)((off - 128 * KiB) / (128 * KiB)) : -1;
}

static uint32_t sector_size(int snb)
{
    return snb < 4 ? 16 * KiB : snb == 4 ? 64 * KiB : 128 * KiB;
}

static int internal_erase(void *ctx, uint32_t off, uint32_t len)
{
    (void)ctx;
    if (!in_range(off, len))
        return FERRY_E_RANGE;
    if (sector_number(off) < 0 || (off + len < BOARD_FLASH_SIZE && sector_number(off + len) < 0))
        return FERRY_E_ALIGN;
    if (off < BOARD_BOOT_SIZE)
        return FERRY_E_LOCKED;

    int err = wait_idle();
    if (!err)
        err = unlock();
    for (uint32_t at = off; !err && at < off + len;) {
        int snb = sector_number(at);
        REG32(FLASH_CR) = (REG32(FLASH_CR) & ~(FLASH_CR_PSIZE_MASK | FLASH_CR_SNB_MASK)) |
                          FLASH_CR_PSIZE_X32 | FLASH_CR_SER | FLASH_CR_SNB(snb);
        REG32(FLASH_CR) |= FLASH_CR_STRT;
        __asm__ volatile("dsb" ::: "memory");
        err = wait_idle();
        at += sector_size(snb);
    }
    return finish(err);
}

static const struct ferry_flash_ops ops = {internal_read, internal_program, internal_erase};

const struct ferry_flash stm32f4_internal_flash = {&ops, NULL, &geometry};
