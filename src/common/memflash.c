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

/*
 * The loops below go a word at a time where both sides allow it: on a small
 * core this device is the bootloader's flash (port/mps2-an385/psram_flash.c),
 * and a C library built for size copies byte by byte. WORD() is a 4-byte copy
 * that the compiler makes one load or store (__builtin_memcpy: with
 * -ffreestanding a plain memcpy() stays a call); the byte loops finish what
 * is left.
 */
#define WORD(dst, src) __builtin_memcpy((dst), (src), 4)
static void copy_bytes(uint8_t *dst, const uint8_t *src, uint32_t len)
{
    uint32_t i = 0;

    if ((((uintptr_t)dst | (uintptr_t)src) & 3u) == 0) {
        for (; len - i >= 16u; i += 16u) {
            uint32_t w0, w1, w2, w3;
            WORD(&w0, src + i);
            WORD(&w1, src + i + 4);
            WORD(&w2, src + i + 8);
            WORD(&w3, src + i + 12);
            WORD(dst + i, &w0);
            WORD(dst + i + 4, &w1);
            WORD(dst + i + 8, &w2);
            WORD(dst + i + 12, &w3);
        }
    }
    for (; i < len; i++)
        dst[i] = src[i];
}

/* 1 if every byte of p[0, len) is v. */
static int all_equal(const uint8_t *p, uint32_t len, uint8_t v)
{
    uint32_t i = 0;
    uint32_t vw = v * 0x01010101u;

    if (((uintptr_t)p & 3u) == 0) {
        for (; len - i >= 4u; i += 4u) {
            uint32_t w;
            WORD(&w, p + i);
            if (w != vw)
                return 0;
        }
    }
    for (; i < len; i++) {
        if (p[i] != v)
            return 0;
    }
    return 1;
}

static int mem_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    struct ferry_memflash *m = ctx;

    if (!mem_in_range(m, off, len))
        return FERRY_E_RANGE;
    copy_bytes(buf, m->mem + off, len);
    return FERRY_OK;
}

static int mem_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    struct ferry_memflash *m = ctx;
    const struct ferry_flash_geometry *g = m->flash.geo;

    if (m->read_only)
        return FERRY_E_UNSUPPORTED;
    if (!mem_in_range(m, off, len))
        return FERRY_E_RANGE;
    if (off % g->program_unit != 0 || len % g->program_unit != 0)
        return FERRY_E_ALIGN;
    if (!all_equal(m->mem + off, len, g->erased_value))
        return FERRY_E_NOT_ERASED;
    /* Programming only moves bits away from the erased value (AND on parts
     * that erase to 0xFF, OR on parts that erase to 0x00); over bytes that
     * are all erased that leaves exactly the source bytes. */
    copy_bytes(m->mem + off, buf, len);
    return FERRY_OK;
}

static int mem_erase(void *ctx, uint32_t off, uint32_t len)
{
    struct ferry_memflash *m = ctx;
    uint8_t v = m->flash.geo->erased_value;
    uint32_t vw = v * 0x01010101u, i = 0;
    uint8_t *p;

    if (m->read_only)
        return FERRY_E_UNSUPPORTED;
    if (!mem_in_range(m, off, len))
        return FERRY_E_RANGE;
    if (!ferry_flash_is_sector_boundary(&m->flash, off) ||
        !ferry_flash_is_sector_boundary(&m->flash, off + len))
        return FERRY_E_ALIGN;
    p = m->mem + off;
    if (((uintptr_t)p & 3u) == 0) {
        for (; len - i >= 4u; i += 4u)
            WORD(p + i, &vw);
    }
    for (; i < len; i++)
        p[i] = v;
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
