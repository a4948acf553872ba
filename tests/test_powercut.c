/*
 * Power-cut proofs. Each scenario is run once to count its flash operations;
 * then, for every operation index k and both cut kinds (between operations,
 * and inside one: torn program / torn erase), the scenario is replayed from
 * the same starting flash with power cut at k, optionally cut again during
 * the recovery boot (double fault), and the device is rebooted until it
 * settles. After every cut the invariants of docs/design.md must hold:
 *   - the device boots a valid signed image (never FERRY_E_NO_IMAGE);
 *   - it is one the state machine allows at that point;
 *   - no image is lost: both versions still exist, in primary or staging;
 *   - driven to its end, the scenario reaches exactly the expected state.
 *
 * usage: test_powercut BOARD [SCENARIO|all] [double-fault-seeds] [stride]
 * Prints one summary line: boards, cut points tried, failures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "boot_fixture.h"
#include "ferry/app.h"

struct snap {
    uint8_t *mem[SIM_BOARD_DEVS];
    size_t len[SIM_BOARD_DEVS];
};

static void snap_take(struct fx *f, struct snap *s)
{
    for (int i = 0; i < SIM_BOARD_DEVS; i++) {
        s->mem[i] = NULL;
        if (!f->board.dev[i])
            continue;
        s->len[i] = f->board.geo[i].size;
        s->mem[i] = malloc(s->len[i]);
        ferry_sim_flash_snapshot(f->board.dev[i], s->mem[i], s->len[i]);
    }
}

static void snap_restore(struct fx *f, const struct snap *s)
{
    for (int i = 0; i < SIM_BOARD_DEVS; i++)
        if (s->mem[i])
            ferry_sim_flash_restore(f->board.dev[i], s->mem[i], s->len[i]);
}

static void snap_free(struct snap *s)
{
    for (int i = 0; i < SIM_BOARD_DEVS; i++)
        free(s->mem[i]);
}

/* ---- scenarios ----------------------------------------------------------- */

enum action { ACT_BOOT, ACT_CONFIRM };

struct scenario {
    const char *name;
    /* Brings the board from v1-in-primary + v2-staged to the scenario's start. */
    void (*prepare)(struct fx *f);
    enum action action;
};

static void prep_none(struct fx *f)
{
    (void)f;
}

static void prep_installed(struct fx *f) /* v2 installed, on trial, not yet confirmed */
{
    fx_boot(f);
}

static const struct scenario scenarios[] = {
    {"install", prep_none, ACT_BOOT},        /* the boot that installs v2 */
    {"revert", prep_installed, ACT_BOOT},    /* the boot after an unconfirmed trial */
    {"confirm", prep_installed, ACT_CONFIRM},/* the application confirming v2 */
};

struct run_ctx {
    struct fx f;
    struct fx_image v1, v2;
    long tried, failed;
    const char *board;
};

static int act(struct run_ctx *c, enum action a)
{
    if (a == ACT_CONFIRM)
        return ferry_app_confirm(&c->f.board.app);
    return fx_boot(&c->f);
}

/* Where both images are: 1 if neither is lost. */
static int images_kept(struct run_ctx *c)
{
    uint32_t d = fx_d(&c->f);
    if (fx_primary_is(&c->f, &c->v1))
        return fx_staging_is(&c->f, &c->v2, d) || fx_staging_is(&c->f, &c->v2, 0);
    if (fx_primary_is(&c->f, &c->v2))
        return fx_staging_is(&c->f, &c->v1, 0);
    return 0;
}

static void fail(struct run_ctx *c, const struct scenario *s, long k, int mode, const char *why)
{
    c->failed++;
    fprintf(stderr, "FAIL board %s scenario %s cut %ld %s: %s\n", c->board, s->name, k,
            mode ? "torn" : "between", why);
}

/*
 * After a cut: boots until the device is settled, checking each boot, then
 * drives the scenario to its end and checks the final state.
 * confirmed_v2: the cut happened after v2 was confirmed (it must never revert).
 */
