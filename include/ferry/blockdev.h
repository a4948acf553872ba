/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: the block-device seam for external storage (SPI NOR, SD card over
 * SPI, RAM, a host file).
 *
 * Like the flash seam: const ops + context + geometry, no globals. Addresses
 * are 64-bit because SD cards pass 4 GiB.
 *
 * read(ctx, addr, buf, len)
 *   addr and len multiples of read_unit. Errors: FERRY_E_ALIGN, FERRY_E_RANGE,
 *   FERRY_E_IO, FERRY_E_TIMEOUT.
 * program(ctx, addr, buf, len)
 *   addr and len multiples of program_unit. On devices with erase (NOR),
 *   the target must be erased first (FERRY_E_NOT_ERASED otherwise); devices
 *   without erase (SD) overwrite in place. Errors: FERRY_E_ALIGN, FERRY_E_RANGE,
 *   FERRY_E_NOT_ERASED, FERRY_E_IO, FERRY_E_TIMEOUT, FERRY_E_POWER_LOSS.
 * erase(ctx, addr, len)
 *   addr and len multiples of erase_unit. NULL when the device has no erase
 *   (then erased_value is -1). Errors: as program, without NOT_ERASED.
 * sync(ctx)
 *   Returns once every earlier program/erase is durable. NULL if always durable.
 */
#ifndef FERRY_BLOCKDEV_H
#define FERRY_BLOCKDEV_H

#include <stdint.h>
#include "ferry/flash.h"

struct ferry_bd_ops {
    int (*read)(void *ctx, uint64_t addr, void *buf, uint32_t len);
    int (*program)(void *ctx, uint64_t addr, const void *buf, uint32_t len);
    int (*erase)(void *ctx, uint64_t addr, uint64_t len);
    int (*sync)(void *ctx);
};

struct ferry_bd_geometry {
    uint64_t size;          /* bytes */
    uint32_t read_unit;     /* bytes, >= 1 */
    uint32_t program_unit;  /* bytes, >= 1 */
    uint32_t erase_unit;    /* bytes; equals program_unit when there is no erase */
    int16_t erased_value;   /* 0x00..0xFF, or -1 if the device has no erase */
};

struct ferry_bd {
    const struct ferry_bd_ops *ops;
    void *ctx;
    const struct ferry_bd_geometry *geo;
};

/*
 * A flash-seam view of an erasable block device (SPI NOR used as a staging
 * slot): uniform sectors of erase_unit, the device's program_unit and erased
 * value. The caller owns the struct and keeps `bd` alive. The flash seam
 * reads at any alignment, so the device must have read_unit 1 (SPI NOR does).
 * Every program and erase is followed by the device's sync, because flash
 * ops are durable when they return.
 * Errors: FERRY_E_UNSUPPORTED (no erase, larger than 4 GiB, read_unit != 1),
 * FERRY_E_INVAL (NULL argument or op, size not a multiple of erase_unit,
 * erase_unit not a multiple of program_unit, or a geometry that fails
 * ferry_flash_geometry_check()).
 */
struct ferry_bd_flash {
    const struct ferry_bd *bd;
    struct ferry_flash flash;
    struct ferry_flash_geometry geo;
    struct ferry_sector_region region;
};
int ferry_bd_flash_init(struct ferry_bd_flash *v, const struct ferry_bd *bd);

#endif
