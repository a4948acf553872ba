/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: the update agent, the application side of an over-the-air update.
 *
 *   ferry_agent_check()     fetch {base}/{class}/manifest.json and its .sig,
 *                           verify, parse, decide: is there a newer release?
 *   ferry_agent_download()  stream that image into the staging slot at the
 *                           swap offset D, hash it on the way, verify it on
 *                           flash, then mark it for install and ask for the
 *                           reboot that lets the bootloader install it.
 *
 * The agent is an HTTP transport on the staging API (ferry/stage.h): other
 * transports use that API directly, with the same rules. Nothing is
 * allocated: the caller owns struct ferry_agent (about 3 KiB) and the HTTP
 * client's buffer. A staged image is "marked for install" when its
 * first program unit (holding the image magic) is written; the agent writes
 * it last, after the whole file hashed to the manifest's SHA-256 and the image
 * signature, vendor and class verified on the flash copy. Until then the
 * bootloader finds no image in the staging slot.
 *
 * An interrupted download resumes (HTTP Range) from a checkpoint kept in the
 * first sector of the staging slot, after a reconnect or a power cycle; the
 * bytes already in flash are hashed again and compared with the checkpoint
 * before the download continues. The record format, the rules and a diagram
 * are in docs/agent.md.
 *
 * Threads: one struct ferry_agent belongs to one thread; its calls are not
 * reentrant and keep no global state. The callbacks (progress, reboot,
 * unix_time) run on the calling thread. The stack each call needs is
 * measured on a Cortex-M3 in bench/app-stack.md.
 */
#ifndef FERRY_AGENT_H
#define FERRY_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include "ferry/app.h"
#include "ferry/counter.h"
#include "ferry/crypto.h"
#include "ferry/http.h"
#include "ferry/image.h"
#include "ferry/manifest.h"
#include "ferry/stage.h"

/* Bytes programmed per flash program call; also the agent's read scratch. */
#define FERRY_AGENT_CHUNK FERRY_STAGE_CHUNK
/* Largest staging program unit the agent supports (page-programmed NOR: 256). */
#define FERRY_AGENT_MAX_PROGRAM_UNIT FERRY_STAGE_MAX_PROGRAM_UNIT
/* Overall deadlines when the configuration gives a clock and leaves its
 * deadline at 0: a check (manifest and signature, every connection and
 * redirect) and a download (every attempt and retry of one call). */
#define FERRY_AGENT_CHECK_DEADLINE_MS    60000u    /* 1 minute */
#define FERRY_AGENT_DOWNLOAD_DEADLINE_MS 1800000u  /* 30 minutes */
/* Consecutive failed resumes of the same checkpoint (a 206 that does not
 * answer the Range asked for) after which the record is dropped and the
 * download starts again from byte 0. */
#define FERRY_AGENT_MAX_BAD_RESUMES FERRY_STAGE_MAX_BAD_RESUMES
/* The agent's one work buffer: manifest + signature during a check; the
 * program chunk and a record/scratch area of the same size during a download. */
#define FERRY_AGENT_BUF_BYTES (FERRY_MANIFEST_MAX_BYTES + FERRY_MANIFEST_SIG_BYTES)

struct ferry_agent_config {
    /* Repository URL prefix, e.g. "http://192.0.2.7:8080/repo" (a trailing
       '/' is allowed). The manifest is {base}/{class-uuid}/manifest.json. */
    const char *base_url;
    const uint8_t *vendor_id;          /* 16 bytes: this device's vendor */
    const uint8_t *class_id;           /* 16 bytes: this device's class */
    const struct ferry_pubkey *keys;   /* release keys: manifests and images */
    unsigned key_count;
    const struct ferry_app_config *app; /* the slots and status area, as the
                                           bootloader sees them */
    const struct ferry_http_client *http;
    /* The anti-rollback store, or NULL. A release whose security counter is
       below the stored minimum (or below the running image's) is refused. */
    const struct ferry_counter *counter;
    /* The key revocation store, or NULL. A manifest or an image signed by a
       key below its index, or below what the running image revokes, is
       refused (FERRY_E_KEY_REVOKED). */
    const struct ferry_counter *revocation;
    /* Reconnects after a transfer that failed midway (FERRY_E_IO,
       FERRY_E_TIMEOUT, FERRY_E_HTTP_LENGTH, a server that ignored Range);
       each one resumes from the last checkpoint. 0: fail at once. */
    unsigned retries;
    /* Called after every piece of body written and once at the end:
       `done` of `total` image bytes. A nonzero return cancels the download:
       ferry_agent_download() (and ferry_agent_download_to_card()) then
       returns FERRY_E_CANCELLED at once, without a retry, keeping the last
       checkpoint so that a later download resumes. Called from the thread
       that runs the download. May be NULL. */
    int (*progress)(void *ctx, uint64_t done, uint64_t total);
    /* Called once the image is marked for install: reset the device into
       the bootloader. May return (then ferry_agent_download returns 0 and
       the caller resets). May be NULL. */
    void (*reboot)(void *ctx);
    void *ctx;                         /* passed to progress and reboot */
    /* The port's monotonic millisecond clock (ferry/transport.h), or NULL.
       With a clock, a check and a download each end with FERRY_E_DEADLINE
       once their overall deadline has passed, however the server paces its
       bytes; without one only the HTTP client's per-call timeout applies. */
    const struct ferry_clock *clock;
    uint32_t check_deadline_ms;        /* 0: FERRY_AGENT_CHECK_DEADLINE_MS */
    uint32_t download_deadline_ms;     /* 0: FERRY_AGENT_DOWNLOAD_DEADLINE_MS */
    /* Wall-clock time for the manifest's "expires", or NULL. Returns 0 with
       *unix_seconds (UTC) when the port knows the time (RTC, network time),
       nonzero when it does not know it now. Without a time, expiry is not
       checked. Called with ctx. */
    int (*unix_time)(void *ctx, uint64_t *unix_seconds);
};

