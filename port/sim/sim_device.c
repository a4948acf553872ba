/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry-sim: the device of the host simulator port.
 *
 *   ferry-sim [--board NAME] [--card IMAGE] --dir DIR run [--cycles N] [--watchdog-ms MS]
 *       power on: bootloader -> application, again after every reset the
 *       application asks for, crash or watchdog reset, until the application
 *       powers the device off or N cycles have passed.
 *   ferry-sim ... boot          one boot decision, no application
 *   ferry-sim ... flash primary|staging IMAGE
 *                               the factory programmer (bypasses the bootloader)
 *   ferry-sim ... erase primary|staging
 *   ferry-sim ... status        what the status area says
 *
 * --card IMAGE inserts an SD card (a FAT card image file): every boot first
 * stages its update.bin, if valid and newer, before the boot decision
 * (docs/sd-card.md).
 *
 * The trusted public key is compiled in (sim_trusted_key.c, generated from a
 * PEM key at build time), like a real bootloader's.
 *
 * Right before the handover to the application the bootloader write-locks
 * the anti-rollback counter store until the next reset, so the application
 * cannot lower the stored minimum (its programs and erases there fail with
 * FERRY_E_LOCKED). The application is another process that opens the flash
 * files itself: the lock, which a real flash controller keeps across the
 * jump, goes with it in SIM_BOARD_ENV_LOCKS (sim_board.h) and is applied by
 * its runtime before it sees the flash. Every power cycle starts unlocked,
 * so the next boot's bootloader writes the store freely.
 */
#define _POSIX_C_SOURCE 200809L /* setenv */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ferry/app.h"
#include "ferry/boot_record.h"
#include "ferry/errors.h"
#include "ferry_host.h"
#include "sim_board.h"
#include "sim_card.h"
#include "sim_device.h"

extern const struct ferry_pubkey ferry_trusted_keys[];
extern const unsigned ferry_trusted_key_count;

#ifndef SIM_VENDOR_NAME
#define SIM_VENDOR_NAME "example.com"
#endif
#ifndef SIM_CLASS_NAME
#define SIM_CLASS_NAME "ferry-sim-device"
#endif

struct opts {
    const char *board, *dir, *cmd, *arg1, *arg2, *card;
    unsigned cycles, watchdog_ms;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ferry-sim [--board NAME] [--card IMAGE] --dir DIR COMMAND\n"
            "commands:\n"
            "  run [--cycles N] [--watchdog-ms MS]  power on and run until power-off\n"
            "  boot                                 one boot decision, no application\n"
            "  flash primary|staging IMAGE          factory-program an image\n"
            "  erase primary|staging                erase a slot\n"
            "  status                               show install/trial state\n"
            "--card IMAGE: an SD card image (FAT); a valid newer update.bin on it is installed\n"
            "The device identity is vendor '%s', class '%s'.\n", SIM_VENDOR_NAME, SIM_CLASS_NAME);
    fprintf(out, "boards (--board NAME; default demo), areas as device offset +size:\n");
    size_t n;
    const struct sim_board_desc *list = sim_board_list(&n);
    for (size_t i = 0; i < n; i++)
        sim_board_print_layout(out, &list[i]);
}

static int parse(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    o->board = "demo";
    o->cycles = 8;
    o->watchdog_ms = 2000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "--board") && i + 1 < argc) {
            o->board = argv[++i];
        } else if (!strcmp(a, "--card") && i + 1 < argc) {
            o->card = argv[++i];
        } else if (!strcmp(a, "--dir") && i + 1 < argc) {
            o->dir = argv[++i];
        } else if (!strcmp(a, "--cycles") && i + 1 < argc) {
            o->cycles = (unsigned)strtoul(argv[++i], NULL, 0);
        } else if (!strcmp(a, "--watchdog-ms") && i + 1 < argc) {
            o->watchdog_ms = (unsigned)strtoul(argv[++i], NULL, 0);
        } else if (a[0] == '-') {
            fprintf(stderr, "ferry-sim: unknown option %s (see --help)\n", a);
            return -1;
        } else if (!o->cmd) {
            o->cmd = a;
        } else if (!o->arg1) {
            o->arg1 = a;
        } else if (!o->arg2) {
            o->arg2 = a;
        } else {
            fprintf(stderr, "ferry-sim: unexpected argument %s\n", a);
            return -1;
        }
    }
    if (!o->dir || !o->cmd) {
        fprintf(stderr, "ferry-sim: need --dir DIR and a command (see --help)\n");
        return -1;
    }
    return 0;
}

