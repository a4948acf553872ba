/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The resume record of an in-order staging (ferry/stage.h; the HTTP agent's
 * downloads): a small log in the first sector of the staging slot
 * (docs/agent.md, "Resume record"). That sector lies below the swap offset
 * D, where the bootloader keeps the previous image only while a new one runs
 * on trial; nothing is staged during a trial, so the sector is free whenever
 * the record is in use.
 *
 *   staging slot offset 0                              (every entry is padded
 *   +-------------------------------------------+      to the program unit
 *   | start entry   "FRYD", transfer, image head|      with erased bytes)
 *   +-------------------------------------------+
 *   | progress 0    "FRYP", written, SHA-256    |
 *   | progress 1                                |
 *   | failed resume "FRYB": as a progress entry |
 *   | ...           erased: free                |
 *   | sequence 0    "FRYS", manifest sequence   |  last seq_slots entries
 *   | sequence 1 ...                            |  (4, or 2 in small sectors)
 *   +-------------------------------------------+  first sector end (<= D)
 *
 *   start entry (little-endian)               progress entry
 *    0  u32 magic "FRYD"                       0  u32 magic "FRYP"
 *    4  u8  record version (1), u8 0           4  u32 written: image bytes
 *    6  u16 head length hb                            [0, written) are in flash
 *    8  u32 image size                         8  [32] SHA-256 of those bytes
 *   12  u32 program chunk                     40  [8] check: SHA-256 of the
 *   16  [32] transfer id (agent: SHA-256          start entry's check and
 *            of manifest.json; 0: none)             bytes 0..39, first 8 bytes
 *   48  [32] expected SHA-256 of the file (0: none)
 *   80  [hb] the image's first hb bytes
 *   80+hb [8] check: SHA-256 of bytes 0..80+hb-1, first 8 bytes
 *
 *   sequence entry
 *    0  u32 magic "FRYS"
 *    4  u32 highest manifest sequence accepted
 *    8  [8] check: SHA-256 of bytes 0..7, first 8 bytes
 *
 * Entries are written once each, in order; a torn entry fails its check and
 * is skipped. Nothing in the record is trusted on its own: a resume hashes
 * the image bytes in flash again and continues only if they match the
 * checkpoint's digest (and the whole file is hashed and verified at the end).
 */
#include <string.h>
#include "stage_priv.h"
#include "ferry/byteorder.h"
#include "ferry/errors.h"

#define REC_START_MAGIC 0x44595246u /* bytes "FRYD" */
#define REC_STEP_MAGIC  0x50595246u /* bytes "FRYP" */
#define REC_BAD_MAGIC   0x42595246u /* bytes "FRYB": a resume of `written` failed */
#define REC_SEQ_MAGIC   0x53595246u /* bytes "FRYS": manifest sequence */
#define REC_SEQ_BYTES   8u
#define REC_VERSION     1u
#define REC_HEAD_OFF    80u
#define REC_STEP_BYTES  40u
#define REC_CHECK_BYTES 8u

static void check_of(const uint8_t *prefix, size_t prefix_len, const uint8_t *p, size_t len,
                     uint8_t out[REC_CHECK_BYTES])
{
    ferry_sha256_ctx h;
    uint8_t d[32];
    ferry_sha256_init(&h);
    if (prefix_len)
        ferry_sha256_update(&h, prefix, prefix_len);
    ferry_sha256_update(&h, p, len);
    ferry_sha256_final(&h, d);
    memcpy(out, d, REC_CHECK_BYTES);
}

static uint8_t erased_value(const struct ferry_stage *s)
{
    return s->slot.dev->geo->erased_value;
}

static uint32_t sector0_size(const struct ferry_stage *s)
{
    uint32_t start, size;
    return ferry_area_sector_at(&s->slot, 0, &start, &size) ? 0 : size;
}

int stage_area_is_erased(const struct ferry_area *ar, uint32_t off, uint32_t len, uint8_t *buf,
                         size_t buf_len)
{
    uint8_t ev = ar->dev->geo->erased_value;
    while (len) {
        uint32_t n = len < buf_len ? len : (uint32_t)buf_len;
        int err = ferry_area_read(ar, off, buf, n);
        if (err)
            return err;
        for (uint32_t i = 0; i < n; i++)
            if (buf[i] != ev)
                return 0;
        off += n;
        len -= n;
    }
    return 1;
}

