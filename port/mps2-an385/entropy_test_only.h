/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TEST ONLY. NOT RANDOM. An entropy hook for the TLS transport
 * (port/tls-bearssl/include/ferry_tls.h) on QEMU's mps2-an385, which has no
 * random number generator: it hands out a counter-derived byte stream, so
 * every key and nonce a TLS client makes with it can be predicted by anyone
 * who reads this file. It exists so that the TLS transport can be built,
 * measured and exercised under QEMU; a product port gives its TRNG instead
 * (docs/tls.md). Never link it into firmware that talks to a real server.
 */
#ifndef MPS2_ENTROPY_TEST_ONLY_H
#define MPS2_ENTROPY_TEST_ONLY_H

#include "ferry_tls.h"

/* Never fails. ctx is unused. */
extern const struct ferry_tls_entropy mps2_entropy_test_only;

#endif
