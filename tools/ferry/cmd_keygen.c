/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry keygen: create a P-256 signing key (PKCS#8 PEM, mode 0600), plain or
 * encrypted with a passphrase (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "host_priv.h"

enum { OPT_KEY = 1, OPT_FORCE, OPT_ENCRYPT, OPT_CLASS };

static const struct cli_opt OPTS[] = {
    { "key", 'k', 1, OPT_KEY },
    { "force", 'f', 0, OPT_FORCE },
    { "encrypt", 0, 0, OPT_ENCRYPT },
    { "class", 0, 0, OPT_CLASS },
    { "passphrase-file", 0, 1, CLI_OPT_PASSPHRASE_FILE },
    { NULL, 0, 0, 0 },
};

static void help(void)
{
    printf("usage: ferry keygen [--class] -k KEY.pem [--force]\n"
           "                    [--encrypt [--passphrase-file FILE]]\n"
           "\n"
           "Creates a new ECDSA P-256 private key from the system RNG and writes it as\n"
           "PKCS#8 PEM, readable only by its owner (mode 0600). Prints the key ID.\n"
           "\n"
           "  -k, --key FILE           where to write the private key\n"
           "  -f, --force              replace FILE if it exists (refused otherwise)\n"
           "  --class                  a device-class key pair for encrypted images\n"
           "                           (docs/encryption.md): the same kind of P-256 key;\n"
           "                           its public half (ferry getpub) is what ferry sign\n"
           "                           --encrypt takes, its private half goes into the\n"
           "                           devices of the class (ferry getpub --format c-class)\n"
           "  --encrypt                encrypt the key with a passphrase (\"ENCRYPTED PRIVATE\n"
           "                           KEY\": PBES2, PBKDF2-HMAC-SHA256 with %u\n"
           "                           iterations, AES-256-CBC), as openssl pkcs8 -topk8\n"
           "                           -v2 aes-256-cbc writes\n"
           "  --passphrase-file FILE   the passphrase: first line of FILE (default:\n"
           "                           $FERRY_KEY_PASSPHRASE); implies --encrypt\n"
           "  -h, --help               this text\n"
           "\n"
           "Keep the private key off the build server if you can; the device only needs\n"
           "the public key (ferry getpub --format c). Better still, keep it in a token\n"
           "(docs/keys.md).\n", HOST_PBKDF2_ITERATIONS_DEFAULT);
}

#define PASS_MAX 1024

int cmd_keygen(int argc, char **argv)
{
    const char *cmd = argv[0], *path = NULL, *v;
    int force = 0, encrypt = 0, class_key = 0, opt;
    struct cli_parser p;
    cli_init(&p, cmd, argc, argv, OPTS);
    while ((opt = cli_next(&p, &v)) != CLI_DONE) {
        switch (opt) {
        case OPT_KEY: path = v; break;
        case OPT_FORCE: force = 1; break;
        case OPT_ENCRYPT: encrypt = 1; break;
        case OPT_CLASS: class_key = 1; break;
        case CLI_OPT_HELP: help(); return CLI_EXIT_OK;
        case CLI_ARG: return cli_usage(cmd, "unexpected argument '%s'", v);
        default:
            if (cli_key_option(opt, v)) {
                encrypt = 1;
                break;
            }
            return CLI_EXIT_USAGE;
        }
    }
    if (path == NULL) {
        return cli_usage(cmd, "missing -k KEY.pem (the file to create)");
    }
    char pass[PASS_MAX];
    size_t pass_len = 0;
    if (encrypt) {
        int got = cli_read_secret(cmd, cli_passphrase_file(), "FERRY_KEY_PASSPHRASE", pass,
                                  sizeof pass, &pass_len);
        if (got < 0) {
            return CLI_EXIT_FAIL;
        }
        if (got == 0 || pass_len == 0) {
            return cli_usage(cmd, "--encrypt needs a passphrase: give --passphrase-file FILE or "
                             "set FERRY_KEY_PASSPHRASE");
        }
    }
    struct ferry_host_key key;
    if (ferry_host_key_generate(&key) != 0) {
        host_wipe(pass, sizeof pass);
        return cli_fail(cmd, "the system random number generator is not available");
    }
    int rc = encrypt ? ferry_host_key_save_private_pem_encrypted(&key, path, force, pass, pass_len)
                     : ferry_host_key_save_private_pem(&key, path, force);
    int saved = errno;
    host_wipe(pass, sizeof pass);
    uint8_t id[32];
    memcpy(id, key.id, sizeof id);
    ferry_host_key_wipe(&key);
    if (rc != 0) {
        if (saved == EEXIST) {
            return cli_fail(cmd, "%s: file exists; use --force to replace it", path);
        }
        return cli_fail(cmd, "%s: cannot write: %s", path, strerror(saved));
    }
    printf("wrote %s%s%s, key ID ", path, class_key ? " (device-class key pair)" : "",
           encrypt ? " (encrypted)" : "");
    cli_print_hex(stdout, id, sizeof id);
    printf("\n");
    return CLI_EXIT_OK;
}
