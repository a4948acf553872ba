/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit geometry of the swap: where primary and staging sector boundaries
 * coincide. Pure functions of the two slots' geometry, so the bootloader, the
 * application and the host tools all compute the same units and the same
 * staging offset D.
 */
#include "swap_priv.h"
#include "ferry/errors.h"

int ferry_swap_unit_len(const struct ferry_area *p, const struct ferry_area *s,
                        uint32_t off, uint32_t *len)
{
    uint32_t ps, pz, ss, sz;
    if (off >= p->size || off >= s->size)
        return FERRY_E_RANGE;
    int err = ferry_area_sector_at(p, off, &ps, &pz);
    if (err)
        return err;
    err = ferry_area_sector_at(s, off, &ss, &sz);
    if (err)
        return err;
    if (ps != off || ss != off)
        return FERRY_E_INVAL; /* not a common boundary */
    /* Advance whichever sector end is behind until both ends meet. */
    uint32_t pe = ps + pz, se = ss + sz;
    while (pe != se) {
        if (pe < se) {
            if (pe >= p->size)
                return FERRY_E_INVAL;
            err = ferry_area_sector_at(p, pe, &ps, &pz);
            if (err)
                return err;
            pe = ps + pz;
        } else {
            if (se >= s->size)
                return FERRY_E_INVAL;
            err = ferry_area_sector_at(s, se, &ss, &sz);
            if (err)
                return err;
            se = ss + sz;
        }
    }
    *len = pe - off;
    return 0;
}

int ferry_swap_round_up(const struct ferry_area *p, const struct ferry_area *s,
                        uint32_t size, uint32_t *region)
{
    uint32_t off = 0, len;
    if (size > p->size)
        return FERRY_E_RANGE;
    while (off < size) {
        int err = ferry_swap_unit_len(p, s, off, &len);
        if (err)
            return err;
        off += len;
    }
    *region = off;
    return 0;
}

int ferry_swap_count_units(const struct ferry_area *p, const struct ferry_area *s,
                           uint32_t region, uint32_t *count)
{
    uint32_t off = 0, len, n = 0;
    while (off < region) {
        int err = ferry_swap_unit_len(p, s, off, &len);
        if (err)
            return err;
        off += len;
        n++;
    }
    if (off != region)
        return FERRY_E_INVAL;
    *count = n;
    return 0;
}

int ferry_swap_unit(const struct ferry_area *p, const struct ferry_area *s,
                    uint32_t index, uint32_t *off, uint32_t *len)
{
    uint32_t o = 0, l = 0;
    for (uint32_t i = 0;; i++) {
        int err = ferry_swap_unit_len(p, s, o, &l);
        if (err)
            return err;
        if (i == index)
            break;
        o += l;
    }
    *off = o;
    *len = l;
    return 0;
}

uint32_t ferry_staging_image_offset(const struct ferry_area *primary,
                                    const struct ferry_area *staging)
{
    uint32_t off = 0, len, largest = 0;
    while (off < primary->size) {
        if (ferry_swap_unit_len(primary, staging, off, &len))
            return 0;
        if (len > largest)
            largest = len;
        off += len;
    }
    /* D: the first staging sector boundary at or past the largest unit. */
    uint32_t d = 0, ss, sz;
    while (d < largest) {
        if (ferry_area_sector_at(staging, d, &ss, &sz))
            return 0;
        d = ss + sz;
    }
    return d;
}

uint32_t ferry_max_program_unit(const struct ferry_boot_config *cfg)
{
    uint32_t m = cfg->primary.dev->geo->program_unit;
    if (cfg->staging.dev->geo->program_unit > m)
        m = cfg->staging.dev->geo->program_unit;
    if (cfg->status.dev->geo->program_unit > m)
        m = cfg->status.dev->geo->program_unit;
    return m;
}
