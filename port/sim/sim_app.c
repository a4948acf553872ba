/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
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
