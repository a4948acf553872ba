# SPDX-License-Identifier: Apache-2.0
# The portable core needs nothing from an OS.
add_test(NAME core.freestanding
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/core_freestanding.sh ${PROJECT_SOURCE_DIR}/src
          ${FERRY_CORE_ARCHIVES})
# The template port compiles (its hooks are documented placeholders).
add_library(ferry_port_template STATIC ${PROJECT_SOURCE_DIR}/port/template/ferry_port_template.c)
target_link_libraries(ferry_port_template PRIVATE ferry_core)
add_library(ferry_app_port_template STATIC
  ${PROJECT_SOURCE_DIR}/port/template/ferry_app_port_template.c)
target_link_libraries(ferry_app_port_template PRIVATE ferry_tls)
# License: every source file starts with an SPDX line; LICENSE and NOTICE exist.
add_test(NAME core.spdx COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/spdx.sh ${PROJECT_SOURCE_DIR})
