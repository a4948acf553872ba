/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: the crypto seam for encrypted images ("ferry-ecies-v1",
 * docs/encryption-crypto.md). Device side only: unwrapping a content key
 * with the device class's P-256 private key, and AES-128-CTR over the
 * payload at any byte offset. The host side (wrapping at signing time) is
 * tools/ferry/host_ecies.c.
 *
 * A separate backend file (src/crypto/bearssl_enc.c, FERRY_CRYPTO_ENC_SRC
 * in src/sources.cmake) implements it, so a build without encrypted images
 * neither compiles nor links any of it. Nothing here allocates.
 */
#ifndef FERRY_CRYPTO_ENC_H
#define FERRY_CRYPTO_ENC_H

#include <stddef.h>
#include <stdint.h>

#define FERRY_ECIES_INFO_LABEL "ferry-ecies-v1" /* HKDF info prefix, 14 bytes, no NUL */
#define FERRY_ECIES_INFO_LABEL_LEN 14u
#define FERRY_P256_PRIV_LEN 32u     /* private scalar, big-endian, 1 <= d < n */
#define FERRY_P256_PUB_LEN 65u      /* 0x04 || X || Y */
#define FERRY_AES128_KEY_LEN 16u    /* content key K and the KEK */
#define FERRY_KEYWRAP_LEN 24u       /* RFC 3394 wrap of a 16-byte key */
#define FERRY_CTR_NONCE_LEN 12u     /* counter block = nonce || be32(block index) */

/* An expanded AES-128 key for CTR, large enough for every backend (checked
 * at compile time in the backend). Holds key material: wipe it with
 * ferry_aes128_key_wipe() when done. */
typedef struct {
    uint64_t opaque[34];
} ferry_aes128_key;

/* Overwrites len bytes at p with zeros through a volatile pointer, so the
 * compiler cannot drop the stores as dead (secrets on the stack). */
void ferry_wipe(void *p, size_t len);

/* Expands `key` (16 bytes) into k. */
void ferry_aes128_key_init(ferry_aes128_key *k, const uint8_t key[16]);

/* Wipes an expanded key. */
void ferry_aes128_key_wipe(ferry_aes128_key *k);

/*
 * AES-128-CTR, seekable: XORs the key stream at byte positions
 * [offset, offset + len) of the stream into buf, in place (encryption and
 * decryption are the same operation). Block i of the stream (bytes 16i ..
 * 16i+15) is AES-128(K, nonce || be32(i)). offset need not be a multiple of
 * 16, and any split of a range into calls gives the same bytes as one call.
 * The stream is at most 2^32 bytes long, so the block counter never wraps.
 * Returns 0, FERRY_E_INVAL (NULL k, nonce, or buf with len > 0), or
 * FERRY_E_RANGE (offset + len > 2^32; buf is then unchanged).
 */
int ferry_aes128_ctr_xor(const ferry_aes128_key *k, const uint8_t nonce[12], uint32_t offset,
                         uint8_t *buf, size_t len);

/*
 * AES-128 key unwrap, RFC 3394 section 2.2.2 with the default initial value
 * A6A6A6A6A6A6A6A6: 24 wrapped bytes to a 16-byte key. `key` is written
 * only when the integrity check passes (it is zeroed otherwise).
 * Returns 0 or FERRY_E_IMG_KEYWRAP (wrong KEK or altered bytes).
 */
int ferry_aes128_kw_unwrap(const uint8_t kek[16], const uint8_t wrapped[24], uint8_t key[16]);

/*
 * ferry-ecies-v1 unwrap on the device:
 *   Z   = x-coordinate of priv * eph          (eph must be on P-256)
 *   KEK = HKDF-SHA256(salt none, IKM Z, info "ferry-ecies-v1" || eph || pub, L 16)
 *   key = RFC 3394 unwrap of `wrapped` under KEK
 * priv/pub are the device class key pair (pub is passed in, the device
 * knows it; it is only bound into the KDF, not checked against priv).
 * eph is E from the image, wrapped the 24 bytes from the image.
 * Z, KEK and the intermediate contexts are wiped before return; `key` is
 * written only on success (zeroed otherwise).
 * Returns 0; FERRY_E_IMG_KEYWRAP when eph is not a point of P-256 (off the
 * curve, a compressed or infinity encoding, coordinates >= p), or the
 * integrity check fails (the image was encrypted for another class key, or
 * E or the wrapped key were altered); FERRY_E_INVAL for NULL arguments or a
 * private scalar outside [1, n-1] (a provisioning error, not an image one).
 */
int ferry_ecies_unwrap(const uint8_t priv[32], const uint8_t pub[65], const uint8_t eph[65],
                       const uint8_t wrapped[24], uint8_t key[16]);

#endif