static uint8_t vendor_id[16], class_id[16];

static int open_board(const struct opts *o, struct sim_board *b)
{
    const struct sim_board_desc *d = sim_board_find(o->board);
    if (!d) {
        fprintf(stderr, "ferry-sim: unknown board '%s'\n", o->board);
        return FERRY_E_INVAL;
    }
    int err = sim_board_open(b, d, o->dir);
    if (err) {
        fprintf(stderr, "ferry-sim: cannot open flash in %s: %s\n", o->dir, ferry_strerror(err));
        return err;
    }
    ferry_uuid_from_arg(SIM_VENDOR_NAME, NULL, vendor_id);
    ferry_uuid_from_arg(SIM_CLASS_NAME, vendor_id, class_id);
    b->cfg.policy.keys = ferry_trusted_keys;
    b->cfg.policy.key_count = ferry_trusted_key_count;
    b->cfg.policy.vendor_id = vendor_id;
    b->cfg.policy.class_id = class_id;
    b->cfg.hooks.event = sim_console_event;
    return 0;
}

static int cmd_flash(const struct opts *o)
{
    struct sim_board b;
    uint8_t *img;
    size_t len;
    if (!o->arg1 || !o->arg2 || (strcmp(o->arg1, "primary") && strcmp(o->arg1, "staging"))) {
        fprintf(stderr, "ferry-sim: usage: flash primary|staging IMAGE\n");
        return 2;
    }
    if (ferry_host_read_file(o->arg2, &img, &len) != 0) {
        fprintf(stderr, "ferry-sim: cannot read %s\n", o->arg2);
        return 1;
    }
    int err = open_board(o, &b);
    if (!err) {
        err = sim_board_write_image(&b, strcmp(o->arg1, "primary") ? SIM_SLOT_STAGING : SIM_SLOT_PRIMARY,
                                    img, len);
        sim_board_close(&b);
    }
    free(img);
    if (err) {
        fprintf(stderr, "ferry-sim: flashing %s failed: %s\n", o->arg1, ferry_strerror(err));
        return 1;
    }
    printf("[programmer] wrote %zu bytes to the %s slot\n", len, o->arg1);
    return 0;
}

static int cmd_erase(const struct opts *o)
{
    struct sim_board b;
    if (!o->arg1 || (strcmp(o->arg1, "primary") && strcmp(o->arg1, "staging"))) {
        fprintf(stderr, "ferry-sim: usage: erase primary|staging\n");
        return 2;
    }
    int err = open_board(o, &b);
    if (!err) {
        err = sim_board_erase_slot(&b, strcmp(o->arg1, "primary") ? SIM_SLOT_STAGING : SIM_SLOT_PRIMARY);
        sim_board_close(&b);
    }
    return err ? 1 : 0;
}

static int cmd_status(const struct opts *o)
{
    struct sim_board b;
    enum ferry_app_state st;
    int err = open_board(o, &b);
    if (err)
        return 1;
    err = ferry_app_get_state(&b.app, &st);
    sim_board_close(&b);
    if (err) {
        printf("status: %s\n", ferry_strerror(err));
        return 1;
    }
    printf("status: %s\n", st == FERRY_APP_TRIAL ? "trial (not confirmed)" : "confirmed");
    return 0;
}

/* One boot. On success copies the payload out (the board is closed before
 * the application runs, as the bootloader hands the flash over). */
