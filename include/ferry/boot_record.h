/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: what the last boot did, for the application (fleet telemetry).
 *
 * The bootloader port chains a recorder in front of its boot hooks, calls
 * ferry_boot(), encodes the outcome into a 96-byte record and leaves it
 * where the application finds it (a RAM area both images agree on, never
 * touched by the application's startup code: docs/boot-record.md). The
 * application decodes it with ferry_app_boot_record() and reports: installed
 * (which version), reverted and why, a staged image refused and with which
 * error.
 *
 * The record is telemetry. It is checked (magic, version, length, CRC-32)
 * against stale or uninitialized RAM, not against an attacker: nothing may
 * decide anything on it. The bootloader decides on signed bytes only.
 * A record exists only for boots that start an application (ferry_boot()
 * returned 0); a bootloader that stays in the bootloader runs nothing that
 * could read one.
 *
 * Threads: every function works on caller-provided memory only and keeps no
 * state; they may run concurrently on different records.
 */
#ifndef FERRY_BOOT_RECORD_H
#define FERRY_BOOT_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include "ferry/boot.h"
#include "ferry/image.h"

#define FERRY_BOOT_RECORD_MAGIC   0x52425946u /* bytes "FYBR" */
#define FERRY_BOOT_RECORD_VERSION 1u
#define FERRY_BOOT_RECORD_SIZE    96u

/* Why the last boot reverted (action FERRY_BOOT_REVERTED). */
enum ferry_boot_revert_reason {
    FERRY_REVERT_NONE = 0,
    FERRY_REVERT_NOT_CONFIRMED = 1,  /* the trial image reached a reset unconfirmed (it crashed,
                                        hung until the watchdog bit, lost power, called
                                        ferry_app_reject()), or no longer verified */
    FERRY_REVERT_INSTALL_FAILED = 2, /* the installed copy did not hash to the signed digest */
    FERRY_REVERT_RESUMED = 3,        /* a revert begun before a power cut was finished; its
                                        cause was in that earlier boot */
};

/* The decoded record. */
struct ferry_boot_record {
    enum ferry_boot_action action;      /* NORMAL, INSTALLED or REVERTED */
    enum ferry_boot_revert_reason revert_reason; /* NONE unless action is REVERTED */
    int trial;                          /* 1: the running image must confirm */
    int staged_err;                     /* 0, or why a staged image was refused (FERRY_E_*) */
    int install_err;                    /* 0, or why an install failed (then it reverted) */
    int backup_damaged;                 /* 1: the previous image was no longer intact, so
                                           the trial image was kept and confirmed instead of
                                           being reverted */
    int staged_known;                   /* 1: staged_version is the refused staged image's */
    struct ferry_version staged_version;
    int counter_known;                  /* 1: counter_min was raised in this boot to ... */
    uint32_t counter_min;               /* ... this stored minimum security counter */
    struct ferry_version version;       /* the image running now */
    uint32_t security_counter;
    uint8_t digest[32];                 /* its image digest (as in its trailer) */
};

/* ---- Bootloader side (ferry::boot) ---------------------------------------- */

/* Collects what ferry_boot() reports through its event hook. Internal
 * fields; the port only owns the memory. */
struct ferry_boot_recorder {
    struct ferry_boot_hooks port;       /* the port's own hooks: every call is forwarded */
    struct ferry_boot_record rec;
    int op;                             /* the status operation the boot found */
    int staged_parsed;                  /* the staged image parsed: ... */
    struct ferry_version staged;        /* ... its version */
};

/* Starts a recorder that forwards to `port_hooks` (which may be NULL or have
 * NULL members) and fills *hooks with the hooks to give ferry_boot().
 * `hooks` may be `port_hooks` itself (the config's hooks, replaced). */
void ferry_boot_recorder_init(struct ferry_boot_recorder *r,
                              const struct ferry_boot_hooks *port_hooks,
                              struct ferry_boot_hooks *hooks);

/* Encodes the outcome of a ferry_boot() that returned 0 with `res` into
 * out[0, FERRY_BOOT_RECORD_SIZE) (docs/boot-record.md). */
void ferry_boot_record_encode(const struct ferry_boot_recorder *r,
                              const struct ferry_boot_result *res,
                              uint8_t out[FERRY_BOOT_RECORD_SIZE]);

/* ---- Application side (ferry::app) ---------------------------------------- */

/*
 * Decodes the record at mem[0, len). Returns 0 with *out filled, or
 *   FERRY_E_NOT_FOUND     no record (shorter than its header, or no magic:
 *                         a bootloader that writes none, or a cold start)
 *   FERRY_E_UNSUPPORTED   a newer format version than this code reads
 *   FERRY_E_CORRUPT       the length, the CRC-32 or a field does not check
 *   FERRY_E_INVAL         NULL arguments
 */
int ferry_app_boot_record(const void *mem, size_t len, struct ferry_boot_record *out);

/* A short English text for a revert reason (for logs). */
const char *ferry_boot_revert_reason_str(enum ferry_boot_revert_reason reason);

#endif
