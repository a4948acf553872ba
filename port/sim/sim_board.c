/* SPDX-License-Identifier: Apache-2.0 */
/* Simulated boards: see sim_board.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim_board.h"
#include "flash_layouts.h"
#include "ferry/errors.h"

#define KiB 1024u

/*
 * The table. Every board keeps the bootloader region write-protected and
 * follows the layout rules of docs/design.md (staging = primary + D).
 */
static const struct sim_board_desc boards[] = {
    {"demo", "internal 1 MiB/4 KiB sectors + staging on an external 8 MiB SPI NOR",
     {"uniform-4k", "spi-nor"}, {0, 0}, {-1, -1}, 64 * KiB,
     {0, 128 * KiB, 896 * KiB}, {1, 0, 900 * KiB}, {0, 64 * KiB, 16 * KiB}, {0, 80 * KiB, 8 * KiB},
     {0, 88 * KiB, 8 * KiB}},
    {"uniform-4k", "one 1 MiB device of 4 KiB sectors, 8-byte program unit",
     {"uniform-4k", NULL}, {0, 0}, {-1, -1}, 16 * KiB,
     {0, 32 * KiB, 480 * KiB}, {0, 512 * KiB, 484 * KiB}, {0, 16 * KiB, 16 * KiB}, {0, 996 * KiB, 8 * KiB},
     {0, 1004 * KiB, 8 * KiB}},
    {"sectors-128k", "one device of 128 KiB sectors, 32-byte program unit",
     {"sectors-128k", NULL}, {0, 0}, {-1, -1}, 128 * KiB,
     {0, 384 * KiB, 256 * KiB}, {0, 640 * KiB, 384 * KiB}, {0, 128 * KiB, 256 * KiB},
     {0, 0, 0} /* no room left for a counter store */,
     {0, 0, 0}},
    {"stm32f4", "STM32F4-like 16/64/128 KiB sectors, both slots internal",
     {"stm32f4", NULL}, {0, 0}, {-1, -1}, 16 * KiB,
     {0, 128 * KiB, 384 * KiB}, {0, 512 * KiB, 512 * KiB}, {0, 16 * KiB, 32 * KiB},
     {0, 0, 0} /* no two free sectors that split evenly */,
     {0, 0, 0}},
    {"stm32f4-ext-nor", "STM32F4-like primary (128 KiB sectors) + staging on 4 KiB SPI NOR",
     {"stm32f4", "spi-nor"}, {0, 0}, {-1, -1}, 16 * KiB,
     {0, 128 * KiB, 896 * KiB}, {1, 0, 1024 * KiB}, {0, 16 * KiB, 32 * KiB}, {1, 1024 * KiB, 8 * KiB},
     {1, 1032 * KiB, 8 * KiB}},
    /* port/stm32f4 (layout.cmake): bootloader in sectors 0-1, counter store in
     * sectors 2-3, primary in sectors 4-11; staging (D = 128 KiB) and the
     * status area on the external 16 MiB NOR. */
    {"stm32f4-ref", "port/stm32f4: STM32F4 1 MiB + W25Q128 NOR holding staging and status",
     {"stm32f4", "w25q128"}, {0, 0}, {-1, -1}, 32 * KiB,
     {0, 64 * KiB, 960 * KiB}, {1, 0, 1088 * KiB}, {1, 1088 * KiB, 8 * KiB}, {0, 32 * KiB, 32 * KiB},
     {0, 0, 0} /* no sector left inside: the confirmed image's floor only */},
    {"page-256", "256-byte program pages, 4 KiB erase",
     {"page-256", NULL}, {0, 0}, {-1, -1}, 16 * KiB,
     {0, 64 * KiB, 128 * KiB}, {0, 192 * KiB, 132 * KiB}, {0, 16 * KiB, 48 * KiB}, {0, 324 * KiB, 8 * KiB},
     {0, 332 * KiB, 8 * KiB}},
    {"erased-zero", "4 KiB sectors that erase to 0x00, 4-byte program unit",
     {"erased-zero", NULL}, {0, 0}, {-1, -1}, 16 * KiB,
     {0, 32 * KiB, 480 * KiB}, {0, 512 * KiB, 484 * KiB}, {0, 16 * KiB, 16 * KiB}, {0, 996 * KiB, 8 * KiB},
     {0, 1004 * KiB, 8 * KiB}},
    {"unit-1", "4 KiB sectors, 1-byte program unit",
     {"uniform-4k", NULL}, {1, 0}, {-1, -1}, 16 * KiB,
     {0, 32 * KiB, 480 * KiB}, {0, 512 * KiB, 484 * KiB}, {0, 16 * KiB, 16 * KiB}, {0, 996 * KiB, 8 * KiB},
     {0, 1004 * KiB, 8 * KiB}},
    {"spi-nor-8m", "everything on one 8 MiB SPI NOR, byte-programmable: room for 2 MiB images",
     {"spi-nor", NULL}, {0, 0}, {-1, -1}, 0,
     {0, 64 * KiB, 2048 * KiB}, {0, 2112 * KiB, 2052 * KiB}, {0, 0, 16 * KiB},
     {0, 4168 * KiB, 8 * KiB},
     {0, 4176 * KiB, 8 * KiB}},
    {"unit-32-zero", "4 KiB sectors, 32-byte program unit, erased to 0x00",
     {"uniform-4k", NULL}, {32, 0}, {0x00, -1}, 16 * KiB,
     {0, 32 * KiB, 480 * KiB}, {0, 512 * KiB, 484 * KiB}, {0, 16 * KiB, 16 * KiB}, {0, 996 * KiB, 8 * KiB},
     {0, 1004 * KiB, 8 * KiB}},
};

