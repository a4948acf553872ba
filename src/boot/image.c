/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry signed image format v1: parser and verifier (include/ferry/image.h).
 * The byte format and the order in which rules are checked are specified in
 * docs/image-format.md; keep the two in step.
 *
 * Reads go through ferry_area_read() only, and every offset is checked
 * against the area size before it is read, so a hostile header can never
 * make the parser touch bytes outside the area.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "ferry/byteorder.h"
#include "ferry/image.h"
#include "image_priv.h"

/* Fixed header offsets. */
#define HDR_MAGIC        0u
#define HDR_FORMAT       4u
#define HDR_HEADER_SIZE  6u
#define HDR_META_SIZE    8u
#define HDR_RESERVED     10u
#define HDR_PAYLOAD_SIZE 12u
#define HDR_FLAGS        16u
#define HDR_MAJOR        20u
#define HDR_MINOR        21u
#define HDR_PATCH        22u
#define HDR_BUILD        24u
#define HDR_SEC_COUNTER  28u

/* Trailer offsets (from the end of the protected bytes). */
#define TRL_MAGIC     0u
#define TRL_SIZE      4u
#define TRL_SIG_TYPE  6u
#define TRL_DIGEST    8u
#define TRL_KEY_ID    40u
#define TRL_SIGNATURE 72u

#define HEADER_ALIGN  8u
#define TLV_ALIGN     4u
#define TLV_HDR_SIZE  4u
#define UUID_SIZE     16u

/* Reads are capped so a huge caller buffer cannot overflow 32-bit lengths. */
#define SCAN_CHUNK_MAX 65536u

int ferry_version_cmp(const struct ferry_version *a, const struct ferry_version *b)
{
    if (a->major != b->major) {
        return a->major < b->major ? -1 : 1;
    }
    if (a->minor != b->minor) {
        return a->minor < b->minor ? -1 : 1;
    }
    if (a->patch != b->patch) {
        return a->patch < b->patch ? -1 : 1;
    }
    if (a->build != b->build) {
        return a->build < b->build ? -1 : 1;
    }
    return 0;
}

/*
 * Fixed header fields (everything except the sizes' fit in the area).
 * Errors: FERRY_E_IMG_MAGIC, FERRY_E_IMG_FORMAT, FERRY_E_IMG_HEADER.
 */
static int parse_fixed_header(const uint8_t h[FERRY_IMG_FIXED_HDR_SIZE],
                              struct ferry_image_info *out)
{
    uint32_t header_size, meta_size;

    if (ferry_get_le32(h + HDR_MAGIC) != FERRY_IMG_MAGIC) {
        return FERRY_E_IMG_MAGIC;
    }
    if (ferry_get_le16(h + HDR_FORMAT) != FERRY_IMG_FORMAT_V1) {
        return FERRY_E_IMG_FORMAT;
    }
    header_size = ferry_get_le16(h + HDR_HEADER_SIZE);
    meta_size = ferry_get_le16(h + HDR_META_SIZE);
    if (ferry_get_le16(h + HDR_RESERVED) != 0u || meta_size % TLV_ALIGN != 0u ||
        header_size % HEADER_ALIGN != 0u ||
        header_size < FERRY_IMG_FIXED_HDR_SIZE + meta_size) {
        return FERRY_E_IMG_HEADER;
    }
    out->header_size = header_size;
    out->meta_size = meta_size;
    out->payload_size = ferry_get_le32(h + HDR_PAYLOAD_SIZE);
    out->flags = ferry_get_le32(h + HDR_FLAGS);
    if (out->payload_size == 0u || (out->flags & ~FERRY_IMG_F_KNOWN) != 0u ||
        (out->flags & FERRY_IMG_F_HEADER_DIGEST) == FERRY_IMG_F_HEADER_DIGEST) {
        return FERRY_E_IMG_HEADER;
    }
    out->version.major = h[HDR_MAJOR];
    out->version.minor = h[HDR_MINOR];
    out->version.patch = ferry_get_le16(h + HDR_PATCH);
    out->version.build = ferry_get_le32(h + HDR_BUILD);
    out->security_counter = ferry_get_le32(h + HDR_SEC_COUNTER);
    return FERRY_OK;
}

