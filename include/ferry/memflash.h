/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: a flash device over a caller-owned memory buffer, with NOR rules
 * enforced in software (alignment, erase-before-program, whole-sector erase).
 *
 * Used where "flash" is plain memory: the host CLI and fuzzers (an image file
 * read into RAM, read-only), and boards whose flash is emulated RAM (QEMU
 * mps2). The host simulator (port/sim) adds power-cut injection on top.
 */
#ifndef FERRY_MEMFLASH_H
#define FERRY_MEMFLASH_H

#include <stdint.h>
#include "ferry/flash.h"

struct ferry_memflash {
    uint8_t *mem;                 /* geo->size bytes */
    int read_only;                /* 1: program/erase fail with FERRY_E_UNSUPPORTED */
    struct ferry_flash flash;     /* the device to hand to the core */
    struct ferry_flash_geometry geo_storage;   /* used by ferry_memflash_init_ro */
    struct ferry_sector_region region_storage;
};

/* Writable device with the given geometry (the caller keeps `geo` alive). */
int ferry_memflash_init(struct ferry_memflash *m, uint8_t *mem,
                        const struct ferry_flash_geometry *geo);

/* Read-only device over `len` bytes (one sector, program unit 1). */
int ferry_memflash_init_ro(struct ferry_memflash *m, const uint8_t *mem, uint32_t len);

/* The op table, for drivers that wrap it (the simulator). */
extern const struct ferry_flash_ops ferry_memflash_ops;

#endif
