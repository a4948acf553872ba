/* SPDX-License-Identifier: Apache-2.0 */
/* Where the programs say what Ferry answered: stdout on the host
 * (report_host.c), a variable a debugger reads on the target (report_target.c). */
#ifndef CONSUMER_REPORT_H
#define CONSUMER_REPORT_H

void report(const char *what, int err);

#endif