int ferry_image_fixed_header(const uint8_t h[FERRY_IMG_FIXED_HDR_SIZE],
                             struct ferry_image_info *out)
{
    memset(out, 0, sizeof *out);
    int rc = parse_fixed_header(h, out);
    if (rc == FERRY_OK) {
        out->protected_size = out->header_size + out->payload_size;
        if (out->protected_size < out->payload_size) {
            rc = FERRY_E_IMG_HEADER;
        }
    }
    return rc;
}

/*
 * Where the image ends against the area. Done before any read past the fixed
 * header, so that metadata and trailer reads are known to be inside the area.
 * Errors: FERRY_E_IMG_TOO_BIG (slot), FERRY_E_IMG_TRUNCATED and
 * FERRY_E_IMG_TRAILING (file).
 */
static int check_fit(uint32_t area_size, enum ferry_parse_mode mode,
                     struct ferry_image_info *out)
{
    /* header_size < 2^16 and payload_size < 2^32: 64 bits cannot overflow. */
    uint64_t protected_size = (uint64_t)out->header_size + out->payload_size;
    uint64_t total = protected_size + FERRY_IMG_TRAILER_SIZE;

    if (mode == FERRY_PARSE_FILE) {
        if ((uint64_t)area_size < total) {
            return FERRY_E_IMG_TRUNCATED;
        }
        if ((uint64_t)area_size > total) {
            return FERRY_E_IMG_TRAILING;
        }
    } else if (total > (uint64_t)area_size) {
        return FERRY_E_IMG_TOO_BIG;
    }
    out->protected_size = (uint32_t)protected_size;
    out->total_size = (uint32_t)total;
    return FERRY_OK;
}

/* Metadata is read from the area itself (ferry_image_parse) or from the RAM
 * copy of the header that ferry_image_verify() hashes (struct ferry_meta_src,
 * image_priv.h). One walker serves both, so the bytes verify parses are
 * exactly the bytes it hashes. */
int ferry_meta_read(const struct ferry_meta_src *s, uint32_t off, void *dst, uint32_t len)
{
    if (s->area != NULL) {
        return ferry_area_read(s->area, off, dst, len);
    }
    if (off > s->mem_len || len > s->mem_len - off) {
        return FERRY_E_RANGE;
    }
    memcpy(dst, s->mem + off, len);
    return FERRY_OK;
}

/*
 * One known metadata entry's value. `len` is already known to lie inside the
 * metadata area. Errors: FERRY_E_IMG_TLV, read errors.
 */
static int read_uuid_entry(const struct ferry_meta_src *s, uint32_t off, uint32_t len,
                           uint8_t dst[UUID_SIZE])
{
    if (len != UUID_SIZE) {
        return FERRY_E_IMG_TLV;
    }
    return ferry_meta_read(s, off, dst, UUID_SIZE);
}

static int read_name_entry(const struct ferry_meta_src *s, uint32_t off, uint32_t len,
                           char dst[FERRY_NAME_MAX + 1])
{
    uint32_t i;
    int rc;

    if (len == 0u || len > FERRY_NAME_MAX) {
        return FERRY_E_IMG_TLV;
    }
    rc = ferry_meta_read(s, off, dst, len);
    if (rc != FERRY_OK) {
        return rc;
    }
    for (i = 0; i < len; i++) {
        if (dst[i] == '\0') {
            return FERRY_E_IMG_TLV;
        }
    }
    dst[len] = '\0';
    return FERRY_OK;
}

static int read_u32_entry(const struct ferry_meta_src *s, uint32_t off, uint32_t len, uint32_t *dst)
{
    uint8_t v[4];
    int rc;

    if (len != sizeof v) {
        return FERRY_E_IMG_TLV;
    }
    rc = ferry_meta_read(s, off, v, sizeof v);
    if (rc == FERRY_OK) {
        *dst = ferry_get_le32(v);
    }
    return rc;
}

#define SEEN_VENDOR 1u
#define SEEN_CLASS  2u
#define SEEN_NAME   4u
#define SEEN_REVOKE 8u

/* H_p then H_c, 32 bytes each (FERRY_TLV_PAYLOAD_DIGESTS). */
static int read_digests_entry(const struct ferry_meta_src *s, uint32_t off, uint32_t len,
                              struct ferry_image_info *out)
{
    uint8_t v[64];
    if (len != sizeof v) {
        return FERRY_E_IMG_TLV;
    }
    int rc = ferry_meta_read(s, off, v, sizeof v);
    if (rc == FERRY_OK) {
        memcpy(out->plain_digest, v, 32);
        memcpy(out->cipher_digest, v + 32, 32);
    }
    return rc;
}

