/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The product's flash, as Ferry sees it: a struct ferry_flash and the three
 * areas (primary slot, staging slot, status). A real product puts its flash
 * driver behind the ops (STM32F4: the FLASH_CR program/erase sequence); this
 * one keeps the bytes in RAM, erased at start, so that the same program runs
 * on the host and links for the target.
 */
#ifndef CONSUMER_STUB_FLASH_H
#define CONSUMER_STUB_FLASH_H

#include "ferry/flash.h"

/* 12 sectors of 4 KiB: primary 16 KiB at 0, staging 20 KiB at 16 KiB (one
 * sector more than the primary, for the swap), status 8 KiB (two banks). */
extern const struct ferry_flash stub_flash;
extern const struct ferry_area stub_primary, stub_staging, stub_status;

#endif
