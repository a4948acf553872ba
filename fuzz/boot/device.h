/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The boot fuzzer's device: one or two RAM flash devices (memflash) carrying
 * a primary slot, a staging slot, a status area, a counter store and a
 * key revocation store (a second counter_flash next to it), seen by
 * the bootloader through a wrapper that injects faults:
 *   - power cuts: the n-th program/erase of a boot is cut (not done, half
 *     done, or leaving garbage) and every operation after it fails with
 *     FERRY_E_POWER_LOSS until the next reboot;
 *   - an interposer on the bus: reads overlapping a chosen range return
 *     altered bytes (xor, another image's bytes) or FERRY_E_IO, from the n-th
 *     such read on, for a chosen number of reads.
 * The oracle and the simulated application use the "true" devices (plain
 * memflash over the same memory), which no fault touches.
 */
#ifndef FB_DEVICE_H
#define FB_DEVICE_H

#include <stdint.h>

#include "ferry/boot.h"
#include "ferry/app.h"
#include "ferry/counter_flash.h"
#include "ferry/memflash.h"
#include "scenario.h"

#define FB_DEV_MAX 2
#define FB_DEV_BYTES (16u * 1024u)

struct fb_board;

struct fb_dev {
    struct fb_board *board;
    uint8_t mem[FB_DEV_BYTES];
    struct ferry_sector_region region;
    struct ferry_flash_geometry geo;
    struct ferry_memflash truth;   /* no faults: oracle and application */
    struct ferry_flash faulty;     /* what the bootloader sees */
};

/* A rule resolved to device offsets for one boot. */
struct fb_live_rule {
    struct fb_rule r;
    int dev;
    uint32_t lo, hi;     /* device offsets */
    uint32_t base;       /* device offset of the area start (substitution origin) */
    uint32_t seen;       /* overlapping reads so far this boot */
    int glitch;          /* counter store, status: at most one failed read per boot, all rules together */
};

struct fb_board {
    const char *name;
    int ndev;
    struct fb_dev dev[FB_DEV_MAX];
    /* Area descriptions: device index, offset, size. */
    int a_dev[FB_A_COUNT];
    uint32_t a_off[FB_A_COUNT], a_size[FB_A_COUNT];
    uint32_t unit;       /* swap unit size (uniform on both boards) */
    uint32_t d;          /* staging offset D */

    /* The bootloader's view. */
    struct ferry_boot_config cfg;
    struct ferry_counter_flash counter, revocation;
    uint8_t counter_buf[64], revocation_buf[64];
    uint8_t buf[256];

    /* The true view. */
    struct ferry_area t_primary, t_staging, t_status, t_counter, t_revoke;
    struct ferry_app_config app;
    uint8_t app_buf[256];

    /* Faults of the current boot. */
    uint32_t ops, cut_at;
    int cut_mode, power_lost, cut_fired, read_faults;
    int primary_faults;   /* read faults on the primary slot this boot */
    int counter_glitched; /* the one counter-store/revocation-store/status read fault of
                             this boot was spent */
    unsigned nrules;
    struct fb_live_rule rules[FB_MAX_RULES + 1]; /* + the revocation store's glitch */
    uint32_t rnd;
};

/* Sets up board `which` (0 or 1) erased, with fault injection off. The
 * caller fills in cfg.policy and cfg.hooks. */
void fb_board_open(struct fb_board *b, int which);
/* A reset: RAM state of the bootloader side is gone, faults are re-armed
 * from `boot` (NULL: none). Flash contents stay. */
void fb_board_reboot(struct fb_board *b, const struct fb_boot *boot);
/* True memory of an area. */
uint8_t *fb_area_mem(struct fb_board *b, int area);
uint8_t fb_area_erased(const struct fb_board *b, int area);
/* The stored minimum, read from the true counter store. 0 or its error. */
int fb_true_min(struct fb_board *b, uint32_t *value);
/* The lowest trusted key index, read from the true revocation store. 0 or its error. */
int fb_true_revoke(struct fb_board *b, uint32_t *value);

#endif
