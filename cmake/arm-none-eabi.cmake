# SPDX-License-Identifier: Apache-2.0
# CMake toolchain file for bare-metal Arm Cortex-M (Debian's gcc-arm-none-eabi
# and libnewlib-arm-none-eabi, or any arm-none-eabi-gcc). FERRY_CPU chooses the
# core (default cortex-m3); everything is built as Thumb code with the core's
# FPU and float ABI (docs/build.md has the table):
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake -DFERRY_CPU=cortex-m4 -S . -B build/fw
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

# FERRY_ARM_CPU is the variable's earlier name; still taken as the default.
if(DEFINED FERRY_ARM_CPU AND NOT DEFINED CACHE{FERRY_CPU})
  set(FERRY_CPU "${FERRY_ARM_CPU}" CACHE STRING "")
endif()
set(FERRY_CPU "cortex-m3" CACHE STRING
    "Cortex-M core: cortex-m0plus, cortex-m3, cortex-m4, cortex-m7 or cortex-m33")
set_property(CACHE FERRY_CPU PROPERTY STRINGS cortex-m0plus cortex-m3 cortex-m4 cortex-m7 cortex-m33)
set(FERRY_FLOAT_ABI "" CACHE STRING
    "float ABI: soft, softfp or hard (empty: hard on cores with an FPU, else soft)")
set(FERRY_ARM_PREFIX "arm-none-eabi-" CACHE STRING "prefix of the cross tools")
# CMake's compiler checks run in separate projects that read this file again.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES FERRY_CPU FERRY_FLOAT_ABI FERRY_ARM_PREFIX)

# The FPU each core has in its floating-point variant (M4F, M7 with the
# double-precision FPU, M33 with the FPU); none on M0+ and M3.
if(FERRY_CPU STREQUAL "cortex-m0plus" OR FERRY_CPU STREQUAL "cortex-m3")
  set(_ferry_fpu "")
elseif(FERRY_CPU STREQUAL "cortex-m4")
  set(_ferry_fpu "fpv4-sp-d16")
elseif(FERRY_CPU STREQUAL "cortex-m7")
  set(_ferry_fpu "fpv5-d16")
elseif(FERRY_CPU STREQUAL "cortex-m33")
  set(_ferry_fpu "fpv5-sp-d16")
else()
  message(FATAL_ERROR "FERRY_CPU=${FERRY_CPU}: use cortex-m0plus, cortex-m3, cortex-m4, "
                      "cortex-m7 or cortex-m33")
endif()
set(_ferry_abi "${FERRY_FLOAT_ABI}")
if(_ferry_abi STREQUAL "")
  if(_ferry_fpu STREQUAL "")
    set(_ferry_abi soft)
  else()
    set(_ferry_abi hard)
  endif()
elseif(NOT _ferry_abi MATCHES "^(soft|softfp|hard)$")
  message(FATAL_ERROR "FERRY_FLOAT_ABI=${FERRY_FLOAT_ABI}: use soft, softfp or hard")
elseif(_ferry_fpu STREQUAL "" AND NOT _ferry_abi STREQUAL "soft")
  message(FATAL_ERROR "FERRY_FLOAT_ABI=${FERRY_FLOAT_ABI}: ${FERRY_CPU} has no FPU")
endif()
set(FERRY_CPU_FLAGS "-mcpu=${FERRY_CPU} -mthumb")
if(NOT _ferry_abi STREQUAL "soft")
  string(APPEND FERRY_CPU_FLAGS " -mfpu=${_ferry_fpu}")
endif()
string(APPEND FERRY_CPU_FLAGS " -mfloat-abi=${_ferry_abi}")

set(CMAKE_C_COMPILER ${FERRY_ARM_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${FERRY_ARM_PREFIX}g++)
set(CMAKE_ASM_COMPILER ${FERRY_ARM_PREFIX}gcc)
set(CMAKE_AR ${FERRY_ARM_PREFIX}ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${FERRY_ARM_PREFIX}ranlib CACHE FILEPATH "")
set(CMAKE_OBJCOPY ${FERRY_ARM_PREFIX}objcopy CACHE FILEPATH "")
set(CMAKE_SIZE ${FERRY_ARM_PREFIX}size CACHE FILEPATH "")

# Nothing can run on the build machine: test-compile libraries, not programs.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# CMake starts CMAKE_<LANG>_FLAGS from CMAKE_<LANG>_FLAGS_INIT only when the
# user gives none: a -DCMAKE_C_FLAGS=... would silently drop the CPU flags and
# build code for the wrong core. So when the cache already holds flags without
# ours, ours are put in front of them, once; the user's come after (and win
# where they conflict, as gcc takes the last of an option).
function(_ferry_flags_first var flags)
  set(${var}_INIT "${flags}" PARENT_SCOPE)
  if(DEFINED CACHE{${var}})
    string(FIND " ${${var}} " " ${flags} " at)
    if(at EQUAL -1)
      string(STRIP "${flags} ${${var}}" both)
      get_property(doc CACHE ${var} PROPERTY HELPSTRING)
      set(${var} "${both}" CACHE STRING "${doc}" FORCE)
    endif()
  endif()
endfunction()
foreach(lang C CXX ASM)
  _ferry_flags_first(CMAKE_${lang}_FLAGS "${FERRY_CPU_FLAGS}")
endforeach()
# No host start files: every program brings its own startup code and linker script.
_ferry_flags_first(CMAKE_EXE_LINKER_FLAGS "-nostartfiles -specs=nano.specs")

# Never pick up host headers or libraries.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
