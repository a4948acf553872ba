/* SPDX-License-Identifier: Apache-2.0 */
/* The boot record for the application (boot_handoff.h, docs/boot-record.md). */
#include <stdint.h>
#include "board.h"
#include "boot_handoff.h"
#include "ferry/boot_record.h"

static struct ferry_boot_recorder recorder;

void boot_handoff_begin(struct ferry_boot_config *cfg)
{
    ferry_boot_recorder_init(&recorder, &cfg->hooks, &cfg->hooks);
}

void boot_handoff_end(const struct ferry_boot_result *res)
{
    ferry_boot_record_encode(&recorder, res, (uint8_t *)(uintptr_t)BOARD_BOOT_RECORD_ADDR);
}
