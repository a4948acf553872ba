# SPDX-License-Identifier: Apache-2.0
# The Cortex-M3 cycle model of bench/cycles.py (docs/cycle-model.md) on a
# synthetic QEMU block log with hand-worked sums; needs no firmware or QEMU.
find_program(FERRY_PYTHON3 python3)
if(FERRY_PYTHON3)
  add_test(NAME bench.cycle_model
    COMMAND ${FERRY_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/cycles_model_test.py)
endif()
