/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The anti-rollback counter in a reserved flash area (contract in
 * include/ferry/counter_flash.h, format in docs/counter-format.md).
 *
 * Every field on flash is stored next to its bitwise complement. A program
 * cut by power leaves each bit at its erased or its intended state; a field
 * and its complement can then only agree if every bit of both landed, so a
 * torn header or record never passes for anything, not even with small
 * probability. Random bytes (a torn erase) pass a 32-bit pair with
 * probability 2^-32; a header needs three pairs plus the magic.
 *
 * On parts with flash ECC a torn program can leave words that fail to read
 * (FERRY_E_IO) until erased. Such a header makes its bank "not a bank"; such
 * a record slot counts as used and holding no value; appending goes past it.
 * Neither can lower the value: the bytes were being written with a value at
 * least the old one, and the old value is still held elsewhere.
 *
 * Advance order, and why no cut can lower the value:
 *   record:     program one erased slot in the active bank. Torn: the slot is
 *               invalid (old value) or whole (new value); later scans skip it.
 *   compaction: erase the other (stale) bank, then program its header with a
 *               higher sequence number and the new value as base. Until that
 *               header is whole the active bank, untouched, stays in charge.
 *               The bank being given up is erased only by the next compaction,
 *               long after the new bank holds a value at least as high.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ferry/counter_flash.h"
#include "ferry/errors.h"
#include "ferry/byteorder.h"

#define HDR_BYTES 24u   /* tag, ~tag, seq, ~seq, base, ~base */
#define REC_BYTES 8u    /* value, ~value */
#define MAGIC0 0x46u    /* 'F' */
#define MAGIC1 0x43u    /* 'C' */
#define LAYOUT_V1 1u

/* Scan reads are capped so a huge caller buffer cannot overflow 32-bit lengths. */
#define SCAN_CHUNK_MAX 65536u

/* A value and its complement: 8 bytes. */
static void put_pair(uint8_t *p, uint32_t v)
{
    ferry_put_le32(p, v);
    ferry_put_le32(p + 4, ~v);
}

/* 1 when the 8 bytes at p are a whole pair. */
static int pair_ok(const uint8_t *p)
{
    return ferry_get_le32(p) == (uint32_t)~ferry_get_le32(p + 4);
}

static int all_erased(const uint8_t *p, uint32_t len, uint8_t erased)
{
    for (uint32_t i = 0; i < len; i++)
        if (p[i] != erased)
            return 0;
    return 1;
}

static uint8_t log2_of(uint32_t pow2)
{
    uint8_t n = 0;
    while (pow2 > 1u) {
        pow2 >>= 1;
        n++;
    }
    return n;
}

/* The header tag: magic "FC", layout version, log2 of the slot size. A
 * header written for another slot size would misplace every record, so it is
 * refused (FERRY_E_CORRUPT), never reinterpreted. */
static uint32_t header_tag(const struct ferry_counter_flash *c)
{
    return MAGIC0 | MAGIC1 << 8 | LAYOUT_V1 << 16 | (uint32_t)log2_of(c->slot) << 24;
}

/* What one bank holds. */
struct bank_view {
    int whole;     /* the header is whole and of this format */
    uint32_t seq;
    uint32_t max;  /* largest of base and every whole record */
    uint32_t next; /* one past the last slot that is not erased */
    int erased;    /* the header bytes are all erased (never written) */
    int unreadable;/* the header failed to read twice */
};

/* Errors: storage errors; FERRY_E_CORRUPT for a whole header of another
 * layout version or slot size (fail closed: we cannot tell its value). */