const struct sim_board_desc *sim_board_list(size_t *count)
{
    *count = sizeof boards / sizeof boards[0];
    return boards;
}

const struct sim_board_desc *sim_board_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof boards / sizeof boards[0]; i++)
        if (strcmp(boards[i].name, name) == 0)
            return &boards[i];
    return NULL;
}

/* ---- board-level op counting and power cuts ---------------------------- */

static int before_write(struct sim_board_port *p)
{
    struct sim_board *b = p->board;
    if (b->power_lost)
        return FERRY_E_POWER_LOSS;
    if (b->cut_armed && b->ops == b->cut_at) {
        ferry_sim_flash_arm_cut(b->dev[p->idx], 0, b->cut_mode, b->cut_seed);
        b->cut_armed = 0;
    }
    return 0;
}

static int after_write(struct sim_board_port *p, int err)
{
    struct sim_board *b = p->board;
    if (err == FERRY_E_POWER_LOSS)
        b->power_lost = 1;
    if (err == 0 || err == FERRY_E_POWER_LOSS)
        b->ops++;
    return err;
}

static int port_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    struct sim_board_port *p = ctx;
    if (p->board->power_lost)
        return FERRY_E_POWER_LOSS;
    const struct ferry_flash *f = ferry_sim_flash_device(p->board->dev[p->idx]);
    return f->ops->read(f->ctx, off, buf, len);
}

static int port_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    struct sim_board_port *p = ctx;
    int err = before_write(p);
    if (err)
        return err;
    const struct ferry_flash *f = ferry_sim_flash_device(p->board->dev[p->idx]);
    return after_write(p, f->ops->program(f->ctx, off, buf, len));
}

static int port_erase(void *ctx, uint32_t off, uint32_t len)
{
    struct sim_board_port *p = ctx;
    int err = before_write(p);
    if (err)
        return err;
    const struct ferry_flash *f = ferry_sim_flash_device(p->board->dev[p->idx]);
    return after_write(p, f->ops->erase(f->ctx, off, len));
}

static const struct ferry_flash_ops port_ops = {port_read, port_program, port_erase};

void sim_board_arm_cut(struct sim_board *b, uint64_t ops_before_cut,
                       enum ferry_sim_cut_mode mode, uint64_t seed)
{
    b->cut_armed = 1;
    b->cut_at = b->ops + ops_before_cut;
    b->cut_mode = mode;
    b->cut_seed = seed;
}

void sim_board_disarm(struct sim_board *b)
{
    b->cut_armed = 0;
    for (int i = 0; i < SIM_BOARD_DEVS; i++)
        if (b->dev[i])
            ferry_sim_flash_disarm(b->dev[i]);
}

int sim_board_power_lost(const struct sim_board *b)
{
    return b->power_lost;
}

void sim_board_reboot(struct sim_board *b)
{
    b->power_lost = 0;
    for (int i = 0; i < SIM_BOARD_DEVS; i++)
        if (b->dev[i])
            ferry_sim_flash_reboot(b->dev[i]);
}

