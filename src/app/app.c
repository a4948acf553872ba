/* SPDX-License-Identifier: Apache-2.0 */
/* Application-side trial-boot API: see include/ferry/app.h. */
#include "ferry/app.h"
#include "ferry/errors.h"
#include "status_priv.h"

/* Set by ferry_app_reject(): this run's trial image is failed. Process-wide
 * on purpose (a device runs one image); the only state this file keeps. */
static volatile int rejected;

static int read_status(const struct ferry_app_config *cfg, struct ferry_status_ctx *sc,
                       struct ferry_status *st)
{
    sc->status = &cfg->status;
    sc->primary = &cfg->primary;
    sc->staging = &cfg->staging;
    sc->buf = cfg->buf;
    sc->buf_len = cfg->buf_len;
    return ferry_status_read(sc, st);
}

static int is_trial(const struct ferry_status *st, int *trial)
{
    *trial = 0;
    if (st->bank < 0)
        return 0;
    if (!st->done)
        return FERRY_E_STATE;
    *trial = st->hdr.op == FERRY_OP_INSTALL && !(st->hdr.flags & FERRY_STATUS_F_PERMANENT) &&
             !st->confirmed;
    return 0;
}

int ferry_app_get_state(const struct ferry_app_config *cfg, enum ferry_app_state *state)
{
    struct ferry_status_ctx sc;
    struct ferry_status st;
    int trial, err = read_status(cfg, &sc, &st);
    if (!err)
        err = is_trial(&st, &trial);
    if (!err)
        *state = trial ? FERRY_APP_TRIAL : FERRY_APP_CONFIRMED;
    return err;
}

int ferry_app_confirm(const struct ferry_app_config *cfg)
{
    struct ferry_status_ctx sc;
    struct ferry_status st;
    int trial, err = read_status(cfg, &sc, &st);
    if (!err)
        err = is_trial(&st, &trial);
    if (err || !trial)
        return err;
    if (rejected)
        return FERRY_E_STATE;
    return ferry_status_mark(&sc, &st, FERRY_MARK_CONFIRMED(st.units));
}

int ferry_app_reject(const struct ferry_app_config *cfg)
{
    enum ferry_app_state state;
    int err = ferry_app_get_state(cfg, &state);
    if (err)
        return err;
    if (state != FERRY_APP_TRIAL)
        return FERRY_E_STATE;
    rejected = 1;
    return 0;
}
