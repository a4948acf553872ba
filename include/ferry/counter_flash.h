/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: the anti-rollback counter kept in a reserved flash area.
 *
 * A `struct ferry_counter` (include/ferry/counter.h) backed by NOR-style
 * flash: two banks, each a checked header followed by an append-only array of
 * one-program-unit records, so that most advances are one small program and
 * no erase. On-flash format, power-safety argument and wear figures:
 * docs/counter-format.md.
 *
 * The area must start and end on sector boundaries and hold at least two
 * sectors. It is split like the status area: bank 0 runs from the start to
 * the first sector boundary at or past the middle, bank 1 from there to the
 * end. Each bank must hold the header plus at least one record.
 *
 * One instance per area. The instance remembers what it last read from flash
 * (the current value and where the next record goes) and reads the area again
 * after any error, so a failed advance never leaves a stale view behind.
 */
#ifndef FERRY_COUNTER_FLASH_H
#define FERRY_COUNTER_FLASH_H

#include <stddef.h>
#include <stdint.h>

#include "ferry/counter.h"
#include "ferry/flash.h"

/*
 * A scratch buffer size that always suffices for program unit `unit`. The
 * exact need is one header span (24 bytes rounded up to the unit) or one
 * record slot (max(8, unit) bytes), whichever is larger; max(32, unit) covers
 * both. A larger buffer lets a scan read several record slots per read call.
 * 512 bytes fits every supported part.
 */
#define FERRY_COUNTER_FLASH_BUF_MIN(unit) ((unit) > 32u ? (unit) : 32u)

struct ferry_counter_flash {
    struct ferry_counter counter; /* hand &c->counter to the bootloader */

    /* Set by init, constant afterwards. */
    struct ferry_area bank[2];
    uint32_t slots[2];   /* record slots in each bank */
    uint32_t hdr_span;   /* header bytes rounded up to the program unit */
    uint32_t slot;       /* bytes per record slot: max(8, program unit) */
    uint8_t erased;      /* the device's erased byte value */
    uint8_t *buf;        /* caller's scratch buffer */
    size_t buf_len;

    /* What the last scan found; valid only while `scanned` is 1. */
    int scanned;
    int active;          /* bank that takes the next record, -1: none valid */
    int spare;           /* bank a first header goes to when no bank is whole */
    uint32_t seq;        /* sequence number of the active bank's header */
    uint32_t value;      /* current counter value */
    uint32_t next;       /* index of the next free record slot in the active bank */
};

/*
 * Sets up `c` over `area` and points c->counter at it. Touches no flash: the
 * area is read on the first read() or advance().
 *
 * buf: scratch of FERRY_COUNTER_FLASH_BUF_MIN(program_unit) bytes or more,
 * owned by the caller and used only during read()/advance() calls.
 *
 * Errors: FERRY_E_INVAL (NULL arguments; an area that fails ferry_area_check(),
 * has fewer than two sectors or a bank too small for a header and one record;
 * a buffer below the minimum).
 */
int ferry_counter_flash_init(struct ferry_counter_flash *c, const struct ferry_area *area,
                             uint8_t *buf, size_t buf_len);

#endif