static int erase_record_sector(struct ferry_stage *s)
{
    uint32_t s0 = sector0_size(s);
    s->rec_next = 0;
    s->ck_last = 0;
    s->seq_next = 0;
    return s0 ? ferry_area_erase(&s->slot, 0, s0) : FERRY_E_INVAL;
}

int stage_rec_clear(struct ferry_stage *s)
{
    int err = erase_record_sector(s);
    return err ? err : stage_seq_restore(s);
}

/* ---- Sequence memory ---- */

static uint32_t seq_entry_off(const struct ferry_stage *s, uint32_t k)
{
    const struct ferry_stage *st = s;
    return st->rec_start_len + (st->rec_slots + k) * st->rec_entry_len;
}

int stage_seq_read(struct ferry_stage *s)
{
    struct ferry_stage *st = s;
    uint8_t *e = STAGE_AUX_BUF(s), check[REC_CHECK_BYTES];
    s->seq_known = 0;
    s->seq_highest = 0;
    st->seq_next = st->seq_slots;
    for (uint32_t k = 0; k < st->seq_slots; k++) {
        uint32_t off = seq_entry_off(s, k);
        int erased = stage_area_is_erased(&st->slot, off, st->rec_entry_len, e, STAGE_AUX_LEN);
        if (erased < 0)
            return erased;
        if (erased) {
            st->seq_next = k;
            break;
        }
        int err = ferry_area_read(&st->slot, off, e, REC_SEQ_BYTES + REC_CHECK_BYTES);
        if (err)
            return err;
        check_of(NULL, 0, e, REC_SEQ_BYTES, check);
        if (ferry_get_le32(e) != REC_SEQ_MAGIC || memcmp(check, e + REC_SEQ_BYTES, REC_CHECK_BYTES) != 0)
            continue; /* torn, or not a record at all (an image after an install) */
        uint32_t seq = ferry_get_le32(e + 4);
        if (!s->seq_known || seq > s->seq_highest)
            s->seq_highest = seq;
        s->seq_known = 1;
    }
    return 0;
}

static int seq_program(struct ferry_stage *s, uint32_t seq)
{
    struct ferry_stage *st = s;
    uint8_t *e = STAGE_AUX_BUF(s);
    memset(e, erased_value(s), st->rec_entry_len);
    ferry_put_le32(e, REC_SEQ_MAGIC);
    ferry_put_le32(e + 4, seq);
    check_of(NULL, 0, e, REC_SEQ_BYTES, e + REC_SEQ_BYTES);
    int err = ferry_area_program(&st->slot, seq_entry_off(s, st->seq_next), e, st->rec_entry_len);
    st->seq_next++; /* never reuse an entry a failed program may have touched */
    return err;
}

int stage_seq_write(struct ferry_stage *s, uint32_t seq)
{
    struct ferry_stage *st = s;
    if (st->seq_next >= st->seq_slots) {
        /* Full (or the sector holds something else): start it again. */
        int err = erase_record_sector(s);
        if (err)
            return err;
    }
    int err = seq_program(s, seq);
    if (!err) {
        s->seq_highest = seq;
        s->seq_known = 1;
    }
    return err;
}

int stage_seq_restore(struct ferry_stage *s)
{
    s->seq_next = 0;
    return s->seq_known ? seq_program(s, s->seq_highest) : 0;
}

/* Reads the start entry into the aux buffer and checks it against the
 * current release. 0, FERRY_E_NOT_FOUND (absent, torn or another release),
 * or a flash error. */
