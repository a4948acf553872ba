/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The staging engine's internal parts (include/ferry/stage.h is the contract):
 *   stage.c          begin, in-order and any-order writes, the final check
 *                    and the mark, suspend and abort
 *   stage_record.c   the resume record and the manifest-sequence memory in
 *                    the first sector of the staging slot (docs/agent.md)
 *
 * Work buffer (cfg->buf):
 *   [0, FERRY_STAGE_CHUNK)                     the chunk being received; flash
 *                                              read scratch when no chunk is open
 *   [FERRY_STAGE_CHUNK, 2 * FERRY_STAGE_CHUNK) record entries; the image head
 *                                              during the final verification;
 *                                              in any order, the held-back head
 *                                              from begin to finish
 */
#ifndef FERRY_STAGE_PRIV_H
#define FERRY_STAGE_PRIV_H

#include "ferry/manifest.h"
#include "ferry/stage.h"

#define STAGE_CHUNK_BUF(s) ((s)->cfg->buf)
#define STAGE_AUX_BUF(s)   ((s)->cfg->buf + FERRY_STAGE_CHUNK)
#define STAGE_AUX_LEN      FERRY_STAGE_CHUNK

enum stage_state {
    STAGE_IDLE = 0,
    STAGE_IN_ORDER,
    STAGE_ANY_ORDER,
    STAGE_FAILED, /* a write failed: suspend or abort */
    STAGE_STAGED, /* marked for install (or found marked by begin) */
};

/* The record layout alone (staging geometry, entry sizes and slots), which
 * does not depend on the transfer; no I/O. Errors: FERRY_E_INVAL (bad
 * slots), FERRY_E_UNSUPPORTED (program unit too large, no room for the record). */
int stage_rec_layout(struct ferry_stage *s);

/* 1 if the staging slot already holds exactly the expected file, marked (its
 * whole file hashes to s->sha256); 0 if not (also without an expected
 * digest); <0 on a flash error. `info` receives the staged image's header
 * when it parses. Needs s->size. */
int stage_staged_is_file(struct ferry_stage *s, struct ferry_image_info *info);

/* 1 if `digest` (an image trailer digest) is the image the bootloader
 * reverted after a failed trial, as the status area says; 0 if not; <0 on a
 * storage error. */
int stage_rejected(const struct ferry_app_config *app, const uint8_t digest[32]);

/* 0 if `security_counter` is at or above the anti-rollback store's minimum
 * (or there is no store); FERRY_E_IMG_ROLLBACK if below; the store's read
 * error otherwise (fail closed). */
int stage_counter_allows(const struct ferry_counter *store, uint32_t security_counter);

/* The lowest key index trusted here: the revocation store's (fail closed: its
 * read error is returned) raised to what the image in the primary revokes
 * (confirmed or about to be: the bootloader writes it to the store at the
 * next boot). Errors: the store's, FERRY_E_IO/POWER_LOSS reading the primary. */
int stage_min_key_index(const struct ferry_counter *store, const struct ferry_area *primary,
                        uint32_t *min);

/* Record (stage_record.c). */
int stage_rec_clear(struct ferry_stage *s);
/* Writes the start entry naming the transfer, holding the image head
 * (`head`, hb bytes). The record sector must be erased. */
int stage_rec_start(struct ferry_stage *s, const uint8_t *head);
/* Appends a checkpoint: image bytes [0, pos) are in flash with SHA-256
 * `digest`. Compacts the record sector when it is full. */
int stage_rec_checkpoint(struct ferry_stage *s, uint32_t pos, const uint8_t digest[32]);
/* Notes that resuming from the last checkpoint failed. Once
 * FERRY_STAGE_MAX_BAD_RESUMES such notes follow that checkpoint, or the
 * sector has no room for one, the record is dropped. */
int stage_rec_mark_bad(struct ferry_stage *s);
/* Sequence memory: entries "FRYS" in the last seq_slots entry slots of the
 * record sector. stage_seq_read sets s->seq_known and s->seq_highest from
 * flash (the highest valid entry) and seq_next. stage_seq_write records
 * `seq`: in the next free entry, or, when none is free, by erasing the
 * record sector first (a resume record is lost then). stage_seq_restore
 * writes s->seq_highest again into a record sector that was just erased
 * (no-op when none is known). Layout from stage_rec_layout. */
int stage_seq_read(struct ferry_stage *s);
int stage_seq_write(struct ferry_stage *s, uint32_t seq);
int stage_seq_restore(struct ferry_stage *s);
/* Resumes from the record: on 0, pos/prog/erased_to/hash continue after the
 * last checkpoint whose bytes hashed correctly from flash.
 * FERRY_E_NOT_FOUND: nothing usable (start from zero), also after
 * FERRY_STAGE_MAX_BAD_RESUMES failed resumes of that checkpoint; flash errors. */
int stage_rec_resume(struct ferry_stage *s);
/* Reads the start entry again (checked) and points *head at the held-back
 * image head (hb bytes) inside the aux buffer. FERRY_E_CORRUPT if the entry
 * no longer checks. */
int stage_rec_read_head(struct ferry_stage *s, const uint8_t **head);
/* Entry sizes, padded to the program unit `pu`. */
uint32_t stage_rec_start_len(uint32_t hb, uint32_t pu);
uint32_t stage_rec_entry_len(uint32_t pu);

/* The one hash pass over the file (stage_hash.c). Bytes are fed in file
 * order, each once. */
void stage_hash_init(struct ferry_stage_hash *h);
void stage_hash_feed(struct ferry_stage_hash *h, const uint8_t *p, uint32_t n);
/* SHA-256 of the file bytes fed so far (the pass goes on). */
void stage_hash_file(const struct ferry_stage_hash *h, uint8_t out[32]);
/* The digests for ferry_image_verify_streamed() once the protected bytes
 * were all fed and the fixed header named an image; else NULL. */
const struct ferry_image_digests *stage_hash_digests(const struct ferry_stage_hash *h);

/* 1 if [off, off + len) of `ar` reads erased; <0 on a flash error. */
int stage_area_is_erased(const struct ferry_area *ar, uint32_t off, uint32_t len, uint8_t *buf,
                         size_t buf_len);

#endif
