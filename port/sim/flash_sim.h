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
 *   - program/erase touching a range locked until reset   FERRY_E_LOCKED
 *   - program onto an ECC-broken granule (ECC mode)  FERRY_E_IO
 *   - program onto a byte that is not erased        FERRY_E_NOT_ERASED
 * checked in that order; a rejected op changes nothing and is not counted.
 * Reads fail only out of range, without power, or (ECC mode) over a broken
 * granule.
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
 * Adversarial modes (all off when a device is opened; sections below):
 *   ECC         a torn program or erase leaves "ECC-broken" granules that
 *               fail every read and program until their sector is erased;
 *   interposer  a callback may rewrite what each read returns, so the same
 *               address can read differently twice;
 *   lock        ranges write-locked until the next reset (reboot or open).
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
    uint64_t ecc_read_errors; /* reads refused because they overlap a broken granule */
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

/* Power comes back (a reset): ops work again, contents stay as the cut left
 * them, every lock of ferry_sim_flash_lock() is released. Also the way to
 * model a plain reset without a power cut. */
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
 * bootloader region of a part with write protection set in its option bytes:
 * permanent, it survives reboots. One range; a new call replaces it, len 0
 * removes it. Errors: FERRY_E_RANGE (outside the device).
 * (For protection that lasts until the next reset, see ferry_sim_flash_lock().)
 */
int ferry_sim_flash_set_write_protect(struct ferry_sim_flash *dev, uint32_t off, uint32_t len);

/*
 * The raw contents (geo->size bytes), for tests that inspect or deliberately
 * corrupt flash. Access through this pointer bypasses every rule, counter,
 * power cut, lock, interposer and ECC state (it neither breaks nor heals a
 * granule).
 */
uint8_t *ferry_sim_flash_contents(struct ferry_sim_flash *dev);

/* Copies the whole contents out / back in; len must equal geo->size.
 * Neither counts as an operation nor needs power. A restore is a programmer
 * rewriting the whole part: it leaves no granule ECC-broken. Errors: FERRY_E_INVAL. */
int ferry_sim_flash_snapshot(const struct ferry_sim_flash *dev, void *buf, size_t len);
int ferry_sim_flash_restore(struct ferry_sim_flash *dev, const void *buf, size_t len);

/* ---- ECC mode ------------------------------------------------------------- */
/*
 * Parts with flash ECC (STM32L4/G4: 8 bytes + 8 check bits; U5: 16 bytes;
 * H7: 32 bytes) store check bits per "granule". A program or erase that
 * power cuts short leaves granules whose data and check bits disagree; such
 * a granule is "ECC-broken" until its sector is erased:
 *   - a read that overlaps a broken granule by even one byte fails with
 *     FERRY_E_IO and writes nothing into the buffer (real parts raise a
 *     double-error fault or flag and deliver no trusted data); it is counted
 *     in stats.ecc_read_errors, not in reads;
 *   - a program that overlaps one fails with FERRY_E_IO and changes nothing
 *     (a granule cannot be reprogrammed over a failed write);
 *   - an erase that completes heals every granule of the sectors it erased.
 * What breaks granules (only with ECC on; never a BETWEEN cut, never a
 * completed op):
 *   - a torn program: the program proceeds in address order; the granule
 *     holding the first byte the cut left unwritten (the one in progress) is
 *     broken, whatever its bytes show, and so is every later granule of the
 *     range that a stray torn bit changed. Granules the prefix completed read
 *     fine, granules it never reached stay erased and read fine (an erased
 *     granule has valid ECC on these parts).
 *   - a torn erase: every granule of every sector in the erase range is
 *     broken. An erase interrupted mid-pulse leaves cells at intermediate
 *     charge, data and check bits alike, and a random codeword is almost
 *     never valid, so the strict choice is also the realistic one. The
 *     contents are random as without ECC.
 * Both are decided by the cut's seed, so a cut replays exactly.
 *
 * The broken-granule map lives in RAM with the device: it starts empty on
 * every open (a file device does not remember it across processes),
 * ferry_sim_flash_reboot() keeps it (the cells are still broken after
 * power comes back), ferry_sim_flash_restore() clears it.
 */