static void recover_and_check(struct run_ctx *c, const struct scenario *s, long k, int mode,
                              uint64_t second_cut, uint64_t seed)
{
    struct fx *f = &c->f;
    sim_board_reboot(&f->board);
    if (second_cut) { /* double fault: cut the recovery boot as well */
        sim_board_arm_cut(&f->board, second_cut - 1, (enum ferry_sim_cut_mode)(seed & 1), seed);
        fx_boot(f);
        sim_board_disarm(&f->board);
        sim_board_reboot(&f->board);
    }
    int err = fx_boot(f);
    if (err) {
        fail(c, s, k, mode, ferry_strerror(err));
        return;
    }
    int on_v2 = f->res.image.version.major == 2;
    if (!(f->res.image.version.major == 1 || on_v2))
        return fail(c, s, k, mode, "booted an unknown version");
    if (!fx_primary_is(f, on_v2 ? &c->v2 : &c->v1))
        return fail(c, s, k, mode, "primary does not hold exactly the image that boots");
    if (!images_kept(c))
        return fail(c, s, k, mode, "an image was lost");
    if (s->action == ACT_CONFIRM) {
        /* A cut confirm: v2 is either confirmed or still on trial / reverted. */
        if (on_v2 && !f->res.trial) {
            /* confirmed: must stay v2 forever */
            for (int i = 0; i < 2; i++)
                if (fx_boot(f) || f->res.image.version.major != 2 || f->res.trial)
                    return fail(c, s, k, mode, "a confirmed image reverted");
            return;
        }
    }
    /* Drive to the end: a trial v2 is not confirmed, so it must revert to v1. */
    if (on_v2 && f->res.trial) {
        if (fx_boot(f) || f->res.image.version.major != 1)
            return fail(c, s, k, mode, "unconfirmed trial image did not revert");
    } else if (on_v2) {
        if (s->action != ACT_CONFIRM && !(f->res.action == FERRY_BOOT_NORMAL))
            return fail(c, s, k, mode, "v2 running without trial or confirm");
    }
    if (!fx_primary_is(f, f->res.image.version.major == 2 ? &c->v2 : &c->v1))
        return fail(c, s, k, mode, "final primary wrong");
    if (f->res.image.version.major == 1) {
        /* Final state after a revert: v1 confirmed, v2 back at D, never retried. */
        if (!fx_staging_is(f, &c->v2, fx_d(f)))
            return fail(c, s, k, mode, "reverted image not back at staging offset D");
        uint64_t ops = sim_board_ops(&f->board);
        if (fx_boot(f) || f->res.image.version.major != 1 || sim_board_ops(&f->board) != ops)
            return fail(c, s, k, mode, "settled device did not stay on v1 without writes");
    }
}

static void run_scenario(struct run_ctx *c, const struct scenario *s, int double_seeds,
                         long stride)
{
    struct fx *f = &c->f;
    struct snap start;
    fx_open(f, c->board);
    c->v1 = fx_make(f, 1, 0, 0, 1, 40 * 1024 + 5, 11);
    c->v2 = fx_make(f, 2, 0, 0, 2, 52 * 1024 + 9, 22);
    sim_board_write_image(&f->board, SIM_SLOT_PRIMARY, c->v1.bytes, c->v1.len);
    sim_board_write_image(&f->board, SIM_SLOT_STAGING, c->v2.bytes, c->v2.len);
    s->prepare(f);
    snap_take(f, &start);

    uint64_t before = sim_board_ops(&f->board);
    act(c, s->action);
    uint64_t total = sim_board_ops(&f->board) - before;

    for (uint64_t k = 0; k < total; k += (uint64_t)stride) {
        for (int mode = 0; mode < 2; mode++) {
            for (int d = 0; d <= double_seeds; d++) {
                snap_restore(f, &start);
                sim_board_reboot(&f->board);
                sim_board_arm_cut(&f->board, k, (enum ferry_sim_cut_mode)mode, k * 31 + (uint64_t)d);
                int err = act(c, s->action);
                sim_board_disarm(&f->board);
                if (err != FERRY_E_POWER_LOSS) {
                    fail(c, s, (long)k, mode, "the cut did not land");
                    continue;
                }
                c->tried++;
                uint64_t second = d ? 1 + (k * 7919 + (uint64_t)d * 104729) % (total + 8) : 0;
                recover_and_check(c, s, (long)k, mode, second, k + (uint64_t)d);
            }
        }
    }
    snap_free(&start);
    fx_free(&c->v1);
    fx_free(&c->v2);
    fx_close(f);
}

int main(int argc, char **argv)
{
    struct run_ctx c;
    memset(&c, 0, sizeof c);
    c.board = argc > 1 ? argv[1] : "uniform-4k";
    const char *which = argc > 2 ? argv[2] : "all";
    int double_seeds = argc > 3 ? atoi(argv[3]) : 1;
    long stride = argc > 4 ? atol(argv[4]) : 1;
    if (!sim_board_find(c.board)) {
        fprintf(stderr, "unknown board %s\n", c.board);
        return 2;
    }
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
        if (strcmp(which, "all") && strcmp(which, scenarios[i].name))
            continue;
        long before = c.tried, failed_before = c.failed;
        run_scenario(&c, &scenarios[i], double_seeds, stride);
        printf("board %s scenario %s: %ld cut points, %ld failures\n", c.board,
               scenarios[i].name, c.tried - before, c.failed - failed_before);
    }
    printf("powercut %s: %ld cut points tried, %ld failures\n", c.board, c.tried, c.failed);
    printf("%ld passed, %ld failed\n", c.tried - c.failed, c.failed);
    return c.failed ? 1 : 0;
}
