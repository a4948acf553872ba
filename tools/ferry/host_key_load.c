/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading a P-256 key from a PEM file: SEC1 or PKCS#8 private keys (through
 * BearSSL's private key decoder), password-encrypted PKCS#8 keys (decrypted
 * by host_pbes2.c, then the same decoder) and SubjectPublicKeyInfo public
 * keys (through our strict DER reader, host_der.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "ferry/errors.h"
#include "ferry_host.h"
#include "host_priv.h"

/* A key file is small; anything larger is not one. */
#define KEY_FILE_MAX     (64u * 1024u)
#define PEM_OBJECT_MAX   (16u * 1024u)
#define PEM_OBJECTS_MAX  4u

struct pem_object {
    char name[128];
    uint8_t der[PEM_OBJECT_MAX];
    size_t len;
    int overflow; /* the object was larger than der[] */
    int corrupt;  /* the PEM decoder reported an error inside it */
    int complete; /* its END line was seen */
};

struct pem_file {
    struct pem_object obj[PEM_OBJECTS_MAX];
    size_t count;
    int too_many;
};

static void pem_append(void *ctx, const void *src, size_t len)
{
    struct pem_object *o = ctx;
    if (len > sizeof o->der - o->len) {
        o->overflow = 1;
        return;
    }
    memcpy(o->der + o->len, src, len);
    o->len += len;
}

static void pem_decode(const uint8_t *text, size_t len, struct pem_file *pf)
{
    br_pem_decoder_context pc;
    struct pem_object *cur = NULL;
    /* The decoder wants the last line terminated; a final newline is harmless. */
    static const uint8_t newline = '\n';
    const uint8_t *parts[2] = { text, &newline };
    size_t lens[2] = { len, 1 };
    br_pem_decoder_init(&pc);
    for (int part = 0; part < 2; part++) {
        const uint8_t *p = parts[part];
        size_t left = lens[part];
        while (left > 0) {
            size_t used = br_pem_decoder_push(&pc, p, left);
            p += used;
            left -= used;
            switch (br_pem_decoder_event(&pc)) {
            case BR_PEM_BEGIN_OBJ:
                if (pf->count == PEM_OBJECTS_MAX) {
                    pf->too_many = 1;
                    cur = NULL;
                    br_pem_decoder_setdest(&pc, NULL, NULL);
                    break;
                }
                cur = &pf->obj[pf->count++];
                snprintf(cur->name, sizeof cur->name, "%s", br_pem_decoder_name(&pc));
                br_pem_decoder_setdest(&pc, pem_append, cur);
                break;
            case BR_PEM_END_OBJ:
                if (cur != NULL) {
                    cur->complete = 1;
                }
                cur = NULL;
                break;
            case BR_PEM_ERROR:
                if (cur != NULL) {
                    cur->corrupt = 1;
                }
                cur = NULL;
                break;
            default:
                break;
            }
        }
    }
    host_wipe(&pc, sizeof pc);
}

static int load_private(const uint8_t *der, size_t len, const char *block,
                        struct ferry_host_key *k, char *err, size_t errlen)
{
    br_skey_decoder_context dc;
    br_skey_decoder_init(&dc);
    br_skey_decoder_push(&dc, der, len);
    int rc;
    int derr = br_skey_decoder_last_error(&dc);
    const br_ec_private_key *ec = br_skey_decoder_get_ec(&dc);
    if (derr == BR_ERR_X509_UNSUPPORTED) {
        rc = host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                       "private key of an unsupported type: only EC P-256 (prime256v1) keys "
                       "are supported");
    } else if (derr != 0) {
        rc = host_fail(FERRY_E_INVAL, err, errlen,
                       "malformed %s block (BearSSL decoder error %d)", block, derr);
    } else if (br_skey_decoder_key_type(&dc) == BR_KEYTYPE_RSA) {
        rc = host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                       "RSA private key: only EC P-256 (prime256v1) keys are supported");
    } else if (ec == NULL) {
        rc = host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                       "private key of an unsupported type: only EC P-256 keys are supported");
    } else if (ec->curve != BR_EC_secp256r1) {
        rc = host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                       "EC private key on curve %s: only P-256 (prime256v1) is supported",
                       host_curve_name(ec->curve));
    } else {
        /* The scalar may come with leading zeros stripped or added. */
        const uint8_t *x = ec->x;
        size_t xlen = ec->xlen;
        while (xlen > 32 && *x == 0) {
            x++;
            xlen--;
        }
        uint8_t priv[32] = { 0 };
        if (xlen > 32) {
            rc = host_fail(FERRY_E_INVAL, err, errlen, "EC private key scalar is too long");
        } else {
            memcpy(priv + 32 - xlen, x, xlen);
            rc = ferry_host_key_from_private(priv, k);
            if (rc != 0) {
                rc = host_fail(FERRY_E_INVAL, err, errlen,
                               "EC private key scalar is out of range (0 or >= the group order)");
            }
        }
        host_wipe(priv, sizeof priv);
    }
    host_wipe(&dc, sizeof dc);
    return rc;
}

