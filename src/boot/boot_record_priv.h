/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The boot record's byte layout (docs/boot-record.md), shared by the
 * encoder (boot_record.c) and the decoder (src/app/boot_record_read.c).
 * Little-endian; FERRY_BOOT_RECORD_SIZE bytes; CRC-32 over all bytes before it.
 */
#ifndef FERRY_BOOT_RECORD_PRIV_H
#define FERRY_BOOT_RECORD_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "ferry/boot_record.h"

#define BR_MAGIC       0u  /* u32 FERRY_BOOT_RECORD_MAGIC */
#define BR_VERSION     4u  /* u8 FERRY_BOOT_RECORD_VERSION; u8 0 */
#define BR_LENGTH      6u  /* u16 FERRY_BOOT_RECORD_SIZE */
#define BR_ACTION      8u  /* u8 enum ferry_boot_action */
#define BR_REASON      9u  /* u8 enum ferry_boot_revert_reason */
#define BR_FLAGS      10u  /* u8 BR_F_*; u8 0 */
#define BR_STAGED_ERR 12u  /* i16 */
#define BR_INSTALL_ERR 14u /* i16 */
#define BR_VERSION_RUN 16u /* u8 major, u8 minor, u16 patch, u32 build */
#define BR_COUNTER    24u  /* u32 security counter of the running image */
#define BR_DIGEST     28u  /* [32] its image digest */
#define BR_VERSION_STAGED 60u /* version of the staged image, as BR_VERSION_RUN */
#define BR_COUNTER_MIN 68u /* u32 */
#define BR_RESERVED   72u  /* [20] 0 */
#define BR_CRC        92u  /* u32 CRC-32 (IEEE 802.3, reflected) of bytes [0, 92) */

#define BR_F_TRIAL          0x01u
#define BR_F_BACKUP_DAMAGED 0x02u
#define BR_F_STAGED_KNOWN   0x04u
#define BR_F_COUNTER_KNOWN  0x08u
#define BR_F_KNOWN          0x0Fu

_Static_assert(BR_CRC + 4u == FERRY_BOOT_RECORD_SIZE, "boot record layout");

/* CRC-32 as zlib computes it (init and final xor 0xFFFFFFFF). */
uint32_t ferry_boot_record_crc32(const uint8_t *p, size_t len);

#endif
