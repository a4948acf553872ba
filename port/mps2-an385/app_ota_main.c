/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The over-the-air demo application for mps2-an385, built as app-ota-v1 and
 * app-ota-v2 (net.cmake; signed like the other demo apps). Started by the
 * bootloader (ferry-boot) from the primary slot, it
 *
 *   1. confirms itself when it runs on trial (after a self-test), so that a
 *      newly installed image stays;
 *   2. arms the watchdog with a period for network work (a trial's is too
 *      short for a download) and feeds it from every network wait;
 *   3. brings up the LAN9118 and lwIP with DHCP (ota_net.h);
 *   4. runs the update agent against OTA_BASE_URL ({base}/{class}/manifest.json,
 *      the repository `ferry publish` writes): check, then download into the
 *      staging slot, streaming and resumable (HTTP Range), with progress
 *      every 10 %;
 *   5. once the agent has marked the image for install, resets into the
 *      bootloader, which verifies and installs it; otherwise says why and
 *      resets too (so under QEMU -no-reboot one run is one boot).
 *
 * No malloc: the agent, the HTTP buffer, lwIP's heap and pools and the TCP
 * receive ring are static.
 *
 * Output lines (UART0), matched by tests/qemu/ota_test.py:
 *   [ota] v1.0.0 running (Ferry OTA demo, lwIP 2.1.3)
 *   [ota] started N ticks after reset   (25 MHz: the bootloader's time)
 *   [ota] last boot: installed 2.0.0 (on trial)
 *   [ota] v2.0.0 on trial: self-test passed, image confirmed   | v1.0.0 is confirmed
 *   [ota] dhcp 10.0.2.15 after N ms
 *   [ota] checking http://10.0.2.100/repo/<class-uuid>/manifest.json
 *   [ota] check failed: TEXT, trying again   (I/O error or timeout, 3 attempts)
 *   [ota] check: ticks total T busy B   (both requests, the manifest's signature)
 *   [ota] update available: v2.0.0 (N bytes, manifest signature ok)
 *   [ota] resuming the download at byte N                  (after a cut)
 *   [ota] download 10% (N of M bytes) ... download 100% (M of M bytes)
 *   [ota] v2.0.0 downloaded, SHA-256 and signature verified, marked for install
 *   [ota] download: N bytes in T ms, ticks total T busy B verify V flash F
 *          timer ticks (25 MHz; 40 instructions each under -icount
 *          shift=0) of ferry_agent_download: all, the part not spent
 *          spinning for frames, the final verification on flash, and the
 *          flash operations (read, program, erase) until the last byte
 *   [ota] rebooting into the bootloader to install it
 *   [ota] v2.0.0 is the current release: nothing to do
 *   [ota] no update: TEXT [(HTTP S)]   /   [ota] download failed: TEXT
 *   [ota] staying on v1.0.0
 *   [ota] stack N of M bytes
 *   [ota] v1.0.0 done, resetting
 */
#include <stdint.h>

#include "board.h"
#include "cmsdk_timer.h"
#include "cmsdk_uart.h"
#include "cmsdk_watchdog.h"
#include "cortexm.h"
#include "device_ids.h"
#include "ferry/agent.h"
#include "ferry/app.h"
#include "ferry/boot_record.h"
#include "ferry/counter_flash.h"
#include "ferry/errors.h"
#include "ferry/image.h"
#include "lwip/init.h"
#include "ota_net.h"
#include "psram_flash.h"

#if !defined(APP_VERSION_MAJOR) || !defined(APP_VERSION_MINOR) || !defined(APP_VERSION_PATCH)
#error "build with -DAPP_VERSION_MAJOR=.. -DAPP_VERSION_MINOR=.. -DAPP_VERSION_PATCH=.."
#endif
#ifndef OTA_BASE_URL
#define OTA_BASE_URL "http://10.0.2.100/repo"
#endif
/* The watchdog during network work: 5 s per expiry (it raises NMI at the
 * first, which ends the program; the second resets). Every wait of the
 * network feeds it, and no step between two waits takes that long (the
 * final verification of a 512 KiB image is well under 1 s at 25 MHz). */
#define OTA_WDOG_TICKS (5u * BOARD_CPU_HZ)
#define OTA_RETRIES 2u /* reconnects per download call, each resumes */
#define OTA_CHECK_ATTEMPTS 3u /* checks that end in FERRY_E_IO or _TIMEOUT */
/* The FPGA I/O block's COUNTER: counts the 25 MHz clock from reset (QEMU's
 * model too; under -icount shift=0 a tick is 40 instructions). */
#define FPGAIO_COUNTER 0x40028018u

extern const struct ferry_pubkey ferry_trusted_keys[];
extern const unsigned ferry_trusted_key_count;
extern uint32_t __stack_base[], __stack_top[]; /* the linker script's */

static const uint8_t vendor_id[16] = FERRY_VENDOR_ID;
static const uint8_t class_id[16] = FERRY_CLASS_ID;

static struct {
    struct ferry_app_config app;
    uint8_t app_buf[256];
    struct ferry_counter_flash counter, revocation;
    uint8_t counter_buf[2 * FERRY_COUNTER_FLASH_BUF_MIN(BOARD_PROGRAM_UNIT)];
    uint8_t revocation_buf[2 * FERRY_COUNTER_FLASH_BUF_MIN(BOARD_PROGRAM_UNIT)];
    struct ferry_agent_config cfg;
    struct ferry_agent agent;
    int shown_tenths;  /* last progress step printed (tens of percent), -1: none */
    int reboot_asked;
    /* timer ticks when the last byte was written, and at the mark: the
       final verification lies between them */
    uint32_t last_byte_at, marked_at;
    uint32_t flash_until_last_byte; /* flash_ticks then */
} o;

/* ---- The board's flash, timed ------------------------------------------------
 * The agent gets the same areas as the bootloader (psram_flash_areas), on a
 * thin wrapper that counts the timer ticks spent in flash operations, so the
 * download's figures can tell flash work from network and HTTP work. */
static const struct ferry_flash *psram;
static uint32_t flash_ticks;

static int timed_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    uint32_t t = timer_ticks();
    int err = psram->ops->read(ctx, off, buf, len);
    flash_ticks += timer_ticks() - t;
    return err;
}

static int timed_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    uint32_t t = timer_ticks();
    int err = psram->ops->program(ctx, off, buf, len);
    flash_ticks += timer_ticks() - t;
    return err;
}

