/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry keygen: create a P-256 signing key (PKCS#8 PEM, mode 0600).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum { OPT_KEY = 1, OPT_FORCE };

static const struct cli_opt OPTS[] = {
    { "key", 'k', 1, OPT_KEY },
    { "force", 'f', 0, OPT_FORCE },
    { NULL, 0, 0, 0 },
};

static void help(void)
{
    printf("usage: ferry keygen -k KEY.pem [--force]\n"
           "\n"
           "Creates a new ECDSA P-256 private key from the system RNG and writes it as\n"
           "PKCS#8 PEM, readable only by its owner (mode 0600). Prints the key ID.\n"
           "\n"
           "  -k, --key FILE   where to write the private key\n"
           "  -f, --force      replace FILE if it exists (refused otherwise)\n"
           "  -h, --help       this text\n"
           "\n"
           "Keep the private key off the build server if you can; the device only needs\n"
           "the public key (ferry getpub --format c).\n");
}

int cmd_keygen(int argc, char **argv)
{
    const char *cmd = argv[0], *path = NULL, *v;
    int force = 0, opt;
    struct cli_parser p;
    cli_init(&p, cmd, argc, argv, OPTS);
    while ((opt = cli_next(&p, &v)) != CLI_DONE) {
        switch (opt) {
        case OPT_KEY: path = v; break;
        case OPT_FORCE: force = 1; break;
        case CLI_OPT_HELP: help(); return CLI_EXIT_OK;
        case CLI_ARG: return cli_usage(cmd, "unexpected argument '%s'", v);
        default: return CLI_EXIT_USAGE;
        }
    }
    if (path == NULL) {
        return cli_usage(cmd, "missing -k KEY.pem (the file to create)");
    }
    struct ferry_host_key key;
    if (ferry_host_key_generate(&key) != 0) {
        return cli_fail(cmd, "the system random number generator is not available");
    }
    int rc = ferry_host_key_save_private_pem(&key, path, force);
    int saved = errno;
    uint8_t id[32];
    memcpy(id, key.id, sizeof id);
    ferry_host_key_wipe(&key);
    if (rc != 0) {
        if (saved == EEXIST) {
            return cli_fail(cmd, "%s: file exists; use --force to replace it", path);
        }
        return cli_fail(cmd, "%s: cannot write: %s", path, strerror(saved));
    }
    printf("wrote %s, key ID ", path);
    cli_print_hex(stdout, id, sizeof id);
    printf("\n");
    return CLI_EXIT_OK;
}