/* After the walk: a header digest needs the payload digests it rests on, and
 * the payload digests mean nothing without one. A header-signed payload has
 * one form, so its two digests are one. Then the encryption entry's rules. */
static int digest_rules(const struct ferry_image_info *out, unsigned seen)
{
    int split = (out->flags & FERRY_IMG_F_HEADER_DIGEST) != 0u;
    if (split && (seen & FERRY_SEEN_DIGESTS) == 0u) {
        return FERRY_E_IMG_MISSING;
    }
    if (!split && (seen & FERRY_SEEN_DIGESTS) != 0u) {
        return FERRY_E_IMG_TLV;
    }
    if ((out->flags & FERRY_IMG_F_HEADER_SIGNED) != 0u &&
        memcmp(out->plain_digest, out->cipher_digest, 32) != 0) {
        return FERRY_E_IMG_TLV;
    }
    return ferry_image_enc_rules(out, seen);
}
/*
 * Walks the metadata entries in [32, 32 + meta_size). Each entry's header and
 * value must lie wholly inside that range. A known type seen twice is an
 * error; unknown non-critical types are skipped unread (v1 does not track
 * them, so their duplicates are left to the parsers that know them).
 * Errors: FERRY_E_IMG_TLV, FERRY_E_IMG_CRITICAL, FERRY_E_IMG_MISSING, read
 * errors.
 */
static int parse_metadata(const struct ferry_meta_src *src, struct ferry_image_info *out)
{
    uint32_t pos = FERRY_IMG_FIXED_HDR_SIZE;
    uint32_t end = FERRY_IMG_FIXED_HDR_SIZE + out->meta_size;
    unsigned seen = 0;
    uint8_t th[TLV_HDR_SIZE];
    uint32_t type, len, value;
    unsigned bit;
    int rc;

    while (pos < end) {
        /* pos and end are both 4-aligned, so a whole entry header fits. */
        rc = ferry_meta_read(src, pos, th, TLV_HDR_SIZE);
        if (rc != FERRY_OK) {
            return rc;
        }
        type = ferry_get_le16(th);
        len = ferry_get_le16(th + 2);
        value = pos + TLV_HDR_SIZE;
        if (len > end - value) {
            return FERRY_E_IMG_TLV;
        }
        bit = type == FERRY_TLV_VENDOR_ID ? SEEN_VENDOR
            : type == FERRY_TLV_CLASS_ID  ? SEEN_CLASS
            : type == FERRY_TLV_NAME      ? SEEN_NAME
            : type == FERRY_TLV_REVOKE_BELOW ? SEEN_REVOKE
            : type == FERRY_TLV_PAYLOAD_DIGESTS ? FERRY_SEEN_DIGESTS
            : 0u;
        if (bit == 0u) {
            /* The encryption entry, in its own file (image_priv.h). */
            rc = FERRY_OK;
            bit = ferry_image_enc_entry(src, type, value, len, out, &rc);
            if (rc != FERRY_OK) {
                return rc;
            }
        }
        if (bit == 0u && (type & FERRY_TLV_CRITICAL) != 0u) {
            return FERRY_E_IMG_CRITICAL;
        }
        if ((seen & bit) != 0u) {
            return FERRY_E_IMG_TLV;
        }
        if (bit == SEEN_VENDOR) {
            rc = read_uuid_entry(src, value, len, out->vendor_id);
        } else if (bit == SEEN_CLASS) {
            rc = read_uuid_entry(src, value, len, out->class_id);
        } else if (bit == SEEN_NAME) {
            rc = read_name_entry(src, value, len, out->name);
        } else if (bit == SEEN_REVOKE) {
            rc = read_u32_entry(src, value, len, &out->revoke_below);
        } else if (bit == FERRY_SEEN_DIGESTS) {
            rc = read_digests_entry(src, value, len, out);
        } else {
            rc = FERRY_OK; /* read by ferry_image_enc_entry, or unknown and not critical */
        }
        if (rc != FERRY_OK) {
            return rc;
        }
        seen |= bit;
        /* value + len <= end and end is 4-aligned: the padded end fits too. */
        pos = value + ((len + TLV_ALIGN - 1u) & ~(TLV_ALIGN - 1u));
    }
    if ((seen & SEEN_VENDOR) == 0u || (seen & SEEN_CLASS) == 0u) {
        return FERRY_E_IMG_MISSING;
    }
    return digest_rules(out, seen);
}

