/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The boot status area: two banks, each holding one operation (an install or
 * a revert) as a checked header followed by one-shot progress markers.
 * Layout in docs/design.md, "Status area".
 */
#ifndef FERRY_STATUS_PRIV_H
#define FERRY_STATUS_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "ferry/flash.h"

#define FERRY_STATUS_MAGIC     0x53595246u /* bytes "FRYS" */
#define FERRY_STATUS_LAYOUT_V1 1u
#define FERRY_STATUS_HDR_BYTES 96u

enum ferry_status_op {
    FERRY_OP_NONE = 0,    /* no valid bank: factory state, primary is confirmed */
    FERRY_OP_INSTALL = 1, /* staging[D..] moves into primary, primary to staging[0..] */
    FERRY_OP_REVERT = 2,  /* staging[0..] moves back into primary, primary to staging[D..] */
};

#define FERRY_STATUS_F_PERMANENT 0x0001u /* no trial: done means confirmed */
#define FERRY_STATUS_F_VERIFY_FIRST 0x0002u /* a revert of an install whose copy did not
                                               verify: until the next operation, a staged
                                               image is verified completely before any
                                               write (no one-pass install) */
#define FERRY_STATUS_F_KNOWN     (FERRY_STATUS_F_PERMANENT | FERRY_STATUS_F_VERIFY_FIRST)
                                 /* other bits: impossible header */

/* Sequence numbers at or above this are never written (one per operation, so
 * a device never gets there); a header that carries one is ignored like
 * garbage, so seq + 1 can never wrap. */
#define FERRY_STATUS_SEQ_LIMIT 0x80000000u

struct ferry_status_hdr {
    uint8_t op;
    uint16_t flags;
    uint32_t seq;          /* higher wins between the two banks */
    uint32_t region;       /* bytes swapped, a common unit boundary */
    uint32_t in_size;      /* total size of the image moving into primary */
    uint32_t out_size;     /* total size of the image moving out (0: none) */
    uint8_t in_digest[32];
    uint8_t out_digest[32];
};

struct ferry_status {
    int bank;                 /* 0 or 1; -1 when no bank is valid */
    int newest;               /* bank with the highest sequence number among WHOLE headers
                                 (magic, layout, check value right), possible or not; -1: none.
                                 The next operation goes to the other bank, with max_seq + 1,
                                 so it always wins over every header on flash. */
    uint32_t max_seq;
    struct ferry_status_hdr hdr;
    uint32_t units;           /* units in hdr.region */
    uint32_t steps_done;      /* leading swap steps whose marker is set */
    int done, booted, confirmed;
};

/* Marker indices after the 2*units step markers. */
#define FERRY_MARK_DONE(units)      (2u * (units))
#define FERRY_MARK_BOOTED(units)    (2u * (units) + 1u)
#define FERRY_MARK_CONFIRMED(units) (2u * (units) + 2u)
#define FERRY_MARK_COUNT(units)     (2u * (units) + 3u)

/* The slots whose unit geometry gives the marker count. */
struct ferry_status_ctx {
    const struct ferry_area *status;
    const struct ferry_area *primary;
    const struct ferry_area *staging;
    uint8_t *buf;      /* scratch, at least one status program unit */
    size_t buf_len;
};

/* Reads both banks and the progress of the newest whole one. A header that
 * cannot be read (FERRY_E_IO, e.g. a torn program on a part with flash ECC)
 * is not whole; a marker that cannot be read counts as set (its program was
 * started, so the step it records had finished).
 * Returns 0; FERRY_E_STATE when the newest whole header is impossible (unknown
 * op or flag bits, a region or sizes the layout cannot have): st->bank is -1
 * then, st->newest and st->max_seq are set. Other errors: storage errors of
 * the bank geometry only. */
int ferry_status_read(const struct ferry_status_ctx *c, struct ferry_status *st);

/* Starts a new operation in the other bank (erase, then header with seq+1).
 * On success *st describes the new bank with no markers set. */
int ferry_status_begin(const struct ferry_status_ctx *c, struct ferry_status *st,
                       const struct ferry_status_hdr *hdr);

/* Programs marker `index` of the current bank (no-op if already set). */
int ferry_status_mark(const struct ferry_status_ctx *c, const struct ferry_status *st,
                      uint32_t index);

/* Bank geometry: the status area split at the first sector boundary at or past
 * its middle. Errors: FERRY_E_INVAL if the area cannot be split. */
int ferry_status_bank(const struct ferry_area *status, int bank, struct ferry_area *out);

/* Bytes a bank needs to track a swap of `units` units. */
uint32_t ferry_status_bank_need(const struct ferry_area *status, uint32_t units);

#endif
