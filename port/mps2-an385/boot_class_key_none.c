/* SPDX-License-Identifier: Apache-2.0 */
/* No class key (boot_class_key.h): the bootloader links src/boot/plain/
 * (FERRY_BOOT_PLAIN_SRC), which refuses encrypted images at parse time
 * (FERRY_E_IMG_ENC_KEY). */
#include <stddef.h>
#include "boot_class_key.h"

const struct ferry_decrypt_key *boot_class_key(void)
{
    return NULL;
}
