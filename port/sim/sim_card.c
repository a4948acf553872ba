/* SPDX-License-Identifier: Apache-2.0 */
/* The simulated device's card slot (contract: sim_card.h). */
#include <stdio.h>
#include "ferry/card_update.h"
#include "ferry/errors.h"
#include "ferry/fat.h"
#include "ferry/sd_spi.h"
#include "sd_card_model.h"
#include "sim_card.h"

static void say(int err, const struct ferry_card_result *res)
{
    const struct ferry_version *v = &res->image.version;
    switch (err) {
    case 0:
        printf("[card] " FERRY_CARD_UPDATE_PATH ": v%u.%u.%u verified and staged%s; marked as %s%s\n",
               v->major, v->minor, v->patch, res->copied ? "" : " (already copied)",
               res->mark_err ? "NOT " : "", FERRY_CARD_DONE_PATH);
        if (res->mark_err)
            printf("[card] renaming failed: %s (the update is staged regardless)\n",
                   ferry_strerror(res->mark_err));
        break;
    case FERRY_E_NOT_FOUND:
        printf("[card] no " FERRY_CARD_UPDATE_PATH " on the card\n");
        break;
    case FERRY_E_BUSY:
        printf("[card] an update is in progress or on trial: the card is looked at later\n");
        break;
    case FERRY_E_NO_UPDATE:
        printf("[card] " FERRY_CARD_UPDATE_PATH " is the running image: marked as "
               FERRY_CARD_DONE_PATH "\n");
        break;
    default:
        if (res->parsed)
            printf("[card] " FERRY_CARD_UPDATE_PATH " (v%u.%u.%u) refused: %s -- nothing changed\n",
                   v->major, v->minor, v->patch, ferry_strerror(err));
        else if (err <= FERRY_E_IMG_MAGIC && err >= FERRY_E_IMG_REVERTED)
            printf("[card] " FERRY_CARD_UPDATE_PATH " is not a valid image: %s -- nothing changed\n",
                   ferry_strerror(err));
        else
            printf("[card] cannot use the card: %s -- nothing changed\n", ferry_strerror(err));
    }
}

int sim_card_stage(const char *path, const struct ferry_boot_config *cfg)
{
    struct sd_model *card;
    struct ferry_sd_spi sd;
    struct ferry_fat fat;
    struct ferry_card_result res = {0};
    static uint8_t fat_buf[FERRY_FAT_SECTOR];
    const struct ferry_card_config cc = {NULL, NULL, ferry_card_mark_rename};
    int err = sd_model_open_file(path, NULL, &card);
    if (err) {
        printf("[card] cannot open the card image %s: %s\n", path, ferry_strerror(err));
        return err;
    }
    err = ferry_sd_spi_init(&sd, sd_model_spi(card), NULL);
    if (!err)
        err = ferry_fat_mount(&fat, ferry_sd_spi_bd(&sd), fat_buf, sizeof fat_buf);
    if (!err)
        err = ferry_card_stage(cfg, &fat, &cc, &res);
    say(err, &res);
    if (sd_model_close(card) != 0 && !err)
        err = FERRY_E_IO;
    return err;
}
