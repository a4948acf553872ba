/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry host simulator: a flash device stricter than silicon, with power cuts.
 *
 * The device is a `struct ferry_flash` (include/ferry/flash.h) backed by RAM
 * or by a file. A file is the raw flash contents, byte for byte, and outlives
 * the process: one run of a simulator process is one power cycle.
 *
 * Strictness. Every rule of the flash seam is checked and broken rules are
 * errors, never silently tolerated:
 *   - out-of-range access                          FERRY_E_RANGE
 *   - program offset/length not multiples of the program unit,
 *     erase not covering whole sectors              FERRY_E_ALIGN
 *   - program/erase touching the write-protected range   FERRY_E_IO
 *   - program onto a byte that is not erased        FERRY_E_NOT_ERASED
 * checked in that order; a rejected op changes nothing and is not counted.
 * Programming moves bits away from the erased value only (AND for 0xFF parts,
 * OR for 0x00 parts), as NOR cells do.
 *
 * Operations. Every program and erase that passes the checks is one
 * "operation" and gets the next operation index (0, 1, 2, ... since the
 * device was opened). Reads are counted, but are not operations: power cuts
 * land on programs and erases only. Zero-length programs/erases do nothing
 * and are not operations.
 *
 * Power cuts. ferry_sim_flash_arm_cut(dev, n, mode, seed) lets n more
 * operations complete and cuts power during the next one:
 *   FERRY_SIM_CUT_BETWEEN  the cut op does not happen at all;
 *   FERRY_SIM_CUT_TORN     it happens partly. A torn program writes a random
 *       prefix (0 .. len-1 bytes) of the new data, then programs a few random
 *       bits of the rest, only bits the new data would program, so each byte
 *       ends between its old and its new value. A torn erase leaves every
 *       byte of every sector in the range random.
 * Randomness comes from `seed` only (splitmix64), so a cut replays exactly.
 * The cut op returns FERRY_E_POWER_LOSS and so does every later read,
 * program and erase, until ferry_sim_flash_reboot(): the device is dead until
 * the power comes back. The contents survive as the cut left them.
 *
 * Not thread-safe; one device per thread.
 */
#ifndef FERRY_SIM_FLASH_H
#define FERRY_SIM_FLASH_H

#include <stddef.h>
#include <stdint.h>

#include "ferry/flash.h"

struct ferry_sim_flash; /* opaque; one per simulated device */

enum ferry_sim_cut_mode {
    FERRY_SIM_CUT_BETWEEN = 0, /* the cut op does nothing */
    FERRY_SIM_CUT_TORN = 1,    /* the cut op is left half done */
};

struct ferry_sim_flash_stats {
    uint64_t reads;          /* read calls that returned data */
    uint64_t programs;       /* program operations, including a cut one */
    uint64_t erases;         /* erase operations, including a cut one */
    uint64_t ops;            /* programs + erases: the next operation index */
    uint64_t bytes_read;
    uint64_t bytes_programmed;
    uint64_t sectors_erased; /* sum of the per-sector erase counts */
};

/*
 * A RAM device, fully erased. The geometry (and its regions) is copied, so
 * `geo` need not outlive the call. On failure *out is set to NULL.
 * Errors: FERRY_E_INVAL (bad geometry, NULL out), FERRY_E_NOSPC (out of memory).
 */
int ferry_sim_flash_open_ram(const struct ferry_flash_geometry *geo,
                             struct ferry_sim_flash **out);

/*
 * A device stored in the file at `path`, mapped shared so every program and
 * erase reaches the file even if the process then dies. A missing or empty
 * file is created fully erased; an existing file must be exactly geo->size
 * bytes and is used as it is (that is the point: it is the flash after the
 * last power cycle). Erase counts start at zero on every open.
 * Errors: FERRY_E_INVAL (bad geometry or arguments, file of another size),
 * FERRY_E_IO (the file cannot be opened, sized or mapped), FERRY_E_NOSPC.
 */
