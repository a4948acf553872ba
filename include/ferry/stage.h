/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: staging an update from any transport (HTTP, MQTT, BLE, a serial
 * line, USB, a file). The application hands over the bytes of a signed
 * image file; Ferry writes them into the staging slot at the swap offset D,
 * verifies the result and marks it for install. The HTTP agent (agent.h) is
 * built on this API.
 *
 *   ferry_stage_init()      bind to the slots and keys; no I/O
 *   ferry_stage_begin()     expected size (and SHA-256); resumes an earlier
 *                           transfer of the same id, else starts from zero
 *   ferry_stage_write()     the next bytes, in order, any chunk size
 *   ferry_stage_write_at()  or: program-unit-aligned pieces in any order
 *   ferry_stage_finish()    verify on flash and mark for install
 *   ferry_stage_suspend()   stop for now, keep the checkpoint for a resume
 *   ferry_stage_abort()     stop and forget; nothing stays staged
 *
 * The hold-back rule: the image's first program unit (it holds the image
 * magic) is never written to its place until the whole file hashed to the
 * expected SHA-256 (when one was given) and the image's signature, vendor,
 * class, version and security counter verified on the flash copy. Until
 * then the bootloader finds no image in the staging slot, so a transfer cut
 * anywhere (power, network, a bad byte) stages nothing and the running image
 * is never touched. The bootloader verifies everything again before it
 * installs; this check only keeps garbage from being marked.
 *
 * In order (ferry_stage_write): bytes are hashed as they arrive, programmed
 * a chunk at a time with sectors erased just ahead, and checkpoints are kept
 * in the first sector of the staging slot (the resume record,
 * docs/agent.md), so a transfer with an id resumes after a reconnect or a
 * power cycle: ferry_stage_begin() then reports where to continue.
 *
 * Any order (FERRY_STAGE_ANY_ORDER, ferry_stage_write_at): for transports
 * that deliver pieces out of order (BLE, multicast). The image's whole range
 * is erased by ferry_stage_begin(); each program unit may be written once;
 * the held-back head stays in the work buffer (RAM), so such a transfer
 * does not survive a reset. ferry_stage_finish() hashes the file from flash.
 *
 * Memory: struct ferry_stage (480 bytes on Cortex-M) and the work buffer
 * (FERRY_STAGE_BUF_BYTES) are the caller's; nothing is allocated.
 *
 * Threads: a struct ferry_stage and its buffer belong to one thread from
 * ferry_stage_begin() to finish/suspend/abort; calls on it are not
 * reentrant. Two stagings must not run on the same staging slot at once
 * (the second begin erases what the first wrote). The flash devices are
 * shared with the rest of the application (ferry_app_confirm() writes the
 * status area): when another thread may use the same device meanwhile, the
 * port's flash ops serialize their operations. No call keeps global state.
 *
 * Stack: measured for each call on a Cortex-M3 in bench/app-stack.md; the
 * deepest is ferry_stage_finish() (signature verification).
 */
#ifndef FERRY_STAGE_H
#define FERRY_STAGE_H

#include <stddef.h>
#include <stdint.h>
#include "ferry/app.h"
#include "ferry/counter.h"
#include "ferry/crypto.h"
#include "ferry/image.h"

/* Bytes programmed per flash program call in order; also the read scratch. */
#define FERRY_STAGE_CHUNK 512u
/* The work buffer: a program chunk and a record/scratch area of the same size. */
#define FERRY_STAGE_BUF_BYTES (2u * FERRY_STAGE_CHUNK)
/* Largest staging program unit supported (page-programmed NOR: 256). */
#define FERRY_STAGE_MAX_PROGRAM_UNIT 256u
/* Consecutive failed resumes of the same checkpoint (ferry_stage_resume_failed)
 * after which the record is dropped and the next begin starts from zero. */
#define FERRY_STAGE_MAX_BAD_RESUMES 3u

/* ferry_stage_begin() flags. */
#define FERRY_STAGE_ANY_ORDER 0x1u /* pieces through ferry_stage_write_at() */

