/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The stack each application-side call needs (ferry/app.h, ferry/stage.h,
 * ferry/agent.h), measured on the target. Loaded at 0x0 in place of the
 * bootloader, like bench_verify.c, on a flash whose primary slot holds the
 * signed v1 (bench/app-stack.sh merges it there). Every call runs on a
 * painted region of its own (stack_probe.h), in what an application does:
 *
 *   1. the bootloader's part, not measured: ferry_boot() verifies v1 and
 *      would start it (a first boot: it also sets the anti-rollback minimum);
 *   2. ferry_app_get_state and ferry_app_confirm on the confirmed v1;
 *   3. a signed v2 (192 KiB) staged in any order (ferry_stage_write_at,
 *      244-byte pieces, a BLE payload, in a shuffled order) and finished;
 *   4. v2 begun again with its SHA-256 (found already staged), then a
 *      transfer without one begun, written and aborted;
 *   5. v2 in order with an id (ferry_stage_write, 1000-byte pieces): suspended
 *      past a sector boundary, resumed by a second begin, finished;
 *   6. a transfer suspended, resumed and given up (ferry_stage_resume_failed);
 *   7. the HTTP agent: ferry_agent_check and ferry_agent_download of v2 from
 *      an in-memory release repository made at build time by `ferry publish`
 *      (bench_memnet.h, bench_embed.cmake);
 *   8. ferry_boot() again, not measured: installs v2 and starts it on trial;
 *      then ferry_app_get_state (trial) and ferry_app_confirm (the real mark).
 *
 * The flash is the port's PSRAM device (psram_flash.h) behind a thin probe
 * that marks every operation (STACK_PROBE_FLASH). Each step checks its
 * result; anything unexpected ends the run with an error line.
 *
 * Output (UART0), then a reset (QEMU -no-reboot exits):
 *   [stack] region 16384
 *   [stack] NAME BYTES calls=N [flash_at=B] [net_at=B] [callback_at=B]
 *   [mem] NAME BYTES
 *   [stack] done          or   [stack] error STEP: TEXT  and  [stack] FAILED
 * BYTES is the deepest use over the N calls of that name; *_at the deepest
 * depth at which a hook of that kind was entered during them.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include "bench_memnet.h"
#include "board.h"
#include "cmsdk_timer.h"
#include "cmsdk_uart.h"
#include "cortexm.h"
#include "device_ids.h"
#include "ferry/agent.h"
#include "ferry/app.h"
#include "ferry/boot_record.h"
#include "ferry/boot.h"
#include "ferry/counter_flash.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "ferry/stage.h"
#include "psram_flash.h"
#include "stack_probe.h"

extern const struct ferry_pubkey ferry_trusted_keys[];
extern const unsigned ferry_trusted_key_count;

#define BASE_URL        "http://updates.example/repo" /* bench_embed.cmake's PREFIX */
#define IN_ORDER_PIECE  1000u /* bytes per ferry_stage_write */
#define ANY_ORDER_PIECE 244u  /* bytes per ferry_stage_write_at */
#define NET_PIECE       1460u /* bytes per recv: a TCP segment */
#define SUSPEND_AT      13000u /* past a sector boundary that got no checkpoint yet */

static const uint8_t vendor_id[16] = FERRY_VENDOR_ID;
static const uint8_t class_id[16] = FERRY_CLASS_ID;

/* ---- The port's flash, every operation marked ----------------------------- */

static const struct ferry_flash *psram;

static int probe_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    (void)ctx;
    stack_probe_mark(STACK_PROBE_FLASH);
    return psram->ops->read(psram->ctx, off, buf, len);
}

static int probe_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    (void)ctx;
    stack_probe_mark(STACK_PROBE_FLASH);
    return psram->ops->program(psram->ctx, off, buf, len);
}

static int probe_erase(void *ctx, uint32_t off, uint32_t len)
{
    (void)ctx;
    stack_probe_mark(STACK_PROBE_FLASH);
    return psram->ops->erase(psram->ctx, off, len);
}

static const struct ferry_flash_ops probe_ops = {probe_read, probe_program, probe_erase};
static struct ferry_flash flash;

/* ---- Everything the calls work on, and their arguments -------------------- */

