/* SPDX-License-Identifier: Apache-2.0 */
/* The scripted read interposer: see flash_interposer.h. */
#include <string.h>

#include "flash_interposer.h"

int ferry_sim_script_interposer(void *ctx, uint32_t off, uint8_t *buf, uint32_t len,
                                uint64_t index)
{
    struct ferry_sim_script *script = ctx;
    uint64_t end = (uint64_t)off + len;

    (void)index; /* rules count their own overlapping reads */
    for (size_t i = 0; i < script->rule_count; i++) {
        struct ferry_sim_script_rule *r = &script->rules[i];
        uint64_t r_end = (uint64_t)r->off + r->len;
        uint64_t lo = off > r->off ? off : r->off, hi = end < r_end ? end : r_end;
        uint32_t hit;

        if (lo >= hi)
            continue; /* no shared byte */
        hit = r->seen++;
        if (hit < r->first || (r->count != 0 && hit - r->first >= r->count))
            continue;
        memcpy(buf + (lo - off), r->bytes + (lo - r->off), (size_t)(hi - lo));
    }
    return 0;
}

void ferry_sim_script_install(struct ferry_sim_flash *dev, struct ferry_sim_script *script)
{
    for (size_t i = 0; i < script->rule_count; i++)
        script->rules[i].seen = 0;
    ferry_sim_flash_set_interposer(dev, ferry_sim_script_interposer, script);
}