static int timed_erase(void *ctx, uint32_t off, uint32_t len)
{
    uint32_t t = timer_ticks();
    int err = psram->ops->erase(ctx, off, len);
    flash_ticks += timer_ticks() - t;
    return err;
}

static const struct ferry_flash_ops timed_ops = {timed_read, timed_program, timed_erase};
static struct ferry_flash timed_flash;

static void flash_areas(struct ferry_app_config *app)
{
    psram_flash_areas(&app->primary, &app->staging, &app->status);
    psram = app->primary.dev;
    timed_flash = (struct ferry_flash){&timed_ops, psram->ctx, psram->geo};
    app->primary.dev = app->staging.dev = app->status.dev = &timed_flash;
}

static void put_version(void)
{
    uart_putc('v');
    uart_put_dec(APP_VERSION_MAJOR);
    uart_putc('.');
    uart_put_dec(APP_VERSION_MINOR);
    uart_putc('.');
    uart_put_dec(APP_VERSION_PATCH);
}

static void say(const char *text)
{
    uart_puts("[ota] ");
    put_version();
    uart_puts(text);
}

static void put_ver(const struct ferry_version *v)
{
    uart_put_dec(v->major);
    uart_putc('.');
    uart_put_dec(v->minor);
    uart_putc('.');
    uart_put_dec(v->patch);
}

static void put_hex8(uint8_t b)
{
    uart_putc("0123456789abcdef"[b >> 4]);
    uart_putc("0123456789abcdef"[b & 15u]);
}

static void put_uuid(const uint8_t id[16])
{
    for (int i = 0; i < 16; i++) {
        put_hex8(id[i]);
        if (i == 3 || i == 5 || i == 7 || i == 9)
            uart_putc('-');
    }
}

static __attribute__((noreturn)) void finish(void)
{
    /* The deepest stack of the whole run (startup.c painted it). */
    uart_puts("[ota] stack ");
    uart_put_dec(cortexm_stack_used(__stack_base, __stack_top));
    uart_puts(" of ");
    uart_put_dec((uint32_t)((uintptr_t)__stack_top - (uintptr_t)__stack_base));
    uart_puts(" bytes\n");
    say(" done, resetting\n");
    cortexm_system_reset();
}

