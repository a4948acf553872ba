/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The independent watchdog (IWDG) as the bootloader's watchdog hooks.
 * Clocked by the LSI (32 kHz nominal, 17-47 kHz); once started it runs
 * until the next reset, and a system reset stops it again unless the
 * "hardware watchdog" option bit (WDG_SW = 0) starts it at every reset.
 *
 * Timeout = reload * 256 / f_LSI (prescaler /256): reload 4095 is 32.8 s
 * nominal and 22.3 s at 47 kHz.
 */
#ifndef STM32F4_IWDG_H
#define STM32F4_IWDG_H

#include <stdint.h>

/*
 * At reset: starts the LSI and sets the boot window (prescaler /256,
 * `reload`) without starting the watchdog. If the hardware-watchdog option
 * already started it (with its 512 ms default, too short for one 128 KiB
 * sector erase), it now runs with the boot window. 0, or FERRY_E_TIMEOUT
 * when the LSI or the register update does not complete.
 */
int iwdg_prepare(uint32_t reload);

/* Reloads the counter (harmless while it is not started). */
void iwdg_feed(void);

/* Sets the trial timeout (prescaler /256, `reload`) and starts the
 * watchdog; from here on the application must feed it until the next reset. */
int iwdg_arm(uint32_t reload);

#endif