/* Trailer framing and contents, from a RAM copy. Errors: FERRY_E_IMG_TRAILER. */
static int parse_trailer(const uint8_t t[FERRY_IMG_TRAILER_SIZE], struct ferry_image_info *out)
{
    if (ferry_get_le32(t + TRL_MAGIC) != FERRY_IMG_TRAILER_MAGIC ||
        ferry_get_le16(t + TRL_SIZE) != FERRY_IMG_TRAILER_SIZE ||
        ferry_get_le16(t + TRL_SIG_TYPE) != FERRY_IMG_SIG_ECDSA_P256) {
        return FERRY_E_IMG_TRAILER;
    }
    memcpy(out->digest, t + TRL_DIGEST, sizeof out->digest);
    memcpy(out->key_id, t + TRL_KEY_ID, sizeof out->key_id);
    memcpy(out->signature, t + TRL_SIGNATURE, sizeof out->signature);
    return FERRY_OK;
}

static int read_trailer(const struct ferry_area *area, struct ferry_image_info *out)
{
    uint8_t t[FERRY_IMG_TRAILER_SIZE];
    int rc = ferry_area_read(area, out->protected_size, t, sizeof t);
    return rc != FERRY_OK ? rc : parse_trailer(t, out);
}

/*
 * An area shorter than the fixed header cannot hold any image. That is
 * decided from the size alone, before reading: FERRY_E_IMG_TRUNCATED for a
 * file, FERRY_E_IMG_TOO_BIG for a slot (no image fits it).
 * On any error *out is zeroed or partly filled: do not use it.
 * FERRY_E_INVAL: NULL argument or unknown mode.
 */
int ferry_image_parse(const struct ferry_area *area, enum ferry_parse_mode mode,
                      struct ferry_image_info *out)
{
    uint8_t h[FERRY_IMG_FIXED_HDR_SIZE];
    int rc;

    if (area == NULL || out == NULL ||
        (mode != FERRY_PARSE_SLOT && mode != FERRY_PARSE_FILE && mode != FERRY_PARSE_PRIMARY)) {
        return FERRY_E_INVAL;
    }
    memset(out, 0, sizeof *out);
    if (mode == FERRY_PARSE_PRIMARY) {
        out->installed = 1;
        mode = FERRY_PARSE_SLOT;
    }
    if (area->size < FERRY_IMG_FIXED_HDR_SIZE) {
        return mode == FERRY_PARSE_FILE ? FERRY_E_IMG_TRUNCATED : FERRY_E_IMG_TOO_BIG;
    }
    rc = ferry_area_read(area, 0, h, sizeof h);
    if (rc != FERRY_OK) {
        return rc;
    }
    rc = parse_fixed_header(h, out);
    if (rc != FERRY_OK) {
        return rc;
    }
    rc = check_fit(area->size, mode == FERRY_PARSE_FILE ? FERRY_PARSE_FILE : FERRY_PARSE_SLOT, out);
    if (rc != FERRY_OK) {
        return rc;
    }
    const struct ferry_meta_src src = {area, NULL, 0};
    rc = parse_metadata(&src, out);
    if (rc != FERRY_OK) {
        return rc;
    }
    return read_trailer(area, out);
}

int ferry_area_sha256(const struct ferry_area *area, uint32_t off, uint32_t len,
                      uint8_t *buf, size_t buf_len, uint8_t out[32])
{
    ferry_sha256_ctx ctx;
    uint32_t chunk_max, chunk;
    int rc;

    if (area == NULL || buf == NULL || buf_len == 0u || out == NULL) {
        return FERRY_E_INVAL;
    }
    if (off > area->size || len > area->size - off) {
        return FERRY_E_RANGE;
    }
    chunk_max = buf_len > UINT32_MAX ? UINT32_MAX : (uint32_t)buf_len;
    ferry_sha256_init(&ctx);
    while (len > 0u) {
        chunk = len < chunk_max ? len : chunk_max;
        rc = ferry_area_read(area, off, buf, chunk);
        if (rc != FERRY_OK) {
            return rc;
        }
        ferry_sha256_update(&ctx, buf, chunk);
        off += chunk;
        len -= chunk;
    }
    ferry_sha256_final(&ctx, out);
    return FERRY_OK;
}