/* What the boot that started us did (docs/boot-record.md). */
static void report_boot_record(void)
{
    struct ferry_boot_record r;
    int err = ferry_app_boot_record((const void *)(uintptr_t)BOARD_BOOT_RECORD_ADDR,
                                    FERRY_BOOT_RECORD_SIZE, &r);
    uart_puts("[ota] last boot: ");
    if (err != 0) {
        uart_puts("no record (");
        uart_puts(ferry_strerror(err));
        uart_puts(")\n");
        return;
    }
    uart_puts(r.action == FERRY_BOOT_INSTALLED   ? "installed "
              : r.action == FERRY_BOOT_REVERTED ? "reverted to "
                                                 : "started ");
    put_ver(&r.version);
    if (r.trial)
        uart_puts(" (on trial)");
    if (r.staged_err) {
        uart_puts("; staged image refused: ");
        uart_puts(ferry_strerror(r.staged_err));
    }
    uart_puts("\n");
}

/* Before a trial image confirms: the header in the primary slot describes
 * this very program (a product checks its peripherals and its server too). */
static int self_test(void)
{
    struct ferry_image_info info;
    if (ferry_image_parse(&o.app.primary, FERRY_PARSE_PRIMARY, &info) != 0)
        return -1;
    if (info.version.major != APP_VERSION_MAJOR || info.version.minor != APP_VERSION_MINOR ||
        info.version.patch != APP_VERSION_PATCH)
        return -2;
    if (BOARD_FLASH_BASE + o.app.primary.off + info.header_size !=
        (uint32_t)(uintptr_t)cortexm_vector_table)
        return -3;
    return 0;
}

/* Every 10 %, and where a resumed download starts. Runs inside the
 * download, between flash writes: feeds the watchdog too. */
static int on_progress(void *ctx, uint64_t done, uint64_t total)
{
    (void)ctx;
    wdog_feed();
    if (done == total && o.last_byte_at == 0) {
        o.last_byte_at = timer_ticks();
        o.flash_until_last_byte = flash_ticks;
    }
    int tenths = total ? (int)(done * 10u / total) : 10;
    if (o.shown_tenths < 0 && o.agent.st.resumed_from != 0) {
        uart_puts("[ota] resuming the download at byte ");
        uart_put_dec(o.agent.st.resumed_from);
        uart_puts("\n");
    }
    if (tenths <= o.shown_tenths)
        return 0;
    o.shown_tenths = tenths;
    uart_puts("[ota] download ");
    uart_put_dec((uint32_t)tenths * 10u);
    uart_puts("% (");
    uart_put_dec((uint32_t)done);
    uart_puts(" of ");
    uart_put_dec((uint32_t)total);
    uart_puts(" bytes)\n");
    return 0;
}

/* The agent calls this once the image is marked: main() resets after its
 * report lines (the agent allows the hook to return). */
static void on_reboot(void *ctx)
{
    (void)ctx;
    o.marked_at = timer_ticks();
    o.reboot_asked = 1;
}

static void say_failure(const char *what, int err)
{
    uart_puts("[ota] ");
    uart_puts(what);
    uart_puts(": ");
    uart_puts(ferry_strerror(err));
    if (err == FERRY_E_HTTP_STATUS && o.agent.last_status) {
        uart_puts(" (HTTP ");
        uart_put_dec((uint32_t)o.agent.last_status);
        uart_puts(")");
    }
    uart_puts("\n[ota] staying on ");
    put_version();
    uart_puts("\n");
}

/* FERRY_E_INVAL only for a layout board.h already refuses to compile; the
 * bootloader stays in itself then, so this never runs without the stores. */
static int setup_agent(void)
{
    struct ferry_area counter_area, revocation_area;
    psram_counter_area(&counter_area);
    psram_revocation_area(&revocation_area);
    /* Read-only here: the bootloader locked both stores (MPU); the agent
     * only reads them to refuse what the bootloader would refuse. */
    int err = ferry_counter_flash_init(&o.counter, &counter_area, o.counter_buf,
                                       sizeof o.counter_buf);
    if (err == 0)
        err = ferry_counter_flash_init(&o.revocation, &revocation_area, o.revocation_buf,
                                       sizeof o.revocation_buf);
    o.cfg = (struct ferry_agent_config){
        .base_url = OTA_BASE_URL, .vendor_id = vendor_id, .class_id = class_id,
        .keys = ferry_trusted_keys, .key_count = ferry_trusted_key_count, .app = &o.app,
        .http = ota_net_http(), .counter = &o.counter.counter,
        .revocation = &o.revocation.counter, .retries = OTA_RETRIES,
        .progress = on_progress, .reboot = on_reboot, .ctx = 0, .clock = ota_net_clock()};
    return err;
}

