/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a simulated application gets from its "hardware": the flash of the
 * device it runs on (the same board the bootloader used) and the watchdog.
 */
#ifndef FERRY_SIM_APP_H
#define FERRY_SIM_APP_H

#include "ferry/boot_record.h"
#include "sim_board.h"

/* Opens the running device's board from the environment the simulated
 * bootloader set. 0 or a FERRY_E_* code (FERRY_E_INVAL: not started by ferry-sim). */
int sim_app_open_board(struct sim_board *b);

/* The record the simulated bootloader left for this run (ferry/boot_record.h):
 * 0, FERRY_E_NOT_FOUND (none: not started by ferry-sim), or the decoder's
 * errors. */
int sim_app_boot_record(struct ferry_boot_record *rec);

/* Prints one line saying what the last boot did ("[app] last boot: ..."). */
void sim_app_print_boot_record(void);

/* Feeds the watchdog (a no-op when none is armed). */
void sim_app_feed_watchdog(void);

#endif
