/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated device: the bootloader of the host simulator port. One
 * process run is one power cycle of a device whose flash lives in files.
 */
#ifndef FERRY_SIM_DEVICE_H
#define FERRY_SIM_DEVICE_H

#include <stdint.h>
#include "ferry/boot.h"

/* Environment handed to the application process. */
#define SIM_ENV_DIR   "FERRY_SIM_DIR"    /* the device's flash directory */
#define SIM_ENV_BOARD "FERRY_SIM_BOARD"  /* board name */
#define SIM_ENV_WDT   "FERRY_SIM_WDT_FD" /* pipe fd: one byte = one watchdog feed */
/* The boot record (ferry/boot_record.h) in hex: the simulator's stand-in for
 * the RAM a bootloader hands to the application. Set for one run only. */
#define SIM_ENV_BOOT_RECORD "FERRY_SIM_BOOT_RECORD"

/* How an application run ended, as the bootloader process saw it. */
enum sim_app_end {
    SIM_APP_POWER_OFF, /* exited 0: the device was switched off */
    SIM_APP_REBOOT,    /* exited with SIM_APP_EXIT_REBOOT: asked for a reset */
    SIM_APP_CRASH,     /* any other exit or a signal: the core "faulted" and reset */
    SIM_APP_WATCHDOG,  /* not fed in time: the watchdog reset the device */
};

#define SIM_APP_EXIT_REBOOT 10

/* Console line for a boot event (port/sim/sim_console.c). */
void sim_console_event(void *ctx, enum ferry_boot_event ev, int err,
                       const struct ferry_image_info *info);

/*
 * Runs the payload of the verified image (an executable) from memory with
 * memfd_create + fexecve, supervising it: when `watchdog_ms` > 0 the
 * application must write to the SIM_ENV_WDT pipe at least that often.
 * Returns how the run ended, or a negative FERRY_E_* code if it could not start.
 */
int sim_exec_payload(const uint8_t *payload, uint32_t len, const char *dir, const char *board,
                     unsigned watchdog_ms, enum sim_app_end *end);

#endif