static int read_start(struct ferry_stage *s)
{
    struct ferry_stage *st = s;
    uint8_t *e = STAGE_AUX_BUF(s), check[REC_CHECK_BYTES];
    int err = ferry_area_read(&st->slot, 0, e, st->rec_start_len);
    if (err)
        return err;
    if (ferry_get_le32(e) != REC_START_MAGIC || e[4] != REC_VERSION || e[5] != 0 ||
        ferry_get_le16(e + 6) != st->hb || ferry_get_le32(e + 8) != st->size ||
        ferry_get_le32(e + 12) != st->chunk || memcmp(e + 16, s->id, 32) != 0 ||
        memcmp(e + 48, s->sha256, 32) != 0)
        return FERRY_E_NOT_FOUND;
    check_of(NULL, 0, e, REC_HEAD_OFF + st->hb, check);
    if (memcmp(check, e + REC_HEAD_OFF + st->hb, REC_CHECK_BYTES) != 0)
        return FERRY_E_NOT_FOUND;
    memcpy(st->start_check, check, REC_CHECK_BYTES);
    return 0;
}

static int program_start(struct ferry_stage *s)
{
    return ferry_area_program(&s->slot, 0, STAGE_AUX_BUF(s), s->rec_start_len);
}

int stage_rec_start(struct ferry_stage *s, const uint8_t *head)
{
    struct ferry_stage *st = s;
    uint8_t *e = STAGE_AUX_BUF(s);
    memset(e, erased_value(s), st->rec_start_len);
    ferry_put_le32(e, REC_START_MAGIC);
    e[4] = REC_VERSION;
    e[5] = 0;
    ferry_put_le16(e + 6, st->hb);
    ferry_put_le32(e + 8, st->size);
    ferry_put_le32(e + 12, st->chunk);
    memcpy(e + 16, s->id, 32);
    memcpy(e + 48, s->sha256, 32);
    memcpy(e + REC_HEAD_OFF, head, st->hb);
    check_of(NULL, 0, e, REC_HEAD_OFF + st->hb, e + REC_HEAD_OFF + st->hb);
    memcpy(st->start_check, e + REC_HEAD_OFF + st->hb, REC_CHECK_BYTES);
    st->rec_next = 0;
    st->ck_last = 0;
    return program_start(s);
}

/* Programs entry `magic` (pos, digest) into the next free slot. */
static int program_entry(struct ferry_stage *s, uint32_t magic, uint32_t pos, const uint8_t digest[32])
{
    struct ferry_stage *st = s;
    uint8_t *e = STAGE_AUX_BUF(s);
    memset(e, erased_value(s), st->rec_entry_len);
    ferry_put_le32(e, magic);
    ferry_put_le32(e + 4, pos);
    memcpy(e + 8, digest, 32);
    check_of(st->start_check, REC_CHECK_BYTES, e, REC_STEP_BYTES, e + REC_STEP_BYTES);
    int err = ferry_area_program(&st->slot, st->rec_start_len + st->rec_next * st->rec_entry_len, e,
                                 st->rec_entry_len);
    st->rec_next++; /* a failed program may have left bits: never reuse the entry */
    return err;
}

int stage_rec_mark_bad(struct ferry_stage *s)
{
    struct ferry_stage *st = s;
    st->bad_resumes++;
    if (st->bad_resumes >= FERRY_STAGE_MAX_BAD_RESUMES || st->rec_next >= st->rec_slots)
        return stage_rec_clear(s);
    return program_entry(s, REC_BAD_MAGIC, st->ck_last, st->pend_digest);
}

int stage_rec_checkpoint(struct ferry_stage *s, uint32_t pos, const uint8_t digest[32])
{
    struct ferry_stage *st = s;
    int err;
    if (st->rec_next >= st->rec_slots) {
        /* Full: start the sector again with the same start entry. A power
         * cut in between loses the record, which only costs a restart. */
        err = read_start(s);
        if (err)
            return err == FERRY_E_NOT_FOUND ? FERRY_E_CORRUPT : err;
        err = erase_record_sector(s);
        if (!err)
            err = program_start(s); /* from the aux buffer, before it is reused */
        if (!err)
            err = stage_seq_restore(s);
        if (err)
            return err;
    }
    err = program_entry(s, REC_STEP_MAGIC, pos, digest);
    if (!err) {
        st->ck_last = pos;
        st->bad_resumes = 0;
    }
    return err;
}

/* The last valid checkpoint: *written (0 when none) and its digest; sets
 * rec_next to the first erased entry and bad_resumes to the failed-resume
 * notes that follow that checkpoint. */
