/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mps2-an385 (Cortex-M3 under QEMU): peripheral addresses and the memory map.
 *
 * The map itself is defined once, in layout.cmake, and reaches C as -D
 * definitions; this header only names the peripherals and checks the map.
 */
#ifndef MPS2_BOARD_H
#define MPS2_BOARD_H

#include <stdint.h>

#if !defined(BOARD_FLASH_BASE) || !defined(BOARD_PRIMARY_OFF) || !defined(BOARD_HEADER_SIZE)
#error "build through port/mps2-an385/CMakeLists.txt: the layout comes from layout.cmake"
#endif

/* Memory-mapped register access. */
#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* CMSDK APB UART0. */
#define UART0_BASE      0x40004000u
/* CMSDK APB watchdog (its interrupt is wired to NMI; a second expiry resets). */
#define WDOG_BASE       0x40008000u
/* CMSDK APB timer 0 (32-bit down counter, 25 MHz). */
#define TIMER0_BASE     0x40000000u

/* System control space. */
#define SCS_SYST_CSR    0xE000E010u /* SysTick control */
#define SCS_SYST_RVR    0xE000E014u
#define SCS_SYST_CVR    0xE000E018u
#define SCS_NVIC_ICER0  0xE000E180u /* interrupt clear-enable, 8 words */
#define SCS_NVIC_ICPR0  0xE000E280u /* interrupt clear-pending, 8 words */
#define SCS_ICSR        0xE000ED04u
#define SCS_VTOR        0xE000ED08u
#define SCS_AIRCR       0xE000ED0Cu
#define SCS_SHCSR       0xE000ED24u
#define SCS_CFSR        0xE000ED28u /* configurable fault status (MMFSR, BFSR, UFSR) */
#define SCS_HFSR        0xE000ED2Cu /* HardFault status */
#define SCS_MMFAR       0xE000ED34u /* MemManage fault address */
#define SCS_BFAR        0xE000ED38u /* BusFault address */
/* The MPU (PMSAv7; QEMU's Cortex-M3 has 8 regions). */
#define SCS_MPU_TYPE    0xE000ED90u
#define SCS_MPU_CTRL    0xE000ED94u
#define SCS_MPU_RNR     0xE000ED98u
#define SCS_MPU_RBAR    0xE000ED9Cu
#define SCS_MPU_RASR    0xE000EDA0u

/* Flash areas as absolute addresses (the flash is mapped for execution). */
#define BOARD_PRIMARY_ADDR (BOARD_FLASH_BASE + BOARD_PRIMARY_OFF)
#define BOARD_APP_ADDR     (BOARD_PRIMARY_ADDR + BOARD_HEADER_SIZE)
#define BOARD_COUNTER_ADDR (BOARD_FLASH_BASE + BOARD_COUNTER_OFF)
#define BOARD_REVOCATION_ADDR (BOARD_FLASH_BASE + BOARD_REVOCATION_OFF)
#define BOARD_STORES_ADDR  (BOARD_FLASH_BASE + BOARD_STORES_OFF)

/* The same rules the linker scripts assert, checked again where C uses them. */
#define BOARD_IS_POW2(x) ((x) != 0 && ((x) & ((x) - 1)) == 0)
_Static_assert(BOARD_IS_POW2(BOARD_VECTOR_ALIGN) && BOARD_VECTOR_ALIGN >= 128,
               "the vector table alignment is a power of two, at least 128 (Cortex-M3)");
_Static_assert(BOARD_APP_ADDR % BOARD_VECTOR_ALIGN == 0,
               "slot start + header size must be aligned for VTOR");
_Static_assert(BOARD_PRIMARY_OFF % BOARD_SECTOR_SIZE == 0 &&
               BOARD_PRIMARY_SIZE % BOARD_SECTOR_SIZE == 0 &&
               BOARD_STAGING_OFF % BOARD_SECTOR_SIZE == 0 &&
               BOARD_STAGING_SIZE % BOARD_SECTOR_SIZE == 0 &&
               BOARD_STATUS_OFF % BOARD_SECTOR_SIZE == 0 &&
               BOARD_STATUS_SIZE % BOARD_SECTOR_SIZE == 0,
               "slots and status area start and end on sector boundaries");
/* The counter store and the revocation store: two sectors or more each
 * (counter_flash.h), apart from each other and from every other area, and
 * both inside one MPU region (a power of two of 32 bytes or more, at a
 * multiple of its size) that holds nothing else, so the bootloader can lock
 * exactly them. */
#define BOARD_APART(a_off, a_size, b_off, b_size) \
    ((a_off) + (a_size) <= (b_off) || (b_off) + (b_size) <= (a_off))
#define BOARD_INSIDE(a_off, a_size, b_off, b_size) \
    ((a_off) >= (b_off) && (a_off) + (a_size) <= (b_off) + (b_size))
#define BOARD_STORE_OK(off, size)                                              \
    ((off) % BOARD_SECTOR_SIZE == 0 && (size) % BOARD_SECTOR_SIZE == 0 &&      \
     (size) >= 2 * BOARD_SECTOR_SIZE &&                                        \
     BOARD_INSIDE(off, size, BOARD_STORES_OFF, BOARD_STORES_SIZE))
_Static_assert(BOARD_STORE_OK(BOARD_COUNTER_OFF, BOARD_COUNTER_SIZE) &&
               BOARD_STORE_OK(BOARD_REVOCATION_OFF, BOARD_REVOCATION_SIZE) &&
               BOARD_APART(BOARD_COUNTER_OFF, BOARD_COUNTER_SIZE,
                           BOARD_REVOCATION_OFF, BOARD_REVOCATION_SIZE),
               "each store is two sectors or more, on sector boundaries, apart, inside the lock region");
_Static_assert(BOARD_APART(BOARD_STORES_OFF, BOARD_STORES_SIZE, BOARD_PRIMARY_OFF, BOARD_PRIMARY_SIZE) &&
               BOARD_APART(BOARD_STORES_OFF, BOARD_STORES_SIZE, BOARD_STAGING_OFF, BOARD_STAGING_SIZE) &&
               BOARD_APART(BOARD_STORES_OFF, BOARD_STORES_SIZE, BOARD_STATUS_OFF, BOARD_STATUS_SIZE) &&
               BOARD_APART(BOARD_STORES_OFF, BOARD_STORES_SIZE, BOARD_CARD_OFF, BOARD_CARD_SIZE) &&
               BOARD_STORES_OFF + BOARD_STORES_SIZE <= BOARD_FLASH_SIZE,
               "the locked region of the stores overlaps no other area and lies inside the flash");
_Static_assert(BOARD_IS_POW2(BOARD_STORES_SIZE) && BOARD_STORES_SIZE >= 32 &&
               BOARD_STORES_ADDR % BOARD_STORES_SIZE == 0,
               "the stores' lock region is one MPU region: a power of two at a multiple of its size");

#endif
