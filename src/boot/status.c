/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Status banks. A bank is valid when its header's check value matches; a torn
 * header program or a torn bank erase leaves a bank that simply is not valid,
 * so the other (older) bank stays in charge until the new header is whole.
 *
 * Markers are one program unit each and are written once, in order. A marker
 * reads as set when any of its bytes differs from the erased value: a marker
 * program cut by power either changed some bits (the step it records had
 * finished, so "set" is right) or none (the step is redone and the marker,
 * still erased, is programmed again).
 */
#include <string.h>
#include "status_priv.h"
#include "swap_priv.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "ferry/byteorder.h"
#include "ferry/image.h"

static uint32_t unit_of(const struct ferry_area *a)
{
    return a->dev->geo->program_unit;
}

static uint32_t hdr_span(const struct ferry_area *status)
{
    uint32_t u = unit_of(status);
    return (FERRY_STATUS_HDR_BYTES + u - 1) / u * u;
}

int ferry_status_bank(const struct ferry_area *status, int bank, struct ferry_area *out)
{
    uint32_t ss, sz, split;
    if (status->size < 2)
        return FERRY_E_INVAL;
    if (ferry_area_sector_at(status, status->size / 2, &ss, &sz))
        return FERRY_E_INVAL;
    split = ss == status->size / 2 ? ss : ss + sz;
    if (split == 0 || split >= status->size)
        return FERRY_E_INVAL;
    out->dev = status->dev;
    out->off = status->off + (bank ? split : 0);
    out->size = bank ? status->size - split : split;
    return 0;
}

uint32_t ferry_status_bank_need(const struct ferry_area *status, uint32_t units)
{
    return hdr_span(status) + FERRY_MARK_COUNT(units) * unit_of(status);
}

static void encode(const struct ferry_status_hdr *h, uint8_t b[FERRY_STATUS_HDR_BYTES])
{
    uint8_t check[32];
    memset(b, 0, FERRY_STATUS_HDR_BYTES);
    ferry_put_le32(b + 0, FERRY_STATUS_MAGIC);
    b[4] = FERRY_STATUS_LAYOUT_V1;
    b[5] = h->op;
    b[6] = (uint8_t)h->flags;
    b[7] = (uint8_t)(h->flags >> 8);
    ferry_put_le32(b + 8, h->seq);
    ferry_put_le32(b + 12, h->region);
    ferry_put_le32(b + 16, h->in_size);
    ferry_put_le32(b + 20, h->out_size);
    memcpy(b + 24, h->in_digest, 32);
    memcpy(b + 56, h->out_digest, 32);
    ferry_sha256(b, 88, check);
    memcpy(b + 88, check, 8);
}

/* 0 and *h filled when the bytes are a whole header: magic, layout, check
 * value, and a sequence number below FERRY_STATUS_SEQ_LIMIT. Whether its
 * contents are possible is judged separately (possible()). */
static int decode(const uint8_t b[FERRY_STATUS_HDR_BYTES], struct ferry_status_hdr *h)
{
    uint8_t check[32];
    if (ferry_get_le32(b) != FERRY_STATUS_MAGIC || b[4] != FERRY_STATUS_LAYOUT_V1)
        return FERRY_E_CORRUPT;
    ferry_sha256(b, 88, check);
    if (ferry_ct_memcmp(check, b + 88, 8) != 0)
        return FERRY_E_CORRUPT;
    h->op = b[5];
    h->flags = (uint16_t)(b[6] | b[7] << 8);
    h->seq = ferry_get_le32(b + 8);
    h->region = ferry_get_le32(b + 12);
    h->in_size = ferry_get_le32(b + 16);
    h->out_size = ferry_get_le32(b + 20);
    memcpy(h->in_digest, b + 24, 32);
    memcpy(h->out_digest, b + 56, 32);
    if (h->seq >= FERRY_STATUS_SEQ_LIMIT)
        return FERRY_E_CORRUPT;
    return 0;
}

static int marker_is_set(const struct ferry_status_ctx *c, const struct ferry_area *bank,
                         uint32_t index, int *set)
{
    uint8_t b[32];
    uint32_t u = unit_of(c->status), off = hdr_span(c->status) + index * u;
    uint8_t erased = c->status->dev->geo->erased_value;
    *set = 0;
    while (u > 0) {
        uint32_t n = u < sizeof b ? u : (uint32_t)sizeof b;
        int err = ferry_area_read(bank, off, b, n);
        if (err == FERRY_E_IO) /* once more: a passing fault is not a torn program */
            err = ferry_area_read(bank, off, b, n);
        if (err == FERRY_E_IO) {
            *set = 1; /* unreadable: a program was started there (see above) */
            return 0;
        }
        if (err)
            return err;
        for (uint32_t i = 0; i < n; i++)
            if (b[i] != erased)
                *set = 1;
        off += n;
        u -= n;
    }
    return 0;
}