static struct {
    struct ferry_app_config app;
    uint8_t app_buf[256];
    struct ferry_counter_flash counter;
    uint8_t counter_buf[64];
    struct ferry_boot_config boot;
    struct ferry_boot_result boot_res;
    uint8_t boot_buf[1024];
    struct ferry_stage_config stage_cfg;
    struct ferry_stage st;
    uint8_t stage_buf[FERRY_STAGE_BUF_BYTES];
    struct memnet net;
    uint8_t http_buf[FERRY_HTTP_BUF_MIN];
    struct ferry_http_client http;
    struct ferry_clock clock;
    struct ferry_agent_config agent_cfg;
    struct ferry_agent agent;
    unsigned progress_calls, reboots;
    /* arguments and results of the call being measured */
    enum ferry_app_state state;
    struct ferry_image_info info;
    uint32_t size, off, len;
    const uint8_t *data, *sha, *id;
    unsigned flags;
} b;

/*
 * One wrapper per call: stack_probe_run() passes one pointer, the calls take
 * their arguments from `b`. Each calls the library's function through a
 * pointer the compiler cannot see through (HIDE), so that what runs is the
 * function itself, as any caller gets it, and not a copy that link-time
 * optimisation inlined into the wrapper and specialised for `b`. A wrapper
 * adds at most its own small frame (see bench/app-stack.md).
 */
#define HIDE(fn) __asm__("" : "+r"(fn))

static int call_get_state(void *ctx)
{
    int (*fn)(const struct ferry_app_config *, enum ferry_app_state *) = ferry_app_get_state;
    (void)ctx;
    HIDE(fn);
    return fn(&b.app, &b.state);
}

static int call_confirm(void *ctx)
{
    int (*fn)(const struct ferry_app_config *) = ferry_app_confirm;
    (void)ctx;
    HIDE(fn);
    return fn(&b.app);
}

/* ferry_app_reject on a confirmed image: the refusal (FERRY_E_STATE) reads
 * the same status as a rejection of a trial image, which only adds a store. */
static int call_reject_confirmed(void *ctx)
{
    int (*fn)(const struct ferry_app_config *) = ferry_app_reject;
    (void)ctx;
    HIDE(fn);
    int err = fn(&b.app);
    return err == FERRY_E_STATE ? 0 : err ? err : FERRY_E_STATE;
}

static uint8_t boot_record[FERRY_BOOT_RECORD_SIZE];

static int call_boot_record(void *ctx)
{
    int (*fn)(const void *, size_t, struct ferry_boot_record *) = ferry_app_boot_record;
    struct ferry_boot_record rec;
    (void)ctx;
    HIDE(fn);
    return fn(boot_record, sizeof boot_record, &rec);
}

static int call_stage_init(void *ctx)
{
    int (*fn)(struct ferry_stage *, const struct ferry_stage_config *) = ferry_stage_init;
    (void)ctx;
    HIDE(fn);
    return fn(&b.st, &b.stage_cfg);
}

static int call_begin(void *ctx)
{
    int (*fn)(struct ferry_stage *, uint32_t, const uint8_t *, const uint8_t *, unsigned) =
        ferry_stage_begin;
    (void)ctx;
    HIDE(fn);
    return fn(&b.st, b.size, b.sha, b.id, b.flags);
}

static int call_write(void *ctx)
{
    int (*fn)(struct ferry_stage *, const void *, size_t) = ferry_stage_write;
    (void)ctx;
    HIDE(fn);
    return fn(&b.st, b.data, b.len);
}

static int call_write_at(void *ctx)
{
    int (*fn)(struct ferry_stage *, uint32_t, const void *, size_t) = ferry_stage_write_at;
    (void)ctx;
    HIDE(fn);
    return fn(&b.st, b.off, b.data, b.len);
}

static int call_finish(void *ctx)
{
    int (*fn)(struct ferry_stage *, struct ferry_image_info *) = ferry_stage_finish;
    (void)ctx;
    HIDE(fn);
    return fn(&b.st, &b.info);
}

static int call_suspend(void *ctx)
{
    void (*fn)(struct ferry_stage *) = ferry_stage_suspend;
    (void)ctx;
    HIDE(fn);
    fn(&b.st);
    return 0;
}

static int call_abort(void *ctx)
{
    int (*fn)(struct ferry_stage *) = ferry_stage_abort;
    (void)ctx;
    HIDE(fn);
    return fn(&b.st);
}

static int call_resume_failed(void *ctx)
{
    void (*fn)(struct ferry_stage *) = ferry_stage_resume_failed;
    (void)ctx;
    HIDE(fn);
    fn(&b.st);
    return 0;
}

static int call_agent_init(void *ctx)
{
    int (*fn)(struct ferry_agent *, const struct ferry_agent_config *) = ferry_agent_init;
    (void)ctx;
    HIDE(fn);
    return fn(&b.agent, &b.agent_cfg);
}

