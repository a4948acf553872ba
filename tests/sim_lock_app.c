/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A hostile application payload for ferry-sim (tests/sim_lock.sh): it tries
 * to wipe and to rewrite the anti-rollback counter store, which the
 * bootloader locked before the handover, and reports what the flash said.
 * As a control it also erases a sector of the staging slot, which stays
 * writable. Prints one "[lock-app] ..." line per attempt; exits 0.
 */
#include <stdio.h>
#include <string.h>
#include "ferry/errors.h"
#include "ferry/flash.h"
#include "sim_app.h"

static uint8_t before[16384], after[16384];

int main(void)
{
    struct sim_board b;
    int err = sim_app_open_board(&b);
    if (err) {
        printf("[lock-app] cannot open the board: %s\n", ferry_strerror(err));
        return 1;
    }
    const struct sim_area_desc *c = &b.desc->counter;
    struct ferry_area a = {&b.port[c->dev].flash, c->off, c->size};
    uint32_t unit = a.dev->geo->program_unit;
    if (c->size == 0 || c->size > sizeof before || ferry_area_read(&a, 0, before, c->size)) {
        printf("[lock-app] no readable counter store on this board\n");
        sim_board_close(&b);
        return 1;
    }
    memset(after, 0, unit); /* all bits programmed: the lowest value a cell can hold */
    printf("[lock-app] erase counter store: %s\n", ferry_strerror(ferry_area_erase(&a, 0, c->size)));
    printf("[lock-app] program counter store: %s\n",
           ferry_strerror(ferry_area_program(&a, c->size - unit, after, unit)));
    printf("[lock-app] advance counter: %s\n",
           ferry_strerror(b.cfg.counter ? b.cfg.counter->ops->advance(b.cfg.counter->ctx, 1000)
                                        : FERRY_E_NOT_FOUND));
    err = ferry_area_read(&a, 0, after, c->size);
    printf("[lock-app] counter store unchanged: %s\n",
           !err && memcmp(before, after, c->size) == 0 ? "yes" : "NO");
    uint32_t ss, sz;
    const struct ferry_area *st = &b.cfg.staging;
    err = ferry_area_sector_at(st, st->size - 1, &ss, &sz);
    printf("[lock-app] erase staging sector: %s\n",
           ferry_strerror(err ? err : ferry_area_erase(st, ss, sz)));
    sim_board_close(&b);
    return 0;
}
