/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Little-endian field access for Ferry's on-flash and on-wire formats, which
 * are all little-endian and byte-aligned (no struct overlays: the layout does
 * not depend on the compiler or the CPU).
 */
#ifndef FERRY_BYTEORDER_H
#define FERRY_BYTEORDER_H

#include <stdint.h>

static inline uint16_t ferry_get_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t ferry_get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void ferry_put_le16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void ferry_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

#endif
