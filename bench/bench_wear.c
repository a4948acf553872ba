/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flash wear of one install and one revert, per board: erases of every
 * sector of the primary slot, the staging slot and the status area, from the
 * simulator's per-sector erase counters. Prints a Markdown table row per board.
 *
 *   bench_wear [BOARD...]   (default: every board)
 */
#include <stdio.h>
#include <string.h>
#include "boot_fixture.h"

struct wear {
    uint32_t max_primary, max_staging, status;
    uint64_t sum_primary, sum_staging;
};

/* Erase counts of the sectors inside area `a` of device `dev`. */
static void area_wear(struct fx *f, const struct sim_area_desc *a, uint32_t *max, uint64_t *sum)
{
    uint32_t count, off = 0;
    const uint32_t *erases = ferry_sim_flash_erase_counts(f->board.dev[a->dev], &count);
    const struct ferry_flash_geometry *g = &f->board.geo[a->dev];
    uint32_t sector = 0;
    *max = 0;
    *sum = 0;
    for (uint8_t r = 0; r < g->region_count; r++)
        for (uint32_t i = 0; i < g->regions[r].count; i++, sector++) {
            if (off >= a->off && off < a->off + a->size) {
                if (erases[sector] > *max)
                    *max = erases[sector];
                *sum += erases[sector];
            }
            off += g->regions[r].size;
        }
}

static void measure(struct fx *f, struct wear *w)
{
    uint32_t m;
    uint64_t s;
    area_wear(f, &f->board.desc->primary, &w->max_primary, &w->sum_primary);
    area_wear(f, &f->board.desc->staging, &w->max_staging, &w->sum_staging);
    area_wear(f, &f->board.desc->status, &m, &s);
    w->status = (uint32_t)s;
}

static void reset(struct fx *f)
{
    for (int i = 0; i < SIM_BOARD_DEVS; i++)
        if (f->board.dev[i])
            ferry_sim_flash_reset_stats(f->board.dev[i]);
}

static int run(const char *board)
{
    struct fx f;
    struct wear ins, rev;
    if (fx_open(&f, board))
        return 1;
    f.board.cfg.hooks.event = NULL;
    /* Images of about 3/4 of the primary slot. */
    size_t size = f.board.cfg.primary.size / 4 * 3;
    struct fx_image v1 = fx_make(&f, 1, 0, 0, 1, size - 2048, 1);
    struct fx_image v2 = fx_make(&f, 2, 0, 0, 2, size - 1024, 2);
    sim_board_write_image(&f.board, SIM_SLOT_PRIMARY, v1.bytes, v1.len);
    sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len);
    reset(&f);
    int err = fx_boot(&f);                      /* install */
    measure(&f, &ins);
    reset(&f);
    if (!err)
        err = fx_boot(&f);                      /* not confirmed: revert */
    measure(&f, &rev);
    if (!err && f.res.action == FERRY_BOOT_REVERTED)
        printf("| %s | %zu KiB | %u | %llu | %u | %llu | %u | %u | %llu | %u | %llu | %u |\n", board,
               v2.len / 1024, ins.max_primary, (unsigned long long)ins.sum_primary, ins.max_staging,
               (unsigned long long)ins.sum_staging, ins.status, rev.max_primary,
               (unsigned long long)rev.sum_primary, rev.max_staging,
               (unsigned long long)rev.sum_staging, rev.status);
    else
        printf("| %s | failed: %s |\n", board, ferry_strerror(err));
    fx_free(&v1);
    fx_free(&v2);
    fx_close(&f);
    return err ? 1 : 0;
}

int main(int argc, char **argv)
{
    int rc = 0;
    printf("| board | image | install: max erases/sector primary | primary sector erases | "
           "max/sector staging | staging sector erases | status erases | revert: max primary | "
           "primary erases | max staging | staging erases | status erases |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            rc |= run(argv[i]);
    } else {
        size_t n;
        const struct sim_board_desc *list = sim_board_list(&n);
        for (size_t i = 0; i < n; i++)
            rc |= run(list[i].name);
    }
    return rc;
}
