/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Ferry bootloader for mps2-an385. Loaded at 0x0 and never updated; it
 * owns the reset vector. Every reset it hands the board to ferry_boot() and
 * starts the verified application it names (boot_start.c).
 */
#include "boot_start.h"

int main(void)
{
    boot_start(0);
}
