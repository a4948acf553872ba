/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Encrypted images in the boot decision (contract: boot_crypt_priv.h; design:
 * docs/encryption.md, section 3). Every key comes from a header this boot
 * verified, or, on a resumed swap, from a header that is then held to the
 * image's signed digests before any of the image goes to staging.
 */
#include <string.h>

#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "boot_crypt_priv.h"

int ferry_boot_crypt_usable(const struct ferry_boot_config *cfg, const struct ferry_image_info *info)
{
    if (!(info->flags & FERRY_IMG_F_ENCRYPTED))
        return 0;
    if (!cfg->decrypt || ferry_ct_memcmp(cfg->decrypt->key_id, info->enc.class_key_id, 32) != 0)
        return FERRY_E_IMG_ENC_KEY;
    return 0;
}

int ferry_boot_crypt_open(const struct ferry_boot_config *cfg, const struct ferry_image_info *info,
                          ferry_cipher *c, struct ferry_swap_crypt *x)
{
    memset(x, 0, sizeof *x);
    if (!(info->flags & FERRY_IMG_F_ENCRYPTED))
        return 0;
    int err = ferry_boot_crypt_usable(cfg, info);
    if (!err)
        err = cfg->decrypt->ops->open(cfg->decrypt->ctx, &info->enc, c);
    if (err) {
        cfg->decrypt ? cfg->decrypt->ops->close(c) : (void)0;
        return err == FERRY_E_IMG_ENC_KEY ? err : FERRY_E_IMG_KEYWRAP;
    }
    x->ops = cfg->decrypt->ops;
    x->cipher = c;
    x->start = info->header_size;
    x->end = info->protected_size;
    return 0;
}

void ferry_boot_crypt_close(const struct ferry_boot_config *cfg, struct ferry_swap_crypt *x)
{
    if (x->ops && cfg->decrypt)
        cfg->decrypt->ops->close((ferry_cipher *)(uintptr_t)x->cipher);
    memset(x, 0, sizeof *x);
}

void ferry_boot_crypt_close_plan(const struct ferry_boot_config *cfg, struct ferry_swap_plan *plan)
{
    ferry_boot_crypt_close(cfg, &plan->in);
    ferry_boot_crypt_close(cfg, &plan->out);
}

/* The transform an image's header names, read through view `v` (headers are
 * never transformed): none if it is plain or does not parse. */
static int header_key(const struct ferry_boot_config *cfg, const struct ferry_swap_view *v,
                      ferry_cipher *c, struct ferry_swap_crypt *x, struct ferry_image_info *info)
{
    memset(x, 0, sizeof *x);
    int err = ferry_image_parse(&v->area, FERRY_PARSE_PRIMARY, info);
    if (err == FERRY_E_POWER_LOSS)
        return err;
    if (err)
        return FERRY_E_IMG_MAGIC; /* nothing there: no key */
    return ferry_boot_crypt_open(cfg, info, c, x);
}

int ferry_boot_crypt_resume(const struct ferry_boot_config *cfg,
                            const struct ferry_verify_policy *policy, enum ferry_swap_dir dir,
                            uint32_t region, uint32_t steps_done, const struct ferry_image_info *in,
                            ferry_cipher *c_in, ferry_cipher *c_out, struct ferry_swap_plan *plan)
{
    struct ferry_swap_view v;
    struct ferry_image_info info;
    memset(plan, 0, sizeof *plan);
    if (!cfg->decrypt)
        return 0;

    /* Incoming: its verified read, or its header where it is now. */
    int err = 0;
    if (in) {
        err = ferry_boot_crypt_open(cfg, in, c_in, &plan->in);
    } else if (!ferry_swap_view_init(&v, cfg, dir, region, steps_done, 0, NULL)) {
        err = header_key(cfg, &v, c_in, &plan->in, &info);
    }
    if (err == FERRY_E_POWER_LOSS)
        return err;

    /* Outgoing: proven, or not written to staging. */
    plan->discard_out = 1;
    if (ferry_swap_view_init(&v, cfg, dir, region, steps_done, 1, NULL))
        return 0;
    err = header_key(cfg, &v, c_out, &plan->out, &info);
    if (err == FERRY_E_POWER_LOSS) {
        ferry_boot_crypt_close_plan(cfg, plan);
        return err;
    }
    if (err)
        return 0;
    /* The same view, now through the key stream the header names. */
    if (ferry_swap_view_init(&v, cfg, dir, region, steps_done, 1, &plan->out) == 0 &&
        ferry_image_parse(&v.area, FERRY_PARSE_PRIMARY, &info) == 0) {
        err = ferry_image_verify(&v.area, &info, policy, cfg->buf, cfg->buf_len);
        if (err == FERRY_E_POWER_LOSS) {
            ferry_boot_crypt_close_plan(cfg, plan);
            return err;
        }
        if (!err) {
            plan->discard_out = 0;
            return 0;
        }
    }
    ferry_boot_crypt_close(cfg, &plan->out);
    return 0;
}