static int scan(struct ferry_stage *s, uint32_t *written, uint8_t digest[32])
{
    struct ferry_stage *st = s;
    uint8_t *e = STAGE_AUX_BUF(s), check[REC_CHECK_BYTES];
    *written = 0;
    st->bad_resumes = 0;
    st->rec_next = st->rec_slots;
    for (uint32_t k = 0; k < st->rec_slots; k++) {
        uint32_t off = st->rec_start_len + k * st->rec_entry_len;
        int erased = stage_area_is_erased(&st->slot, off, st->rec_entry_len, e, STAGE_AUX_LEN);
        if (erased < 0)
            return erased;
        if (erased) {
            st->rec_next = k;
            break;
        }
        int err = ferry_area_read(&st->slot, off, e, REC_STEP_BYTES + REC_CHECK_BYTES);
        if (err)
            return err;
        check_of(st->start_check, REC_CHECK_BYTES, e, REC_STEP_BYTES, check);
        uint32_t w = ferry_get_le32(e + 4), magic = ferry_get_le32(e);
        if ((magic != REC_STEP_MAGIC && magic != REC_BAD_MAGIC) ||
            memcmp(check, e + REC_STEP_BYTES, REC_CHECK_BYTES) != 0)
            continue; /* torn */
        if (magic == REC_BAD_MAGIC) {
            if (w == *written && w > 0)
                st->bad_resumes++;
            continue;
        }
        if (w <= *written || w > st->size || w % st->chunk != 0 ||
            !ferry_area_is_sector_boundary(&st->slot, st->d + w))
            continue;
        *written = w;
        memcpy(digest, e + 8, 32);
        st->bad_resumes = 0;
    }
    return 0;
}

int stage_rec_resume(struct ferry_stage *s)
{
    struct ferry_stage *st = s;
    uint8_t digest[32], have[32];
    uint32_t written;
    int err = read_start(s);
    if (err)
        return err;
    stage_hash_init(&st->hash);
    stage_hash_feed(&st->hash, STAGE_AUX_BUF(s) + REC_HEAD_OFF, st->hb < st->size ? st->hb
                                                                                   : st->size);
    err = scan(s, &written, digest);
    if (err)
        return err;
    if (written == 0 || written < st->hb || st->bad_resumes >= FERRY_STAGE_MAX_BAD_RESUMES)
        return FERRY_E_NOT_FOUND;
    /* The head must still be held back (erased in flash). */
    err = stage_area_is_erased(&st->slot, st->d, st->hb, STAGE_CHUNK_BUF(s), FERRY_STAGE_CHUNK);
    if (err <= 0)
        return err < 0 ? err : FERRY_E_NOT_FOUND;
    /* Hash what is in flash, not what the record claims. */
    for (uint32_t off = st->hb; off < written;) {
        uint32_t n = written - off < FERRY_STAGE_CHUNK ? written - off : FERRY_STAGE_CHUNK;
        err = ferry_area_read(&st->slot, st->d + off, STAGE_CHUNK_BUF(s), n);
        if (err)
            return err;
        stage_hash_feed(&st->hash, STAGE_CHUNK_BUF(s), n);
        off += n;
    }
    stage_hash_file(&st->hash, have);
    if (ferry_ct_memcmp(have, digest, 32) != 0)
        return FERRY_E_NOT_FOUND;
    st->pos = st->prog = written;
    st->erased_to = st->d + written;
    st->ck_last = st->pend_pos = written;
    memcpy(st->pend_digest, digest, 32);
    st->resumed_from = written;
    return 0;
}

int stage_rec_read_head(struct ferry_stage *s, const uint8_t **head)
{
    int err = read_start(s);
    if (err)
        return err == FERRY_E_NOT_FOUND ? FERRY_E_CORRUPT : err;
    *head = STAGE_AUX_BUF(s) + REC_HEAD_OFF;
    return 0;
}

uint32_t stage_rec_start_len(uint32_t hb, uint32_t pu)
{
    uint32_t n = REC_HEAD_OFF + hb + REC_CHECK_BYTES;
    return (n + pu - 1) / pu * pu;
}

uint32_t stage_rec_entry_len(uint32_t pu)
{
    uint32_t n = REC_STEP_BYTES + REC_CHECK_BYTES;
    return (n + pu - 1) / pu * pu;
}
