/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include "ferry/errors.h"
#include "report.h"

void report(const char *what, int err)
{
    printf("consumer: %s = %d (%s)\n", what, err, ferry_strerror(err));
}
