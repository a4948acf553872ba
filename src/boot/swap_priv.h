/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Swap geometry and the swap engine (docs/design.md, "Swap").
 *
 * The primary and staging slots are cut into *units*: ranges that start and
 * end on a sector boundary of BOTH slots (offsets relative to each slot). A
 * unit is the smallest piece that can be erased in either slot on its own.
 * The new image sits in the staging slot at offset D (the smallest staging
 * sector boundary >= the largest unit), so that saving primary unit i into
 * staging [a_i, a_i+u_i) only ever erases staging bytes whose new content has
 * already been installed.
 */
#ifndef FERRY_SWAP_PRIV_H
#define FERRY_SWAP_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "ferry/boot.h"
#include "ferry/crypto.h"

/* Length of the unit that starts at common boundary `off` (< primary size).
 * Errors: FERRY_E_RANGE, FERRY_E_INVAL (slots never line up again). */
int ferry_swap_unit_len(const struct ferry_area *p, const struct ferry_area *s,
                        uint32_t off, uint32_t *len);

/* Smallest common boundary >= size (size <= primary size). */
int ferry_swap_round_up(const struct ferry_area *p, const struct ferry_area *s,
                        uint32_t size, uint32_t *region);

/* Number of units in [0, region); region must be a common boundary. */
int ferry_swap_count_units(const struct ferry_area *p, const struct ferry_area *s,
                           uint32_t region, uint32_t *count);

/* Offset of unit `index` and its length. */
int ferry_swap_unit(const struct ferry_area *p, const struct ferry_area *s,
                    uint32_t index, uint32_t *off, uint32_t *len);

enum ferry_swap_dir {
    FERRY_SWAP_FORWARD,  /* staging[D..] -> primary, primary -> staging[0..] (install) */
    FERRY_SWAP_BACKWARD, /* staging[0..] -> primary, primary -> staging[D..] (revert) */
};

/*
 * Runs swap steps `first_step` .. 2*units-1 of `region` in direction `dir`,
 * programming progress marker k in status bank after step k (through
 * mark(mark_ctx, k)). Step 2j saves a unit out of the primary; step 2j+1
 * installs the unit that replaces it. Forward goes through units in ascending
 * order, backward in descending order. Every step is idempotent: it starts
 * with the erase of its destination, so a step cut by power is redone whole.
 *
 * If `hash` is non-NULL (forward only), the primary bytes [0, hash_len) are
 * fed to it in order: the already installed prefix is read back first, then
 * every installed chunk is read back after programming.
 */
int ferry_swap_run(const struct ferry_boot_config *cfg, enum ferry_swap_dir dir,
                   uint32_t region, uint32_t first_step,
                   int (*mark)(void *mark_ctx, uint32_t step), void *mark_ctx,
                   ferry_sha256_ctx *hash, uint32_t hash_len);

/*
 * Copies units 0 .. units_done-1 of the staged image (staging[D..]) into the
 * primary again, without saving anything. For an install that the status
 * says is under way while the staged image is verified intact: the units the
 * status claims installed are installed again from it, so the status decides
 * only where the swap resumes, never what the primary ends up holding. The
 * backup copies in staging [0..) are left as they are.
 */
int ferry_swap_reinstall(const struct ferry_boot_config *cfg, uint32_t units_done);

/* Largest program unit of the two slots and the status area. */
uint32_t ferry_max_program_unit(const struct ferry_boot_config *cfg);

#endif