static int boot_once(const struct opts *o, uint8_t **payload, uint32_t *len, int *trial)
{
    struct sim_board b;
    struct ferry_boot_result res;
    struct ferry_boot_recorder recorder;
    uint8_t record[FERRY_BOOT_RECORD_SIZE];
    char record_hex[2 * FERRY_BOOT_RECORD_SIZE + 1];
    int err = open_board(o, &b);
    if (err)
        return err;
    if (o->card)
        (void)sim_card_stage(o->card, &b.cfg); /* reported; never stops the boot */
    ferry_boot_recorder_init(&recorder, &b.cfg.hooks, &b.cfg.hooks);
    err = ferry_boot(&b.cfg, &res);
    if (err) {
        printf("[boot] no valid image to run (%s): staying in the bootloader\n", ferry_strerror(err));
        sim_board_close(&b);
        return err;
    }
    *len = res.image.payload_size;
    *trial = res.trial;
    if (payload) {
        *payload = malloc(*len);
        err = *payload ? ferry_area_read(&b.cfg.primary, res.image.header_size, *payload, *len)
                       : FERRY_E_NOSPC;
        /* The handover: lock what the application must not write, leave
         * the boot record where the application looks. */
        ferry_boot_record_encode(&recorder, &res, record);
        for (unsigned i = 0; i < FERRY_BOOT_RECORD_SIZE; i++)
            snprintf(record_hex + 2 * i, 3, "%02x", record[i]);
        if (!err && setenv(SIM_ENV_BOOT_RECORD, record_hex, 1) != 0)
            err = FERRY_E_NOSPC;
        if (!err)
            err = sim_board_lock_counter(&b);
        if (!err && setenv(SIM_BOARD_ENV_LOCKS, b.desc->counter.size ? "counter" : "", 1) != 0)
            err = FERRY_E_NOSPC;
    }
    sim_board_close(&b);
    return err;
}

static int cmd_run(const struct opts *o)
{
    for (unsigned cycle = 1; cycle <= o->cycles; cycle++) {
        uint8_t *payload = NULL;
        uint32_t len = 0;
        int trial = 0;
        printf("[sim] power on (cycle %u)\n", cycle);
        int err = boot_once(o, &payload, &len, &trial);
        if (err)
            return 1;
        enum sim_app_end end;
        /* The watchdog is armed for trial images (and stays armed: a real
         * watchdog cannot be stopped once started). */
        err = sim_exec_payload(payload, len, o->dir, o->board, trial ? o->watchdog_ms : 0, &end);
        free(payload);
        if (err) {
            printf("[sim] cannot start the application: %s\n", ferry_strerror(err));
            return 1;
        }
        switch (end) {
        case SIM_APP_POWER_OFF:
            printf("[sim] power off\n");
            return 0;
        case SIM_APP_REBOOT:
            printf("[sim] reset requested by the application\n");
            break;
        case SIM_APP_CRASH:
            printf("[sim] the application crashed: reset\n");
            break;
        case SIM_APP_WATCHDOG:
            printf("[sim] watchdog: not fed for %u ms: reset\n", o->watchdog_ms);
            break;
        }
    }
    printf("[sim] stopped after %u power cycles\n", o->cycles);
    return 0;
}

int main(int argc, char **argv)
{
    struct opts o;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (parse(argc, argv, &o))
        return 2;
    if (!strcmp(o.cmd, "run"))
        return cmd_run(&o);
    if (!strcmp(o.cmd, "boot")) {
        uint32_t len;
        int trial;
        return boot_once(&o, NULL, &len, &trial) ? 1 : 0;
    }
    if (!strcmp(o.cmd, "flash"))
        return cmd_flash(&o);
    if (!strcmp(o.cmd, "erase"))
        return cmd_erase(&o);
    if (!strcmp(o.cmd, "status"))
        return cmd_status(&o);
    fprintf(stderr, "ferry-sim: unknown command '%s' (see --help)\n", o.cmd);
    return 2;
}