static int load_public(const struct pem_object *o, struct ferry_host_key *k, char *err,
                       size_t errlen)
{
    struct ferry_host_key out;
    memset(&out, 0, sizeof out);
    int rc = host_spki_decode(o->der, o->len, out.pub, err, errlen);
    if (rc != 0) {
        return rc;
    }
    br_sha256_context sha;
    br_sha256_init(&sha);
    br_sha256_update(&sha, out.pub, sizeof out.pub);
    br_sha256_out(&sha, out.id);
    *k = out;
    return FERRY_OK;
}

/* Finds the legacy OpenSSL encryption of a PEM key (`openssl ec -aes256`,
 * `openssl genrsa -aes256`): RFC 1421 headers inside the block, the first
 * being "Proc-Type: 4,ENCRYPTED", then "DEK-Info: ...". The PEM decoder sees
 * those lines as broken base64, so they are looked for in the text first.
 * Returns 1 and the block's name in `name` when a block has them. */
static int find_legacy_encrypted(const uint8_t *text, size_t len, char *name, size_t name_len)
{
    static const char begin[] = "-----BEGIN ", proc[] = "Proc-Type:", enc[] = "ENCRYPTED";
    int in_block = 0;
    name[0] = '\0';
    for (size_t i = 0; i < len;) {
        size_t end = i;
        while (end < len && text[end] != '\n') {
            end++;
        }
        const char *line = (const char *)text + i;
        size_t n = end - i;
        if (n >= sizeof begin - 1 && memcmp(line, begin, sizeof begin - 1) == 0) {
            size_t k = sizeof begin - 1, m = 0;
            while (k < n && line[k] != '-' && m + 1 < name_len) {
                name[m++] = line[k++];
            }
            name[m] = '\0';
            in_block = 1;
        } else if (n >= 9 && memcmp(line, "-----END ", 9) == 0) {
            in_block = 0;
        } else if (in_block && n >= sizeof proc - 1 && memcmp(line, proc, sizeof proc - 1) == 0) {
            for (size_t k = sizeof proc - 1; k + sizeof enc - 1 <= n; k++) {
                if (memcmp(line + k, enc, sizeof enc - 1) == 0) {
                    return 1;
                }
            }
        }
        i = end + 1;
    }
    return 0;
}

/* An "ENCRYPTED PRIVATE KEY" block: decrypted into a buffer that is wiped
 * before it is freed, then read as the PKCS#8 key it holds. */
static int load_encrypted(const struct pem_object *o, const char *pass, size_t pass_len,
                          struct ferry_host_key *k, char *err, size_t errlen)
{
    if (pass == NULL) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "encrypted private key: give its passphrase with --passphrase-file "
                         "FILE or the environment variable FERRY_KEY_PASSPHRASE");
    }
    uint8_t *plain = malloc(o->len + 1); /* + 1: an empty block is malformed, not out of memory */
    if (plain == NULL) {
        return host_fail(FERRY_E_NOSPC, err, errlen, "out of memory");
    }
    size_t plain_len = 0;
    int rc = host_pkcs8_decrypt(o->der, o->len, pass, pass_len, plain, o->len, &plain_len, err,
                                errlen);
    if (rc == 0) {
        rc = load_private(plain, plain_len, "decrypted PRIVATE KEY", k, err, errlen);
    }
    host_wipe(plain, o->len);
    free(plain);
    return rc;
}

/* What to say about PEM blocks we recognise but do not load. */
static const char *refusal_for(const char *name)
{
    if (strcmp(name, "RSA PRIVATE KEY") == 0 || strcmp(name, "RSA PUBLIC KEY") == 0) {
        return "RSA key: only EC P-256 (prime256v1) keys are supported";
    }
    if (strcmp(name, "CERTIFICATE") == 0) {
        return "a certificate, not a key: extract its key with openssl x509 -pubkey -noout";
    }
    return NULL;
}

