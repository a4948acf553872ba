/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A flash device over a memory buffer, with NOR rules enforced in software
 * (contract in include/ferry/memflash.h).
 *
 * The ops check everything themselves, because a driver may be called without
 * the checked wrappers (ferry_memflash_ops is public):
 *   program: FERRY_E_UNSUPPORTED (read-only), FERRY_E_RANGE, FERRY_E_ALIGN,
 *            FERRY_E_NOT_ERASED (nothing is written then)
 *   erase:   FERRY_E_UNSUPPORTED (read-only), FERRY_E_RANGE, FERRY_E_ALIGN
 *   read:    FERRY_E_RANGE
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ferry/errors.h"
#include "ferry/flash.h"
#include "ferry/memflash.h"

static int mem_in_range(const struct ferry_memflash *m, uint32_t off, uint32_t len)
{
    uint32_t size = m->flash.geo->size;
    return len <= size && off <= size - len;
}

static int mem_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    struct ferry_memflash *m = ctx;

    if (!mem_in_range(m, off, len))
        return FERRY_E_RANGE;
    if (len != 0)
        memcpy(buf, m->mem + off, len);
    return FERRY_OK;
}

static int mem_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    struct ferry_memflash *m = ctx;
    const struct ferry_flash_geometry *g = m->flash.geo;
    const uint8_t *src = buf;
    uint8_t erased = g->erased_value;

    if (m->read_only)
        return FERRY_E_UNSUPPORTED;
    if (!mem_in_range(m, off, len))
        return FERRY_E_RANGE;
    if (off % g->program_unit != 0 || len % g->program_unit != 0)
        return FERRY_E_ALIGN;
    for (uint32_t i = 0; i < len; i++) {
        if (m->mem[off + i] != erased)
            return FERRY_E_NOT_ERASED;
    }
    /* Programming only moves bits away from the erased value: AND on parts
     * that erase to 0xFF, OR on parts that erase to 0x00. */
    for (uint32_t i = 0; i < len; i++) {
        if (erased == 0xFF)
            m->mem[off + i] &= src[i];
        else
            m->mem[off + i] |= src[i];
    }
    return FERRY_OK;
}

static int mem_erase(void *ctx, uint32_t off, uint32_t len)
{
    struct ferry_memflash *m = ctx;

    if (m->read_only)
        return FERRY_E_UNSUPPORTED;
    if (!mem_in_range(m, off, len))
        return FERRY_E_RANGE;
    if (!ferry_flash_is_sector_boundary(&m->flash, off) ||
        !ferry_flash_is_sector_boundary(&m->flash, off + len))
        return FERRY_E_ALIGN;
    memset(m->mem + off, m->flash.geo->erased_value, len);
    return FERRY_OK;
}

const struct ferry_flash_ops ferry_memflash_ops = {
    .read = mem_read,
    .program = mem_program,
    .erase = mem_erase,
};

/* Errors: FERRY_E_INVAL (NULL argument or a geometry that fails
 * ferry_flash_geometry_check()). The buffer is used as it is: the caller
 * decides whether it starts erased. */
int ferry_memflash_init(struct ferry_memflash *m, uint8_t *mem,
                        const struct ferry_flash_geometry *geo)
{
    if (m == NULL || mem == NULL || ferry_flash_geometry_check(geo) != FERRY_OK)
        return FERRY_E_INVAL;
    memset(m, 0, sizeof(*m));
    m->mem = mem;
    m->read_only = 0;
    m->flash.ops = &ferry_memflash_ops;
    m->flash.ctx = m;
    m->flash.geo = geo;
    return FERRY_OK;
}

/* Errors: FERRY_E_INVAL (NULL argument or len 0). The buffer is never
 * written: the const is dropped only to share the struct with writable
 * devices, and read_only stops every write path. */
int ferry_memflash_init_ro(struct ferry_memflash *m, const uint8_t *mem, uint32_t len)
{
    if (m == NULL || mem == NULL || len == 0)
        return FERRY_E_INVAL;
    memset(m, 0, sizeof(*m));
    m->mem = (uint8_t *)(uintptr_t)mem;
    m->read_only = 1;
    m->region_storage.count = 1;
    m->region_storage.size = len;
    m->geo_storage.start = 0;
    m->geo_storage.size = len;
    m->geo_storage.program_unit = 1;
    m->geo_storage.erased_value = 0xFF;
    m->geo_storage.region_count = 1;
    m->geo_storage.regions = &m->region_storage;
    m->flash.ops = &ferry_memflash_ops;
    m->flash.ctx = m;
    m->flash.geo = &m->geo_storage;
    return FERRY_OK;
}
