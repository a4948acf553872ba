/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry signed image format v1: parser and verifier.
 * The byte layout is specified in docs/image-format.md; the short version:
 *
 *   +------------------------------+  slot offset 0
 *   | fixed header (32 bytes)      |  \
 *   | metadata TLVs (meta_size)    |   | protected: covered by digest
 *   | zero padding to header_size  |   | and signature
 *   +------------------------------+   |
 *   | payload (payload_size bytes) |  /  <- application, linked at slot + header_size
 *   +------------------------------+  protected_size = header_size + payload_size
 *   | trailer (136 bytes)          |  unprotected: digest, key ID, signature
 *   +------------------------------+  total_size
 *
 * All integers little-endian. Nothing here asserts on image bytes: every field
 * is checked and every read is bounded by the area it is parsed from.
 */
#ifndef FERRY_IMAGE_H
#define FERRY_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include "ferry/flash.h"

#define FERRY_IMG_MAGIC          0x59525246u /* bytes "FRRY" */
#define FERRY_IMG_FORMAT_V1      1u
#define FERRY_IMG_FIXED_HDR_SIZE 32u
#define FERRY_IMG_TRAILER_MAGIC  0x4C525446u /* bytes "FTRL" */
#define FERRY_IMG_TRAILER_SIZE   136u
#define FERRY_IMG_SIG_ECDSA_P256 1u          /* raw r||s, 64 bytes, over SHA-256 */

/* Metadata entry types. Bit 15 set: critical (a parser that does not know the
 * type must reject the image). */
#define FERRY_TLV_CRITICAL  0x8000u
#define FERRY_TLV_VENDOR_ID 0x8001u /* 16-byte UUID, required */
#define FERRY_TLV_CLASS_ID  0x8002u /* 16-byte UUID, required */
#define FERRY_TLV_NAME      0x0003u /* UTF-8 text, informational, 1..64 bytes */
#define FERRY_TLV_REVOKE_BELOW 0x8004u /* u32: once this image is confirmed, keys with an
                                          index below it are revoked (docs/keys.md) */
#define FERRY_TLV_ENCRYPTION 0x8005u /* 137 bytes: scheme, class key ID, E, wrapped key,
                                        nonce (docs/image-format.md section 13) */
#define FERRY_TLV_PAYLOAD_DIGESTS 0x8006u /* 64 bytes: SHA-256 of the plaintext payload,
                                             then of the ciphertext payload (a
                                             header-signed image: the same twice) */
#define FERRY_ENC_SCHEME_ECIES_P256 1u /* ferry-ecies-v1 + AES-128-CTR (docs/encryption.md) */
#define FERRY_ENC_TLV_LEN 137u

/* Header flags. Unknown bits set are an error. */
#define FERRY_IMG_F_REVERT  0x00000001u /* signed revert: may replace a newer
                                           version (see docs/design.md policy) */
#define FERRY_IMG_F_PERMANENT 0x00000002u /* install without a trial run: confirmed as soon
                                             as it is installed and its copy checked */
#define FERRY_IMG_F_ENCRYPTED 0x00000004u /* payload encrypted (docs/encryption.md): the
                                             digest covers the header only, which binds
                                             both payload forms by their digests */
#define FERRY_IMG_F_HEADER_SIGNED 0x00000008u /* plain payload, but signed like an
                                                 encrypted image: the digest covers the
                                                 header, whose payload-digest entry binds
                                                 the payload (docs/image-format.md
                                                 section 14), so a bootloader can decide
                                                 on the header and hash the payload once,
                                                 as it installs it */
#define FERRY_IMG_F_KNOWN   (FERRY_IMG_F_REVERT | FERRY_IMG_F_PERMANENT | FERRY_IMG_F_ENCRYPTED | \
                             FERRY_IMG_F_HEADER_SIGNED)
/* The flags under which the trailer digest covers [0, header_size) only and
 * the payload-digest entry is required (at most one of them is set). */
#define FERRY_IMG_F_HEADER_DIGEST (FERRY_IMG_F_ENCRYPTED | FERRY_IMG_F_HEADER_SIGNED)

