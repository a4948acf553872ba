/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: the internal-flash seam (in-application programming).
 *
 * A port describes each flash device with a `struct ferry_flash`: a const ops
 * table, an opaque context and a geometry record. Nothing is global, so one
 * process (a test, the simulator) can hold any number of devices.
 *
 * Offsets passed to the ops are relative to the device (0 .. size-1). The
 * device is mapped at `geo->start` when it is memory-mapped (internal flash);
 * the bootloader uses that only to find the application's vector table.
 *
 * Sectors may be non-uniform (STM32F4: 4x16K, 1x64K, 7x128K): the geometry
 * lists regions of equal-sized sectors in address order, and
 * ferry_flash_sector_at() answers "which sector holds this offset".
 */
#ifndef FERRY_FLASH_H
#define FERRY_FLASH_H

#include <stdint.h>

/* `count` consecutive sectors of `size` bytes each. */
struct ferry_sector_region {
    uint32_t count;
    uint32_t size;
};

struct ferry_flash_geometry {
    uint32_t start;        /* address where offset 0 is mapped (0 if not mapped) */
    uint32_t size;         /* bytes; equals the sum of count*size over regions */
    uint32_t program_unit; /* program offset and length are multiples of this:
                              1..32 for NOR/internal flash, 256 or 512 for page devices */
    uint8_t erased_value;  /* every byte of an erased sector reads as this: 0xFF or 0x00 */
    uint8_t region_count;  /* entries in `regions`, at least 1 */
    const struct ferry_sector_region *regions;
};

/*
 * The operations. All return 0 or a negative FERRY_E_* code and never return
 * success for a partial operation.
 *
 * read(ctx, off, buf, len)
 *   Copies len bytes at off into buf. Any alignment. len may be 0.
 *   Errors: FERRY_E_RANGE (off+len beyond size), FERRY_E_IO.
 *
 * program(ctx, off, buf, len)
 *   Writes len bytes. off and len are multiples of program_unit. Every target
 *   byte must be erased (reads as erased_value) before: flash can only move bits
 *   away from the erased value, and programming twice is not allowed even where
 *   silicon would tolerate it. buf need not be aligned.
 *   Errors: FERRY_E_ALIGN, FERRY_E_RANGE, FERRY_E_NOT_ERASED, FERRY_E_IO,
 *   FERRY_E_POWER_LOSS (simulator only: the write was cut; the target bytes
 *   now hold anything between old and new content).
 *
 * erase(ctx, off, len)
 *   Sets every byte of whole sectors to erased_value. off must be the start
 *   of a sector and off+len the end of one (possibly another).
 *   Errors: FERRY_E_ALIGN, FERRY_E_RANGE, FERRY_E_IO, FERRY_E_POWER_LOSS
 *   (the sectors touched now hold arbitrary bytes).
 */
struct ferry_flash_ops {
    int (*read)(void *ctx, uint32_t off, void *buf, uint32_t len);
    int (*program)(void *ctx, uint32_t off, const void *buf, uint32_t len);
    int (*erase)(void *ctx, uint32_t off, uint32_t len);
};

struct ferry_flash {
    const struct ferry_flash_ops *ops;
    void *ctx;
    const struct ferry_flash_geometry *geo;
};

/*
 * Checked wrappers used by the core: they validate range and alignment against
 * the geometry first (so a bug in our own code is caught even on a lenient
 * driver), then call the op. Same errors as the ops.
 */
int ferry_flash_read(const struct ferry_flash *f, uint32_t off, void *buf, uint32_t len);
int ferry_flash_program(const struct ferry_flash *f, uint32_t off, const void *buf, uint32_t len);
int ferry_flash_erase(const struct ferry_flash *f, uint32_t off, uint32_t len);

/*
 * The sector containing `off`: its first offset and its size.
 * Returns 0, or FERRY_E_RANGE when off is not inside the device.
 */
int ferry_flash_sector_at(const struct ferry_flash *f, uint32_t off,
                          uint32_t *sector_start, uint32_t *sector_size);

/* 1 if `off` is a sector boundary (0 and size count as boundaries), else 0. */
int ferry_flash_is_sector_boundary(const struct ferry_flash *f, uint32_t off);

/* Geometry self-check: regions add up to size, program unit is sane, every
 * sector is a multiple of the program unit. 0 or FERRY_E_INVAL. */
int ferry_flash_geometry_check(const struct ferry_flash_geometry *g);

/*
 * An area: a window of a device (a slot, the status area). All area offsets
 * are relative to `off`. The area must start and end on sector boundaries.
 */
struct ferry_area {
    const struct ferry_flash *dev;
    uint32_t off;
    uint32_t size;
};

int ferry_area_read(const struct ferry_area *a, uint32_t off, void *buf, uint32_t len);
int ferry_area_program(const struct ferry_area *a, uint32_t off, const void *buf, uint32_t len);
/* Erases [off, off+len) of the area; both ends must be sector boundaries. */
int ferry_area_erase(const struct ferry_area *a, uint32_t off, uint32_t len);
/* Sector containing area offset `off`, as area offsets. */
int ferry_area_sector_at(const struct ferry_area *a, uint32_t off,
                         uint32_t *sector_start, uint32_t *sector_size);
int ferry_area_is_sector_boundary(const struct ferry_area *a, uint32_t off);
/* 0 if the area lies inside its device on sector boundaries, else FERRY_E_INVAL. */
int ferry_area_check(const struct ferry_area *a);

#endif
