/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writing keys as PEM: the private key as PKCS#8 (what `openssl genpkey`
 * writes), plain or password-encrypted (what `openssl pkcs8 -topk8 -v2
 * aes-256-cbc` writes), in a file only its owner can read; the public key as
 * SubjectPublicKeyInfo.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bearssl.h>

#include "ferry/errors.h"
#include "ferry_host.h"
#include "host_priv.h"

/* Fresh salt and IV for an encrypted key, from the system RNG. */
static int random_bytes(uint8_t *out, size_t len)
{
    br_hmac_drbg_context rng;
    br_prng_seeder seeder = br_prng_seeder_system(NULL);
    br_hmac_drbg_init(&rng, &br_sha256_vtable, NULL, 0);
    int ok = seeder != NULL && seeder(&rng.vtable);
    if (ok) {
        br_hmac_drbg_generate(&rng, out, len);
    }
    host_wipe(&rng, sizeof rng);
    return ok ? 0 : -1;
}

/* PEM text of the private key in a malloc'd, NUL-terminated buffer: PKCS#8,
 * encrypted with `pass` when it is not NULL. NULL with errno set on failure. */
static char *private_pem(const struct ferry_host_key *k, const char *pass, size_t pass_len,
                         size_t *pem_len)
{
    uint8_t x[32], pub[65];
    memcpy(x, k->priv, sizeof x);
    memcpy(pub, k->pub, sizeof pub);
    br_ec_private_key sk = { BR_EC_secp256r1, x, sizeof x };
    br_ec_public_key pk = { BR_EC_secp256r1, pub, sizeof pub };
    uint8_t der[256], enc[768], salt_iv[32];
    char *pem = NULL;
    const uint8_t *out = der;
    const char *name = BR_ENCODE_PEM_PKCS8;
    size_t der_len = br_encode_ec_pkcs8_der(NULL, &sk, &pk);
    errno = ENOMEM;
    if (der_len > 0 && der_len <= sizeof der) {
        br_encode_ec_pkcs8_der(der, &sk, &pk);
        if (pass != NULL) {
            size_t enc_len = 0;
            if (random_bytes(salt_iv, sizeof salt_iv) != 0) {
                errno = EIO;
                der_len = 0;
            } else if (host_pkcs8_encrypt(der, der_len, pass, pass_len,
                                          HOST_PBKDF2_ITERATIONS_DEFAULT, salt_iv, salt_iv + 16,
                                          enc, sizeof enc, &enc_len) != 0) {
                der_len = 0;
            }
            out = enc;
            der_len = der_len == 0 ? 0 : enc_len;
            name = "ENCRYPTED PRIVATE KEY";
        }
    }
    if (der_len > 0) {
        size_t len = br_pem_encode(NULL, out, der_len, name, BR_PEM_LINE64);
        pem = malloc(len + 1);
        if (pem != NULL) {
            br_pem_encode(pem, out, der_len, name, BR_PEM_LINE64);
            *pem_len = len;
        }
    }
    host_wipe(x, sizeof x);
    host_wipe(der, sizeof der);
    host_wipe(enc, sizeof enc);
    return pem;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Writes, syncs and closes fd; removes `path` on failure keeping errno. */
static int finish_file(int fd, const char *path, const char *pem, size_t len)
{
    int ok = write_all(fd, pem, len) == 0 && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (!ok) {
        unlink(path);
        errno = saved;
        return FERRY_E_IO;
    }
    return FERRY_OK;
}

/* Writes the PEM to `path` as ferry_host_key_save_private_pem describes. */
static int save_private(const struct ferry_host_key *k, const char *path, int replace,
                        const char *pass, size_t pass_len)
{
    if (!k->has_private || k->signer != NULL) {
        return FERRY_E_INVAL;
    }
    size_t len = 0;
    char *pem = private_pem(k, pass, pass_len, &len);
    if (pem == NULL) {
        return FERRY_E_IO;
    }
    int rc;
    if (!replace) {
        /* O_EXCL: never follow or clobber something that appeared meanwhile. */
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
        rc = fd < 0 ? FERRY_E_IO : finish_file(fd, path, pem, len);
    } else {
        size_t tmp_len = strlen(path) + sizeof ".tmp-XXXXXX";
        char *tmp = malloc(tmp_len);
        rc = FERRY_E_IO;
        if (tmp == NULL) {
            errno = ENOMEM;
        } else {
            snprintf(tmp, tmp_len, "%s.tmp-XXXXXX", path);
            int fd = mkstemp(tmp); /* creates the file with mode 0600 */
            if (fd >= 0) {
                rc = finish_file(fd, tmp, pem, len);
                if (rc == 0 && rename(tmp, path) != 0) {
                    int saved = errno;
                    unlink(tmp);
                    errno = saved;
                    rc = FERRY_E_IO;
                }
            }
            free(tmp);
        }
    }
    host_wipe(pem, len);
    free(pem);
    return rc;
}

int ferry_host_key_save_private_pem(const struct ferry_host_key *k, const char *path,
                                    int replace)
{
    return save_private(k, path, replace, NULL, 0);
}

int ferry_host_key_save_private_pem_encrypted(const struct ferry_host_key *k, const char *path,
                                              int replace, const char *pass, size_t pass_len)
{
    if (pass == NULL || pass_len == 0) {
        return FERRY_E_INVAL;
    }
    return save_private(k, path, replace, pass, pass_len);
}

int ferry_host_key_write_private_pem(const struct ferry_host_key *k, const char *path)
{
    return ferry_host_key_save_private_pem(k, path, 1);
}

int ferry_host_key_write_public_pem(const struct ferry_host_key *k, FILE *out)
{
    uint8_t der[HOST_SPKI_P256_LEN];
    char pem[256];
    host_spki_encode(k->pub, der);
    size_t len = br_pem_encode(NULL, der, sizeof der, "PUBLIC KEY", BR_PEM_LINE64);
    if (len + 1 > sizeof pem) {
        return FERRY_E_IO;
    }
    br_pem_encode(pem, der, sizeof der, "PUBLIC KEY", BR_PEM_LINE64);
    if (fwrite(pem, 1, len, out) != len) {
        return FERRY_E_IO;
    }
    return FERRY_OK;
}