struct ferry_agent {
    const struct ferry_agent_config *cfg;
    int have_release;                 /* 1 after a successful ferry_agent_check */
    int last_status;                  /* HTTP status of the last response (0: none) */
    struct ferry_manifest release;    /* the newer release found by the check */
    uint8_t manifest_digest[32];      /* SHA-256 of its manifest.json */
    struct ferry_url image_url;
    struct ferry_version running;     /* version of the image in the primary slot */
    uint32_t running_counter;         /* and its security counter */
    struct ferry_stage_config stage_cfg; /* the staging API's view of cfg */
    struct ferry_stage st;            /* the download in progress (st.pos,
                                         st.resumed_from may be shown) */
    uint8_t buf[FERRY_AGENT_BUF_BYTES]; /* manifest during a check; the
                                           staging work buffer during a download */
};

/* Binds the agent to its configuration (kept by pointer). No I/O.
 * Errors: FERRY_E_INVAL (NULL or missing fields). */
int ferry_agent_init(struct ferry_agent *a, const struct ferry_agent_config *cfg);

/*
 * Fetches and judges the release manifest. Returns 0 when a newer release
 * for this device is offered (a->release describes it), or:
 *   FERRY_E_NO_UPDATE      the release is the running version
 *   FERRY_E_IMG_DOWNGRADE  the release is older than the running version
 *   FERRY_E_IMG_ROLLBACK   its security counter is below the running image's
 *                          or the stored minimum
 *   FERRY_E_IMG_REVERTED   exactly this image failed its trial here before
 *   FERRY_E_IMG_VENDOR, FERRY_E_IMG_CLASS   the manifest is for other devices
 *   FERRY_E_MANIFEST_EXPIRED  past its "expires" time (only with unix_time)
 *   FERRY_E_MANIFEST_REPLAY   its "sequence" is below the highest one this
 *                          device accepted, or it has none after one was seen
 *   FERRY_E_IMG_TOO_BIG    the image cannot fit the primary slot
 *   FERRY_E_MANIFEST_SIG   signature file wrong size, untrusted key, bad signature
 *   FERRY_E_MANIFEST       malformed manifest (or larger than 1024 bytes), or
 *                          an image path that does not make a URL
 *   FERRY_E_NO_IMAGE       no valid image header in the primary slot
 *   any ferry_http_get() error (FERRY_E_HTTP_STATUS with 404, 500 ...,
 *   FERRY_E_IO for a server that is down, FERRY_E_TIMEOUT, FERRY_E_TLS),
 *   flash and counter errors.
 * The manifest is verified before it is parsed. A manifest for this device
 * whose sequence is higher than any seen before is remembered in the resume
 * record's sector (docs/agent.md, "Freshness"), also when the answer is
 * FERRY_E_NO_UPDATE or a downgrade.
 */
int ferry_agent_check(struct ferry_agent *a);

/*
 * Downloads the release found by ferry_agent_check() into the staging slot,
 * verifies it, marks it for install and calls the reboot hook. Resumes an
 * earlier interrupted download of the same manifest when its checkpoint and
 * the flash contents agree. Returns 0 when the image is marked for install
 * (also when it already was), or:
 *   FERRY_E_INVAL          no successful check before
 *   FERRY_E_BUSY           the running image is on trial: confirm it first
 *                          (the staging slot holds the image to revert to)
 *   FERRY_E_STATE          the status area says an install is unfinished
 *   FERRY_E_UNSUPPORTED    staging program unit above 256, or no room for the
 *                          resume record in the first staging sector
 *   FERRY_E_HTTP_LENGTH    the server's length differs from the manifest's
 *                          size, or the body ended early after all retries
 *   FERRY_E_IMG_DIGEST     the downloaded file's SHA-256 is not the manifest's
 *   FERRY_E_MANIFEST       the image header disagrees with the manifest
 *                          (version, security counter, vendor, class)
 *   image parse/verify errors (FERRY_E_IMG_SIGNATURE, _KEY, _TRUNCATED ...)
 *   FERRY_E_IMG_REVERTED   the image is one that failed its trial here
 *   FERRY_E_CANCELLED      the progress callback asked to stop (the last
 *                          checkpoint is kept: the next download resumes)
 *   any ferry_http_get() error after the retries, flash errors.
 * On every error nothing is marked: the device keeps running its image, and
 * the bootloader sees no staged image.
 */
int ferry_agent_download(struct ferry_agent *a);

#endif
