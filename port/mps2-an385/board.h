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

/* Flash areas as absolute addresses (the flash is mapped for execution). */
#define BOARD_PRIMARY_ADDR (BOARD_FLASH_BASE + BOARD_PRIMARY_OFF)
#define BOARD_APP_ADDR     (BOARD_PRIMARY_ADDR + BOARD_HEADER_SIZE)

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

#endif