/*
 * Glitch hardening of the go/no-go decision. A single skipped or corrupted
 * instruction must not turn a rejected image into FERRY_OK, so:
 *  - each passed step adds its own constant to `flow`; the function only
 *    succeeds when `flow` equals the sum of all of them, which a skipped
 *    early return alone cannot produce (the step's addition is after it);
 *  - the success path re-checks the signature result and the digest
 *    comparison a second time through volatile variables, so the compiler
 *    keeps both reads and one flipped branch is caught by the other;
 *  - the signature result defaults to failure, and the backend maps its
 *    verdict to 0 without a branch.
 *  - success also writes a proof value (ferry_image_verify_proven) that only
 *    the last line can produce, so a skipped early-error check that leaves
 *    rc at 0 (seen in the glitch sweep, docs/glitch-results.md) is caught by
 *    a caller that checks the proof; ferry_image_verify() itself does.
 */
#define FLOW_DIGEST    0x1C3Bu
#define FLOW_KEY       0x2D94u
#define FLOW_SIGNATURE 0x5A61u
#define FLOW_POLICY    0x63E7u
#define FLOW_PAYLOAD   0x4B1Du
#define FLOW_DEFERRED  0x3A5Fu /* header only: the payload is the caller's to check */
#define FLOW_ALL       (FLOW_DIGEST + FLOW_KEY + FLOW_SIGNATURE + FLOW_POLICY + FLOW_PAYLOAD)
#define FLOW_HEADER    (FLOW_DIGEST + FLOW_KEY + FLOW_SIGNATURE + FLOW_POLICY + FLOW_DEFERRED)
#define FLOW_SALT      (FERRY_IMAGE_PROOF ^ FLOW_ALL)
_Static_assert((FLOW_HEADER ^ FLOW_SALT) == FERRY_IMAGE_HEADER_PROOF, "header proof value");

/* The trusted key named by `key_id`, or NULL. Compares every key in full. */
static const struct ferry_pubkey *find_key(const struct ferry_verify_policy *policy,
                                           const uint8_t key_id[32])
{
    const struct ferry_pubkey *found = NULL;
    unsigned i;

    for (i = 0; i < policy->key_count; i++) {
        if (found == NULL && ferry_ct_memcmp(policy->keys[i].id, key_id, 32) == 0) {
            found = &policy->keys[i];
        }
    }
    return found;
}

/* 1 when two parses of an image agree on every field a decision can use. */
static int same_image(const struct ferry_image_info *a, const struct ferry_image_info *b)
{
    return a->header_size == b->header_size && a->meta_size == b->meta_size &&
           a->payload_size == b->payload_size && a->protected_size == b->protected_size &&
           a->total_size == b->total_size && a->flags == b->flags &&
           ferry_version_cmp(&a->version, &b->version) == 0 &&
           a->security_counter == b->security_counter &&
           memcmp(a->vendor_id, b->vendor_id, UUID_SIZE) == 0 &&
           memcmp(a->class_id, b->class_id, UUID_SIZE) == 0 &&
           memcmp(a->name, b->name, sizeof a->name) == 0 && a->revoke_below == b->revoke_below &&
           memcmp(&a->enc, &b->enc, sizeof a->enc) == 0 &&
           memcmp(a->plain_digest, b->plain_digest, sizeof a->plain_digest) == 0 &&
           memcmp(a->cipher_digest, b->cipher_digest, sizeof a->cipher_digest) == 0 &&
           a->installed == b->installed &&
           memcmp(a->digest, b->digest, sizeof a->digest) == 0 &&
           memcmp(a->key_id, b->key_id, sizeof a->key_id) == 0 &&
           memcmp(a->signature, b->signature, sizeof a->signature) == 0;
}

/*
 * Reads the image once: [0, first) into `buf`, where the fixed header and the
 * metadata are parsed into *seen from that RAM copy and the same copy is
 * hashed; the rest of the protected bytes are hashed as they stream through
 * `buf`; the trailer is read once into RAM and parsed there. Every byte a
 * decision can rest on is therefore a byte the digest covers (or the
 * trailer's own RAM copy), whatever a second read of the flash would return.
 */
