/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Glitch-hardened image verification for the boot decision (docs/glitch.md).
 * ferry_image_verify_proven() is ferry_image_verify() that also writes
 * FERRY_IMAGE_PROOF to *proof on success, from the final line only: a caller
 * that requires both rc == 0 and the proof is not fooled by one skipped
 * instruction that turns an error exit into a 0 return. `given`: NULL (the
 * bootloader: the image is read and hashed), or a writer's streamed digests
 * (ferry_image_verify_streamed()). `header_only` (with `given` NULL): for an
 * image whose digest covers only the header (FERRY_IMG_F_HEADER_DIGEST), the
 * payload is neither read nor checked and the proof is
 * FERRY_IMAGE_HEADER_PROOF; for any other image it is ignored (the whole
 * verification, FERRY_IMAGE_PROOF).
 */
#ifndef FERRY_IMAGE_PRIV_H
#define FERRY_IMAGE_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "ferry/image.h"

#define FERRY_IMAGE_PROOF 0xA53C96E1u /* neither 0 nor 1, nor all ones */
/* Only the header was verified (header_only, an image whose digest covers
 * the header): its payload is still to be checked against the signed
 * payload digest. Never FERRY_IMAGE_PROOF. */
#define FERRY_IMAGE_HEADER_PROOF 0xA53C87A3u
/* ferry_image_check_payload() found the payload to be the signed one. */
#define FERRY_IMAGE_PAYLOAD_PROOF 0x5AC3691Eu

/* Where metadata is read from: the area (area != NULL), or mem[0..mem_len). */
struct ferry_meta_src {
    const struct ferry_area *area;
    const uint8_t *mem;
    uint32_t mem_len;
};

/* Reads [off, off+len) of the source. Errors: FERRY_E_RANGE, area reads. */
int ferry_meta_read(const struct ferry_meta_src *s, uint32_t off, void *dst, uint32_t len);

/*
 * Encrypted images (docs/image-format.md section 13) live in their own file,
 * so that a bootloader without a class key links none of their code:
 *   image_enc.c             parses their encryption entry and checks their
 *                           payload digest (in FERRY_BOOT_SRC: every host
 *                           and application build);
 *   plain/image_enc_none.c  refuses every encrypted image at parse time
 *                           (FERRY_E_IMG_ENC_KEY); a bootloader links it
 *                           before the core library, which then leaves
 *                           image_enc.c out (FERRY_BOOT_PLAIN_SRC).
 * The payload-digest entry, which header-signed plain images carry too, is
 * the core's (image.c).
 */
#define FERRY_SEEN_ENC     16u
#define FERRY_SEEN_DIGESTS 32u

/* If `type` is the encryption entry: reads the one at [off, off+len) of `s`
 * into *out (*rc: 0, FERRY_E_IMG_TLV, a read error) and returns its seen
 * bit; 0 (nothing read) for any other type. */
unsigned ferry_image_enc_entry(const struct ferry_meta_src *s, uint32_t type, uint32_t off,
                               uint32_t len, struct ferry_image_info *out, int *rc);

/* After the metadata walk (`seen`: the seen bits): the ENCRYPTED flag and
 * the encryption entry come together. 0, FERRY_E_IMG_MISSING or
 * FERRY_E_IMG_TLV. */
int ferry_image_enc_rules(const struct ferry_image_info *out, unsigned seen);

/* Verification step 3b: an encrypted image's payload digest (from the one
 * read) against the signed digest of its form. 0 for a plain image, else 0,
 * FERRY_E_IMG_CIPHERTEXT or FERRY_E_IMG_PLAINTEXT. */
int ferry_image_enc_payload(const struct ferry_image_info *seen, const uint8_t digest[32]);

int ferry_image_verify_proven(const struct ferry_area *area, const struct ferry_image_info *info,
                              const struct ferry_verify_policy *policy, uint8_t *buf,
                              size_t buf_len, const struct ferry_image_digests *given,
                              int header_only, uint32_t *proof);

/*
 * The rest of a header-only verification: `info` is the RAM copy of an image
 * whose header ferry_image_verify_proven() verified in this boot with
 * header_only (FERRY_IMAGE_HEADER_PROOF). Reads the payload once through
 * `buf` and compares its digest with the signed digest of the form the image
 * is in (info->installed: the plaintext digest; a header-signed image has
 * one). 0 and *proof = FERRY_IMAGE_PAYLOAD_PROOF when it matches; else
 * FERRY_E_IMG_DIGEST (header-signed), FERRY_E_IMG_PLAINTEXT or
 * FERRY_E_IMG_CIPHERTEXT (encrypted), read errors, FERRY_E_INVAL (an image
 * whose digest covers everything: nothing to complete).
 */
int ferry_image_check_payload(const struct ferry_area *area, const struct ferry_image_info *info,
                              uint8_t *buf, size_t buf_len, uint32_t *proof);

#endif