static int scan_bank(struct ferry_counter_flash *c, int b, struct bank_view *v)
{
    const struct ferry_area *bank = &c->bank[b];
    uint8_t h[HDR_BYTES];
    memset(v, 0, sizeof *v);
    int err = ferry_area_read(bank, 0, h, sizeof h);
    if (err == FERRY_E_IO) /* once more: a passing fault must not hide a bank */
        err = ferry_area_read(bank, 0, h, sizeof h);
    if (err == FERRY_E_IO) {
        v->unreadable = 1;
        return FERRY_OK; /* unreadable twice (a torn program on a part with ECC): not a bank */
    }
    if (err)
        return err;
    v->erased = all_erased(h, sizeof h, c->erased);
    if (!pair_ok(h) || !pair_ok(h + 8) || !pair_ok(h + 16) || h[0] != MAGIC0 || h[1] != MAGIC1)
        return FERRY_OK; /* erased, torn or garbage: not a bank */
    if (ferry_get_le32(h) != header_tag(c))
        return FERRY_E_CORRUPT;
    v->whole = 1;
    v->seq = ferry_get_le32(h + 8);
    v->max = ferry_get_le32(h + 16);

    size_t cap = c->buf_len < SCAN_CHUNK_MAX ? c->buf_len : SCAN_CHUNK_MAX;
    uint32_t per_read = (uint32_t)cap / c->slot; /* init guarantees >= 1 */
    for (uint32_t i = 0; i < c->slots[b];) {
        uint32_t n = c->slots[b] - i < per_read ? c->slots[b] - i : per_read;
        err = ferry_area_read(bank, c->hdr_span + i * c->slot, c->buf, n * c->slot);
        if (err == FERRY_E_IO && n > 1)
            n = 1, err = ferry_area_read(bank, c->hdr_span + i * c->slot, c->buf, c->slot);
        if (err == FERRY_E_IO) {
            v->next = i + 1; /* unreadable slot: used, holds no value */
            i++;
            continue;
        }
        if (err)
            return err;
        for (uint32_t k = 0; k < n; k++) {
            const uint8_t *p = c->buf + k * c->slot;
            if (all_erased(p, c->slot, c->erased))
                continue;
            /* Used: torn, garbage or whole. Appending resumes after it, so
             * a slot is never programmed twice, even a partly programmed one. */
            v->next = i + k + 1;
            if (pair_ok(p) && ferry_get_le32(p) > v->max)
                v->max = ferry_get_le32(p);
        }
        i += n;
    }
    return FERRY_OK;
}

/* Fills the cached view from flash unless it is current. */
static int load(struct ferry_counter_flash *c)
{
    struct bank_view v[2];
    if (c->scanned)
        return FERRY_OK;
    for (int b = 0; b < 2; b++) {
        int err = scan_bank(c, b, &v[b]);
        if (err)
            return err;
    }
    /* Power cuts leave at most one bank neither whole nor erased (only one is
     * ever erased or started at a time). Two such banks were written by
     * something else: the minimum is unknown, so fail closed. */
    if (!v[0].whole && !v[1].whole && !v[0].erased && !v[1].erased)
        return FERRY_E_CORRUPT;
    /* Where a first header goes when no bank is whole: never over a bank
     * that could not be read (it may be whole), and over a torn or garbage
     * bank rather than an erased one, so a cut there still leaves one bank
     * erased (the picture of a cut first write, which reads 0). */
    c->spare = v[0].unreadable ? 1 : v[1].unreadable ? 0 : !v[0].erased ? 0 : !v[1].erased ? 1 : 0;
    if (v[0].whole && v[1].whole)
        c->active = v[1].seq > v[0].seq ? 1 : 0;
    else if (v[0].whole || v[1].whole)
        c->active = v[0].whole ? 0 : 1;
    else
        c->active = -1;
    /* The newer bank's base is at least every value of the older one, so the
     * maximum over both equals the newer bank's; taking it over both keeps
     * the answer from ever going down should the rule above be fooled. */
    c->value = 0;
    for (int b = 0; b < 2; b++)
        if (v[b].whole && v[b].max > c->value)
            c->value = v[b].max;
    c->seq = c->active >= 0 ? v[c->active].seq : 0;
    c->next = c->active >= 0 ? v[c->active].next : 0;
    c->scanned = 1;
    return FERRY_OK;
}

/* Programs `content` padded with the erased value to `len` bytes (a multiple
 * of the program unit, at most buf_len) at `off` of bank b, staged through the
 * caller's buffer, then reads it back into the same buffer: a driver that
 * reports success for bytes that did not land gives FERRY_E_IO here. */
static int program_checked(struct ferry_counter_flash *c, int b, uint32_t off, uint32_t len,
                           const uint8_t *content, uint32_t content_len)
{
    memset(c->buf, c->erased, len);
    memcpy(c->buf, content, content_len);
    int err = ferry_area_program(&c->bank[b], off, c->buf, len);
    if (!err)
        err = ferry_area_read(&c->bank[b], off, c->buf, len);
    if (err)
        return err;
    if (memcmp(c->buf, content, content_len) != 0 ||
        !all_erased(c->buf + content_len, len - content_len, c->erased))
        return FERRY_E_IO;
    return FERRY_OK;
}