/* The one hash context of read_once(): a plain image's digest covers all
 * protected bytes; an encrypted or header-signed image's covers [0, split)
 * (the header), and the same context then starts over for the payload. */
struct split_hash {
    ferry_sha256_ctx ctx;
    uint32_t split; /* header_size if the digest covers the header, else protected_size */
    int restart;    /* finish the header's digest at `split`, start over */
    uint8_t *digest;
};

static void hash_feed(struct split_hash *h, uint32_t off, const uint8_t *data, uint32_t n)
{
    if (off < h->split) {
        uint32_t k = h->split - off < n ? h->split - off : n;
        ferry_sha256_update(&h->ctx, data, k);
        if (h->restart && off + k == h->split) {
            ferry_sha256_final(&h->ctx, h->digest);
            ferry_sha256_init(&h->ctx);
        }
        data += k;
        n -= k;
    }
    if (n > 0u) {
        ferry_sha256_update(&h->ctx, data, n);
    }
}

/* With `given` (ferry_image_verify_streamed) only the header is hashed: its
 * digest must be the one streamed, so the header parsed here is the header
 * the given digests were computed over; the digests of the rest are taken
 * as given. With *header_only (and an image whose digest covers the header
 * only) the payload is not read at all; otherwise *header_only is cleared. */
static int read_once(const struct ferry_area *area, uint8_t *buf, size_t buf_len, uint8_t installed,
                     const struct ferry_image_digests *given, int *header_only,
                     struct ferry_image_info *seen, uint8_t digest[32],
                     uint8_t payload_digest[32])
{
    struct split_hash h;
    uint8_t t[FERRY_IMG_TRAILER_SIZE];
    uint32_t chunk_max = buf_len > SCAN_CHUNK_MAX ? SCAN_CHUNK_MAX : (uint32_t)buf_len;
    uint32_t first, off, n;
    int rc;

    memset(seen, 0, sizeof *seen);
    memset(payload_digest, 0, 32);
    seen->installed = installed;
    if (area->size < FERRY_IMG_FIXED_HDR_SIZE) {
        return FERRY_E_IMG_TOO_BIG;
    }
    /* The fixed header first, so that nothing past the image is ever read
     * (bytes there may be unreadable, e.g. words a torn program left with
     * a bad ECC), then the rest of the first chunk right behind it in buf. */
    rc = ferry_area_read(area, 0, buf, FERRY_IMG_FIXED_HDR_SIZE);
    if (rc != FERRY_OK) {
        return rc;
    }
    rc = parse_fixed_header(buf, seen);
    if (rc == FERRY_OK) {
        rc = check_fit(area->size, FERRY_PARSE_SLOT, seen);
    }
    if (rc != FERRY_OK) {
        return rc;
    }
    /* An encrypted or header-signed image: the trailer digest covers the
     * header, the payload is hashed on its own against the signed digest of
     * its form. Only the header is read when the payload is not checked
     * here (given digests, or header only). */
    int split = (seen->flags & FERRY_IMG_F_HEADER_DIGEST) != 0u;
    if (!split || given != NULL) {
        *header_only = 0;
    }
    uint32_t end = given != NULL || *header_only ? seen->header_size : seen->protected_size;
    first = end < chunk_max ? end : chunk_max;
    if (FERRY_IMG_FIXED_HDR_SIZE + seen->meta_size > first) {
        return FERRY_E_NOSPC; /* the metadata must fit the caller's buffer */
    }
    rc = ferry_area_read(area, FERRY_IMG_FIXED_HDR_SIZE, buf + FERRY_IMG_FIXED_HDR_SIZE,
                         first - FERRY_IMG_FIXED_HDR_SIZE);
    if (rc != FERRY_OK) {
        return rc;
    }
    {
        const struct ferry_meta_src src = {NULL, buf, FERRY_IMG_FIXED_HDR_SIZE + seen->meta_size};
        rc = parse_metadata(&src, seen);
    }
    if (rc != FERRY_OK) {
        return rc;
    }
    ferry_sha256_init(&h.ctx);
    h.split = split || given != NULL ? seen->header_size : seen->protected_size;
    h.restart = split && given == NULL && !*header_only;
    h.digest = digest;
    hash_feed(&h, 0, buf, first < end ? first : end);
    for (off = first; off < end; off += n) {
        n = end - off < chunk_max ? end - off : chunk_max;
        rc = ferry_area_read(area, off, buf, n);
        if (rc != FERRY_OK) {
            return rc;
        }
        hash_feed(&h, off, buf, n);
    }
    if (given != NULL) {
        uint8_t head[32];
        ferry_sha256_final(&h.ctx, head);
        if (ferry_ct_memcmp(head, given->head, 32) != 0) {
            return FERRY_E_IMG_CHANGED;
        }
        memcpy(digest, given->digest, 32);
        memcpy(payload_digest, given->payload, 32);
    } else {
        ferry_sha256_final(&h.ctx, split && !*header_only ? payload_digest : digest);
    }
    rc = ferry_area_read(area, seen->protected_size, t, sizeof t);
    return rc != FERRY_OK ? rc : parse_trailer(t, seen);
}