static int load_objects(const struct pem_file *pf, const char *pass, size_t pass_len,
                        struct ferry_host_key *k, char *err, size_t errlen)
{
    const struct pem_object *key = NULL;
    int key_is_private = 0, key_is_encrypted = 0;
    for (size_t i = 0; i < pf->count; i++) {
        const struct pem_object *o = &pf->obj[i];
        if (o->corrupt) {
            return host_fail(FERRY_E_INVAL, err, errlen, "corrupt base64 in PEM block \"%s\"",
                             o->name);
        }
        if (!o->complete) {
            return host_fail(FERRY_E_INVAL, err, errlen,
                             "PEM block \"%s\" has no END line (truncated file?)", o->name);
        }
        if (o->overflow) {
            return host_fail(FERRY_E_INVAL, err, errlen,
                             "PEM block \"%s\" is too large to be a P-256 key", o->name);
        }
        const char *refusal = refusal_for(o->name);
        if (refusal != NULL) {
            return host_fail(FERRY_E_UNSUPPORTED, err, errlen, "%s", refusal);
        }
        if (strcmp(o->name, "EC PARAMETERS") == 0) {
            int rc = host_ecparams_check(o->der, o->len, err, errlen);
            if (rc != 0) {
                return rc;
            }
            continue;
        }
        int is_encrypted = strcmp(o->name, "ENCRYPTED PRIVATE KEY") == 0;
        int is_private = strcmp(o->name, "EC PRIVATE KEY") == 0 ||
                         strcmp(o->name, "PRIVATE KEY") == 0 || is_encrypted;
        if (!is_private && strcmp(o->name, "PUBLIC KEY") != 0) {
            return host_fail(FERRY_E_INVAL, err, errlen,
                             "unexpected PEM block \"%s\" (expected PRIVATE KEY, "
                             "ENCRYPTED PRIVATE KEY, EC PRIVATE KEY or PUBLIC KEY)", o->name);
        }
        if (key != NULL) {
            return host_fail(FERRY_E_INVAL, err, errlen,
                             "more than one key in the file: keep one key per file");
        }
        key = o;
        key_is_private = is_private;
        key_is_encrypted = is_encrypted;
    }
    if (key == NULL && pf->count == 0) {
        return host_fail(FERRY_E_INVAL, err, errlen, "no PEM block found (expected "
                         "-----BEGIN PRIVATE KEY-----, EC PRIVATE KEY or PUBLIC KEY)");
    }
    if (key == NULL) {
        return host_fail(FERRY_E_INVAL, err, errlen, "no key in the file, only EC PARAMETERS");
    }
    if (key_is_encrypted) {
        return load_encrypted(key, pass, pass_len, k, err, errlen);
    }
    return key_is_private ? load_private(key->der, key->len, key->name, k, err, errlen)
                          : load_public(key, k, err, errlen);
}

int ferry_host_key_load(const char *path, struct ferry_host_key *k, char *err, size_t errlen)
{
    return ferry_host_key_load_pass(path, NULL, 0, k, err, errlen);
}

int ferry_host_key_load_pass(const char *path, const char *pass, size_t pass_len,
                             struct ferry_host_key *k, char *err, size_t errlen)
{
    uint8_t *text;
    size_t len;
    int rc = ferry_host_read_file(path, &text, &len);
    if (rc != 0) {
        int saved = errno;
        host_fail(FERRY_E_IO, err, errlen, "cannot read: %s", strerror(saved));
        errno = saved;
        return FERRY_E_IO;
    }
    if (len > KEY_FILE_MAX) {
        host_wipe(text, len);
        free(text);
        return host_fail(FERRY_E_INVAL, err, errlen, "file is too large to be a key (%zu bytes)",
                         len);
    }
    struct pem_file *pf = calloc(1, sizeof *pf);
    if (pf == NULL) {
        host_wipe(text, len);
        free(text);
        return host_fail(FERRY_E_NOSPC, err, errlen, "out of memory");
    }
    char enc_name[64];
    int legacy_encrypted = find_legacy_encrypted(text, len, enc_name, sizeof enc_name);
    if (!legacy_encrypted) {
        pem_decode(text, len, pf);
    }
    host_wipe(text, len);
    free(text);
    if (legacy_encrypted) {
        rc = host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                       "PEM block \"%s\" is encrypted the legacy OpenSSL way (Proc-Type: "
                       "4,ENCRYPTED): ferry reads encrypted keys as PKCS#8 only; convert it "
                       "(openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out KEY8.pem)",
                       enc_name);
    } else if (pf->too_many) {
        rc = host_fail(FERRY_E_INVAL, err, errlen,
                       "too many PEM blocks: keep one key per file");
    } else {
        rc = load_objects(pf, pass, pass_len, k, err, errlen);
    }
    host_wipe(pf, sizeof *pf);
    free(pf);
    return rc;
}
