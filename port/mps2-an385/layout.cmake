# SPDX-License-Identifier: Apache-2.0
# The memory map of the mps2-an385 port: the one place these numbers live.
# The firmware gets them as -D definitions (board.h), the linker scripts via
# configure_file, and the tests and tools through layout.env (shell syntax)
# in the firmware build directory. docs/port-mps2-an385.md explains them.
#
# QEMU's mps2-an385: SSRAM1 at 0x0 (4 MiB, -kernel loads there), SSRAM2/3 at
# 0x20000000, PSRAM at 0x21000000 (16 MiB, file-backed: our "flash").

# Bootloader: immutable, at 0x0, fixed size (ferry merge pads it to this).
set(BOARD_BOOT_BASE       0x00000000)
set(BOARD_BOOT_SIZE       0x00010000) # 64 KiB: room for the card and decrypting variants

# RAM (SSRAM2). The bootloader's RAM and the application's RAM do not
# overlap, so an application can read the bootloader's painted stack and
# report its high-water mark.
set(BOARD_BOOT_RAM_BASE   0x20000000)
set(BOARD_BOOT_RAM_SIZE   0x00008000) # 32 KiB: .data, .bss, then the stack
set(BOARD_BOOT_STACK_SIZE 0x00003000) # 12 KiB at the top of the boot RAM (an encrypted update needs 7.8 KiB)
set(BOARD_APP_RAM_BASE    0x20010000)
set(BOARD_APP_RAM_SIZE    0x00010000) # 64 KiB
# The boot record (docs/boot-record.md): written by the bootloader right
# before the jump, read by the application. In the unused RAM between the
# two, so neither's startup code (.data copy, .bss clear) touches it.
set(BOARD_BOOT_RECORD_ADDR 0x2000FF00) # 96 bytes used, 256 reserved

# The flash: the 16 MiB PSRAM, with the geometry of a Winbond W25Q128JV
# (16 MiB QSPI NOR, 4 KiB sectors, 256-byte pages, erased to 0xFF) mapped
# for execute-in-place the way an MCU's QSPI controller maps it.
set(BOARD_FLASH_BASE      0x21000000)
set(BOARD_FLASH_SIZE      0x01000000)
set(BOARD_SECTOR_SIZE     0x00001000)
set(BOARD_PROGRAM_UNIT    1)

# Ferry's areas, as offsets in the flash. staging = primary + one sector (D).
set(BOARD_PRIMARY_OFF     0x00000000)
set(BOARD_PRIMARY_SIZE    0x00080000) # 512 KiB
set(BOARD_STAGING_OFF     0x00080000)
set(BOARD_STAGING_SIZE    0x00081000) # 516 KiB
set(BOARD_STATUS_OFF      0x00101000)
set(BOARD_STATUS_SIZE     0x00002000) # two 4 KiB banks
# The anti-rollback counter store (docs/counter-format.md) and the key
# revocation store (docs/keys.md, same encoding): two 4 KiB banks each. The
# bootloader makes both read-only with one MPU region before it jumps to the
# application (cortexm_mpu.c): BOARD_STORES_* is that region, a power of two
# at a multiple of its size (PMSAv7) holding both stores and nothing else;
# 0x103000..0x104000 stays unused.
set(BOARD_COUNTER_OFF     0x00104000)
set(BOARD_COUNTER_SIZE    0x00002000) # two 4 KiB banks
set(BOARD_REVOCATION_OFF  0x00106000)
set(BOARD_REVOCATION_SIZE 0x00002000) # two 4 KiB banks
set(BOARD_STORES_OFF      0x00104000)
set(BOARD_STORES_SIZE     0x00004000) # 16 KiB: the MPU region locked before the jump

# The SD card of the card bootloader (ferry-boot-card, docs/sd-card.md): a
# raw card image kept in the upper half of the backing file, read and
# written as 512-byte blocks like a card, never as flash.
set(BOARD_CARD_OFF        0x00800000)
set(BOARD_CARD_SIZE       0x00800000) # 8 MiB

# Images: the application's vector table sits at slot start + header size,
# and VTOR needs it aligned to its size rounded up to a power of two
# (16 + 32 vectors = 192 bytes -> 256). 1024 leaves room for metadata.
set(BOARD_HEADER_SIZE     1024)
set(BOARD_VECTOR_ALIGN    256)

# Watchdog (CMSDK, 25 MHz clock): a trial image is reset on the second
# expiry, i.e. after 2 * BOARD_TRIAL_WDOG_TICKS / 25 MHz without a feed.
set(BOARD_CPU_HZ          25000000)
set(BOARD_TRIAL_WDOG_TICKS 500000)    # 20 ms per expiry, reset after 40 ms

set(BOARD_LAYOUT_VARS
  BOARD_BOOT_BASE BOARD_BOOT_SIZE BOARD_BOOT_RAM_BASE BOARD_BOOT_RAM_SIZE BOARD_BOOT_STACK_SIZE
  BOARD_APP_RAM_BASE BOARD_APP_RAM_SIZE BOARD_FLASH_BASE BOARD_FLASH_SIZE BOARD_SECTOR_SIZE
  BOARD_PROGRAM_UNIT BOARD_PRIMARY_OFF BOARD_PRIMARY_SIZE BOARD_STAGING_OFF BOARD_STAGING_SIZE
  BOARD_STATUS_OFF BOARD_STATUS_SIZE BOARD_HEADER_SIZE BOARD_VECTOR_ALIGN BOARD_CPU_HZ
  BOARD_TRIAL_WDOG_TICKS BOARD_CARD_OFF BOARD_CARD_SIZE BOARD_COUNTER_OFF BOARD_COUNTER_SIZE
  BOARD_REVOCATION_OFF BOARD_REVOCATION_SIZE BOARD_STORES_OFF BOARD_STORES_SIZE
  BOARD_BOOT_RECORD_ADDR)
