/* SPDX-License-Identifier: Apache-2.0 */
/* The Wycheproof P-256 cases for the target (p256_vectors.c). */
#ifndef FERRY_MPS2_P256_VECTORS_H
#define FERRY_MPS2_P256_VECTORS_H

#include <stdint.h>

struct p256_vector {
    uint16_t tc_id;
    uint8_t valid; /* 1 valid, 0 invalid */
    uint8_t pub[65];
    uint8_t hash[32];
    uint8_t sig[64];
};

extern const struct p256_vector p256_vectors[];
extern const unsigned p256_vector_count;

#endif
