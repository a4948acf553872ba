/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The staging's one hash pass (struct ferry_stage_hash): every file byte is
 * hashed once, in order, as it reads back from flash. The file's SHA-256 is
 * compared with the manifest's; the same pass, split where the fixed header
 * says the header and the payload end, gives the digests that
 * ferry_image_verify_streamed() checks the signature with, so finishing a
 * transfer reads the payload no second time (docs/agent.md, "Hashing").
 *
 * A plain image costs one SHA-256 over the file; an encrypted one also hashes
 * its payload on its own (the signed ciphertext digest does not cover the
 * header or the trailer, so it is not a prefix of the file's digest).
 */
#include <string.h>
#include "stage_priv.h"

void stage_hash_init(struct ferry_stage_hash *h)
{
    memset(h, 0, sizeof *h);
    ferry_sha256_init(&h->file);
    ferry_sha256_init(&h->payload);
}

/* The digest of the file bytes fed so far, the context left as it is. */
static void file_digest_now(const struct ferry_stage_hash *h, uint8_t out[32])
{
    ferry_sha256_ctx tmp = h->file;
    ferry_sha256_final(&tmp, out);
}

/* Feeds file bytes [h->at, h->at + n) that do not cross a split point. */
static void feed_piece(struct ferry_stage_hash *h, const uint8_t *p, uint32_t n)
{
    ferry_sha256_update(&h->file, p, n);
    if (h->enc && h->header_size && h->at >= h->header_size && h->at < h->protected_size)
        ferry_sha256_update(&h->payload, p, n);
    h->at += n;
    if (!h->header_size)
        return;
    if (h->at == h->header_size)
        file_digest_now(h, h->d.head);
    if (h->at == h->protected_size) {
        if (h->enc) {
            memcpy(h->d.digest, h->d.head, 32);
            ferry_sha256_final(&h->payload, h->d.payload);
        } else {
            file_digest_now(h, h->d.digest);
        }
        h->done = 1;
    }
}

void stage_hash_feed(struct ferry_stage_hash *h, const uint8_t *p, uint32_t n)
{
    while (n) {
        uint32_t k = n;
        if (h->at < FERRY_IMG_FIXED_HDR_SIZE) {
            uint32_t want = FERRY_IMG_FIXED_HDR_SIZE - h->at;
            k = want < n ? want : n;
            memcpy(h->fixed + h->at, p, k);
        } else if (h->header_size) {
            /* Stop at the next split point so that its digest is taken there. */
            uint32_t next = h->at < h->header_size      ? h->header_size
                            : h->at < h->protected_size ? h->protected_size
                                                        : UINT32_MAX;
            if (next != UINT32_MAX && next - h->at < k)
                k = next - h->at;
        }
        feed_piece(h, p, k);
        p += k;
        n -= k;
        if (h->at == FERRY_IMG_FIXED_HDR_SIZE && !h->header_size) {
            struct ferry_image_info fx;
            /* Not an image: no split, the file digest alone (the
             * verification then reads the file and refuses it). */
            if (ferry_image_fixed_header(h->fixed, &fx) == 0 &&
                fx.header_size >= FERRY_IMG_FIXED_HDR_SIZE) {
                h->header_size = fx.header_size;
                h->protected_size = fx.protected_size;
                h->enc = (fx.flags & FERRY_IMG_F_HEADER_DIGEST) != 0;
                if (h->at == h->header_size)
                    file_digest_now(h, h->d.head);
            }
        }
    }
}

void stage_hash_file(const struct ferry_stage_hash *h, uint8_t out[32])
{
    file_digest_now(h, out);
}

const struct ferry_image_digests *stage_hash_digests(const struct ferry_stage_hash *h)
{
    return h->done ? &h->d : NULL;
}
