/* SPDX-License-Identifier: Apache-2.0 */
/* An open FAT file as a read-only flash device (contract: card_priv.h). */
#include <string.h>
#include "card_priv.h"
#include "ferry/errors.h"

static int fv_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    struct card_file_view *v = ctx;
    if (len == 0)
        return 0;
    int n = ferry_fat_read(v->f, off, buf, len);
    if (n < 0)
        return n;
    return (uint32_t)n == len ? 0 : FERRY_E_IO; /* the file shrank under us */
}

int card_refuse_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    (void)ctx, (void)off, (void)buf, (void)len;
    return FERRY_E_UNSUPPORTED;
}

int card_refuse_erase(void *ctx, uint32_t off, uint32_t len)
{
    (void)ctx, (void)off, (void)len;
    return FERRY_E_UNSUPPORTED;
}

static const struct ferry_flash_ops fv_ops = {fv_read, card_refuse_program, card_refuse_erase};

void card_file_view_init(struct card_file_view *v, struct ferry_fat_file *f)
{
    memset(v, 0, sizeof *v);
    v->f = f;
    v->region.count = 1;
    v->region.size = ferry_fat_size(f);
    v->geo.size = v->region.size;
    v->geo.program_unit = 1;
    v->geo.erased_value = 0xFF;
    v->geo.region_count = 1;
    v->geo.regions = &v->region;
    v->dev.ops = &fv_ops;
    v->dev.ctx = v;
    v->dev.geo = &v->geo;
    v->area.dev = &v->dev;
    v->area.size = v->region.size;
}
