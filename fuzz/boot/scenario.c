/* SPDX-License-Identifier: Apache-2.0 */
/* The boot fuzzer's input format (scenario.h); field order is the format. */
#include <string.h>

#include "scenario.h"

static void c_u8(struct fb_codec *c, uint8_t *v)
{
    if (c->writing) {
        if (c->out_len < c->out_cap)
            c->out[c->out_len] = *v;
        c->out_len++;
    } else {
        *v = c->pos < c->in_len ? c->in[c->pos] : 0;
        c->pos++;
    }
}

static void c_u16(struct fb_codec *c, uint16_t *v)
{
    uint8_t lo = (uint8_t)*v, hi = (uint8_t)(*v >> 8);
    c_u8(c, &lo);
    c_u8(c, &hi);
    *v = (uint16_t)(lo | hi << 8);
}

static void c_bytes(struct fb_codec *c, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        c_u8(c, &p[i]);
}

/* Reads a byte and reduces it modulo n (writing: the value is written as is). */
static void c_mod(struct fb_codec *c, uint8_t *v, unsigned n)
{
    c_u8(c, v);
    *v = (uint8_t)(*v % n);
}

static void c_size_sel(struct fb_codec *c, uint8_t *sel, uint16_t *raw)
{
    c_mod(c, sel, FB_SEL_N);
    if (*sel == FB_SEL_RAW)
        c_u16(c, raw);
}

static void c_dig_sel(struct fb_codec *c, uint8_t *sel, uint8_t raw[32])
{
    c_mod(c, sel, FB_SEL_N);
    if (*sel == FB_SEL_RAW)
        c_bytes(c, raw, 32);
}

static void c_bank(struct fb_codec *c, struct fb_bank *b)
{
    c_mod(c, &b->mode, FB_BANK_MODES);
    if (b->mode == FB_BANK_RAW) {
        c_mod(c, &b->raw_len, FB_RAW_BANK + 1);
        c_bytes(c, b->raw, b->raw_len);
    } else if (b->mode == FB_BANK_FORGED) {
        c_u8(c, &b->op);
        c_u16(c, &b->flags);
        c_u8(c, &b->seq);
        c_u8(c, &b->region_units);
        if (b->region_units >= 0x80)
            c_u16(c, &b->region_raw);
        c_size_sel(c, &b->in_size_sel, &b->in_size_raw);
        c_size_sel(c, &b->out_size_sel, &b->out_size_raw);
        c_dig_sel(c, &b->in_dig_sel, b->in_dig_raw);
        c_dig_sel(c, &b->out_dig_sel, b->out_dig_raw);
        c_u8(c, &b->steps);
        c_mod(c, &b->end_marks, 8);
    }
}

static void c_boot(struct fb_codec *c, struct fb_boot *b)
{
    c_u8(c, &b->cut);
    if (b->cut)
        c_mod(c, &b->cut_mode, 3);
    c_mod(c, &b->nrules, FB_MAX_RULES + 1);
    for (unsigned i = 0; i < b->nrules; i++) {
        struct fb_rule *r = &b->rules[i];
        c_mod(c, &r->area, FB_A_LEGACY_COUNT);
        c_u16(c, &r->lo);
        c_u16(c, &r->len);
        c_u8(c, &r->nth);
        c_u8(c, &r->count);
        c_mod(c, &r->kind, FB_RULE_KINDS);
        c_u8(c, &r->arg);
    }
    c_mod(c, &b->app, 8);
    if (b->app & FB_APP_STAGE)
        c_u8(c, &b->stage_img);
    if (b->app & FB_APP_FLIP) {
        c_u16(c, &b->flip_off);
        c_u8(c, &b->flip_xor);
    }
}

static void fb_codec_run(struct fb_codec *c, struct fb_scenario *s)
{
    uint8_t head = (uint8_t)(s->board | (s->boots ? s->boots - 1 : 0) << 1);
    c_u8(c, &head);
    s->board = (uint8_t)(head & 1u);
    s->boots = (uint8_t)(((head >> 1) & 3u) + 1u);
    c_u8(c, &s->primary);
    c_u8(c, &s->backup);
    c_u8(c, &s->staged);
    c_mod(c, &s->counter, 8);
    c_mod(c, &s->nmut, FB_MAX_MUT + 1);
    for (unsigned i = 0; i < s->nmut; i++) {
        c_mod(c, &s->mut[i].area, FB_A_LEGACY_COUNT);
        c_u16(c, &s->mut[i].off);
        c_u8(c, &s->mut[i].xor_);
    }
    c_bank(c, &s->bank[0]);
    c_bank(c, &s->bank[1]);
    for (unsigned i = 0; i < s->boots; i++)
        c_boot(c, &s->boot[i]);
    /* The tail: the revocation store (appended; older inputs read zeros). */
    c_mod(c, &s->revoke, 4);
    c_mod(c, &s->rv_nmut, FB_MAX_RV_MUT + 1);
    for (unsigned i = 0; i < s->rv_nmut; i++) {
        s->rv_mut[i].area = FB_A_REVOKE;
        c_u16(c, &s->rv_mut[i].off);
        c_u8(c, &s->rv_mut[i].xor_);
    }
    for (unsigned i = 0; i < s->boots; i++) {
        uint8_t v = (uint8_t)(s->boot[i].rv_fail | s->boot[i].rv_erase << 4);
        c_u8(c, &v);
        s->boot[i].rv_fail = (uint8_t)(v & 15u);
        s->boot[i].rv_erase = (uint8_t)(v >> 4 & 1u);
    }
}

void fb_decode(const uint8_t *data, size_t len, struct fb_scenario *s)
{
    struct fb_codec c;
    memset(&c, 0, sizeof c);
    memset(s, 0, sizeof *s);
    c.in = data;
    c.in_len = len;
    fb_codec_run(&c, s);
}

size_t fb_encode(const struct fb_scenario *s, uint8_t *out, size_t cap)
{
    struct fb_codec c;
    struct fb_scenario copy = *s;
    memset(&c, 0, sizeof c);
    c.writing = 1;
    c.out = out;
    c.out_cap = cap;
    fb_codec_run(&c, &copy);
    return c.out_len <= cap ? c.out_len : 0;
}
