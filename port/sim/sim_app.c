/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sim_app.h"
#include "sim_device.h"
#include "ferry/errors.h"

int sim_app_open_board(struct sim_board *b)
{
    const char *dir = getenv(SIM_ENV_DIR), *board = getenv(SIM_ENV_BOARD);
    const struct sim_board_desc *d = sim_board_find(board);
    if (!dir || !d)
        return FERRY_E_INVAL;
    int err = sim_board_open(b, d, dir);
    if (!err && (err = sim_board_lock_from_env(b)) != 0) /* the locks set before the jump */
        sim_board_close(b);
    return err;
}

void sim_app_feed_watchdog(void)
{
    const char *fd = getenv(SIM_ENV_WDT);
    if (fd) {
        char c = 'f';
        if (write(atoi(fd), &c, 1) < 0) {
            /* nobody is watching: nothing to feed */
        }
    }
}

int sim_app_boot_record(struct ferry_boot_record *rec)
{
    const char *hex = getenv(SIM_ENV_BOOT_RECORD);
    uint8_t raw[FERRY_BOOT_RECORD_SIZE];
    if (!hex || strlen(hex) != 2 * sizeof raw)
        return FERRY_E_NOT_FOUND;
    for (size_t i = 0; i < sizeof raw; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return FERRY_E_CORRUPT;
        raw[i] = (uint8_t)v;
    }
    return ferry_app_boot_record(raw, sizeof raw, rec);
}

void sim_app_print_boot_record(void)
{
    struct ferry_boot_record r;
    int err = sim_app_boot_record(&r);
    if (err) {
        printf("[app] last boot: no record (%s)\n", ferry_strerror(err));
        return;
    }
    printf("[app] last boot: ");
    if (r.action == FERRY_BOOT_INSTALLED)
        printf("installed %u.%u.%u%s", r.version.major, r.version.minor, r.version.patch,
               r.trial ? " (on trial)" : "");
    else if (r.action == FERRY_BOOT_REVERTED)
        printf("reverted to %u.%u.%u: %s", r.version.major, r.version.minor, r.version.patch,
               ferry_boot_revert_reason_str(r.revert_reason));
    else
        printf("started %u.%u.%u%s", r.version.major, r.version.minor, r.version.patch,
               r.trial ? " (on trial)" : "");
    if (r.install_err)
        printf("; install failed: %s (%d)", ferry_strerror(r.install_err), r.install_err);
    if (r.staged_err) {
        printf("; staged image");
        if (r.staged_known)
            printf(" %u.%u.%u", r.staged_version.major, r.staged_version.minor,
                   r.staged_version.patch);
        printf(" refused: %s (%d)", ferry_strerror(r.staged_err), r.staged_err);
    }
    printf("\n");
}
