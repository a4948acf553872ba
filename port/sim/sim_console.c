/* SPDX-License-Identifier: Apache-2.0 */
/* The simulated bootloader's console: one line per boot event. */
#include <stdio.h>
#include "sim_device.h"
#include "ferry/errors.h"

static void version(const struct ferry_image_info *info, char *out, size_t len)
{
    if (!info) {
        snprintf(out, len, "?");
        return;
    }
    snprintf(out, len, "%u.%u.%u", info->version.major, info->version.minor, info->version.patch);
    if (info->version.build) {
        size_t n = 0;
        while (n < len && out[n])
            n++;
        snprintf(out + n, len - n, "+%u", (unsigned)info->version.build);
    }
}

void sim_console_event(void *ctx, enum ferry_boot_event ev, int err,
                       const struct ferry_image_info *info)
{
    static const char *const ops[] = {"none", "install", "revert"};
    char v[32];
    (void)ctx;
    version(info, v, sizeof v);
    switch (ev) {
    case FERRY_EV_STATE:
        if (err > 0 && err <= 2)
            printf("[boot] status: last operation %s\n", ops[err]);
        break;
    case FERRY_EV_STAGED_FOUND:
        printf("[boot] staging: found image v%s (%u bytes)\n", v, (unsigned)info->total_size);
        break;
    case FERRY_EV_STAGED_REJECTED:
        if (err == FERRY_E_IMG_REVERTED) {
            printf("[boot] staging: this image failed its trial before; not installing it again\n");
            break;
        }
        printf("[boot] staging: image rejected: %s -- nothing installed\n", ferry_strerror(err));
        break;
    case FERRY_EV_INSTALL_START:
        printf("[boot] installing v%s (signature verified; swapping, previous image kept)\n", v);
        break;
    case FERRY_EV_INSTALL_RESUME:
        printf("[boot] resuming an install interrupted by a power cut\n");
        break;
    case FERRY_EV_INSTALL_DONE:
        printf("[boot] install complete: v%s copied and its digest checked\n", v);
        break;
    case FERRY_EV_INSTALL_FAILED:
        printf("[boot] install failed: %s -- reverting\n", ferry_strerror(err));
        break;
    case FERRY_EV_REVERT_START:
        printf("[boot] the trial image was not confirmed: reverting to the previous image\n");
        break;
    case FERRY_EV_BACKUP_DAMAGED:
        printf("[boot] the previous image was overwritten during the trial: keeping the trial image\n");
        break;
    case FERRY_EV_REVERT_RESUME:
        printf("[boot] resuming a revert interrupted by a power cut\n");
        break;
    case FERRY_EV_REVERT_DONE:
        printf("[boot] revert complete\n");
        break;
    case FERRY_EV_TRIAL_BOOT:
        printf("[boot] v%s runs on trial: watchdog armed, the application must confirm\n", v);
        break;
    case FERRY_EV_COUNTER_ADVANCED:
        printf("[boot] anti-rollback: minimum security counter is now %d\n", err);
        break;
    case FERRY_EV_KEYS_REVOKED:
        printf("[boot] key revocation: keys below index %d are revoked\n", err);
        break;
    case FERRY_EV_PRIMARY_INVALID:
        printf("[boot] primary slot: no valid image (%s)\n", ferry_strerror(err));
        break;
    case FERRY_EV_BOOT:
        printf("[boot] starting v%s\n", v);
        break;
    }
    fflush(stdout);
}