/*
 * Switches ECC mode on with granules of `granule_bytes` (aligned to
 * multiples of it from offset 0), or off with 0. The granule must divide
 * every sector size and either divide the program unit or be a multiple of
 * it (8 or 16 on an 8-byte-unit part, 8 on a 4-byte one, ...). A granule
 * larger than the program unit is only an error-detection unit: programming
 * one intact granule in several units is allowed. Every call starts with no
 * broken granule (switching off forgets them).
 * Errors: FERRY_E_INVAL (granule breaks the rule), FERRY_E_NOSPC.
 */
int ferry_sim_flash_set_ecc(struct ferry_sim_flash *dev, uint32_t granule_bytes);

/* The current granule size, 0 when ECC mode is off. */
uint32_t ferry_sim_flash_ecc_granule(const struct ferry_sim_flash *dev);

/*
 * Marks every granule that overlaps [off, off+len) ECC-broken, for
 * hand-built scenarios; the bytes are left as they are. len 0 does nothing.
 * Needs no power and is not an operation.
 * Errors: FERRY_E_RANGE (outside the device), FERRY_E_UNSUPPORTED (ECC off).
 */
int ferry_sim_flash_break_ecc(struct ferry_sim_flash *dev, uint32_t off, uint32_t len);

/* 1 if any granule overlapping [off, off+len) is broken, else 0 (also
 * when ECC is off, len is 0 or the range is outside the device). */
int ferry_sim_flash_ecc_broken(const struct ferry_sim_flash *dev, uint32_t off, uint32_t len);

/* ---- Write lock until reset ---------------------------------------------- */
/*
 * Flash controllers can write-protect a range until the next reset (a lock
 * bit that only a reset clears: STM32 "write protection until reset" style
 * registers, nRF BPROT/ACL): a bootloader sets it right before it jumps to
 * the application, so the application cannot write what the bootloader
 * owns. Here: a program or erase that touches a locked range fails with
 * FERRY_E_LOCKED and changes nothing (checked after the permanent write
 * protection, before everything else but range and alignment); reads are
 * not affected. Nothing unlocks a range but ferry_sim_flash_reboot() (power
 * back or reset) and opening the device again (a new process run is a new
 * power cycle); the lock state is never stored in a backing file.
 */
#define FERRY_SIM_MAX_LOCKS 8

/*
 * Locks [off, off+len) (any bytes; len 0 does nothing). Needs no power.
 * Errors: FERRY_E_RANGE (outside the device), FERRY_E_NOSPC (already
 * FERRY_SIM_MAX_LOCKS ranges locked).
 */
int ferry_sim_flash_lock(struct ferry_sim_flash *dev, uint32_t off, uint32_t len);

/* 1 if any byte of [off, off+len) is locked, else 0. */
int ferry_sim_flash_locked(const struct ferry_sim_flash *dev, uint32_t off, uint32_t len);

/* ---- Read interposer ----------------------------------------------------- */
/*
 * Flash that answers differently when read twice (an interposer on an
 * external bus, a glitch, an attacker racing the bootloader): a callback sees
 * every read that passed the checks (power, range, ECC) and is not empty,
 * with the true contents already in `buf`, and may rewrite them. `index`
 * counts those reads from 0 since the interposer was installed. It returns
 * 0 to deliver `buf`, or a negative FERRY_E_* code that the read returns
 * instead (the caller must then not trust `buf`). Reads it fails are not
 * counted in stats.reads. It must not call back into the device.
 * A ready-made scripted interposer: flash_interposer.h.
 */
typedef int (*ferry_sim_read_interposer_fn)(void *ctx, uint32_t off, uint8_t *buf, uint32_t len,
                                            uint64_t index);

/* Installs `fn` (with `ctx`) and restarts the read index at 0; NULL
 * switches interposing off. Survives reboots; not stored in a file. */
void ferry_sim_flash_set_interposer(struct ferry_sim_flash *dev, ferry_sim_read_interposer_fn fn,
                                    void *ctx);

#endif