uint64_t sim_board_ops(const struct sim_board *b)
{
    return b->ops;
}

/* ---- open / close ------------------------------------------------------- */

static int make_geometry(struct sim_board *b, int i)
{
    const struct sim_board_desc *d = b->desc;
    const struct ferry_flash_geometry *base = ferry_flash_layout_geometry(d->dev_layout[i]);
    if (!base || base->region_count > 16)
        return FERRY_E_INVAL;
    memcpy(b->regions[i], base->regions, base->region_count * sizeof base->regions[0]);
    b->geo[i] = *base;
    b->geo[i].regions = b->regions[i];
    if (d->program_unit[i])
        b->geo[i].program_unit = d->program_unit[i];
    if (d->erased_value[i] >= 0)
        b->geo[i].erased_value = (uint8_t)d->erased_value[i];
    return ferry_flash_geometry_check(&b->geo[i]);
}

static int area_of(struct sim_board *b, const struct sim_area_desc *a, struct ferry_area *out)
{
    if (a->dev >= SIM_BOARD_DEVS || !b->dev[a->dev])
        return FERRY_E_INVAL;
    out->dev = &b->port[a->dev].flash;
    out->off = a->off;
    out->size = a->size;
    return ferry_area_check(out);
}

int sim_board_open(struct sim_board *b, const struct sim_board_desc *desc, const char *dir)
{
    static const char *const file[SIM_BOARD_DEVS] = {"internal.bin", "external.bin"};
    memset(b, 0, sizeof *b);
    b->desc = desc;
    for (int i = 0; i < SIM_BOARD_DEVS; i++) {
        if (!desc->dev_layout[i])
            continue;
        int err = make_geometry(b, i);
        if (!err && dir) {
            char path[4096];
            if (snprintf(path, sizeof path, "%s/%s", dir, file[i]) >= (int)sizeof path)
                err = FERRY_E_INVAL;
            else
                err = ferry_sim_flash_open_file(&b->geo[i], path, &b->dev[i]);
        } else if (!err) {
            err = ferry_sim_flash_open_ram(&b->geo[i], &b->dev[i]);
        }
        if (err) {
            sim_board_close(b);
            return err;
        }
        b->port[i].board = b;
        b->port[i].idx = i;
        b->port[i].flash.ops = &port_ops;
        b->port[i].flash.ctx = &b->port[i];
        b->port[i].flash.geo = &b->geo[i];
    }
    int err = 0;
    if (desc->boot_size)
        err = ferry_sim_flash_set_write_protect(b->dev[0], 0, desc->boot_size);
    if (!err)
        err = area_of(b, &desc->primary, &b->cfg.primary);
    if (!err)
        err = area_of(b, &desc->staging, &b->cfg.staging);
    if (!err)
        err = area_of(b, &desc->status, &b->cfg.status);
    if (!err && (desc->counter.size || desc->revocation.size))
        err = sim_board_reset(b);
    if (err) {
        sim_board_close(b);
        return err;
    }
    b->cfg.buf = b->buf;
    b->cfg.buf_len = sizeof b->buf;
    b->app.primary = b->cfg.primary;
    b->app.staging = b->cfg.staging;
    b->app.status = b->cfg.status;
    b->app.buf = b->buf;
    b->app.buf_len = sizeof b->buf;
    return 0;
}

int sim_board_reset(struct sim_board *b)
{
    struct ferry_area a;
    for (int i = 0; i < SIM_BOARD_DEVS && !b->power_lost; i++)
        if (b->dev[i])
            ferry_sim_flash_reboot(b->dev[i]); /* power is on: only the locks go */
    int err = 0;
    b->cfg.counter = NULL;
    b->cfg.revocation = NULL;
    if (b->desc->counter.size) {
        err = area_of(b, &b->desc->counter, &a);
        if (!err)
            err = ferry_counter_flash_init(&b->counter, &a, b->counter_buf, sizeof b->counter_buf);
        b->cfg.counter = err ? NULL : &b->counter.counter;
    }
    if (!err && b->desc->revocation.size) {
        err = area_of(b, &b->desc->revocation, &a);
        if (!err)
            err = ferry_counter_flash_init(&b->revocation, &a, b->revocation_buf,
                                           sizeof b->revocation_buf);
        b->cfg.revocation = err ? NULL : &b->revocation.counter;
    }
    return err;
}

