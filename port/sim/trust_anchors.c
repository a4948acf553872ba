/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PEM certificates to BearSSL trust anchors (trust_anchors.h), with
 * br_pem_decoder and br_x509_decoder. Host code: allocates with malloc.
 */
#include "trust_anchors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferry/errors.h"

/* A growing byte buffer; `failed` sticks once an allocation fails. */
struct bytes {
    unsigned char *p;
    size_t len, cap;
    int failed;
};

static void bytes_append(void *ctx, const void *data, size_t len)
{
    struct bytes *b = ctx;
    if (b->failed)
        return;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        unsigned char *p;
        while (cap < b->len + len)
            cap *= 2;
        p = realloc(b->p, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
}

static unsigned char *copy_of(const unsigned char *p, size_t len)
{
    unsigned char *c = malloc(len ? len : 1);
    if (c != NULL)
        memcpy(c, p, len);
    return c;
}

static void free_anchor(br_x509_trust_anchor *ta)
{
    free(ta->dn.data);
    if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
        free(ta->pkey.key.rsa.n);
        free(ta->pkey.key.rsa.e);
    } else if (ta->pkey.key_type == BR_KEYTYPE_EC) {
        free(ta->pkey.key.ec.q);
    }
    memset(ta, 0, sizeof *ta);
}

/* Decodes one DER certificate into a trust anchor (everything copied). */
static int anchor_from_der(br_x509_trust_anchor *ta, const unsigned char *der, size_t len)
{
    br_x509_decoder_context dc;
    struct bytes dn = { 0 };
    const br_x509_pkey *pk;
    int ok = 1;

    br_x509_decoder_init(&dc, bytes_append, &dn);
    br_x509_decoder_push(&dc, der, len);
    pk = br_x509_decoder_get_pkey(&dc);
    if (pk == NULL || dn.failed) {
        free(dn.p);
        return dn.failed ? FERRY_E_NOSPC : FERRY_E_CORRUPT;
    }
    memset(ta, 0, sizeof *ta);
    ta->dn.data = dn.p;
    ta->dn.len = dn.len;
    ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
    ta->pkey.key_type = pk->key_type;
    if (pk->key_type == BR_KEYTYPE_RSA) {
        ta->pkey.key.rsa.n = copy_of(pk->key.rsa.n, pk->key.rsa.nlen);
        ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
        ta->pkey.key.rsa.e = copy_of(pk->key.rsa.e, pk->key.rsa.elen);
        ta->pkey.key.rsa.elen = pk->key.rsa.elen;
        ok = ta->pkey.key.rsa.n != NULL && ta->pkey.key.rsa.e != NULL;
    } else if (pk->key_type == BR_KEYTYPE_EC) {
        ta->pkey.key.ec.curve = pk->key.ec.curve;
        ta->pkey.key.ec.q = copy_of(pk->key.ec.q, pk->key.ec.qlen);
        ta->pkey.key.ec.qlen = pk->key.ec.qlen;
        ok = ta->pkey.key.ec.q != NULL;
    } else {
        free_anchor(ta);
        return FERRY_E_CORRUPT;
    }
    if (!ok) {
        free_anchor(ta);
        return FERRY_E_NOSPC;
    }
    return FERRY_OK;
}

static int add_anchor(struct ferry_sim_trust_anchors *out, const unsigned char *der, size_t len)
{
    br_x509_trust_anchor *grown = realloc(out->anchors, (out->count + 1) * sizeof *grown);
    int rc;
    if (grown == NULL)
        return FERRY_E_NOSPC;
    out->anchors = grown;
    rc = anchor_from_der(&out->anchors[out->count], der, len);
    if (rc == FERRY_OK)
        out->count++;
    return rc;
}

/* Pushes bytes into the PEM decoder, handling its events. */
static int pem_feed(br_pem_decoder_context *pc, const char *p, size_t len, struct bytes *der,
                    int *in_cert, struct ferry_sim_trust_anchors *out)
{
    while (len > 0) {
        size_t n = br_pem_decoder_push(pc, p, len);
        int rc;
        p += n;
        len -= n;
        switch (br_pem_decoder_event(pc)) {
        case BR_PEM_BEGIN_OBJ:
            *in_cert = strcmp(br_pem_decoder_name(pc), "CERTIFICATE") == 0;
            der->len = 0;
            br_pem_decoder_setdest(pc, *in_cert ? bytes_append : NULL, der);
            break;
        case BR_PEM_END_OBJ:
            if (*in_cert) {
                if (der->failed)
                    return FERRY_E_NOSPC;
                if ((rc = add_anchor(out, der->p, der->len)) != FERRY_OK)
                    return rc;
            }
            *in_cert = 0;
            break;
        case BR_PEM_ERROR:
            return FERRY_E_CORRUPT;
        default:
            break;
        }
    }
    return FERRY_OK;
}

int ferry_sim_trust_anchors_from_pem(struct ferry_sim_trust_anchors *out, const char *pem, size_t len)
{
    br_pem_decoder_context pc;
    struct bytes der = { 0 };
    int in_cert = 0, rc;

    if (out == NULL || pem == NULL)
        return FERRY_E_INVAL;
    out->anchors = NULL;
    out->count = 0;
    br_pem_decoder_init(&pc);
    rc = pem_feed(&pc, pem, len, &der, &in_cert, out);
    /* The decoder needs a line end after the last END line to report it. */
    if (rc == FERRY_OK)
        rc = pem_feed(&pc, "\n", 1, &der, &in_cert, out);
    if (rc == FERRY_OK && (in_cert || out->count == 0))
        rc = FERRY_E_CORRUPT;
    free(der.p);
    if (rc != FERRY_OK)
        ferry_sim_trust_anchors_free(out);
    return rc;
}

int ferry_sim_trust_anchors_load(struct ferry_sim_trust_anchors *out, const char *path)
{
    struct bytes text = { 0 };
    char chunk[4096];
    size_t n;
    int rc;
    FILE *f;

    if (out == NULL || path == NULL)
        return FERRY_E_INVAL;
    out->anchors = NULL;
    out->count = 0;
    f = fopen(path, "rb");
    if (f == NULL)
        return FERRY_E_IO;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        bytes_append(&text, chunk, n);
    rc = ferror(f) ? FERRY_E_IO : text.failed ? FERRY_E_NOSPC : FERRY_OK;
    fclose(f);
    if (rc == FERRY_OK)
        rc = ferry_sim_trust_anchors_from_pem(out, text.p ? (const char *)text.p : "", text.len);
    free(text.p);
    return rc;
}

void ferry_sim_trust_anchors_free(struct ferry_sim_trust_anchors *ta)
{
    size_t i;
    if (ta == NULL)
        return;
    for (i = 0; i < ta->count; i++)
        free_anchor(&ta->anchors[i]);
    free(ta->anchors);
    ta->anchors = NULL;
    ta->count = 0;
}