static int call_check(void *ctx)
{
    int (*fn)(struct ferry_agent *) = ferry_agent_check;
    (void)ctx;
    HIDE(fn);
    return fn(&b.agent);
}

static int call_download(void *ctx)
{
    int (*fn)(struct ferry_agent *) = ferry_agent_download;
    (void)ctx;
    HIDE(fn);
    return fn(&b.agent);
}

/* The application's callbacks: they run on the caller's stack. */
static int on_progress(void *ctx, uint64_t done, uint64_t total)
{
    (void)ctx, (void)done, (void)total;
    stack_probe_mark(STACK_PROBE_CALLBACK);
    b.progress_calls++;
    return 0;
}

static void on_reboot(void *ctx)
{
    (void)ctx;
    stack_probe_mark(STACK_PROBE_CALLBACK);
    b.reboots++; /* a product resets here; the benchmark goes on */
}

/* Milliseconds from the 25 MHz timer (it wraps after 171 s, far more than a run). */
static uint32_t now_ms(void *ctx)
{
    (void)ctx;
    stack_probe_mark(STACK_PROBE_NET);
    return timer_ticks() / (BOARD_CPU_HZ / 1000u);
}

/* ---- Results -------------------------------------------------------------- */

struct row {
    const char *name;
    uint32_t bytes;
    unsigned calls;
    uint32_t at[STACK_PROBE_HOOKS];
};
static struct row rows[24];
static unsigned row_count;

static void __attribute__((noreturn)) fail(const char *step, const char *why)
{
    uart_puts("[stack] error ");
    uart_puts(step);
    uart_puts(": ");
    uart_puts(why);
    uart_puts("\n[stack] FAILED\n");
    cortexm_system_reset();
}

/* newlib's assert() ends here (http_parser.c asserts its own invariants):
 * reported like any other failure instead of newlib's abort(). */
void __assert_func(const char *file, int line, const char *func, const char *expr)
{
    (void)file, (void)line, (void)func;
    fail("assert", expr);
}

static void check(int ok, const char *step, const char *why)
{
    if (!ok)
        fail(step, why);
}

static void check_err(int err, const char *step)
{
    if (err != 0)
        fail(step, ferry_strerror(err));
}

static struct row *row_for(const char *name)
{
    for (unsigned i = 0; i < row_count; i++)
        if (strcmp(rows[i].name, name) == 0)
            return &rows[i];
    check(row_count < sizeof rows / sizeof rows[0], name, "too many result rows");
    rows[row_count].name = name;
    return &rows[row_count++];
}

/* Runs one call on the painted region and keeps its figures under `name`;
 * every call measured here must succeed. */
static void measure(const char *name, int (*fn)(void *ctx))
{
    struct stack_probe_result r;
    int err = stack_probe_run(fn, NULL, &r);
    check(r.used < STACK_PROBE_BYTES, name, "the painted region overflowed");
    check_err(err, name);
    struct row *w = row_for(name);
    w->calls++;
    if (r.used > w->bytes)
        w->bytes = r.used;
    for (unsigned h = 0; h < STACK_PROBE_HOOKS; h++)
        if (r.hook_at[h] > w->at[h])
            w->at[h] = r.hook_at[h];
}

static void print_field(const char *name, uint32_t v)
{
    if (v == 0)
        return;
    uart_puts(" ");
    uart_puts(name);
    uart_puts("=");
    uart_put_dec(v);
}

static void print_mem(const char *name, uint32_t bytes)
{
    uart_puts("[mem] ");
    uart_puts(name);
    uart_puts(" ");
    uart_put_dec(bytes);
    uart_puts("\n");
}

static void report(void)
{
    for (unsigned i = 0; i < row_count; i++) {
        uart_puts("[stack] ");
        uart_puts(rows[i].name);
        uart_puts(" ");
        uart_put_dec(rows[i].bytes);
        uart_puts(" calls=");
        uart_put_dec(rows[i].calls);
        print_field("flash_at", rows[i].at[STACK_PROBE_FLASH]);
        print_field("net_at", rows[i].at[STACK_PROBE_NET]);
        print_field("callback_at", rows[i].at[STACK_PROBE_CALLBACK]);
        uart_puts("\n");
    }
    print_mem("struct_ferry_stage", sizeof(struct ferry_stage));
    print_mem("stage_buffer", FERRY_STAGE_BUF_BYTES);
    print_mem("struct_ferry_agent", sizeof(struct ferry_agent));
    print_mem("http_buffer", FERRY_HTTP_BUF_MIN);
    print_mem("struct_ferry_app_config", sizeof(struct ferry_app_config));
}

