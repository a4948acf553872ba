/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Force-included (-include) when tests/p256.cmake compiles the small
 * variant of Ferry's P-256 (FERRY_P256_OWN_SMALL_SRC) next to the fast one
 * in one test binary: every external name of src/crypto/p256/ gets the
 * prefix p256s_, and ferry_p256_verify becomes ferry_p256_verify_own_small.
 * Keep the list in step with src/crypto/p256/p256_priv.h (a name missing
 * here fails the link with a duplicate symbol).
 */
#ifndef FERRY_TEST_P256_SMALL_NAMES_H
#define FERRY_TEST_P256_SMALL_NAMES_H
#define p256_add_aff p256s_add_aff
#define p256_add_jac p256s_add_jac
#define p256_dbl p256s_dbl
#define p256_fe_add p256s_fe_add
#define p256_fe_copy p256s_fe_copy
#define p256_fe_eq p256s_fe_eq
#define p256_fe_from_bytes p256s_fe_from_bytes
#define p256_fe_inv p256s_fe_inv
#define p256_fe_is_reduced p256s_fe_is_reduced
#define p256_fe_is_zero p256s_fe_is_zero
#define p256_fe_mul p256s_fe_mul
#define p256_fe_neg p256s_fe_neg
#define p256_fe_reduce p256s_fe_reduce
#define p256_fe_set_word p256s_fe_set_word
#define p256_fe_sqr p256s_fe_sqr
#define p256_fe_sub p256s_fe_sub
#define p256_fe_to_bytes p256s_fe_to_bytes
#define p256_g_entry p256s_g_entry
#define p256_odd_multiples p256s_odd_multiples
#define p256_on_curve p256s_on_curve
#define p256_sc_from_bytes p256s_sc_from_bytes
#define p256_sc_in_range p256s_sc_in_range
#define p256_sc_inv p256s_sc_inv
#define p256_sc_mul p256s_sc_mul
#define p256_sc_reduce p256s_sc_reduce
#define p256_sc_wnaf p256s_sc_wnaf
#define p256_to_affine p256s_to_affine
#define p256_verify_core p256s_verify_core
#define p256_p p256s_p
#define p256_b p256s_b
#define p256_n p256s_n
#define p256_g p256s_g
#define ferry_p256_verify ferry_p256_verify_own_small
#endif
