/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lwIP's compiler and platform definitions for a bare-metal Cortex-M built
 * with GCC or Clang and newlib (port/lwip, docs/port-lwip.md). lwIP's
 * arch.h takes the C99 headers (stdint.h, inttypes.h, limits.h, ctype.h)
 * for its types; only what differs from its defaults is here:
 *  - no printf/abort: diagnostics are dropped and a failed assertion calls
 *    the port's ferry_lwip_assert_failed (ferry_lwip_port.h);
 *  - random numbers come from the port (ferry_lwip_rand);
 *  - little-endian (every Cortex-M Ferry targets).
 */
#ifndef FERRY_LWIP_ARCH_CC_H
#define FERRY_LWIP_ARCH_CC_H

#include <stdint.h>

#ifndef BYTE_ORDER
#define BYTE_ORDER LITTLE_ENDIAN
#endif

/* lwIP's structure packing: GCC and Clang attributes. */
#define PACK_STRUCT_FIELD(x) x
#define PACK_STRUCT_STRUCT __attribute__((packed))
#define PACK_STRUCT_BEGIN
#define PACK_STRUCT_END

/* Fast byte swapping where lwIP asks for it (htons/htonl). */
#define lwip_htons(x) ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32((u32_t)(x)))

void ferry_lwip_assert_failed(const char *msg) __attribute__((noreturn));
uint32_t ferry_lwip_rand(void);

/* lwIP's diagnostics are printf-style; a device without a console has no
   use for them (and LWIP_DEBUG is off): dropped. */
#define LWIP_PLATFORM_DIAG(x) do { } while (0)
#define LWIP_PLATFORM_ASSERT(x) ferry_lwip_assert_failed(x)
#define LWIP_RAND() ferry_lwip_rand()

#endif
