/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keys for the commands (cli.h): where they come from (a PEM file, plain or
 * encrypted, or a PKCS#11 token), the options and environment variables
 * that give the module, the PIN and the passphrase, and detached signature
 * files. Apart from cli.c so that code reusing the option parser does not
 * pull in the token support.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ferry/errors.h"
#include "host_pkcs11.h"
#include "host_priv.h"

/* The key options of this run (one command per process). */
static struct {
    const char *pkcs11_module, *pin_file, *passphrase_file;
} key_source;

int cli_key_option(int opt, const char *value)
{
    switch (opt) {
    case CLI_OPT_PKCS11_MODULE: key_source.pkcs11_module = value; return 1;
    case CLI_OPT_PIN_FILE: key_source.pin_file = value; return 1;
    case CLI_OPT_PASSPHRASE_FILE: key_source.passphrase_file = value; return 1;
    default: return 0;
    }
}

const char *cli_passphrase_file(void)
{
    return key_source.passphrase_file;
}

int cli_read_secret(const char *cmd, const char *file, const char *env, char *buf, size_t cap,
                    size_t *len)
{
    *len = 0;
    buf[0] = '\0';
    if (file == NULL) {
        const char *v = getenv(env);
        if (v == NULL) {
            return 0;
        }
        size_t n = strlen(v);
        if (n + 1 > cap) {
            cli_fail(cmd, "$%s is longer than %zu bytes", env, cap - 1);
            return -1;
        }
        memcpy(buf, v, n + 1);
        *len = n;
        return 1;
    }
    FILE *f = fopen(file, "rb");
    if (f == NULL) {
        cli_fail(cmd, "%s: cannot read: %s", file, strerror(errno));
        return -1;
    }
    size_t n = 0;
    int c, too_long = 0;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (n + 1 < cap) {
            buf[n++] = (char)c;
        } else {
            too_long = 1;
        }
    }
    int failed = ferror(f);
    fclose(f);
    if (n > 0 && buf[n - 1] == '\r') {
        n--;
    }
    buf[n] = '\0';
    if (failed || too_long || n == 0) {
        host_wipe(buf, cap);
        cli_fail(cmd, "%s: %s", file, failed ? "cannot read" : too_long
                 ? "the first line is too long for a PIN or passphrase"
                 : "the first line is empty: it must hold the PIN or passphrase");
        return -1;
    }
    *len = n;
    return 1;
}

#define SECRET_MAX 1024

static int load_token_key(const char *cmd, const char *uri, int need_private,
                          struct ferry_host_key *k)
{
    char err[320], pin[SECRET_MAX];
    size_t pin_len;
    int have_pin = cli_read_secret(cmd, key_source.pin_file, "FERRY_PKCS11_PIN", pin,
                                   sizeof pin, &pin_len);
    if (have_pin < 0) {
        return CLI_EXIT_FAIL;
    }
    const char *module = key_source.pkcs11_module;
    if (module == NULL) {
        module = getenv("FERRY_PKCS11_MODULE");
    }
    int rc = ferry_pkcs11_key_load(uri, module, have_pin ? pin : NULL, pin_len, need_private, k,
                                   err, sizeof err);
    host_wipe(pin, sizeof pin);
    if (rc != 0) {
        /* A URI with a PIN in it is not repeated on the screen. */
        int has_pin = strstr(uri, "pin-value") != NULL || strstr(uri, "pin-source") != NULL;
        return cli_fail(cmd, "%s: %s", has_pin ? "pkcs11 URI" : uri, err);
    }
    return 0;
}

int cli_load_key(const char *cmd, const char *path, int need_private, struct ferry_host_key *k)
{
    char err[320], pass[SECRET_MAX];
    size_t pass_len;
    if (ferry_pkcs11_is_uri(path)) {
        return load_token_key(cmd, path, need_private, k);
    }
    int have_pass = cli_read_secret(cmd, key_source.passphrase_file, "FERRY_KEY_PASSPHRASE",
                                    pass, sizeof pass, &pass_len);
    if (have_pass < 0) {
        return CLI_EXIT_FAIL;
    }
    int rc = ferry_host_key_load_pass(path, have_pass ? pass : NULL, pass_len, k, err,
                                      sizeof err);
    host_wipe(pass, sizeof pass);
    if (rc != 0) {
        return cli_fail(cmd, "%s: %s", path, err);
    }
    if (need_private && !k->has_private) {
        ferry_host_key_wipe(k);
        return cli_fail(cmd, "%s: a public key cannot sign: give the private key", path);
    }
    return 0;
}

#define SIG_FILE_MAX 1024u

int cli_read_signature(const char *cmd, const char *path, const char *key_name,
                       const struct ferry_host_key *k, const uint8_t hash[32], uint8_t sig[64])
{
    uint8_t *data;
    size_t len;
    if (ferry_host_read_file(path, &data, &len) != 0) {
        return cli_fail(cmd, "%s: cannot read: %s", path, strerror(errno));
    }
    uint8_t cand[2][64];
    int n = 0;
    if (len <= SIG_FILE_MAX && host_ecdsa_der_to_raw(data, len, cand[n]) == 0) {
        n++;
    }
    if (len == 64) {
        memcpy(cand[n++], data, 64);
    }
    free(data);
    if (n == 0) {
        return cli_fail(cmd, "%s: not an ECDSA P-256 signature: expected DER (a SEQUENCE of r "
                        "and s, what openssl pkeyutl writes) or 64 raw bytes r||s, got %zu "
                        "bytes", path, len);
    }
    /* A 64-byte file that also parses as DER is tried both ways: only the
     * right reading can verify. */
    for (int i = 0; i < n; i++) {
        if (ferry_host_verify_hash(k, hash, cand[i]) == 0) {
            memcpy(sig, cand[i], 64);
            return 0;
        }
    }
    return cli_fail(cmd, "%s: the signature does not verify with %s over the digest (made by "
                    "another key, or over other bytes?)", path, key_name);
}

int cli_write_digest(const char *cmd, const char *path, const uint8_t digest[32])
{
    if (ferry_host_write_file(path, digest, 32) != 0) {
        return cli_fail(cmd, "%s: cannot write: %s", path, strerror(errno));
    }
    return 0;
}
