/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry: sign, inspect and verify Ferry firmware images; manage signing keys.
 * One file per command (cmd_*.c); this file only dispatches.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* cmd_merge.c: bootloader + images -> flash contents (docs/merge.md). */
int cmd_merge(int argc, char **argv);
/* cmd_publish.c, cmd_serve.c: release repository and its development server
 * (docs/repository.md, docs/server.md). */
int cmd_publish(int argc, char **argv);
int cmd_serve(int argc, char **argv);

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command COMMANDS[] = {
    { "keygen", cmd_keygen, "create a P-256 signing key" },
    { "getpub", cmd_getpub, "print a key's public part (PEM, C source or key ID)" },
    { "sign", cmd_sign, "turn a raw application binary into a signed image" },
    { "verify", cmd_verify, "check an image's structure, digest, signature and IDs" },
    { "info", cmd_info, "print every field of an image (text or JSON)" },
    { "uuid", cmd_uuid, "print the vendor and device-class UUIDs for a device" },
    { "merge", cmd_merge, "lay out bootloader and images as flash holds them (checked)" },
    { "publish", cmd_publish, "add signed images to a release repository (signed manifests)" },
    { "serve", cmd_serve, "serve a directory over HTTP(S) for development (ranges, log)" },
};

#define COMMAND_COUNT (sizeof COMMANDS / sizeof COMMANDS[0])

static void print_usage(FILE *out)
{
    fprintf(out, "usage: ferry <command> [options] [arguments]\n\ncommands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        fprintf(out, "  %-8s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    }
    fprintf(out, "\nRun 'ferry <command> --help' for a command's options.\n"
                 "Exit status: 0 success, 1 failure (invalid image, bad key, I/O), "
                 "2 wrong command line.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        return cli_usage("ferry", "no command given");
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        if (strcmp(name, "help") == 0 && argc > 2) {
            for (size_t i = 0; i < COMMAND_COUNT; i++) {
                if (strcmp(argv[2], COMMANDS[i].name) == 0) {
                    char *help_argv[] = { argv[2], "--help", NULL };
                    return COMMANDS[i].run(2, help_argv);
                }
            }
            return cli_usage("ferry", "unknown command '%s'", argv[2]);
        }
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("ferry %s (image format %u)\n", FERRY_TOOL_VERSION, FERRY_IMG_FORMAT_V1);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(name, COMMANDS[i].name) == 0) {
            return COMMANDS[i].run(argc - 1, argv + 1);
        }
    }
    if (name[0] == '-') {
        return cli_usage("ferry", "unknown option '%s': give a command first", name);
    }
    return cli_usage("ferry", "unknown command '%s'", name);
}