#define FERRY_NAME_MAX 64u

struct ferry_version {
    uint8_t major;
    uint8_t minor;
    uint16_t patch;
    uint32_t build;
};

/* <0, 0, >0 as a is older, equal, newer than b (major, minor, patch, build). */
int ferry_version_cmp(const struct ferry_version *a, const struct ferry_version *b);

/* The encryption entry of an encrypted image (FERRY_TLV_ENCRYPTION). */
struct ferry_enc_info {
    uint8_t class_key_id[32]; /* SHA-256 of the class public point it is wrapped for */
    uint8_t ephemeral[65];    /* E: ephemeral public point, 0x04 || X || Y */
    uint8_t wrapped[24];      /* the content key, AES key wrap (RFC 3394) under the KEK */
    uint8_t nonce[12];        /* AES-128-CTR: counter block = nonce || be32(block index) */
};

struct ferry_image_info {
    uint32_t header_size;    /* payload offset from the slot start */
    uint32_t meta_size;
    uint32_t payload_size;
    uint32_t protected_size; /* header_size + payload_size */
    uint32_t total_size;     /* protected_size + FERRY_IMG_TRAILER_SIZE */
    uint32_t flags;
    struct ferry_version version;
    uint32_t security_counter;
    uint8_t vendor_id[16];
    uint8_t class_id[16];
    char name[FERRY_NAME_MAX + 1]; /* NUL-terminated, "" when absent */
    uint32_t revoke_below;   /* FERRY_TLV_REVOKE_BELOW, 0 when absent */
    /* Encrypted images only (flags & FERRY_IMG_F_ENCRYPTED), zero otherwise: */
    struct ferry_enc_info enc;
    /* Encrypted and header-signed images (flags & FERRY_IMG_F_HEADER_DIGEST),
     * zero otherwise; equal for a header-signed image: */
    uint8_t plain_digest[32];  /* SHA-256 of the plaintext payload */
    uint8_t cipher_digest[32]; /* SHA-256 of the ciphertext payload */
    /* 1: parsed with FERRY_PARSE_PRIMARY, so an encrypted image's payload is
     * its plaintext (the installed form); 0: the stored form (ciphertext). */
    uint8_t installed;
    /* From the trailer, not yet checked by ferry_image_parse(): */
    uint8_t digest[32];
    uint8_t key_id[32];
    uint8_t signature[64];
};

enum ferry_parse_mode {
    /* The area is a slot: the image must fit; bytes after it are ignored. */
    FERRY_PARSE_SLOT = 0,
    /* The area is exactly one image file: it must end where the trailer ends
     * (FERRY_E_IMG_TRUNCATED / FERRY_E_IMG_TRAILING otherwise). */
    FERRY_PARSE_FILE = 1,
    /* The area is the execution slot: slot rules, and the image is in its
     * installed form (an encrypted image's payload is plaintext there, and
     * is verified against the plaintext digest). */
    FERRY_PARSE_PRIMARY = 2,
};

/*
 * Reads and checks the header, the metadata and the trailer framing.
 * Does not hash or verify the signature.
 * Errors: FERRY_E_IMG_MAGIC, _FORMAT, _HEADER, _TLV, _CRITICAL, _MISSING,
 * _TOO_BIG (slot mode), _TRUNCATED/_TRAILING (file mode), _TRAILER, and any
 * error of the area's reads (FERRY_E_IO ...).
 */
int ferry_image_parse(const struct ferry_area *area, enum ferry_parse_mode mode,
                      struct ferry_image_info *out);

/* A public key the verifier trusts: SEC1 uncompressed P-256 point, its ID
 * (SHA-256 of the 65 point bytes) and its index in the device's key table.
 * Revocation works on indices: "keys below index N" (docs/keys.md). */
struct ferry_pubkey {
    uint8_t point[65];
    uint8_t id[32];
    uint32_t index;
};

