/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Write protection until reset with the Cortex-M3 MPU (PMSAv7), for the
 * bootloader's last step before the jump: the counter store becomes
 * read-only, for privileged and unprivileged code alike.
 *
 * What it stops: writes from an application that runs unprivileged (it
 * cannot reach the MPU registers), and wild writes from any code, also
 * privileged code and fault handlers (HFNMIENA is set, so the MPU stays on in
 * HardFault, NMI and with FAULTMASK). What it does not stop: privileged code
 * that reprograms or disables the MPU on purpose. A product whose application
 * runs privileged needs a lock that software cannot undo before the next
 * reset (the flash controller's write protection; docs/port-mps2-an385.md).
 */
#ifndef MPS2_CORTEXM_MPU_H
#define MPS2_CORTEXM_MPU_H

#include <stdint.h>

/*
 * Disables every MPU region, makes [base, base + size) read-only and never
 * executable in the highest-numbered region (it wins over any region the
 * application adds below it), and enables the MPU with the default memory map
 * as background for privileged code (PRIVDEFENA): everything else stays as
 * it was. Reads the registers back, so a core without an MPU, or one that
 * ignores the writes, is reported rather than trusted.
 *
 * size: a power of two, 32 bytes or more; base: a multiple of size.
 * Returns 0; FERRY_E_INVAL for a region that breaks that rule;
 * FERRY_E_UNSUPPORTED when the core has no MPU or did not take the setting.
 */
int cortexm_mpu_lock_readonly(uint32_t base, uint32_t size);

#endif
