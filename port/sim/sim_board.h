/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Simulated boards: flash devices (internal, and optionally an external SPI
 * NOR), and where the primary slot, staging slot and status area live on
 * them. Tests, the power-cut harness and the simulated device all open boards
 * by name, so every layout is exercised by the same code.
 */
#ifndef FERRY_SIM_BOARD_H
#define FERRY_SIM_BOARD_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include "ferry/app.h"
#include "ferry/boot.h"
#include "ferry/counter_flash.h"
#include "flash_sim.h"

#define SIM_BOARD_DEVS 2 /* 0: internal flash, 1: external NOR */

struct sim_area_desc {
    uint8_t dev;
    uint32_t off;
    uint32_t size;
};

struct sim_board_desc {
    const char *name;
    const char *description;
    const char *dev_layout[SIM_BOARD_DEVS]; /* flash_layouts.h names; NULL: absent */
    uint32_t program_unit[SIM_BOARD_DEVS];  /* 0: the layout's own */
    int erased_value[SIM_BOARD_DEVS];       /* -1: the layout's own */
    uint32_t boot_size;                     /* write-protected bootloader at dev 0 offset 0 */
    struct sim_area_desc primary, staging, status;
    struct sim_area_desc counter;           /* anti-rollback store; size 0: none */
    struct sim_area_desc revocation;        /* key revocation store; size 0: none */
};

struct sim_board;

/* Board-level view of one device: counts operations across all devices so a
 * power cut can land on the board's N-th operation, wherever it goes. */
struct sim_board_port {
    struct sim_board *board;
    int idx;
    struct ferry_flash flash;
};

struct sim_board {
    const struct sim_board_desc *desc;
    struct sim_board_port port[SIM_BOARD_DEVS];
    uint64_t ops;                  /* programs + erases that reached a device */
    int cut_armed, power_lost;
    uint64_t cut_at, cut_seed;
    enum ferry_sim_cut_mode cut_mode;
    struct ferry_sector_region regions[SIM_BOARD_DEVS][16];
    struct ferry_flash_geometry geo[SIM_BOARD_DEVS];
    struct ferry_sim_flash *dev[SIM_BOARD_DEVS];
    struct ferry_boot_config cfg;  /* areas and buffer filled; policy/hooks/counter: caller */
    struct ferry_app_config app;
    struct ferry_counter_flash counter;
    uint8_t counter_buf[512];
    struct ferry_counter_flash revocation;
    uint8_t revocation_buf[512];
    uint8_t buf[4096];
};

/* Board by name, or NULL. */
const struct sim_board_desc *sim_board_find(const char *name);
/* Prints the board's devices and where each area sits (offsets per device). */
void sim_board_print_layout(FILE *out, const struct sim_board_desc *d);
/* The whole table (*count entries). */
const struct sim_board_desc *sim_board_list(size_t *count);

/*
 * Opens the board's devices: in RAM (dir NULL) or as files "internal.bin" and
 * "external.bin" in `dir` (created erased when missing).
 * Errors: FERRY_E_INVAL (unknown layout, bad areas), FERRY_E_IO, FERRY_E_NOSPC.
 */
int sim_board_open(struct sim_board *b, const struct sim_board_desc *desc, const char *dir);
void sim_board_close(struct sim_board *b);

/* A reset as the device sees it: RAM state (the counter store's cache) is
 * gone and the flash controllers release their write locks (unless power is
 * lost: then sim_board_reboot() does it); flash stays. Call before every
 * simulated boot. */
int sim_board_reset(struct sim_board *b);

/*
 * Write-locks the anti-rollback counter store and the key revocation store
 * until the next reset (ferry_sim_flash_lock()), as the bootloader does
 * right before it hands over to the application: from then on a program or
 * erase there fails with FERRY_E_LOCKED. 0 also when the board has no
 * counter store.
 * Errors: those of ferry_sim_flash_lock().
 */
int sim_board_lock_counter(struct sim_board *b);

/*
 * The simulated application is another process that opens the flash files
 * itself, so the lock registers a real device keeps across the jump are
 * handed over in this environment variable: "counter" (the counter store is
 * locked) or empty/unset (nothing is). sim_board_lock_from_env() applies
 * them; the application runtime (sim_app_open_board()) calls it before the
 * application sees the flash. Errors: FERRY_E_INVAL (another value), those
 * of sim_board_lock_counter().
 */
#define SIM_BOARD_ENV_LOCKS "FERRY_SIM_LOCKS"
int sim_board_lock_from_env(struct sim_board *b);

enum sim_slot { SIM_SLOT_PRIMARY, SIM_SLOT_STAGING };

/*
 * The factory programmer / a test's back door: erases the sectors the image
 * needs in the slot and programs it (staging: at offset D), bypassing the
 * bootloader. `len` may be any size; the tail is padded with erased bytes.
 * Errors: FERRY_E_NOSPC (does not fit), flash errors.
 */
int sim_board_write_image(struct sim_board *b, enum sim_slot slot, const uint8_t *img, size_t len);

/* Erases a whole slot. */
int sim_board_erase_slot(struct sim_board *b, enum sim_slot slot);

/* Arms the same power cut on every device: the cut lands on the board's
 * (ops_before_cut+1)-th program/erase across all devices. */
void sim_board_arm_cut(struct sim_board *b, uint64_t ops_before_cut,
                       enum ferry_sim_cut_mode mode, uint64_t seed);
void sim_board_disarm(struct sim_board *b);
int sim_board_power_lost(const struct sim_board *b);
void sim_board_reboot(struct sim_board *b);
/* Programs + erases so far on all devices. */
uint64_t sim_board_ops(const struct sim_board *b);

#endif
