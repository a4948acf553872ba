/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The footprint programs' stand-in for a TCP transport (tls_size_main.c,
 * tls_size_base.c): bytes out go to the UART, bytes in are read from its
 * data register. Never meant to carry a connection: it only makes every
 * path of the code above it reachable, so that the linker keeps what a real
 * program would, and costs the same few hundred bytes in both programs.
 */
#ifndef MPS2_TLS_SIZE_WIRE_H
#define MPS2_TLS_SIZE_WIRE_H

#include "ferry/transport.h"

extern const struct ferry_transport tls_size_wire;

#endif
