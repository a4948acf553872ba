/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The update agent's internal parts (include/ferry/agent.h is the contract):
 *   agent.c           configuration, the manifest check and the decision
 *   agent_download.c  the download loop: HTTP, retries, resume
 *   agent_stage.c     writing the staging slot: erase ahead, program chunks,
 *                     checkpoints, the final verification and the mark
 *   agent_record.c    the resume record in the first staging sector
 *
 * Work buffer during a download (struct ferry_agent.buf):
 *   [0, FERRY_AGENT_CHUNK)                     the chunk being received; flash
 *                                              read scratch when no chunk is open
 *   [FERRY_AGENT_CHUNK, 2 * FERRY_AGENT_CHUNK) record entries; the image head
 *                                              during the final verification
 */
#ifndef FERRY_AGENT_PRIV_H
#define FERRY_AGENT_PRIV_H

#include "ferry/agent.h"

#define AGENT_CHUNK_BUF(a) ((a)->buf)
#define AGENT_AUX_BUF(a)   ((a)->buf + FERRY_AGENT_CHUNK)
#define AGENT_AUX_LEN      FERRY_AGENT_CHUNK

/* The record layout alone (staging geometry, entry sizes and slots), which
 * does not depend on the release; no I/O. Errors as agent_stage_layout. */
int agent_rec_layout(struct ferry_agent *a);

/* Staging geometry and the record layout for the current release; no I/O.
 * Errors: FERRY_E_INVAL (bad slots), FERRY_E_UNSUPPORTED (program unit too
 * large, no room for the record). */
int agent_stage_layout(struct ferry_agent *a);

/* 1 if the staging slot already holds exactly the release, marked (its whole
 * file hashes to the manifest's SHA-256); 0 if not; <0 on a flash error.
 * `info` receives the staged image's header when it parses. */
int agent_staged_is_release(struct ferry_agent *a, struct ferry_image_info *info);

/* Starts from zero: erases the image's first sector (any previous staged
 * image disappears) and the record sector. */
int agent_stage_fresh(struct ferry_agent *a);

/* Takes the next `len` image bytes (pos + len <= size). */
int agent_stage_write(struct ferry_agent *a, const uint8_t *data, size_t len);

/* After a failed transfer: records the latest sector boundary reached, so
 * the next attempt resumes there. Best effort. */
void agent_stage_suspend(struct ferry_agent *a);

/* All bytes are in: programs the tail, checks the file digest, verifies the
 * image on flash (head overlaid from the record) and marks it for install. */
int agent_stage_finish(struct ferry_agent *a);

/* Record (agent_record.c). */
int agent_rec_clear(struct ferry_agent *a);
/* Writes the start entry naming the release, holding the image head
 * (`head`, st.hb bytes). The record sector must be erased. */
int agent_rec_start(struct ferry_agent *a, const uint8_t *head);
/* Appends a checkpoint: image bytes [0, pos) are in flash with SHA-256
 * `digest`. Compacts the record sector when it is full. */
int agent_rec_checkpoint(struct ferry_agent *a, uint32_t pos, const uint8_t digest[32]);
/* Notes in the record that resuming from the last checkpoint failed (the
 * server answered the Range with a 206 that does not fit it). Once
 * FERRY_AGENT_MAX_BAD_RESUMES such notes follow that checkpoint, or the
 * sector has no room for one, the record is dropped: the next attempt
 * starts from zero. */
int agent_rec_mark_bad(struct ferry_agent *a);
/* Sequence memory (agent_record.c): entries "FRYS" in the last seq_slots
 * entry slots of the record sector. agent_seq_read sets a->seq_known and
 * a->seq_highest from flash (the highest valid entry) and st.seq_next.
 * agent_seq_write records `seq`: in the next free entry, or, when none is
 * free, by erasing the record sector first (a resume record is lost then).
 * agent_seq_restore writes a->seq_highest again into a record sector that
 * was just erased (no-op when none is known). Layout from agent_rec_layout. */
int agent_seq_read(struct ferry_agent *a);
int agent_seq_write(struct ferry_agent *a, uint32_t seq);
int agent_seq_restore(struct ferry_agent *a);
/* Resumes from the record: on 0, st.pos/prog/erased_to/sha continue after
 * the last checkpoint whose bytes hashed correctly from flash.
 * FERRY_E_NOT_FOUND: nothing usable (start from zero), also after
 * FERRY_AGENT_MAX_BAD_RESUMES failed resumes of that checkpoint; flash errors. */
int agent_rec_resume(struct ferry_agent *a);
/* Reads the start entry again (checked) and points *head at the held-back
 * image head (st.hb bytes) inside the aux buffer. FERRY_E_CORRUPT if the
 * entry no longer checks. */
int agent_rec_read_head(struct ferry_agent *a, const uint8_t **head);
/* Entry sizes, padded to the program unit `pu`. */
uint32_t agent_rec_start_len(uint32_t hb, uint32_t pu);
uint32_t agent_rec_entry_len(uint32_t pu);

/* 1 if `digest` (an image trailer digest) is the image the bootloader
 * reverted after a failed trial, as the status area says; 0 if not; <0 on a
 * storage error (agent.c). */
int agent_rejected(const struct ferry_agent *a, const uint8_t digest[32]);

/* Starts the overall deadline of a check or a download in *dl (limit_ms,
 * or default_ms when 0) and returns dl; NULL when the port gave no clock. */
const struct ferry_deadline *agent_deadline(const struct ferry_agent *a, struct ferry_deadline *dl,
                                            uint32_t limit_ms, uint32_t default_ms);

/* Area helpers. */
int agent_area_is_erased(const struct ferry_area *ar, uint32_t off, uint32_t len, uint8_t *buf,
                         size_t buf_len);

#endif