/*
 * `info` must come from ferry_image_parse() of this area. The image is read
 * again, once (read_once), and every decision below is taken from that read;
 * `info` only has to agree with it, so a caller that screened the image with
 * `info` (version, counter, "is it the rejected one") judged the very bytes
 * that are verified here. Flash that answers differently on the two reads is
 * refused with FERRY_E_IMG_CHANGED. The signature is checked against the
 * digest computed here (equal to the trailer's once step 1 passed).
 */
int ferry_image_verify(const struct ferry_area *area, const struct ferry_image_info *info,
                       const struct ferry_verify_policy *policy, uint8_t *buf, size_t buf_len)
{
    uint32_t proof = 0;
    int rc = ferry_image_verify_proven(area, info, policy, buf, buf_len, NULL, 0, &proof);
    if (rc == FERRY_OK && proof != FERRY_IMAGE_PROOF) {
        return FERRY_E_IMG_SIGNATURE;
    }
    return rc;
}

int ferry_image_verify_streamed(const struct ferry_area *area, const struct ferry_image_info *info,
                                const struct ferry_verify_policy *policy, uint8_t *buf,
                                size_t buf_len, const struct ferry_image_digests *streamed)
{
    uint32_t proof = 0;
    if (streamed == NULL) {
        return FERRY_E_INVAL;
    }
    int rc = ferry_image_verify_proven(area, info, policy, buf, buf_len, streamed, 0, &proof);
    if (rc == FERRY_OK && proof != FERRY_IMAGE_PROOF) {
        return FERRY_E_IMG_SIGNATURE;
    }
    return rc;
}

int ferry_image_check_payload(const struct ferry_area *area, const struct ferry_image_info *info,
                              uint8_t *buf, size_t buf_len, uint32_t *proof)
{
    uint8_t digest[32];
    volatile int diff = 1;
    if (area == NULL || info == NULL || buf == NULL || buf_len == 0u ||
        (info->flags & FERRY_IMG_F_HEADER_DIGEST) == 0u ||
        (uint64_t)info->header_size + info->payload_size != info->protected_size ||
        info->protected_size > area->size) {
        return FERRY_E_INVAL;
    }
    int rc = ferry_area_sha256(area, info->header_size, info->payload_size, buf, buf_len, digest);
    if (rc != FERRY_OK) {
        return rc;
    }
    const uint8_t *want = info->installed || (info->flags & FERRY_IMG_F_HEADER_SIGNED) != 0u
                              ? info->plain_digest
                              : info->cipher_digest;
    diff = ferry_ct_memcmp(digest, want, 32);
    if (diff != 0) {
        return (info->flags & FERRY_IMG_F_HEADER_SIGNED) != 0u ? FERRY_E_IMG_DIGEST
               : info->installed                                ? FERRY_E_IMG_PLAINTEXT
                                                                : FERRY_E_IMG_CIPHERTEXT;
    }
    if (diff == 0 && ferry_ct_memcmp(digest, want, 32) == 0) {
        *proof = FERRY_IMAGE_PAYLOAD_PROOF;
    }
    return diff == 0 ? FERRY_OK : FERRY_E_IMG_DIGEST;
}

