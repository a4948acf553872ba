/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry serve in a ferry built without libmicrohttpd (FERRY_SERVE=OFF,
 * docs/build.md): every other command works; this one only says why it
 * cannot run and what to do instead. cmd_serve.c is the real one.
 */
#include <stdio.h>

#include "cli.h"

int cmd_serve(int argc, char **argv);

int cmd_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail("serve", "not built in: this ferry was built without libmicrohttpd "
                             "(install libmicrohttpd-dev and rebuild with -DFERRY_SERVE=ON), "
                             "or serve the directory with any static web server");
}