static void update(void)
{
    int err = setup_agent();
    if (err != 0) {
        say_failure("no update: the counter or revocation store is unusable", err);
        return;
    }
    uart_puts("[ota] checking " OTA_BASE_URL "/");
    put_uuid(class_id);
    uart_puts("/manifest.json\n");
    uint32_t total, idle;
    ota_net_stats_reset();
    err = ferry_agent_init(&o.agent, &o.cfg);
    /* A connection that broke or a server that did not answer in time may
     * be a passing hiccup: the check is cheap, try it again a few times. */
    for (unsigned attempt = 1; err == 0; attempt++) {
        err = ferry_agent_check(&o.agent);
        if ((err != FERRY_E_IO && err != FERRY_E_TIMEOUT) || attempt == OTA_CHECK_ATTEMPTS)
            break;
        uart_puts("[ota] check failed: ");
        uart_puts(ferry_strerror(err));
        uart_puts(", trying again\n");
        err = 0;
    }
    ota_net_stats(&total, &idle);
    uart_puts("[ota] check: ticks total ");
    uart_put_dec(total);
    uart_puts(" busy ");
    uart_put_dec(total - idle);
    uart_puts("\n");
    if (err == FERRY_E_NO_UPDATE) {
        say(" is the current release: nothing to do\n");
        return;
    }
    if (err != 0) {
        say_failure("no update", err);
        return;
    }
    const struct ferry_manifest *m = &o.agent.release;
    uart_puts("[ota] update available: v");
    put_ver(&m->version);
    uart_puts(" (");
    uart_put_dec(m->size);
    uart_puts(" bytes, manifest signature ok)\n");

    o.shown_tenths = -1;
    flash_ticks = 0;
    const struct ferry_clock *clk = ota_net_clock();
    uint32_t ms0 = clk->now_ms(clk->ctx);
    ota_net_stats_reset();
    err = ferry_agent_download(&o.agent);
    uint32_t ms = clk->now_ms(clk->ctx) - ms0;
    ota_net_stats(&total, &idle);
    if (err != 0) {
        say_failure("download failed", err);
        return;
    }
    uart_puts("[ota] v");
    put_ver(&m->version);
    uart_puts(" downloaded, SHA-256 and signature verified, marked for install\n");
    /* Bytes that crossed the network in this call (a resume fetches less). */
    uart_puts("[ota] download: ");
    uart_put_dec(m->size - o.agent.st.resumed_from);
    uart_puts(" bytes in ");
    uart_put_dec(ms);
    uart_puts(" ms, ticks total ");
    uart_put_dec(total);
    uart_puts(" busy ");
    uart_put_dec(total - idle);
    uart_puts(" verify ");
    uart_put_dec(o.marked_at && o.last_byte_at ? o.marked_at - o.last_byte_at : 0);
    uart_puts(" flash ");
    uart_put_dec(o.flash_until_last_byte);
    uart_puts("\n");
    ota_net_report();
    if (o.reboot_asked) {
        uart_puts("[ota] rebooting into the bootloader to install it\n");
        finish();
    }
}

int main(void)
{
    enum ferry_app_state state;

    uint32_t since_reset = REG32(FPGAIO_COUNTER);
    uart_init();
    say(" running (Ferry OTA demo, lwIP " LWIP_VERSION_STRING ")\n");
    /* What the bootloader took this boot: a plain boot verifies us, an
     * update boot also verifies the staged image and installs it. */
    uart_puts("[ota] started ");
    uart_put_dec(since_reset);
    uart_puts(" ticks after reset\n");
    report_boot_record();
    o.app = (struct ferry_app_config){.buf = o.app_buf, .buf_len = sizeof o.app_buf};
    flash_areas(&o.app);
    int err = ferry_app_get_state(&o.app, &state);
    if (err != 0) {
        uart_puts("[ota] cannot read the boot status: ");
        uart_puts(ferry_strerror(err));
        uart_puts("\n");
        finish();
    }
    if (state == FERRY_APP_TRIAL) {
        wdog_feed(); /* the trial's watchdog runs: 40 ms until reset */
        say(" on trial: self-test ");
        if (self_test() == 0 && (err = ferry_app_confirm(&o.app)) == 0) {
            uart_puts("passed, image confirmed\n");
        } else {
            uart_puts("FAILED, not confirming\n");
            finish(); /* the bootloader reverts at the next boot */
        }
    } else {
        say(" is confirmed\n");
    }
    wdog_arm(OTA_WDOG_TICKS);
    if (ota_net_up() == 0)
        update();
    finish();
}