int ferry_sim_flash_open_file(const struct ferry_flash_geometry *geo, const char *path,
                              struct ferry_sim_flash **out);

/* Flushes a file device and frees everything. NULL is allowed.
 * Returns 0 or FERRY_E_IO if the file could not be flushed. */
int ferry_sim_flash_close(struct ferry_sim_flash *dev);

/* The device to hand to the core. Valid until close. */
const struct ferry_flash *ferry_sim_flash_device(struct ferry_sim_flash *dev);

/* ---- Power cuts ---------------------------------------------------------- */

/* Lets `ops_before_cut` more operations complete, then cuts power during the
 * next one (0: the very next program or erase). Replaces an armed cut.
 * Errors: FERRY_E_INVAL (unknown mode). */
int ferry_sim_flash_arm_cut(struct ferry_sim_flash *dev, uint64_t ops_before_cut,
                            enum ferry_sim_cut_mode mode, uint64_t seed);

/* Forgets an armed cut that has not happened yet. */
void ferry_sim_flash_disarm(struct ferry_sim_flash *dev);

/* 1 while power is lost (a cut happened and no reboot since), else 0. */
int ferry_sim_flash_power_lost(const struct ferry_sim_flash *dev);

/* Power comes back: ops work again, contents stay as the cut left them. */
void ferry_sim_flash_reboot(struct ferry_sim_flash *dev);

/*
 * Parses a cut spec "N[,between|torn[,SEED]]" (default mode between, seed 0;
 * N and SEED decimal or 0x-hex), e.g. "12,torn,7".
 * Returns 0 or FERRY_E_INVAL (malformed).
 */
int ferry_sim_flash_parse_cut(const char *spec, uint64_t *ops_before_cut,
                              enum ferry_sim_cut_mode *mode, uint64_t *seed);

/* Name of the environment variable read by ferry_sim_flash_arm_cut_from_env(). */
#define FERRY_SIM_CUT_ENV "FERRY_SIM_CUT"

/*
 * Arms a cut from the environment variable FERRY_SIM_CUT (a cut spec as
 * above), so that a test can cut power inside another process.
 * Returns 1 if a cut was armed, 0 if the variable is unset or empty,
 * FERRY_E_INVAL if it is malformed (nothing armed then).
 */
int ferry_sim_flash_arm_cut_from_env(struct ferry_sim_flash *dev);

/* ---- Inspection ---------------------------------------------------------- */

void ferry_sim_flash_get_stats(const struct ferry_sim_flash *dev,
                               struct ferry_sim_flash_stats *out);

/* Zeroes the stats and the erase counts. The operation index restarts at 0;
 * an armed cut still counts from when it was armed. */
void ferry_sim_flash_reset_stats(struct ferry_sim_flash *dev);

/* Erase count per sector, indexed by sector number in address order
 * (*sector_count entries). Valid until close. */
const uint32_t *ferry_sim_flash_erase_counts(const struct ferry_sim_flash *dev,
                                             uint32_t *sector_count);

/*
 * Program and erase into [off, off+len) fail with FERRY_E_IO, like the
 * bootloader region of a part with write protection set. len 0 removes the
 * protection. Errors: FERRY_E_RANGE (outside the device).
 */
int ferry_sim_flash_set_write_protect(struct ferry_sim_flash *dev, uint32_t off, uint32_t len);

/*
 * The raw contents (geo->size bytes), for tests that inspect or deliberately
 * corrupt flash. Access through this pointer bypasses every rule, counter and
 * power cut.
 */
uint8_t *ferry_sim_flash_contents(struct ferry_sim_flash *dev);

/* Copies the whole contents out / back in; len must equal geo->size.
 * Neither counts as an operation nor needs power. Errors: FERRY_E_INVAL. */
int ferry_sim_flash_snapshot(const struct ferry_sim_flash *dev, void *buf, size_t len);
int ferry_sim_flash_restore(struct ferry_sim_flash *dev, const void *buf, size_t len);

#endif
