/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The flash seam's checked wrappers, sector lookup and areas
 * (contracts in include/ferry/flash.h).
 *
 * Every range test is written as "len > size || off > size - len" so that
 * off + len never wraps around 32 bits. Sector arithmetic runs in 64 bits for
 * the same reason: a geometry with a huge region must give a clean error, not
 * a wrapped offset.
 */
#include <stddef.h>
#include <stdint.h>

#include "ferry/errors.h"
#include "ferry/flash.h"

/* Largest program unit accepted: 512-byte page devices. */
#define FLASH_MAX_PROGRAM_UNIT 512u

static int flash_usable(const struct ferry_flash *f)
{
    return f != NULL && f->ops != NULL && f->geo != NULL && f->geo->program_unit != 0;
}

/* 1 if [off, off+len) lies inside [0, size). */
static int in_range(uint32_t size, uint32_t off, uint32_t len)
{
    return len <= size && off <= size - len;
}

int ferry_flash_geometry_check(const struct ferry_flash_geometry *g)
{
    uint64_t total = 0;
    uint32_t pu;

    if (g == NULL || g->regions == NULL || g->region_count == 0 || g->size == 0)
        return FERRY_E_INVAL;
    pu = g->program_unit;
    /* A power of two keeps every alignment test a plain modulo on every part
     * we know (1..32-byte words, 256/512-byte pages). */
    if (pu == 0 || pu > FLASH_MAX_PROGRAM_UNIT || (pu & (pu - 1)) != 0)
        return FERRY_E_INVAL;
    if (g->erased_value != 0xFF && g->erased_value != 0x00)
        return FERRY_E_INVAL;
    for (uint32_t i = 0; i < g->region_count; i++) {
        const struct ferry_sector_region *r = &g->regions[i];
        if (r->count == 0 || r->size == 0 || r->size % pu != 0)
            return FERRY_E_INVAL;
        total += (uint64_t)r->count * r->size;
        if (total > g->size)
            return FERRY_E_INVAL;
    }
    return total == g->size ? FERRY_OK : FERRY_E_INVAL;
}

int ferry_flash_sector_at(const struct ferry_flash *f, uint32_t off,
                          uint32_t *sector_start, uint32_t *sector_size)
{
    uint64_t region_start = 0;

    if (f == NULL || f->geo == NULL || f->geo->regions == NULL)
        return FERRY_E_INVAL;
    if (off >= f->geo->size)
        return FERRY_E_RANGE;
    for (uint32_t i = 0; i < f->geo->region_count; i++) {
        const struct ferry_sector_region *r = &f->geo->regions[i];
        uint64_t region_len = (uint64_t)r->count * r->size;
        if (r->size != 0 && off < region_start + region_len) {
            /* off - region_start < region_len and off < 2^32: a 32-bit
             * division (a 64-bit one costs 750 bytes of libgcc on Cortex-M). */
            uint32_t index = (uint32_t)(off - region_start) / r->size;
            if (sector_start != NULL)
                *sector_start = (uint32_t)(region_start + (uint64_t)index * r->size);
            if (sector_size != NULL)
                *sector_size = r->size;
            return FERRY_OK;
        }
        region_start += region_len;
    }
    /* The regions cover less than geo->size: a geometry error, but from the
     * caller's view the offset is not inside any sector. */
    return FERRY_E_RANGE;
}

int ferry_flash_is_sector_boundary(const struct ferry_flash *f, uint32_t off)
{
    uint32_t start;

    if (f == NULL || f->geo == NULL)
        return 0;
    if (off == 0 || off == f->geo->size)
        return 1;
    if (ferry_flash_sector_at(f, off, &start, NULL) != FERRY_OK)
        return 0;
    return start == off;
}

int ferry_flash_read(const struct ferry_flash *f, uint32_t off, void *buf, uint32_t len)
{
    if (!flash_usable(f) || f->ops->read == NULL || (buf == NULL && len != 0))
        return FERRY_E_INVAL;
    if (!in_range(f->geo->size, off, len))
        return FERRY_E_RANGE;
    return f->ops->read(f->ctx, off, buf, len);
}

/* Range is checked before alignment: an access outside the device is the
 * bigger bug, and the error names it. */
