/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The boot fuzzer's input format: what the input bytes choose (docs/boot-fuzzer.md,
 * "Input format"). One function, fb_codec(), walks the fields in order and either
 * reads them from the input or appends them to an output buffer, so the fuzzer's
 * decoder and the seed generator cannot disagree about the layout.
 *
 * Reading past the end of the input yields zeros: every input is a scenario.
 * Values are reduced into range after reading (x % n), so the fuzzer never
 * wastes an input on an out-of-range choice.
 */
#ifndef FB_SCENARIO_H
#define FB_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#define FB_BOARDS     2
#define FB_MAX_BOOTS  4
#define FB_MAX_MUT    8
#define FB_MAX_RULES  3
#define FB_RAW_BANK   200  /* raw bytes at most per raw status bank */

/* Area selectors (mutations, interposer rules). The input's area fields are
 * reduced modulo FB_A_LEGACY_COUNT (their meaning before the revocation
 * store existed); the revocation store has fields of its own at the end. */
enum fb_area_sel { FB_A_PRIMARY, FB_A_STAGING, FB_A_STAGED, FB_A_STATUS, FB_A_COUNTER,
                   FB_A_REVOKE, FB_A_COUNT };
#define FB_A_LEGACY_COUNT 5u
#define FB_MAX_RV_MUT 2

/* What an interposer rule does to the bytes of a read it hits. */
enum fb_rule_kind {
    FB_RULE_XOR,    /* bytes ^= arg (0 means 0xFF) */
    FB_RULE_SUBST,  /* bytes := corpus image `arg` laid at the area start */
    FB_RULE_IO,     /* the read fails with FERRY_E_IO (an ECC-like error) */
    FB_RULE_KINDS
};

struct fb_mut {
    uint8_t area;   /* enum fb_area_sel */
    uint16_t off;   /* reduced modulo the area size */
    uint8_t xor_;   /* 0 means 0xFF */
};

/* A status bank: erased, raw bytes, or a forged bank with a valid check value. */
enum fb_bank_mode { FB_BANK_ERASED, FB_BANK_RAW, FB_BANK_FORGED, FB_BANK_MODES };

/* Size and digest selectors: < FB_SEL_ZERO picks a corpus image (its total
 * size, the SHA-256 of its protected bytes); FB_SEL_ZERO gives 0; FB_SEL_RAW
 * reads the value from the input. Anything else is reduced modulo FB_SEL_N. */
#define FB_SEL_ZERO 32u
#define FB_SEL_RAW  33u
#define FB_SEL_N    34u

struct fb_bank {
    uint8_t mode;
    uint8_t raw_len;
    uint8_t raw[FB_RAW_BANK];
    /* forged: */
    uint8_t op;          /* written as is: 1 INSTALL, 2 REVERT, others invalid */
    uint16_t flags;
    uint8_t seq;
    uint8_t region_units;/* < 0x80: that many units (reduced to the slot); else raw */
    uint16_t region_raw;
    uint8_t in_size_sel, out_size_sel;
    uint16_t in_size_raw, out_size_raw;
    uint8_t in_dig_sel, out_dig_sel;
    uint8_t in_dig_raw[32], out_dig_raw[32];
    uint8_t steps;       /* leading step markers set (reduced to 2 * units) */
    uint8_t end_marks;   /* bit 0 DONE, bit 1 BOOTED, bit 2 CONFIRMED */
};

/* A rule on the primary slot or the counter store always acts as FB_RULE_IO
 * (device.c says why). */
struct fb_rule {
    uint8_t area;        /* enum fb_area_sel: the range is relative to this area */
    uint16_t lo, len;    /* [lo, lo+len) of the area, clipped; len 0: to the area end */
    uint8_t nth;         /* first hit read (0: the first read overlapping the range) */
    uint8_t count;       /* reads hit from there on (0: all) */
    uint8_t kind;        /* enum fb_rule_kind */
    uint8_t arg;
};

/* What the application does after a boot that returned 0. */
#define FB_APP_CONFIRM 1u  /* ferry_app_confirm() */
#define FB_APP_STAGE   2u  /* write corpus image `stage_img` at staging D */
#define FB_APP_FLIP    4u  /* flip a byte of the staging slot (bit rot, a stray write) */

struct fb_boot {
    uint8_t cut;         /* 0: no power cut; n: the n-th program/erase of this boot is cut */
    uint8_t cut_mode;    /* 0: cut op does nothing, 1: half done, 2: leaves garbage */
    uint8_t nrules;
    struct fb_rule rules[FB_MAX_RULES];
    uint8_t app;
    uint8_t stage_img;
    uint16_t flip_off;
    uint8_t flip_xor;
    /* From the input's tail: */
    uint8_t rv_fail;     /* n > 0: the n-th read (from 1) of the revocation store fails
                            (FERRY_E_IO, a glitch like the counter store's); 0..15 */
    uint8_t rv_erase;    /* 1: after this boot the application erases the revocation
                            store (an attacker with the store's lock off) */
};

/* Slot content selectors: < image count: that corpus image; = count: erased;
 * above: the area filled with that byte value. */
struct fb_scenario {
    uint8_t board;
    uint8_t boots;       /* 1..FB_MAX_BOOTS */
    uint8_t primary, backup, staged;
    uint8_t counter;     /* stored minimum, 0..7 (0: erased store) */
    uint8_t nmut;
    struct fb_mut mut[FB_MAX_MUT];
    struct fb_bank bank[2];
    struct fb_boot boot[FB_MAX_BOOTS];
    /* The tail (after the boots; inputs older than it read zeros): */
    uint8_t revoke;      /* revocation store's initial value, 0..3 (0: erased store) */
    uint8_t rv_nmut;     /* mutations of the revocation store at set-up, 0..FB_MAX_RV_MUT */
    struct fb_mut rv_mut[FB_MAX_RV_MUT]; /* area is FB_A_REVOKE */
};

struct fb_codec {
    int writing;
    const uint8_t *in;   /* reading */
    size_t in_len, pos;
    uint8_t *out;        /* writing */
    size_t out_cap, out_len;
};

/* Decodes `len` bytes into *s (always succeeds). */
void fb_decode(const uint8_t *data, size_t len, struct fb_scenario *s);
/* Encodes *s; returns the byte count, 0 if `cap` is too small. */
size_t fb_encode(const struct fb_scenario *s, uint8_t *out, size_t cap);

#endif
