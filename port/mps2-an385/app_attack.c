/* SPDX-License-Identifier: Apache-2.0 */
/* Attacks on the counter and revocation stores (app_attack.h). */
#include <stdint.h>
#include "app_attack.h"
#include "board.h"
#include "cmsdk_uart.h"
#include "ferry/flash.h"
#include "psram_flash.h"

#define SHCSR_FAULTS_ENA (7u << 16) /* MemManage, BusFault, UsageFault: not escalated */

static void say(const char *text)
{
    uart_puts("[app] attack: ");
    uart_puts(text);
    uart_puts("\n");
}

static void erase_through_driver(void)
{
    struct ferry_area counter;
    psram_counter_area(&counter);
    say("erasing the counter store through the flash driver");
    (void)ferry_area_erase(&counter, 0, counter.size);
}

/* The key revocation store shares the counter store's MPU region: an
 * application that could erase it would trust a revoked key again once the
 * confirmed image stops carrying the entry (docs/keys.md). */
static void erase_revocation_through_driver(void)
{
    struct ferry_area revocation;
    psram_revocation_area(&revocation);
    say("erasing the revocation store through the flash driver");
    (void)ferry_area_erase(&revocation, 0, revocation.size);
}

static void wild_revocation_store(void)
{
    say("writing zeros over the revocation store's first word");
    *(volatile uint32_t *)(uintptr_t)BOARD_REVOCATION_ADDR = 0;
}

static void wild_store(void)
{
    say("writing zeros over the counter store's first word");
    *(volatile uint32_t *)(uintptr_t)BOARD_COUNTER_ADDR = 0;
}

/* Region 0, all 4 GiB, read-write for everyone: what an RTOS would give its
 * unprivileged tasks. It lies below the bootloader's region, which wins. */
static void unprivileged_mpu_off(void)
{
    say("dropping privilege, then turning the MPU off");
    REG32(SCS_MPU_RNR) = 0;
    REG32(SCS_MPU_RBAR) = 0;
    REG32(SCS_MPU_RASR) = (3u << 24) | (31u << 1) | 1u; /* AP full access, 2^32 bytes, on */
    __asm__ volatile("dsb\n\tisb\n\t"
                     "movs r0, #1\n\t"
                     "msr control, r0\n\t" /* nPRIV: thread mode unprivileged */
                     "isb" ::: "r0", "memory");
    REG32(SCS_MPU_CTRL) = 0;
    say("the MPU took an unprivileged write; writing the counter store");
    *(volatile uint32_t *)(uintptr_t)BOARD_COUNTER_ADDR = 0;
}

/* FAULTMASK raises the priority to -1, where the MPU would be off unless the
 * bootloader set HFNMIENA; with it set, the write cannot even take a fault
 * and the core locks up until the (armed) watchdog resets it. */
static void faultmask_store(void)
{
    say("raising FAULTMASK, then writing zeros over the counter store's first word");
    __asm__ volatile("cpsid f" ::: "memory");
    *(volatile uint32_t *)(uintptr_t)BOARD_COUNTER_ADDR = 0;
    __asm__ volatile("cpsie f" ::: "memory");
}

void app_attack_counter(uint32_t mode)
{
    REG32(SCS_SHCSR) |= SHCSR_FAULTS_ENA;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    if (mode == 1)
        erase_through_driver();
    else if (mode == 2)
        wild_store();
    else if (mode == 3)
        unprivileged_mpu_off();
    else if (mode == 4)
        faultmask_store();
    else if (mode == 5)
        erase_revocation_through_driver();
    else if (mode == 6)
        wild_revocation_store();
    else {
        say("unknown mode (the image's build number: 1..6)");
        return;
    }
    say(mode >= 5 ? "the revocation store was written: it is NOT locked"
                  : "the counter store was written: it is NOT locked");
}
