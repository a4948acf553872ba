/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sample application of the simulator: prints its version, and when it
 * runs on trial it checks itself and confirms. Built as v1, v2 and a faulty
 * v3 (SAMPLE_APP_HANG: it never confirms and stops feeding the watchdog).
 * With FERRY_SIM_UPDATE_URL set, a confirmed image then looks for an update
 * (sample_agent.c) and, when one is staged, resets into the bootloader; with
 * FERRY_SIM_STAGE_FILE set it first stages the image pushed through that
 * stream instead (sample_stage.c: the staging API without HTTP).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "ferry/app.h"
#include "ferry/errors.h"
#include "sample_agent.h"
#include "sample_stage.h"
#include "sim_app.h"
#include "sim_device.h"

#ifndef SAMPLE_APP_VERSION
#error "build with -DSAMPLE_APP_VERSION=\"x.y.z\""
#endif

static int self_test(void)
{
    /* A real application would check its peripherals and its server here. */
    return 0;
}

int main(void)
{
    struct sim_board b;
    enum ferry_app_state st;
    printf("[app] hello from the Ferry sample application v%s\n", SAMPLE_APP_VERSION);
    fflush(stdout);
    int err = sim_app_open_board(&b);
    if (err) {
        printf("[app] not running on a simulated device (%s)\n", ferry_strerror(err));
        return 1;
    }
    sim_app_print_boot_record();
    err = ferry_app_get_state(&b.app, &st);
    if (err) {
        printf("[app] cannot read the boot status: %s\n", ferry_strerror(err));
        sim_board_close(&b);
        return 1;
    }
#ifdef SAMPLE_APP_HANG
    printf("[app] v%s has a fatal bug: it hangs before confirming\n", SAMPLE_APP_VERSION);
    fflush(stdout);
    sim_board_close(&b);
    for (;;)
        pause();
#endif
    int confirmed = 1;
    if (st == FERRY_APP_TRIAL) {
        printf("[app] running on trial: self-test ... ");
        if (self_test() == 0 && (err = ferry_app_confirm(&b.app)) == 0) {
            printf("passed, image confirmed\n");
        } else {
            printf("failed (%s): not confirming\n", ferry_strerror(err));
            confirmed = 0;
        }
    } else {
        printf("[app] image is confirmed\n");
    }
    sim_app_feed_watchdog();
    /* Updates only from a confirmed image: during a trial the staging slot
     * holds the image to go back to. */
    const char *url = getenv(SAMPLE_ENV_UPDATE_URL), *pushed = getenv(SAMPLE_ENV_STAGE_FILE);
    if ((pushed && confirmed && sample_stage_run(&b, pushed) == SAMPLE_UPDATE_REBOOT) ||
        (url && confirmed && sample_agent_run(&b, url, SAMPLE_APP_VERSION) == SAMPLE_UPDATE_REBOOT)) {
        sim_board_close(&b);
        fflush(stdout);
        return SIM_APP_EXIT_REBOOT;
    }
    sim_board_close(&b);
    printf("[app] v%s done, powering off\n", SAMPLE_APP_VERSION);
    return 0;
}
