/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layout rules (docs/design.md, "Layout rules"), checked on every boot before
 * anything is written: a wrong layout must fail loudly, not corrupt a slot.
 */
#include "ferry/boot.h"
#include "ferry/errors.h"
#include "status_priv.h"
#include "swap_priv.h"

static int overlap(const struct ferry_area *a, const struct ferry_area *b)
{
    if (a->dev != b->dev && a->dev->ctx != b->dev->ctx)
        return 0;
    return a->off < b->off + b->size && b->off < a->off + a->size;
}

int ferry_boot_layout_check(const struct ferry_boot_config *cfg)
{
    const struct ferry_area *p = &cfg->primary, *s = &cfg->staging;
    if (!cfg->buf || ferry_area_check(p) || ferry_area_check(s) || ferry_area_check(&cfg->status))
        return FERRY_E_INVAL;
    if (!cfg->policy.keys || cfg->policy.key_count == 0)
        return FERRY_E_INVAL;
    uint32_t unit = ferry_max_program_unit(cfg);
    if (cfg->buf_len < 256 || cfg->buf_len < unit || cfg->buf_len % unit)
        return FERRY_E_INVAL;
    if (overlap(p, s) || overlap(p, &cfg->status) || overlap(s, &cfg->status))
        return FERRY_E_INVAL;
    /* Units must tile the whole primary slot. */
    uint32_t region, units;
    if (s->size < p->size || ferry_swap_round_up(p, s, p->size, &region) || region != p->size)
        return FERRY_E_INVAL;
    if (ferry_swap_count_units(p, s, p->size, &units))
        return FERRY_E_INVAL;
    /* The staging slot holds the new image at D and the swap writes up to D + primary size. */
    uint32_t d = ferry_staging_image_offset(p, s);
    if (d == 0 || s->size < d || s->size - d < p->size)
        return FERRY_E_INVAL;
    /* Each status bank must hold the progress of a whole-slot swap. */
    for (int b = 0; b < 2; b++) {
        struct ferry_area bank;
        if (ferry_status_bank(&cfg->status, b, &bank))
            return FERRY_E_INVAL;
        if (bank.size < ferry_status_bank_need(&cfg->status, units))
            return FERRY_E_INVAL;
    }
    return 0;
}
