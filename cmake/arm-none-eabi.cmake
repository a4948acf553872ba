# SPDX-License-Identifier: Apache-2.0
# CMake toolchain file for bare-metal Arm (Debian's gcc-arm-none-eabi and
# libnewlib-arm-none-eabi). Generic: the port chooses the CPU with
# FERRY_ARM_CPU (default cortex-m3); everything is built as Thumb code.
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake -S port/<board> -B build/fw
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(FERRY_ARM_CPU "cortex-m3" CACHE STRING "value of -mcpu for the firmware")
set(FERRY_ARM_PREFIX "arm-none-eabi-" CACHE STRING "prefix of the cross tools")

set(CMAKE_C_COMPILER ${FERRY_ARM_PREFIX}gcc)
set(CMAKE_ASM_COMPILER ${FERRY_ARM_PREFIX}gcc)
set(CMAKE_AR ${FERRY_ARM_PREFIX}ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${FERRY_ARM_PREFIX}ranlib CACHE FILEPATH "")
set(CMAKE_OBJCOPY ${FERRY_ARM_PREFIX}objcopy CACHE FILEPATH "")
set(CMAKE_SIZE ${FERRY_ARM_PREFIX}size CACHE FILEPATH "")

# Nothing can run on the build machine: test-compile libraries, not programs.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_C_FLAGS_INIT "-mcpu=${FERRY_ARM_CPU} -mthumb")
set(CMAKE_ASM_FLAGS_INIT "-mcpu=${FERRY_ARM_CPU} -mthumb")
# No host start files: every port brings its own startup code and linker script.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostartfiles -specs=nano.specs")

# Never pick up host headers or libraries.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