struct ferry_stage_config {
    const struct ferry_app_config *app; /* the slots and status area, as the
                                           bootloader sees them */
    const struct ferry_pubkey *keys;    /* release keys the image must be signed by */
    unsigned key_count;
    const uint8_t *vendor_id;           /* 16 bytes: this device's vendor */
    const uint8_t *class_id;            /* 16 bytes: this device's class */
    /* The anti-rollback store, or NULL: an image whose security counter is
       below the stored minimum (or below the running image's) is refused. */
    const struct ferry_counter *counter;
    /* The key revocation store (the bootloader's, read-only here), or NULL:
       an image signed by a key below its index, or below what the running
       image revokes, is refused (FERRY_E_KEY_REVOKED). */
    const struct ferry_counter *revocation;
    uint8_t *buf;                       /* work buffer, >= FERRY_STAGE_BUF_BYTES */
    size_t buf_len;
};

/* Internal: the one hash pass over the file, fed in order with the bytes as
 * they read back from flash (stage_hash.c): the file's SHA-256 and, split
 * where the fixed header says the header and the payload end, the digests
 * the verification takes instead of reading the image again. */
struct ferry_stage_hash {
    ferry_sha256_ctx file;      /* over file bytes [0, at) */
    ferry_sha256_ctx payload;   /* split image (enc): over the payload bytes fed */
    uint32_t at;                /* bytes fed */
    uint32_t header_size;       /* from the fixed header (0: not known yet, or not an image) */
    uint32_t protected_size;
    int enc;                    /* the fixed header has a FERRY_IMG_F_HEADER_DIGEST flag:
                                   the digest covers the header only */
    int done;                   /* the digests below are complete */
    uint8_t fixed[FERRY_IMG_FIXED_HDR_SIZE]; /* the first bytes, until the fixed header is whole */
    struct ferry_image_digests d;
};

/* State of one staging. Read-only for callers: `pos` (bytes taken so far, in
 * order), `size`, `resumed_from` (where the last begin continued; 0: from
 * zero) may be shown in progress displays. */
struct ferry_stage {
    const struct ferry_stage_config *cfg;
    int state;                  /* internal: idle, in order, any order, failed, staged */
    unsigned flags;
    struct ferry_area slot;     /* the staging slot */
    uint32_t d;                 /* image offset in the slot (swap offset D) */
    uint32_t size;              /* image file size */
    uint32_t pu;                /* staging program unit */
    uint32_t hb;                /* held-back head: first program unit, >= 4 bytes */
    uint32_t chunk;             /* program size: FERRY_STAGE_CHUNK or smaller */
    uint32_t pos;               /* image bytes received (in order) */
    uint32_t prog;              /* image bytes in flash: head in the record,
                                   [hb, prog) at d + hb; a chunk multiple */
    uint32_t erased_to;         /* slot offset: sectors below it (from d) are erased */
    uint32_t rec_start_len;     /* record: start entry bytes (program-unit padded) */
    uint32_t rec_entry_len;     /* record: progress entry bytes */
    uint32_t rec_slots;         /* progress entries that fit the record sector */
    uint32_t rec_next;          /* next free progress entry */
    uint32_t ck_every;          /* bytes between regular checkpoints */
    uint32_t ck_last;           /* position of the last checkpoint written */
    uint32_t pend_pos;          /* latest sector boundary reached ... */
    uint8_t pend_digest[32];    /* ... and SHA-256 of the image bytes before it */
    uint8_t start_check[8];     /* binds progress entries to their start entry */
    uint32_t resumed_from;      /* where the last begin continued (0: from zero) */
    uint32_t bad_resumes;       /* failed resumes of the last checkpoint, from the record */
    uint32_t seq_slots;         /* record: sequence entries at the end of the sector */
    uint32_t seq_next;          /* next free sequence entry (seq_slots: none free) */
    uint32_t seq_highest;       /* highest manifest sequence remembered ... */
    int seq_known;              /* ... when 1 (kept across a fresh start) */
    int have_sha;               /* sha256 below was given */
    uint8_t sha256[32];         /* expected SHA-256 of the whole file */
    uint8_t id[32];             /* names the transfer in the resume record */
    const void *expect;         /* internal: the agent's manifest, or NULL */
    struct ferry_stage_hash hash; /* over image bytes [0, prog) as read back from flash */
};

/* Binds `s` to `cfg` (kept by pointer) and checks the staging geometry. No
 * I/O. Errors: FERRY_E_INVAL (NULL or missing fields, buffer too small, bad
 * slots), FERRY_E_UNSUPPORTED (staging program unit above 256, or no room
 * for the resume record in the first staging sector below D). */
int ferry_stage_init(struct ferry_stage *s, const struct ferry_stage_config *cfg);

