/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A scripted read interposer for the flash simulator (flash_sim.h): a short
 * list of rules "on the N-th read that overlaps [off, off+len), show these
 * bytes there instead", so a test can say "the first read of the header
 * shows class A, every later one shows class B".
 *
 * Counting is per rule: a rule counts every read that shares at least one
 * byte with its range (0 for the first), whether or not it fires. A rule
 * fires on the overlapping reads first .. first+count-1 (count 0: every one
 * from `first` on) and replaces only the bytes of the read that fall inside
 * its range, with the matching bytes of `bytes`. Rules are applied in list
 * order, so a later firing rule wins where two overlap. Reads of bytes no
 * firing rule covers deliver the true contents.
 *
 * The caller owns the rules, the bytes and the script (no allocation); they
 * must outlive the installation.
 *
 *   static const uint8_t class_b[16] = {...};
 *   struct ferry_sim_script_rule rule = {hdr_off + 32, 16, class_b, 1, 0};
 *   struct ferry_sim_script script = {&rule, 1};
 *   ferry_sim_script_install(dev, &script);   // read 0 true, reads 1.. show B
 */
#ifndef FERRY_SIM_FLASH_INTERPOSER_H
#define FERRY_SIM_FLASH_INTERPOSER_H

#include <stddef.h>
#include <stdint.h>

#include "flash_sim.h"

struct ferry_sim_script_rule {
    uint32_t off, len;    /* the watched range [off, off+len) (device offsets) */
    const uint8_t *bytes; /* len bytes shown in that range when the rule fires */
    uint32_t first;       /* the first overlapping read it fires on (0-based) */
    uint32_t count;       /* how many overlapping reads it fires on; 0: all from `first` */
    uint32_t seen;        /* state: overlapping reads so far (install resets it) */
};

struct ferry_sim_script {
    struct ferry_sim_script_rule *rules;
    size_t rule_count;
};

/* The interposer callback; ctx is a struct ferry_sim_script. Always returns 0. */
int ferry_sim_script_interposer(void *ctx, uint32_t off, uint8_t *buf, uint32_t len,
                                uint64_t index);

/* Zeroes every rule's `seen` and installs the script on `dev` (replacing any
 * interposer). Remove it with ferry_sim_flash_set_interposer(dev, NULL, NULL). */
void ferry_sim_script_install(struct ferry_sim_flash *dev, struct ferry_sim_script *script);

#endif