/* ---- The scenario --------------------------------------------------------- */

static void setup(void)
{
    psram = psram_flash();
    flash = (struct ferry_flash){&probe_ops, NULL, psram->geo};
    b.app = (struct ferry_app_config){{&flash, BOARD_PRIMARY_OFF, BOARD_PRIMARY_SIZE},
                                      {&flash, BOARD_STAGING_OFF, BOARD_STAGING_SIZE},
                                      {&flash, BOARD_STATUS_OFF, BOARD_STATUS_SIZE},
                                      b.app_buf, sizeof b.app_buf};
    struct ferry_area counter_area = {&flash, BOARD_COUNTER_OFF, BOARD_COUNTER_SIZE};
    check_err(ferry_counter_flash_init(&b.counter, &counter_area, b.counter_buf,
                                       sizeof b.counter_buf), "counter");
    b.boot = (struct ferry_boot_config){
        .primary = b.app.primary, .staging = b.app.staging, .status = b.app.status,
        .policy = {ferry_trusted_keys, ferry_trusted_key_count, vendor_id, class_id, 0},
        .counter = &b.counter.counter, .buf = b.boot_buf, .buf_len = sizeof b.boot_buf};
    b.stage_cfg = (struct ferry_stage_config){&b.app, ferry_trusted_keys, ferry_trusted_key_count,
                                              vendor_id, class_id, &b.counter.counter, NULL,
                                              b.stage_buf, sizeof b.stage_buf};
    memnet_init(&b.net, bench_release_files, bench_release_file_count, NET_PIECE);
    b.http = (struct ferry_http_client){&b.net.transport, NULL, b.http_buf, sizeof b.http_buf,
                                        5000, 3};
    b.clock = (struct ferry_clock){now_ms, NULL};
    b.agent_cfg = (struct ferry_agent_config){
        .base_url = BASE_URL, .vendor_id = vendor_id, .class_id = class_id,
        .keys = ferry_trusted_keys, .key_count = ferry_trusted_key_count, .app = &b.app,
        .http = &b.http, .counter = &b.counter.counter, .retries = 2,
        .progress = on_progress, .reboot = on_reboot, .clock = &b.clock};
}

/* The release's image file, as the repository serves it. */
static const struct memnet_file *release_image(void)
{
    for (unsigned i = 0; i < bench_release_file_count; i++) {
        const struct memnet_file *f = &bench_release_files[i];
        size_t n = strlen(f->path);
        if (n > 4 && strcmp(f->path + n - 4, ".img") == 0)
            return f;
    }
    fail("setup", "no image in the release repository");
}

static void begin(const char *name, const struct memnet_file *img, const uint8_t *sha,
                  const uint8_t *id, unsigned flags)
{
    b.size = img->len;
    b.sha = sha;
    b.id = id;
    b.flags = flags;
    measure(name, call_begin);
}

/* In order, from where the staging is to `to`. */
static void write_to(const struct memnet_file *img, uint32_t to)
{
    while (ferry_stage_offset(&b.st) < to) {
        uint32_t pos = ferry_stage_offset(&b.st);
        b.data = img->data + pos;
        b.len = to - pos < IN_ORDER_PIECE ? to - pos : IN_ORDER_PIECE;
        measure("ferry_stage_write", call_write);
    }
}

