# SPDX-License-Identifier: Apache-2.0
# The memory map of the stm32f4 reference port: the one place these numbers
# live. The firmware gets them as -D definitions (board.h checks them), the
# linker script via configure_file (boot.ld.in), the host simulator's
# "stm32f4-ref" board repeats them (port/sim/sim_board.c) and
# docs/porting.md works through them.
#
# Internal flash of an STM32F405/407-class part: 1 MiB at 0x08000000 in
# sectors 0-3 16 KiB, 4 64 KiB, 5-11 128 KiB.
#
#   sector  0-1   0x08000000  32 KiB  bootloader (never written by it)
#   sector  2-3   0x08008000  32 KiB  anti-rollback counter store (two banks)
#   sector  4-11  0x08010000 960 KiB  primary slot
#
# External W25Q128-class SPI NOR on SPI1: 16 MiB, 4 KiB sectors, 256-byte pages.
#
#   0x000000  1088 KiB  staging slot (D = 128 KiB + 960 KiB)
#   0x110000     8 KiB  status area (two 4 KiB banks)
#   0x112000  the rest  free for the application (file system, logs)

set(BOARD_FLASH_BASE      0x08000000)
set(BOARD_FLASH_SIZE      0x00100000) # 1 MiB
set(BOARD_PROGRAM_UNIT    4)          # 32-bit words (PSIZE x32, 2.7-3.6 V)

set(BOARD_BOOT_SIZE       0x00008000) # 32 KiB: sectors 0 and 1
set(BOARD_COUNTER_OFF     0x00008000) # sectors 2 and 3: one 32 KiB MPU region
set(BOARD_COUNTER_SIZE    0x00008000)
set(BOARD_PRIMARY_OFF     0x00010000) # sectors 4..11
set(BOARD_PRIMARY_SIZE    0x000F0000) # 960 KiB

set(BOARD_NOR_SIZE        0x01000000) # 16 MiB
set(BOARD_NOR_SECTOR      0x00001000) # 4 KiB sector erase (0x20)
set(BOARD_NOR_PAGE        256)        # page program (0x02) never crosses a page
set(BOARD_STAGING_OFF     0x00000000)
set(BOARD_STAGING_SIZE    0x00110000) # D (128 KiB) + primary size
set(BOARD_STATUS_OFF      0x00110000)
set(BOARD_STATUS_SIZE     0x00002000) # two 4 KiB banks

# RAM: the 128 KiB main SRAM; the bootloader's stack at its top.
set(BOARD_RAM_BASE        0x20000000)
set(BOARD_RAM_SIZE        0x00020000)
set(BOARD_STACK_SIZE      0x00002000) # 8 KiB (mps2-an385 measures under 4 KiB)

# Images: the application's vector table sits at slot start + header size.
# An STM32F407 table has 16 + 82 vectors (392 bytes), so VTOR needs 512-byte
# alignment; 1024 leaves room for metadata.
set(BOARD_HEADER_SIZE     1024)
set(BOARD_VECTOR_ALIGN    512)

# IWDG on the LSI (32 kHz nominal, 17-47 kHz over the datasheet range).
# Boot window: prescaler /256, reload 4095: 32.8 s nominal, 22.3 s at 47 kHz;
# it must cover the longest stretch without a feed (a full verify of the
# largest image at 16 MHz, docs/porting.md). Trial: prescaler /256, reload
# BOARD_TRIAL_WDOG_RELOAD: 8 s nominal.
set(BOARD_BOOT_WDOG_RELOAD  4095)
set(BOARD_TRIAL_WDOG_RELOAD 1000)

set(BOARD_LAYOUT_VARS
  BOARD_FLASH_BASE BOARD_FLASH_SIZE BOARD_PROGRAM_UNIT BOARD_BOOT_SIZE BOARD_COUNTER_OFF
  BOARD_COUNTER_SIZE BOARD_PRIMARY_OFF BOARD_PRIMARY_SIZE BOARD_NOR_SIZE BOARD_NOR_SECTOR
  BOARD_NOR_PAGE BOARD_STAGING_OFF BOARD_STAGING_SIZE BOARD_STATUS_OFF BOARD_STATUS_SIZE
  BOARD_RAM_BASE BOARD_RAM_SIZE BOARD_STACK_SIZE BOARD_HEADER_SIZE BOARD_VECTOR_ALIGN
  BOARD_BOOT_WDOG_RELOAD BOARD_TRIAL_WDOG_RELOAD)