int ferry_status_read(const struct ferry_status_ctx *c, struct ferry_status *st)
{
    uint8_t raw[FERRY_STATUS_HDR_BYTES];
    struct ferry_status_hdr h[2];
    int whole[2];
    memset(st, 0, sizeof *st);
    st->bank = -1;
    st->newest = -1;
    for (int b = 0; b < 2; b++) {
        struct ferry_area bank;
        int err = ferry_status_bank(c->status, b, &bank);
        if (err)
            return err;
        err = ferry_area_read(&bank, 0, raw, sizeof raw);
        if (err == FERRY_E_IO) /* once more: a passing fault is not a torn program */
            err = ferry_area_read(&bank, 0, raw, sizeof raw);
        if (err && err != FERRY_E_IO)
            return err;
        whole[b] = !err && decode(raw, &h[b]) == 0;
    }
    if (whole[0] && (!whole[1] || h[0].seq > h[1].seq))
        st->newest = 0;
    else if (whole[1])
        st->newest = 1;
    else
        return 0;
    st->max_seq = h[st->newest].seq;
    st->hdr = h[st->newest];

    struct ferry_area bank;
    int err = ferry_status_bank(c->status, st->newest, &bank);
    if (!err)
        err = ferry_swap_count_units(c->primary, c->staging, st->hdr.region, &st->units);
    const struct ferry_status_hdr *cur = &st->hdr;
    if (!err && ((cur->op != FERRY_OP_INSTALL && cur->op != FERRY_OP_REVERT) ||
                 (cur->flags & ~FERRY_STATUS_F_KNOWN) != 0 ||
                 cur->in_size < FERRY_IMG_TRAILER_SIZE || cur->in_size > cur->region ||
                 cur->out_size > cur->region ||
                 (cur->out_size && cur->out_size < FERRY_IMG_TRAILER_SIZE)))
        err = FERRY_E_STATE;
    if (err || ferry_status_bank_need(c->status, st->units) > bank.size) {
        /* A whole header that names an impossible operation: no state, but
         * newest and max_seq stay so the next operation outranks it. */
        memset(&st->hdr, 0, sizeof st->hdr);
        st->units = 0;
        return FERRY_E_STATE;
    }
    st->bank = st->newest;
    int set = 1;
    while (set && st->steps_done < 2 * st->units) {
        err = marker_is_set(c, &bank, st->steps_done, &set);
        if (err)
            return err;
        if (set)
            st->steps_done++;
    }
    if (st->steps_done == 2 * st->units) {
        err = marker_is_set(c, &bank, FERRY_MARK_DONE(st->units), &st->done);
        if (!err)
            err = marker_is_set(c, &bank, FERRY_MARK_BOOTED(st->units), &st->booted);
        if (!err)
            err = marker_is_set(c, &bank, FERRY_MARK_CONFIRMED(st->units), &st->confirmed);
        if (err)
            return err;
    }
    return 0;
}

/* Programs `data` followed by `fill` up to len bytes (a multiple of the
 * program unit), staged through the caller's scratch buffer. */
static int program_filled(const struct ferry_status_ctx *c, const struct ferry_area *bank,
                          uint32_t off, uint32_t len, const uint8_t *data, uint32_t data_len,
                          uint8_t fill)
{
    uint32_t unit = unit_of(bank), piece = (uint32_t)(c->buf_len / unit) * unit;
    if (piece == 0)
        return FERRY_E_INVAL;
    for (uint32_t pos = 0; pos < len; pos += piece) {
        uint32_t n = len - pos < piece ? len - pos : piece;
        for (uint32_t i = 0; i < n; i++)
            c->buf[i] = pos + i < data_len ? data[pos + i] : fill;
        int err = ferry_area_program(bank, off + pos, c->buf, n);
        if (err)
            return err;
    }
    return 0;
}

int ferry_status_begin(const struct ferry_status_ctx *c, struct ferry_status *st,
                       const struct ferry_status_hdr *hdr)
{
    uint8_t raw[FERRY_STATUS_HDR_BYTES];
    struct ferry_area bank;
    int target = st->newest == 0 ? 1 : 0;
    int err = ferry_status_bank(c->status, target, &bank);
    if (err)
        return err;
    struct ferry_status next;
    memset(&next, 0, sizeof next);
    next.bank = target;
    next.newest = target;
    next.hdr = *hdr;
    next.hdr.seq = st->newest < 0 ? 1 : st->max_seq + 1;
    next.max_seq = next.hdr.seq;
    err = ferry_swap_count_units(c->primary, c->staging, hdr->region, &next.units);
    if (err)
        return err;
    if (ferry_status_bank_need(c->status, next.units) > bank.size)
        return FERRY_E_NOSPC;
    err = ferry_area_erase(&bank, 0, bank.size);
    if (err)
        return err;
    encode(&next.hdr, raw);
    err = program_filled(c, &bank, 0, hdr_span(c->status), raw, sizeof raw,
                         c->status->dev->geo->erased_value);
    if (err)
        return err;
    *st = next;
    return 0;
}

int ferry_status_mark(const struct ferry_status_ctx *c, const struct ferry_status *st,
                      uint32_t index)
{
    struct ferry_area bank;
    int set, err = ferry_status_bank(c->status, st->bank, &bank);
    if (err)
        return err;
    err = marker_is_set(c, &bank, index, &set);
    if (err || set)
        return err;
    uint8_t erased = c->status->dev->geo->erased_value;
    return program_filled(c, &bank, hdr_span(c->status) + index * unit_of(c->status),
                          unit_of(c->status), NULL, 0, (uint8_t)~erased);
}
