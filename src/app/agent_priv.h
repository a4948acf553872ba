/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The update agent's internal parts (include/ferry/agent.h is the contract):
 *   agent.c           configuration, the manifest check and the decision
 *   agent_download.c  the download loop: HTTP, retries, resume, cancel
 * Writing the staging slot, the resume record and the final verification
 * are the staging engine's (stage.c, stage_record.c, stage_priv.h).
 *
 * Work buffer (struct ferry_agent.buf): manifest and signature during a
 * check; the staging work buffer (stage_priv.h) during a download.
 */
#ifndef FERRY_AGENT_PRIV_H
#define FERRY_AGENT_PRIV_H

#include "ferry/agent.h"
#include "stage_priv.h"

_Static_assert(FERRY_AGENT_BUF_BYTES >= FERRY_STAGE_BUF_BYTES,
               "the agent's buffer doubles as the staging work buffer");

/* Starts the overall deadline of a check or a download in *dl (limit_ms,
 * or default_ms when 0) and returns dl; NULL when the port gave no clock. */
const struct ferry_deadline *agent_deadline(const struct ferry_agent *a, struct ferry_deadline *dl,
                                            uint32_t limit_ms, uint32_t default_ms);

#endif