int ferry_flash_program(const struct ferry_flash *f, uint32_t off, const void *buf, uint32_t len)
{
    if (!flash_usable(f) || (buf == NULL && len != 0))
        return FERRY_E_INVAL;
    if (f->ops->program == NULL)
        return FERRY_E_UNSUPPORTED;
    if (!in_range(f->geo->size, off, len))
        return FERRY_E_RANGE;
    if (off % f->geo->program_unit != 0 || len % f->geo->program_unit != 0)
        return FERRY_E_ALIGN;
    if (len == 0)
        return FERRY_OK;
    return f->ops->program(f->ctx, off, buf, len);
}

int ferry_flash_erase(const struct ferry_flash *f, uint32_t off, uint32_t len)
{
    if (!flash_usable(f))
        return FERRY_E_INVAL;
    if (f->ops->erase == NULL)
        return FERRY_E_UNSUPPORTED;
    if (!in_range(f->geo->size, off, len))
        return FERRY_E_RANGE;
    if (!ferry_flash_is_sector_boundary(f, off) || !ferry_flash_is_sector_boundary(f, off + len))
        return FERRY_E_ALIGN;
    if (len == 0)
        return FERRY_OK;
    return f->ops->erase(f->ctx, off, len);
}

/* ---- Areas ------------------------------------------------------------- */

/* Device offset of area range [off, off+len): FERRY_E_RANGE if the range
 * leaves the area or the area itself does not fit 32-bit device offsets. */
static int area_translate(const struct ferry_area *a, uint32_t off, uint32_t len,
                          uint32_t *dev_off)
{
    if (a == NULL || a->dev == NULL)
        return FERRY_E_INVAL;
    if (!in_range(a->size, off, len) || (uint64_t)a->off + a->size > UINT32_MAX + 1ull)
        return FERRY_E_RANGE;
    *dev_off = a->off + off;
    return FERRY_OK;
}

int ferry_area_check(const struct ferry_area *a)
{
    if (a == NULL || a->dev == NULL || ferry_flash_geometry_check(a->dev->geo) != FERRY_OK)
        return FERRY_E_INVAL;
    if (a->size == 0 || !in_range(a->dev->geo->size, a->off, a->size))
        return FERRY_E_INVAL;
    if (!ferry_flash_is_sector_boundary(a->dev, a->off) ||
        !ferry_flash_is_sector_boundary(a->dev, a->off + a->size))
        return FERRY_E_INVAL;
    return FERRY_OK;
}

int ferry_area_read(const struct ferry_area *a, uint32_t off, void *buf, uint32_t len)
{
    uint32_t dev_off;
    int err = area_translate(a, off, len, &dev_off);
    return err ? err : ferry_flash_read(a->dev, dev_off, buf, len);
}

int ferry_area_program(const struct ferry_area *a, uint32_t off, const void *buf, uint32_t len)
{
    uint32_t dev_off;
    int err = area_translate(a, off, len, &dev_off);
    return err ? err : ferry_flash_program(a->dev, dev_off, buf, len);
}

int ferry_area_erase(const struct ferry_area *a, uint32_t off, uint32_t len)
{
    uint32_t dev_off;
    int err = area_translate(a, off, len, &dev_off);
    return err ? err : ferry_flash_erase(a->dev, dev_off, len);
}

/* FERRY_E_INVAL when the sector reaches outside the area (an area that
 * ferry_area_check() would reject). */
int ferry_area_sector_at(const struct ferry_area *a, uint32_t off,
                         uint32_t *sector_start, uint32_t *sector_size)
{
    uint32_t dev_off, start, size;
    int err;

    if (a == NULL)
        return FERRY_E_INVAL;
    if (off >= a->size)
        return FERRY_E_RANGE;
    err = area_translate(a, off, 1, &dev_off);
    if (err == FERRY_OK)
        err = ferry_flash_sector_at(a->dev, dev_off, &start, &size);
    if (err != FERRY_OK)
        return err;
    if (start < a->off || (uint64_t)start + size > (uint64_t)a->off + a->size)
        return FERRY_E_INVAL;
    if (sector_start != NULL)
        *sector_start = start - a->off;
    if (sector_size != NULL)
        *sector_size = size;
    return FERRY_OK;
}

int ferry_area_is_sector_boundary(const struct ferry_area *a, uint32_t off)
{
    uint32_t dev_off;

    if (area_translate(a, off, 0, &dev_off) != FERRY_OK)
        return 0;
    return ferry_flash_is_sector_boundary(a->dev, dev_off);
}
