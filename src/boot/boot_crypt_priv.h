/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The boot decision's use of encrypted images (docs/encryption.md): which
 * transform each image of a swap gets, and, for a resumed swap, whether the
 * image leaving the primary may be written to staging at all.
 *   boot_crypt.c             with the device's class key (ferry_boot_config.decrypt)
 *   plain/boot_crypt_none.c  a bootloader that cannot decrypt: encrypted
 *                            images are refused, every swap moves bytes as
 *                            they are (FERRY_BOOT_PLAIN_SRC, linked before
 *                            the core, leaves boot_crypt.c and swap_view.c out)
 */
#ifndef FERRY_BOOT_CRYPT_PRIV_H
#define FERRY_BOOT_CRYPT_PRIV_H

#include "ferry/boot.h"
#include "swap_priv.h"

/* 0 if a stored-form image could be installed here: a plain image, or an
 * encrypted one for this device's class key (no unwrap yet). Else
 * FERRY_E_IMG_ENC_KEY. */
int ferry_boot_crypt_usable(const struct ferry_boot_config *cfg, const struct ferry_image_info *info);

/* The transform of the verified image `info` in *x: none for a plain image;
 * for an encrypted one its content key opened into *c. Errors:
 * FERRY_E_IMG_ENC_KEY, FERRY_E_IMG_KEYWRAP (nothing to close then). */
int ferry_boot_crypt_open(const struct ferry_boot_config *cfg, const struct ferry_image_info *info,
                          ferry_cipher *c, struct ferry_swap_crypt *x);

/* Wipes what ferry_boot_crypt_open() opened into *x (safe on a plain one). */
void ferry_boot_crypt_close(const struct ferry_boot_config *cfg, struct ferry_swap_crypt *x);

/*
 * A swap of `region` in direction `dir`, resumed at `steps_done`: fills
 * plan->in and plan->out (ciphers in c_in, c_out) and plan->discard_out.
 * `in` is the incoming image's verified read, or NULL when it is not intact:
 * its key is then taken from its header where the progress puts it (a wrong
 * one only makes the result fail its verification). The outgoing image is
 * written to staging only once proven: read through a view of the swap in
 * its installed form, it verifies completely (a trusted signature, and its
 * payload against its signed digest, decrypted with the key its header
 * names). Otherwise plan->discard_out = 1: its units are not saved. With no
 * class key (cfg->decrypt NULL) both move as they are and nothing is
 * discarded. Returns 0, or FERRY_E_POWER_LOSS.
 */
int ferry_boot_crypt_resume(const struct ferry_boot_config *cfg,
                            const struct ferry_verify_policy *policy, enum ferry_swap_dir dir,
                            uint32_t region, uint32_t steps_done, const struct ferry_image_info *in,
                            ferry_cipher *c_in, ferry_cipher *c_out, struct ferry_swap_plan *plan);

/* Closes both transforms of a plan. */
void ferry_boot_crypt_close_plan(const struct ferry_boot_config *cfg, struct ferry_swap_plan *plan);

#endif
