/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Named flash geometries for tests and the simulator ("stm32f4", "spi-nor",
 * ...). Pure data: adding a layout is adding one table entry in
 * flash_layouts.c. Every preset passes ferry_flash_geometry_check().
 */
#ifndef FERRY_SIM_FLASH_LAYOUTS_H
#define FERRY_SIM_FLASH_LAYOUTS_H

#include <stddef.h>

#include "ferry/flash.h"

struct ferry_flash_layout {
    const char *name;                  /* lowercase, stable: used on command lines */
    const char *description;           /* one line for --help output */
    struct ferry_flash_geometry geo;   /* static storage, lives forever */
};

/* The geometry named `name`, or NULL if there is none. */
const struct ferry_flash_geometry *ferry_flash_layout_geometry(const char *name);

/* The whole table: *count entries, in a fixed order. */
const struct ferry_flash_layout *ferry_flash_layouts(size_t *count);

/* Name of layout `index` (0-based), or NULL past the end: a loop over all
 * names is `for (i = 0; (name = ferry_flash_layout_name(i)); i++)`. */
const char *ferry_flash_layout_name(size_t index);

#endif
