/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: the release manifest of an update repository (format v1).
 *
 * A repository serves, per device class, one manifest.json naming the current
 * release and a detached signature, manifest.json.sig (docs/agent.md):
 *
 *   {"ferry_manifest":1,"vendor":"<uuid>","class":"<uuid>","version":"2.0.0+0",
 *    "security_counter":2,"size":123456,"sha256":"<64 lowercase hex>",
 *    "image":"images/2.0.0-0123456789abcdef.img","sequence":7,"expires":1767225600}
 *
 * "sequence" and "expires" are optional members of format 1 (readers of
 * format 1 ignore unknown keys, so older devices still read such manifests);
 * the agent's freshness rules for them are in docs/agent.md.
 *
 *   manifest.json.sig = 32-byte key ID || 64-byte raw ECDSA P-256 r||s over
 *                       SHA-256 of the exact bytes of manifest.json
 *
 * The parser is strict about what it uses and ignores what it does not know:
 * the document must be one well-formed JSON object of valid UTF-8; every known
 * key must appear exactly once with the right type and range; unknown keys
 * (of any well-formed value) are skipped. Nothing here trusts the bytes: the
 * signature is checked before the agent parses them, and the parser is fuzzed
 * on its own (fuzz/fuzz_manifest.c).
 */
#ifndef FERRY_MANIFEST_H
#define FERRY_MANIFEST_H

#include <stddef.h>
#include <stdint.h>
#include "ferry/image.h"

#define FERRY_MANIFEST_FORMAT    1u
#define FERRY_MANIFEST_MAX_BYTES 1024u /* longest manifest.json accepted */
#define FERRY_MANIFEST_SIG_BYTES 96u   /* key ID (32) || r||s (64) */
#define FERRY_MANIFEST_PATH_MAX  128u  /* longest "image" path, without the NUL */
/* JSON tokens the parser can hold (on its stack, 16 bytes each): the ten
 * known members take 21, leaving room for a few unknown ones. */
#define FERRY_MANIFEST_MAX_TOKENS 32

struct ferry_manifest {
    uint8_t vendor_id[16];
    uint8_t class_id[16];
    struct ferry_version version;
    uint32_t security_counter;
    uint32_t size;                               /* bytes of the image file, >= 1 */
    uint8_t sha256[32];                          /* SHA-256 of the whole image file */
    char image[FERRY_MANIFEST_PATH_MAX + 1];     /* relative path, NUL-terminated */
    /* Optional freshness fields (0 when absent, has_* says so). */
    uint32_t sequence;                           /* publish count of the class, >= 1 */
    uint32_t expires;                            /* Unix time (UTC seconds), >= 1 */
    uint8_t has_sequence, has_expires;
};

/*
 * Parses `len` bytes of manifest.json (not NUL-terminated; NUL bytes are
 * refused). Rules, each a FERRY_E_MANIFEST when broken:
 *  - 1..FERRY_MANIFEST_MAX_BYTES bytes of UTF-8 holding exactly one JSON
 *    object (whitespace around it allowed), at most FERRY_MANIFEST_MAX_TOKENS
 *    tokens and nesting depth 8;
 *  - "ferry_manifest" is the integer 1;
 *  - "vendor", "class": UUID text, 8-4-4-4-12 hex digits (either case);
 *  - "version": "MAJOR.MINOR.PATCH[+BUILD]", decimal without sign or leading
 *    zeros, major/minor 0..255, patch 0..65535, build 0..2^32-1 (the rules
 *    of `ferry sign --version`);
 *  - "security_counter": integer 0..2^32-1; "size": integer 1..2^32-1
 *    (digits only: no sign, fraction, exponent or leading zero);
 *  - "sha256": exactly 64 lowercase hex digits;
 *  - "image": 1..FERRY_MANIFEST_PATH_MAX bytes of [A-Za-z0-9._~+-] and '/'
 *    ('+' for build numbers: "images/2.0.0+7-f691ecc22feb2130.img"),
 *    not starting with '/', no empty, "." or ".." segment (so no scheme, no
 *    query, no escapes: it can only name a file below the manifest);
 *  - optional "sequence": integer 1..2^32-1, the publish count of the class
 *    (`ferry publish` raises it by one every time);
 *  - optional "expires": integer 1..2^32-1, Unix time in seconds (UTC)
 *    after which the manifest is stale;
 *  - known keys appear once each; unknown keys are ignored.
 * Returns 0 with *out filled, or FERRY_E_MANIFEST (FERRY_E_INVAL for NULL
 * arguments). *out is unspecified after an error.
 */
int ferry_manifest_parse(const char *json, size_t len, struct ferry_manifest *out);

/*
 * Checks the detached signature of `len` manifest bytes: `sig` must be
 * FERRY_MANIFEST_SIG_BYTES long, its key ID must name one of `keys` whose
 * index is at or above `min_key_index` (lower ones are revoked on this
 * device, docs/keys.md), and the ECDSA P-256 signature must verify over
 * SHA-256 of exactly those bytes. `digest` (may be NULL) receives that
 * SHA-256: the manifest's identity.
 * Returns 0, FERRY_E_MANIFEST_SIG (wrong length, untrusted key, bad
 * signature), FERRY_E_KEY_REVOKED or FERRY_E_INVAL (NULL arguments).
 */
int ferry_manifest_verify(const uint8_t *json, size_t len, const uint8_t *sig, size_t sig_len,
                          const struct ferry_pubkey *keys, unsigned key_count,
                          uint32_t min_key_index, uint8_t digest[32]);

#endif
