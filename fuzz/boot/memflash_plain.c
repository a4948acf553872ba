/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The core's RAM flash device (src/common/memflash.c), compiled into the
 * boot fuzzer on its own, without coverage instrumentation. Its byte loops
 * (erase-before-program checks) are the device model, not code under test,
 * and instrumented they cost more than half of every execution. Because this
 * object defines every symbol of memflash.o, the linker never takes the
 * instrumented copy from the core archive: the code is the same file.
 */
#include "../../src/common/memflash.c"
