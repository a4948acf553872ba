/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Glitch-hardened image verification for the boot decision (docs/glitch.md).
 * ferry_image_verify_proven() is ferry_image_verify() that also writes
 * FERRY_IMAGE_PROOF to *proof on success, from the final line only: a caller
 * that requires both rc == 0 and the proof is not fooled by one skipped
 * instruction that turns an error exit into a 0 return.
 */
#ifndef FERRY_IMAGE_PRIV_H
#define FERRY_IMAGE_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "ferry/image.h"

#define FERRY_IMAGE_PROOF 0xA53C96E1u /* neither 0 nor 1, nor all ones */

int ferry_image_verify_proven(const struct ferry_area *area, const struct ferry_image_info *info,
                              const struct ferry_verify_policy *policy, uint8_t *buf,
                              size_t buf_len, uint32_t *proof);

#endif