/*
 * Starts staging an image file of `size` bytes. `sha256` (32 bytes, or NULL)
 * is the expected SHA-256 of the whole file, from a trusted source such as
 * a signed manifest; without it only the image signature decides. `id` (32
 * bytes, or NULL) names this transfer: when the resume record holds a
 * checkpoint of the same id, size and sha256 whose bytes still hash right
 * from flash, the transfer continues there (in order only); NULL never
 * resumes. flags: 0 (in order) or FERRY_STAGE_ANY_ORDER.
 * Returns 0 with ferry_stage_offset() telling where to continue (0: from the
 * start; == size: the staging slot already holds exactly this file, marked;
 * call ferry_stage_finish()). Errors:
 *   FERRY_E_BUSY        the running image is on trial: confirm it first (the
 *                       staging slot holds the image to revert to)
 *   FERRY_E_STATE       the status area says an install is unfinished
 *   FERRY_E_IMG_TOO_BIG the file cannot fit the staging slot after D, or the
 *                       primary slot
 *   FERRY_E_INVAL       no init, a size below an image's minimum, bad flags
 *   flash errors.
 * A begin on a staging that is still open ends it without a further
 * checkpoint (the checkpoints already written stay, as after a power cut).
 */
int ferry_stage_begin(struct ferry_stage *s, uint32_t size, const uint8_t *sha256,
                      const uint8_t *id, unsigned flags);

/* Where the next in-order byte goes: bytes [0, offset) are taken. */
uint32_t ferry_stage_offset(const struct ferry_stage *s);

/* In order: takes the next `len` bytes. Errors: FERRY_E_INVAL (more than the
 * announced size, not open in order), flash errors. After an error the
 * staging is failed: suspend (keeps the last checkpoint) or abort. */
int ferry_stage_write(struct ferry_stage *s, const void *data, size_t len);

/* Any order: bytes [off, off + len) of the file. `off` is a multiple of the
 * staging program unit and so is `len`, except for the piece that ends the
 * file. Each program unit is written at most once (flash cannot be
 * programmed twice without an erase). Errors: FERRY_E_ALIGN, FERRY_E_INVAL
 * (outside the file, not open in any order), flash errors. */
int ferry_stage_write_at(struct ferry_stage *s, uint32_t off, const void *data, size_t len);

/*
 * All bytes are in: checks the file against the expected SHA-256, verifies
 * the image on flash (head overlaid from where it is held back) and marks it
 * for install by programming the head. `info` (or NULL) receives the staged
 * image's header. Returns 0 when the image is marked (also when it already
 * was), or:
 *   FERRY_E_HTTP_LENGTH   fewer bytes than announced were written (in order)
 *   FERRY_E_IMG_DIGEST    the file's SHA-256 is not the expected one
 *   image parse/verify errors (FERRY_E_IMG_SIGNATURE, _KEY, _VENDOR, _CLASS,
 *                         _TRUNCATED ...), FERRY_E_IMG_TOO_BIG
 *   FERRY_E_NO_UPDATE     it is the image already running
 *   FERRY_E_IMG_DOWNGRADE its version is not above the running one (and it
 *                         does not carry the REVERT flag)
 *   FERRY_E_IMG_ROLLBACK  its security counter is below the running image's
 *                         or the stored minimum
 *   FERRY_E_IMG_REVERTED  exactly this image failed its trial here before
 *   FERRY_E_CORRUPT       the marked copy does not read back as verified
 *   flash errors.
 * On every error nothing is marked. After a digest error the record is
 * dropped (a resume would only find the same bytes); after any error the
 * staging is over: begin again (or abort).
 */
int ferry_stage_finish(struct ferry_stage *s, struct ferry_image_info *info);

/* In order: stops the transfer and records the latest sector boundary
 * reached, so that a begin with the same id resumes there. Best effort
 * (a power cut does the same with the checkpoints written so far). */
void ferry_stage_suspend(struct ferry_stage *s);

/* Stops and forgets the transfer: the resume record is dropped and the
 * image's first sector is erased. Nothing is staged afterwards (a staged
 * image that `s` had already marked stays: abort only undoes an open one).
 * Errors: flash errors. */
int ferry_stage_abort(struct ferry_stage *s);

/* The transfer's source failed to continue from the offset begin gave (say a
 * server answered a range request with other bytes): notes it in the
 * record; after FERRY_STAGE_MAX_BAD_RESUMES such notes the record is dropped
 * and the next begin starts from zero. Best effort; ends the staging. */
void ferry_stage_resume_failed(struct ferry_stage *s);

#endif
