/* SPDX-License-Identifier: Apache-2.0 */
/* No boot record (boot_handoff.h): the application finds none
 * (ferry_app_boot_record() says FERRY_E_NOT_FOUND or FERRY_E_CORRUPT). */
#include "boot_handoff.h"

void boot_handoff_begin(struct ferry_boot_config *cfg)
{
    (void)cfg;
}

void boot_handoff_end(const struct ferry_boot_result *res)
{
    (void)res;
}