static uint32_t gcd(uint32_t a, uint32_t b)
{
    while (b != 0) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Any order: the k-th piece written is piece (k * stride) mod n of the file,
 * with a stride that shares no factor with n, so every piece comes once. */
static void write_shuffled(const struct memnet_file *img)
{
    uint32_t n = (img->len + ANY_ORDER_PIECE - 1) / ANY_ORDER_PIECE, stride = 7;
    while (gcd(stride, n) != 1)
        stride++;
    for (uint32_t k = 0; k < n; k++) {
        b.off = (k * stride) % n * ANY_ORDER_PIECE;
        b.data = img->data + b.off;
        b.len = img->len - b.off < ANY_ORDER_PIECE ? img->len - b.off : ANY_ORDER_PIECE;
        measure("ferry_stage_write_at", call_write_at);
    }
}

static void boot(enum ferry_boot_action action, int trial, unsigned major, const char *step)
{
    int err = ferry_boot(&b.boot, &b.boot_res);
    check_err(err, step);
    check(b.boot_res.action == action && b.boot_res.trial == trial &&
              b.boot_res.image.version.major == major,
          step, "the bootloader did not do what the scenario expects");
}

int main(void)
{
    /* Transfer ids (any 32 bytes naming a transfer). */
    static const uint8_t id_resume[32] = "bench: in order, resumed";
    static const uint8_t id_abort[32] = "bench: aborted";
    static const uint8_t id_given_up[32] = "bench: resume given up";
    uint8_t sha[32];

    uart_init();
    timer_start();
    setup();
    uart_puts("[stack] region ");
    uart_put_dec(STACK_PROBE_BYTES);
    uart_puts("\n");
    const struct memnet_file *img = release_image();
    ferry_sha256(img->data, img->len, sha);

    /* 1-2: v1 boots confirmed; the application asks and confirms (a no-op). */
    boot(FERRY_BOOT_NORMAL, 0, 1, "boot v1");
    measure("ferry_app_get_state", call_get_state);
    check(b.state == FERRY_APP_CONFIRMED, "ferry_app_get_state", "v1 is not confirmed");
    measure("ferry_app_confirm:confirmed", call_confirm);

    /* 3: any order. */
    measure("ferry_stage_init", call_stage_init);
    begin("ferry_stage_begin:any_order", img, sha, NULL, FERRY_STAGE_ANY_ORDER);
    write_shuffled(img);
    measure("ferry_stage_finish:any_order", call_finish);
    check(b.info.version.major == 2, "ferry_stage_finish:any_order", "v2 was not staged");

    /* 4: already staged; a transfer aborted. */
    begin("ferry_stage_begin:staged", img, sha, id_resume, 0);
    check(ferry_stage_offset(&b.st) == img->len, "ferry_stage_begin:staged",
          "the staged v2 was not recognised");
    begin("ferry_stage_begin", img, NULL, id_abort, 0);
    write_to(img, 3 * IN_ORDER_PIECE);
    measure("ferry_stage_abort", call_abort);

    /* 5: in order, suspended, resumed, finished. */
    begin("ferry_stage_begin", img, sha, id_resume, 0);
    check(ferry_stage_offset(&b.st) == 0, "ferry_stage_begin", "did not start from zero");
    write_to(img, SUSPEND_AT);
    measure("ferry_stage_suspend", call_suspend);
    begin("ferry_stage_begin:resume", img, sha, id_resume, 0);
    check(ferry_stage_offset(&b.st) > 0, "ferry_stage_begin:resume", "did not resume");
    write_to(img, img->len);
    measure("ferry_stage_finish", call_finish);
    check(b.info.version.major == 2, "ferry_stage_finish", "v2 was not staged");

    /* 6: a resume given up. */
    begin("ferry_stage_begin", img, NULL, id_given_up, 0);
    write_to(img, SUSPEND_AT);
    measure("ferry_stage_suspend", call_suspend);
    begin("ferry_stage_begin:resume", img, NULL, id_given_up, 0);
    check(ferry_stage_offset(&b.st) > 0, "ferry_stage_begin:resume", "did not resume");
    measure("ferry_stage_resume_failed", call_resume_failed);

    /* 7: the agent. */
    measure("ferry_agent_init", call_agent_init);
    measure("ferry_agent_check", call_check);
    measure("ferry_agent_download", call_download);
    check(b.reboots == 1 && b.progress_calls > 1 && b.net.requests == 3, "ferry_agent_download",
          "the download did not run as expected");

    /* 8: installed, on trial, confirmed. */
    boot(FERRY_BOOT_INSTALLED, 1, 2, "boot v2");
    measure("ferry_app_get_state:trial", call_get_state);
    check(b.state == FERRY_APP_TRIAL, "ferry_app_get_state:trial", "v2 is not on trial");
    measure("ferry_app_confirm", call_confirm);
    check_err(ferry_app_get_state(&b.app, &b.state), "after confirm");
    check(b.state == FERRY_APP_CONFIRMED, "ferry_app_confirm", "v2 is not confirmed");
    measure("ferry_app_reject:confirmed", call_reject_confirmed);
    /* The record of that boot, as a bootloader would leave it. */
    struct ferry_boot_recorder rec;
    struct ferry_boot_hooks hooks;
    ferry_boot_recorder_init(&rec, NULL, &hooks);
    ferry_boot_record_encode(&rec, &b.boot_res, boot_record);
    measure("ferry_app_boot_record", call_boot_record);

    report();
    uart_puts("[stack] done\n");
    cortexm_system_reset();
}