static int lock_area(struct sim_board *b, const struct sim_area_desc *c)
{
    if (!c->size)
        return 0;
    if (c->dev >= SIM_BOARD_DEVS || !b->dev[c->dev])
        return FERRY_E_INVAL;
    return ferry_sim_flash_lock(b->dev[c->dev], c->off, c->size);
}

int sim_board_lock_counter(struct sim_board *b)
{
    int err = lock_area(b, &b->desc->counter);
    return err ? err : lock_area(b, &b->desc->revocation);
}

int sim_board_lock_from_env(struct sim_board *b)
{
    const char *v = getenv(SIM_BOARD_ENV_LOCKS);
    if (!v || !*v)
        return 0;
    if (strcmp(v, "counter") != 0)
        return FERRY_E_INVAL;
    return sim_board_lock_counter(b);
}

void sim_board_close(struct sim_board *b)
{
    for (int i = 0; i < SIM_BOARD_DEVS; i++) {
        ferry_sim_flash_close(b->dev[i]);
        b->dev[i] = NULL;
    }
}

/* ---- the programmer ----------------------------------------------------- */

static int slot_window(struct sim_board *b, enum sim_slot slot, struct ferry_area *out)
{
    *out = slot == SIM_SLOT_PRIMARY ? b->cfg.primary : b->cfg.staging;
    if (slot == SIM_SLOT_STAGING) {
        uint32_t d = ferry_staging_image_offset(&b->cfg.primary, &b->cfg.staging);
        if (d == 0 || d >= out->size)
            return FERRY_E_INVAL;
        out->off += d;
        out->size -= d;
    }
    return 0;
}

int sim_board_erase_slot(struct sim_board *b, enum sim_slot slot)
{
    const struct ferry_area *a = slot == SIM_SLOT_PRIMARY ? &b->cfg.primary : &b->cfg.staging;
    return ferry_area_erase(a, 0, a->size);
}

int sim_board_write_image(struct sim_board *b, enum sim_slot slot, const uint8_t *img, size_t len)
{
    struct ferry_area a;
    int err = slot_window(b, slot, &a);
    if (err)
        return err;
    if (len > a.size)
        return FERRY_E_NOSPC;
    /* Erase every sector the image touches. */
    uint32_t end = 0;
    while (end < len) {
        uint32_t ss, sz;
        err = ferry_area_sector_at(&a, end, &ss, &sz);
        if (!err)
            err = ferry_area_erase(&a, ss, sz);
        if (err)
            return err;
        end = ss + sz;
    }
    /* Program in whole program units, padding the tail with erased bytes. */
    uint32_t unit = a.dev->geo->program_unit, chunk = sizeof b->buf / unit * unit;
    for (uint32_t off = 0; off < len; off += chunk) {
        uint32_t n = (uint32_t)(len - off) < chunk ? (uint32_t)(len - off) : chunk;
        uint32_t padded = (n + unit - 1) / unit * unit;
        memset(b->buf, a.dev->geo->erased_value, padded);
        memcpy(b->buf, img + off, n);
        err = ferry_area_program(&a, off, b->buf, padded);
        if (err)
            return err;
    }
    return 0;
}

static void print_area(FILE *out, const char *what, const struct sim_board_desc *d,
                       const struct sim_area_desc *a)
{
    if (!a->size) {
        fprintf(out, "    %-8s none\n", what);
        return;
    }
    fprintf(out, "    %-8s %s 0x%06x +0x%06x (%u KiB)\n", what, a->dev ? "external" : "internal",
            (unsigned)a->off, (unsigned)a->size, (unsigned)(a->size / 1024));
    (void)d;
}

void sim_board_print_layout(FILE *out, const struct sim_board_desc *d)
{
    fprintf(out, "  %s: %s\n", d->name, d->description);
    for (int i = 0; i < SIM_BOARD_DEVS; i++)
        if (d->dev_layout[i])
            fprintf(out, "    device %d: %s (%s)\n", i, d->dev_layout[i],
                    i ? "external" : "internal");
    if (d->boot_size)
        fprintf(out, "    %-8s internal 0x000000 +0x%06x (write-protected)\n", "boot",
                (unsigned)d->boot_size);
    print_area(out, "primary", d, &d->primary);
    print_area(out, "staging", d, &d->staging);
    print_area(out, "status", d, &d->status);
    print_area(out, "counter", d, &d->counter);
    print_area(out, "revocation", d, &d->revocation);
}
