/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sample application's other way in: an image pushed over a byte stream
 * (a stand-in for a serial line, BLE or MQTT) and staged with the staging
 * API (ferry/stage.h), without HTTP. Environment, read by the application:
 *
 *   FERRY_SIM_STAGE_FILE     a file or FIFO to read the image from; unset:
 *                            no such step. The stream is the image file as
 *                            `ferry sign` wrote it, nothing else: its size
 *                            comes from the file, no digest is expected,
 *                            so the signature alone decides.
 *   FERRY_SIM_STAGE_CHUNK    bytes per read (default 64, like a UART FIFO)
 *   FERRY_SIM_STAGE_ANY_ORDER  when "1": pieces are handed over back to front
 *                            through ferry_stage_write_at(), as a transport
 *                            that reorders would
 */
#ifndef FERRY_SIM_SAMPLE_STAGE_H
#define FERRY_SIM_SAMPLE_STAGE_H

#include "sample_agent.h"
#include "sim_board.h"

#define SAMPLE_ENV_STAGE_FILE      "FERRY_SIM_STAGE_FILE"
#define SAMPLE_ENV_STAGE_CHUNK     "FERRY_SIM_STAGE_CHUNK"
#define SAMPLE_ENV_STAGE_ANY_ORDER "FERRY_SIM_STAGE_ANY_ORDER"

/* Stages the image read from `path` into the board's staging slot,
 * printing what happens. Never fails the application. */
enum sample_update_result sample_stage_run(struct sim_board *b, const char *path);

#endif