static int append_record(struct ferry_counter_flash *c, uint32_t value)
{
    uint8_t rec[REC_BYTES];
    put_pair(rec, value);
    int err = program_checked(c, c->active, c->hdr_span + c->next * c->slot, c->slot, rec,
                              sizeof rec);
    if (err)
        return err;
    c->next++;
    c->value = value;
    return FERRY_OK;
}

/* Compaction (or the very first write): the new value becomes the base of a
 * fresh header in the bank that is not active. */
static int start_bank(struct ferry_counter_flash *c, uint32_t value)
{
    int target = c->active >= 0 ? 1 - c->active : c->spare;
    uint8_t h[HDR_BYTES];
    if (c->active >= 0 && c->seq == UINT32_MAX)
        return FERRY_E_NOSPC; /* 2^32 compactions: far past any flash endurance */
    uint32_t seq = c->active < 0 ? 1u : c->seq + 1u;
    put_pair(h, header_tag(c));
    put_pair(h + 8, seq);
    put_pair(h + 16, value);
    int err = ferry_area_erase(&c->bank[target], 0, c->bank[target].size);
    if (!err)
        err = program_checked(c, target, 0, c->hdr_span, h, sizeof h);
    if (err)
        return err;
    c->active = target;
    c->seq = seq;
    c->next = 0;
    c->value = value;
    return FERRY_OK;
}

static int counter_read(void *ctx, uint32_t *value)
{
    struct ferry_counter_flash *c = ctx;
    if (c == NULL || value == NULL)
        return FERRY_E_INVAL;
    int err = load(c);
    if (err)
        return err;
    *value = c->value;
    return FERRY_OK;
}

static int counter_advance(void *ctx, uint32_t value)
{
    struct ferry_counter_flash *c = ctx;
    if (c == NULL)
        return FERRY_E_INVAL;
    int err = load(c);
    if (err)
        return err;
    if (value <= c->value)
        return FERRY_OK;
    if (c->active >= 0 && c->next < c->slots[c->active])
        err = append_record(c, value);
    else
        err = start_bank(c, value);
    if (err)
        c->scanned = 0; /* whatever the flash now holds, read it again next time */
    return err;
}

static const struct ferry_counter_ops counter_flash_ops = {
    .read = counter_read,
    .advance = counter_advance,
};

int ferry_counter_flash_init(struct ferry_counter_flash *c, const struct ferry_area *area,
                             uint8_t *buf, size_t buf_len)
{
    uint32_t ss, sz, split;
    if (c == NULL || area == NULL || buf == NULL || ferry_area_check(area) != FERRY_OK)
        return FERRY_E_INVAL;
    /* Bank split as in the status area: the first sector boundary at or past
     * the middle. A one-sector area has no boundary inside it. */
    if (ferry_area_sector_at(area, area->size / 2, &ss, &sz) != FERRY_OK)
        return FERRY_E_INVAL;
    split = ss == area->size / 2 ? ss : ss + sz;
    if (split == 0 || split >= area->size)
        return FERRY_E_INVAL;

    uint32_t unit = area->dev->geo->program_unit;
    uint32_t hdr_span = (HDR_BYTES + unit - 1u) / unit * unit;
    uint32_t slot = unit < REC_BYTES ? REC_BYTES : unit;
    if (buf_len < hdr_span || buf_len < slot)
        return FERRY_E_INVAL;
    uint32_t bank_size[2] = {split, area->size - split};
    for (int b = 0; b < 2; b++)
        if (bank_size[b] < hdr_span + slot)
            return FERRY_E_INVAL;

    memset(c, 0, sizeof *c);
    c->counter.ops = &counter_flash_ops;
    c->counter.ctx = c;
    for (int b = 0; b < 2; b++) {
        c->bank[b].dev = area->dev;
        c->bank[b].off = area->off + (b ? split : 0u);
        c->bank[b].size = bank_size[b];
        c->slots[b] = (bank_size[b] - hdr_span) / slot;
    }
    c->hdr_span = hdr_span;
    c->slot = slot;
    c->erased = area->dev->geo->erased_value;
    c->buf = buf;
    c->buf_len = buf_len;
    c->active = -1;
    return FERRY_OK;
}
