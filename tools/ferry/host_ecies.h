/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry-ecies-v1 on the host (docs/encryption-crypto.md): wrapping a fresh
 * content key for a device class public key at signing time. The device's
 * counterpart is ferry_ecies_unwrap() (include/ferry/crypto_enc.h). This is
 * a separate implementation over BearSSL, so that the two sides check each
 * other and both are checked against openssl (tests/enc_openssl.sh).
 * Internal to the host library, like host_priv.h.
 */
#ifndef FERRY_HOST_ECIES_H
#define FERRY_HOST_ECIES_H

#include <stddef.h>
#include <stdint.h>

/*
 * Z = x-coordinate of priv * pub (32 bytes). Errors: FERRY_E_INVAL when pub
 * is not a P-256 point (0x04 || X || Y on the curve) or priv is not in
 * [1, n-1]. z is zeroed on error.
 */
int host_p256_ecdh(const uint8_t priv[32], const uint8_t pub[65], uint8_t z[32]);

/* KEK = HKDF-SHA256(salt none, IKM z, info "ferry-ecies-v1" || eph || pub, L 16). */
void host_ecies_kek(const uint8_t z[32], const uint8_t eph[65], const uint8_t pub[65],
                    uint8_t kek[16]);

/* RFC 3394 AES-128 key wrap (section 2.2.1, default IV A6A6A6A6A6A6A6A6)
 * of a 16-byte key: 24 bytes. */
void host_aes128_kw_wrap(const uint8_t kek[16], const uint8_t key[16], uint8_t out[24]);

/*
 * Wraps `key` for the class public key `pub` with the ephemeral scalar
 * `eph_priv`: eph = eph_priv * G, wrapped = AES-KW(KEK, key). Deterministic,
 * for test vectors; real images use host_ecies_wrap(). Errors:
 * FERRY_E_INVAL (pub not a P-256 point, eph_priv not in [1, n-1]).
 */
int host_ecies_wrap_fixed(const uint8_t pub[65], const uint8_t eph_priv[32],
                          const uint8_t key[16], uint8_t eph[65], uint8_t wrapped[24]);

/*
 * Draws a fresh content key `key` and ephemeral key pair from the system RNG
 * (BearSSL's seeder into HMAC_DRBG-SHA256) and wraps the key for `pub`.
 * The ephemeral scalar is wiped before return. Errors: FERRY_E_INVAL (pub
 * not a P-256 point), FERRY_E_IO (no system RNG). On error, key, eph and
 * wrapped are zeroed.
 */
int host_ecies_wrap(const uint8_t pub[65], uint8_t eph[65], uint8_t wrapped[24], uint8_t key[16]);

#endif
