/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The boot decision in a bootloader that cannot decrypt (contract:
 * boot_crypt_priv.h): encrypted images are refused, every swap moves its
 * bytes as they are. Linked before the core, it keeps boot_crypt.c and the
 * swap view out of the program.
 */
#include <string.h>

#include "ferry/errors.h"
#include "boot_crypt_priv.h"

int ferry_boot_crypt_usable(const struct ferry_boot_config *cfg, const struct ferry_image_info *info)
{
    (void)cfg;
    return (info->flags & FERRY_IMG_F_ENCRYPTED) ? FERRY_E_IMG_ENC_KEY : 0;
}

int ferry_boot_crypt_open(const struct ferry_boot_config *cfg, const struct ferry_image_info *info,
                          ferry_cipher *c, struct ferry_swap_crypt *x)
{
    (void)c;
    memset(x, 0, sizeof *x);
    return ferry_boot_crypt_usable(cfg, info);
}

void ferry_boot_crypt_close(const struct ferry_boot_config *cfg, struct ferry_swap_crypt *x)
{
    (void)cfg;
    (void)x;
}

void ferry_boot_crypt_close_plan(const struct ferry_boot_config *cfg, struct ferry_swap_plan *plan)
{
    (void)cfg;
    (void)plan;
}

int ferry_boot_crypt_resume(const struct ferry_boot_config *cfg,
                            const struct ferry_verify_policy *policy, enum ferry_swap_dir dir,
                            uint32_t region, uint32_t steps_done, const struct ferry_image_info *in,
                            ferry_cipher *c_in, ferry_cipher *c_out, struct ferry_swap_plan *plan)
{
    (void)cfg, (void)policy, (void)dir, (void)region, (void)steps_done, (void)in;
    (void)c_in, (void)c_out;
    memset(plan, 0, sizeof *plan);
    return 0;
}