/* A header-signed image's payload against its one signed digest. */
static int payload_check(const struct ferry_image_info *seen, const uint8_t digest[32])
{
    if ((seen->flags & FERRY_IMG_F_HEADER_SIGNED) != 0u) {
        return ferry_ct_memcmp(digest, seen->plain_digest, 32) != 0 ? FERRY_E_IMG_DIGEST : FERRY_OK;
    }
    return ferry_image_enc_payload(seen, digest);
}

int ferry_image_verify_proven(const struct ferry_area *area, const struct ferry_image_info *info,
                              const struct ferry_verify_policy *policy, uint8_t *buf,
                              size_t buf_len, const struct ferry_image_digests *given,
                              int header_only, uint32_t *proof)
{
    struct ferry_image_info seen;
    uint8_t digest[32], payload_digest[32];
    const struct ferry_pubkey *key;
    volatile uint32_t flow = 0;
    volatile int digest_diff = 1;
    volatile int payload_diff = 1;
    volatile int sig_rc = FERRY_E_IMG_SIGNATURE;
    int rc;

    if (area == NULL || info == NULL || policy == NULL || buf == NULL ||
        buf_len < FERRY_IMG_FIXED_HDR_SIZE ||
        (policy->keys == NULL && policy->key_count != 0u)) {
        return FERRY_E_INVAL;
    }
    /* `info` must describe an image that parsed from this area. */
    if ((uint64_t)info->header_size + info->payload_size != info->protected_size ||
        (uint64_t)info->protected_size + FERRY_IMG_TRAILER_SIZE != info->total_size ||
        info->total_size > area->size) {
        return FERRY_E_INVAL;
    }

    rc = read_once(area, buf, buf_len, info->installed, given, &header_only, &seen, digest,
                   payload_digest);
    if (rc != FERRY_OK) {
        return rc;
    }
    if (!same_image(&seen, info)) {
        return FERRY_E_IMG_CHANGED;
    }
    digest_diff = ferry_ct_memcmp(digest, seen.digest, sizeof digest);
    if (digest_diff != 0) {
        return FERRY_E_IMG_DIGEST;
    }
    flow += FLOW_DIGEST;

    key = find_key(policy, seen.key_id);
    if (key == NULL) {
        return FERRY_E_IMG_KEY;
    }
    if (key->index < policy->min_key_index) {
        return FERRY_E_KEY_REVOKED;
    }
    flow += FLOW_KEY;

    sig_rc = ferry_p256_verify(key->point, digest, seen.signature);
    if (sig_rc != FERRY_OK) {
        return FERRY_E_IMG_SIGNATURE;
    }
    flow += FLOW_SIGNATURE;

    /* The payload of an image whose digest covers the header, against the
     * signed digest of the form it is in here: an encrypted image's
     * ciphertext (stored) or plaintext (installed), a header-signed image's
     * one form. Header only: not read; the caller checks it (a different
     * proof says so). */
    if (header_only) {
        payload_diff = 0;
        flow += FLOW_DEFERRED;
    } else {
        payload_diff = payload_check(&seen, payload_digest);
        if (payload_diff != 0) {
            return payload_diff;
        }
        flow += FLOW_PAYLOAD;
    }

    if (policy->vendor_id != NULL && memcmp(policy->vendor_id, seen.vendor_id, UUID_SIZE) != 0) {
        return FERRY_E_IMG_VENDOR;
    }
    if (policy->class_id != NULL && memcmp(policy->class_id, seen.class_id, UUID_SIZE) != 0) {
        return FERRY_E_IMG_CLASS;
    }
    /* Once confirmed, an image that revoked its own key would never verify
     * again: refused before it can run. */
    if (seen.revoke_below > key->index) {
        return FERRY_E_IMG_REVOKES_SIGNER;
    }
    flow += FLOW_POLICY;

    /* Second, independent look at the decisions above. */
    if (sig_rc != FERRY_OK || digest_diff != 0 || payload_diff != 0 ||
        key->index < policy->min_key_index) {
        return FERRY_E_IMG_SIGNATURE;
    }
    if (flow != (header_only ? FLOW_HEADER : FLOW_ALL)) {
        return FERRY_E_IMG_SIGNATURE;
    }
    /* Only this path sets the proof, from the flow itself: an early error
     * return whose check was skipped (rc left 0) leaves it at 0. */
    *proof = flow ^ FLOW_SALT;
    return FERRY_OK;
}