struct ferry_verify_policy {
    const struct ferry_pubkey *keys; /* trusted keys */
    unsigned key_count;
    const uint8_t *vendor_id;        /* 16 bytes, or NULL: any vendor */
    const uint8_t *class_id;         /* 16 bytes, or NULL: any class */
    uint32_t min_key_index;          /* keys with a lower index are revoked: refused */
};

/*
 * Full verification of a parsed image: SHA-256 over the protected bytes (an
 * encrypted image: over the header, and the payload against the signed
 * digest of its form, FERRY_E_IMG_CIPHERTEXT / FERRY_E_IMG_PLAINTEXT) equals
 * the trailer digest, the key ID names a trusted key whose index is at or
 * above policy->min_key_index, the signature verifies with that key, vendor
 * and class match the policy, and the image does not revoke the key that
 * signed it (revoke_below at most that key's index).
 *
 * Read once: the image is read again exactly once, the fixed header and the
 * metadata are parsed from the same RAM copy that is hashed, and the trailer
 * from its own single RAM copy. `info` (from ferry_image_parse() of this
 * area) must agree with that read in every field, else FERRY_E_IMG_CHANGED:
 * so whatever the caller decided from `info` before calling (version,
 * counter, flags, digest) rests on the bytes that were verified, even on
 * flash that answers two reads differently.
 *
 * `buf`/`buf_len`: caller scratch for reading flash; it must hold the fixed
 * header and the metadata (32 + meta_size bytes, else FERRY_E_NOSPC); larger
 * is faster (reads are up to 64 KiB).
 * Errors: FERRY_E_IMG_CHANGED, _DIGEST, _KEY, FERRY_E_KEY_REVOKED, _SIGNATURE,
 * _VENDOR, _CLASS, FERRY_E_IMG_REVOKES_SIGNER, any parse error of the second read, FERRY_E_NOSPC, FERRY_E_INVAL, area
 * read errors.
 */
int ferry_image_verify(const struct ferry_area *area, const struct ferry_image_info *info,
                       const struct ferry_verify_policy *policy, uint8_t *buf, size_t buf_len);

/* The fixed header's fields alone (sizes, flags, version, counter; the
 * metadata and trailer fields are left zero), with protected_size. For a
 * writer that must know where the header and payload end before it has
 * the rest. Errors: FERRY_E_IMG_MAGIC, _FORMAT, _HEADER. */
int ferry_image_fixed_header(const uint8_t h[FERRY_IMG_FIXED_HDR_SIZE],
                             struct ferry_image_info *out);

/*
 * The digests a writer computed over an image file as it streamed it into
 * flash (each chunk hashed as it was read back after programming), so that
 * verifying it afterwards needs no second pass over the payload.
 */
struct ferry_image_digests {
    uint8_t head[32];    /* SHA-256 of [0, header_size): the header with its metadata */
    uint8_t digest[32];  /* plain image: SHA-256 of [0, protected_size); encrypted: = head */
    uint8_t payload[32]; /* encrypted image: SHA-256 of the payload [header_size,
                            protected_size) as stored; plain: unused */
};

/*
 * ferry_image_verify() with the payload's digests taken from `streamed`
 * instead of a second read: the header (and metadata) is read once more,
 * hashed and parsed from that RAM copy, and must hash to streamed->head
 * (else FERRY_E_IMG_CHANGED), so every field a decision rests on is one the
 * streamed digests cover; the trailer is read once and the signature is
 * checked over streamed->digest. What it vouches for is the bytes as they
 * were read back when written: flash that changes afterwards is caught by
 * the bootloader's own verification, not here. Same errors as
 * ferry_image_verify(); FERRY_E_INVAL for a NULL `streamed`.
 */
int ferry_image_verify_streamed(const struct ferry_area *area, const struct ferry_image_info *info,
                                const struct ferry_verify_policy *policy, uint8_t *buf,
                                size_t buf_len, const struct ferry_image_digests *streamed);

/* SHA-256 over area bytes [off, off+len) using `buf` for reads. */
int ferry_area_sha256(const struct ferry_area *area, uint32_t off, uint32_t len,
                      uint8_t *buf, size_t buf_len, uint8_t out[32]);

#endif
