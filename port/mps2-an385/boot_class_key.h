/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bootloader's class key for encrypted images (docs/encryption.md,
 * include/ferry/decrypt.h): what boot_start.c puts in
 * ferry_boot_config.decrypt. The strategy is chosen by the file linked:
 * boot_class_key.c (the ferry-boot-enc-* bootloaders: the class key pair
 * built in, generated at build time) or boot_class_key_none.c (every other
 * bootloader: no class key, encrypted images are refused).
 */
#ifndef MPS2_BOOT_CLASS_KEY_H
#define MPS2_BOOT_CLASS_KEY_H

#include "ferry/decrypt.h"

/* The device's class key, or NULL for a bootloader without one. Called once
 * per reset, before ferry_boot(). */
const struct ferry_decrypt_key *boot_class_key(void);

#endif
