/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The product's application: once it has checked itself after an update it
 * confirms the image with ferry_app_confirm(), so the bootloader keeps it.
 * Links ferry::app. With blank flash nothing is on trial: the image counts as
 * confirmed and confirming again is 0 (the host run checks both).
 */
#include "ferry/app.h"
#include "ferry/errors.h"
#include "report.h"
#include "stub_flash.h"

static uint8_t scratch[256];

int main(void)
{
    const struct ferry_app_config cfg = {
        .primary = stub_primary,
        .staging = stub_staging,
        .status = stub_status,
        .buf = scratch,
        .buf_len = sizeof scratch,
    };
    enum ferry_app_state state = FERRY_APP_TRIAL;
    int err = ferry_app_get_state(&cfg, &state);
    int confirm = ferry_app_confirm(&cfg);
    report("ferry_app_get_state()", err);
    report(state == FERRY_APP_CONFIRMED ? "state: confirmed" : "state: trial", 0);
    report("ferry_app_confirm()", confirm);
    return err == 0 && state == FERRY_APP_CONFIRMED && confirm == 0 ? 0 : 1;
}
