/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A flash-seam view of an erasable block device (contract in
 * include/ferry/blockdev.h): one region of uniform erase_unit sectors.
 *
 * The flash seam has no sync: its ops promise the data is in place when they
 * return. So every program and erase here is followed by the device's sync
 * (when it has one), and a failed sync is the op's failure.
 */
#include <stddef.h>
#include <stdint.h>

#include "ferry/blockdev.h"
#include "ferry/errors.h"
#include "ferry/flash.h"

static int bdf_sync(const struct ferry_bd *bd)
{
    return bd->ops->sync != NULL ? bd->ops->sync(bd->ctx) : FERRY_OK;
}

static int bdf_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    const struct ferry_bd *bd = ((struct ferry_bd_flash *)ctx)->bd;
    return bd->ops->read(bd->ctx, off, buf, len);
}

static int bdf_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    const struct ferry_bd *bd = ((struct ferry_bd_flash *)ctx)->bd;
    int err = bd->ops->program(bd->ctx, off, buf, len);
    return err ? err : bdf_sync(bd);
}

static int bdf_erase(void *ctx, uint32_t off, uint32_t len)
{
    const struct ferry_bd *bd = ((struct ferry_bd_flash *)ctx)->bd;
    int err = bd->ops->erase(bd->ctx, off, len);
    return err ? err : bdf_sync(bd);
}

static const struct ferry_flash_ops bd_flash_ops = {
    .read = bdf_read,
    .program = bdf_program,
    .erase = bdf_erase,
};

int ferry_bd_flash_init(struct ferry_bd_flash *v, const struct ferry_bd *bd)
{
    const struct ferry_bd_geometry *g;

    if (v == NULL || bd == NULL || bd->ops == NULL || bd->geo == NULL ||
        bd->ops->read == NULL || bd->ops->program == NULL)
        return FERRY_E_INVAL;
    g = bd->geo;
    if (bd->ops->erase == NULL || g->erased_value < 0)
        return FERRY_E_UNSUPPORTED;
    if (g->size > UINT32_MAX || g->read_unit != 1)
        return FERRY_E_UNSUPPORTED;
    if (g->size == 0 || g->erase_unit == 0 || g->program_unit == 0 ||
        g->size % g->erase_unit != 0 || g->erase_unit % g->program_unit != 0)
        return FERRY_E_INVAL;

    v->bd = bd;
    v->region.count = (uint32_t)(g->size / g->erase_unit);
    v->region.size = g->erase_unit;
    v->geo.start = 0;
    v->geo.size = (uint32_t)g->size;
    v->geo.program_unit = g->program_unit;
    v->geo.erased_value = (uint8_t)g->erased_value;
    v->geo.region_count = 1;
    v->geo.regions = &v->region;
    v->flash.ops = &bd_flash_ops;
    v->flash.ctx = v;
    v->flash.geo = &v->geo;
    /* Rejects what the flash seam cannot express (an erased value other than
     * 0x00/0xFF, a program unit that is no power of two up to 512). */
    if (ferry_flash_geometry_check(&v->geo) != FERRY_OK) {
        v->flash.ops = NULL;
        return FERRY_E_INVAL;
    }
    return FERRY_OK;
}
