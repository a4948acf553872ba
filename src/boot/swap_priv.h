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
#include "ferry/decrypt.h"

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

/* How the bytes of one image change as they move (docs/encryption.md,
 * section 3): an encrypted image's payload is decrypted on its way into the
 * primary and encrypted again on its way out, with that image's own key
 * stream, so the staging slot only ever holds its stored form. ops NULL: the
 * image moves as it is. [start, end): its payload, in image (= primary slot)
 * offsets. */
struct ferry_swap_crypt {
    const struct ferry_decrypt_ops *ops;
    const ferry_cipher *cipher;
    uint32_t start, end;
};

/* The read-back hash of an install: primary bytes [0, len) in order. With
 * split > 0 (an encrypted image) the digest of [0, split) (its header) goes to
 * head and the context starts over for the rest (its payload). */
struct ferry_swap_hash {
    ferry_sha256_ctx ctx;
    uint32_t len;
    uint32_t split;
    uint8_t head[32];
};

/* Everything about one swap but its geometry and progress. */
struct ferry_swap_plan {
    struct ferry_swap_crypt in;  /* the image moving into the primary */
    struct ferry_swap_crypt out; /* the image moving out of it */
    int discard_out;             /* 1: units leaving the primary are not saved (their
                                    destination is erased and left so): the outgoing
                                    image is not one that may be written to staging */
    struct ferry_swap_hash *hash; /* forward only, or NULL */
};

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
 * with the erase of its destination, and its bytes depend only on its source
 * and the plan (a key stream is a function of key, nonce and offset), so a
 * step cut by power is redone whole.
 *
 * `plan` (NULL: plain images, no hash) gives the transforms of both images,
 * and for an install the hash: primary bytes [0, hash->len) are fed to it in
 * order: the already installed prefix is read back first, then every
 * installed chunk is read back after programming.
 */
int ferry_swap_run(const struct ferry_boot_config *cfg, enum ferry_swap_dir dir,
                   uint32_t region, uint32_t first_step,
                   int (*mark)(void *mark_ctx, uint32_t step), void *mark_ctx,
                   const struct ferry_swap_plan *plan);

/*
 * Copies units 0 .. units_done-1 of the staged image (staging[D..]) into the
 * primary again, without saving anything. For an install that the status
 * says is under way while the staged image is verified intact: the units the
 * status claims installed are installed again from it, so the status decides
 * only where the swap resumes, never what the primary ends up holding. The
 * backup copies in staging [0..) are left as they are. `in`: the staged
 * image's transform (or NULL).
 */
int ferry_swap_reinstall(const struct ferry_boot_config *cfg, uint32_t units_done,
                         const struct ferry_swap_crypt *in);

/* XORs the transform's key stream into data[0, n) at image offset `off`,
 * over the part inside its payload; nothing for a NULL or plain transform. */
void ferry_swap_crypt_chunk(const struct ferry_swap_crypt *x, uint32_t off, uint8_t *data,
                            uint32_t n);

/*
 * A read-only view of one image of a swap of `region` at progress
 * `steps_done` in direction `dir`: the outgoing image (the one leaving the
 * primary) or the incoming one, each unit read from where the progress puts
 * it, bytes from staging passed through `x` (its installed form). view.area
 * is [0, region). The progress is untrusted: what is read through a view is
 * verified before anything rests on it.
 */
struct ferry_swap_view {
    const struct ferry_boot_config *cfg;
    enum ferry_swap_dir dir;
    uint32_t steps_done, units, d;
    int outgoing;
    const struct ferry_swap_crypt *x;
    struct ferry_sector_region one;
    struct ferry_flash_geometry geo;
    struct ferry_flash dev;
    struct ferry_area area;
};

int ferry_swap_view_init(struct ferry_swap_view *v, const struct ferry_boot_config *cfg,
                         enum ferry_swap_dir dir, uint32_t region, uint32_t steps_done,
                         int outgoing, const struct ferry_swap_crypt *x);

/* Largest program unit of the two slots and the status area. */
uint32_t ferry_max_program_unit(const struct ferry_boot_config *cfg);

#endif
