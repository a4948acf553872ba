# SPDX-License-Identifier: Apache-2.0
# Networking on the mps2-an385: lwIP (Debian's source package, built for the
# target with port/lwip's options), the LAN9118 driver, net-smoke, a
# program that downloads over HTTP through Ferry's client on that stack
# (net_smoke_main.c; run by tests/qemu/net_smoke.py, docs/port-lwip.md), and
# the OTA demo application app-ota-v1/v2 (app_ota_main.c; run by
# tests/qemu/ota_test.py), and the same over HTTPS, app-ota-tls-v1/v2
# (ota_tls.cmake, included at the end).
# Included by CMakeLists.txt after the application-side benchmark, whose
# http_parser_fw it links. Without lwIP's source (or http-parser's) the
# targets are left out with a warning and net-smoke.SKIP says why.
#
#   LWIP_SRC         an lwIP source tree (src/core/tcp.c, src/include/lwip); empty:
#                    scripts/fetch-lwip-source.sh fetches it into the build tree
#   NET_SMOKE_PATH   the path net-smoke GETs from http://10.0.2.100
#   OTA_BASE_URL     the release repository of the OTA demo application
set(LWIP_SRC "" CACHE PATH "lwIP source tree for net-smoke; empty: fetched into the build tree")
set(NET_SMOKE_PATH "/net-smoke.bin" CACHE STRING "path net-smoke downloads from http://10.0.2.100")
set(net_skip ${PROJECT_BINARY_DIR}/net-smoke.SKIP)
file(REMOVE ${net_skip} ${PROJECT_BINARY_DIR}/net-smoke.env)
set(net_lwip ${LWIP_SRC})
if(NOT net_lwip)
  execute_process(COMMAND sh ${FERRY_ROOT}/scripts/fetch-lwip-source.sh ${PROJECT_BINARY_DIR}/lwip-src
                  RESULT_VARIABLE net_rc OUTPUT_VARIABLE net_log ERROR_VARIABLE net_log)
  if(net_rc EQUAL 0)
    set(net_lwip ${PROJECT_BINARY_DIR}/lwip-src/lwip)
  endif()
endif()
if(NOT net_lwip)
  file(WRITE ${net_skip} "lwIP source not available:\n${net_log}")
elseif(NOT EXISTS ${net_lwip}/src/core/tcp.c OR NOT EXISTS ${net_lwip}/src/include/lwip/init.h)
  file(WRITE ${net_skip} "${net_lwip} has no src/core/tcp.c or src/include/lwip/init.h\n")
elseif(NOT TARGET http_parser_fw)
  file(WRITE ${net_skip} "http-parser for the target is not built (see bench-app-stack.SKIP)\n")
endif()

if(EXISTS ${net_skip})
  message(WARNING "net-smoke and lwip_fw are not built: see ${net_skip}")
  return()
endif()
set(net_lwip_version unknown)
if(EXISTS ${net_lwip}/../lwip.version)
  file(STRINGS ${net_lwip}/../lwip.version net_lwip_version LIMIT_COUNT 1)
endif()

# ---- lwIP, only what an IPv4 TCP client with DHCP needs ----------------------
# Debian's tree also holds a Unix port (port/include: its own lwipopts.h,
# arch/cc.h): never on this include path. lwIP's headers are SYSTEM so that
# Ferry's -Werror does not judge third-party code; its sources build with -w.
set(net_lwip_files
  core/init.c core/def.c core/inet_chksum.c core/ip.c core/mem.c core/memp.c core/netif.c
  core/pbuf.c core/tcp.c core/tcp_in.c core/tcp_out.c core/timeouts.c core/udp.c
  core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/ip4.c core/ipv4/ip4_addr.c
  netif/ethernet.c)
list(TRANSFORM net_lwip_files PREPEND ${net_lwip}/src/)
add_library(lwip_fw STATIC ${net_lwip_files})
target_include_directories(lwip_fw PUBLIC ${FERRY_ROOT}/port/lwip/include)
target_include_directories(lwip_fw SYSTEM PUBLIC ${net_lwip}/src/include)
target_compile_options(lwip_fw PRIVATE ${fw_cflags} -w)

# port/lwip: sys_now/LWIP_RAND and the transport, Ferry's own code.
add_library(ferry_lwip_fw STATIC ${FERRY_ROOT}/port/lwip/ferry_lwip_port.c
  ${FERRY_ROOT}/port/lwip/transport_lwip.c)
target_include_directories(ferry_lwip_fw PUBLIC ${FERRY_ROOT}/include)
target_compile_options(ferry_lwip_fw PRIVATE ${fw_cflags} ${fw_warn})
target_link_libraries(ferry_lwip_fw PUBLIC lwip_fw)

# ---- net-smoke: at 0x0 like bench-app-stack, with its ROM and RAM ------------
math(EXPR net_ram_size "${BOARD_APP_RAM_BASE} + ${BOARD_APP_RAM_SIZE} - ${BOARD_BOOT_RAM_BASE}"
     OUTPUT_FORMAT HEXADECIMAL)
fw_linker_script(${gen}/net-smoke.ld "lwIP HTTP download test at 0x0"
  ${BOARD_BOOT_BASE} 0x00100000 ${BOARD_BOOT_RAM_BASE} ${net_ram_size} 0x2000)
foreach(net_name net-smoke net-smoke-nolto)
  fw_program(${net_name} ${gen}/net-smoke.ld net_smoke_main.c net_clock.c lan9118.c)
  target_compile_definitions(${net_name} PRIVATE NET_SMOKE_PATH="${NET_SMOKE_PATH}")
  target_link_libraries(${net_name} PRIVATE mps2_board ferry_lwip_fw ferry_core_p256m31
    http_parser_fw)
endforeach()
# What tests/qemu/net_smoke.py needs to know about the program.
file(WRITE ${PROJECT_BINARY_DIR}/net-smoke.env "NET_SMOKE_PATH=${NET_SMOKE_PATH}\n"
     "LWIP_VERSION=${net_lwip_version}\n")
# The same program without link-time optimisation: its map file names the
# object every byte comes from (tests/qemu/net_sizes.py sums them).
target_link_options(net-smoke-nolto PRIVATE -fno-lto)

# ---- The over-the-air demo application, signed: app-ota-v1.img, app-ota-v2.img ----
# app_ota_main.c: runs from the primary slot like app-vN, confirms itself,
# brings up lwIP with DHCP and runs the update agent against OTA_BASE_URL
# (tests/qemu/ota_test.py, docs/port-lwip.md section 9). The HTTP client's
# transports come from ota_http_plain.c (http:// only); a TLS build links
# another ota_http_*.c instead.
set(OTA_BASE_URL "http://10.0.2.100/repo" CACHE STRING
    "release repository the OTA demo application checks ({base}/{class}/manifest.json)")
foreach(ver 1.0.0 2.0.0)
  string(REPLACE "." ";" parts ${ver})
  list(GET parts 0 major)
  list(GET parts 1 minor)
  list(GET parts 2 patch)
  # v1 also without link-time optimisation: its map names the object of
  # every byte (tests/qemu/ota_sizes.py; docs/port-lwip.md section 10).
  set(kinds "")
  if(major EQUAL 1)
    list(APPEND kinds "-nolto")
  endif()
  foreach(kind "" ${kinds})
    set(name app-ota-v${major}${kind})
    fw_program(${name} ${gen}/app.ld app_ota_main.c ota_net.c ota_http_plain.c net_clock.c
               lan9118.c app_fault.c)
    target_compile_definitions(${name} PRIVATE APP_VERSION_MAJOR=${major}
      APP_VERSION_MINOR=${minor} APP_VERSION_PATCH=${patch} OTA_BASE_URL="${OTA_BASE_URL}")
    target_link_libraries(${name} PRIVATE mps2_board fw_identity ferry_lwip_fw
      ferry_core_p256m31 http_parser_fw)
    if(kind STREQUAL "-nolto")
      target_link_options(${name} PRIVATE -fno-lto)
    endif()
  endforeach()
  set(name app-ota-v${major})
  add_custom_command(OUTPUT ${name}.img
    COMMAND ${FERRY_TOOL} sign -k ${fw_key} --vendor ${FERRY_VENDOR}
            --device-class ${FERRY_DEVICE_CLASS} --version ${ver}
            --header-size ${BOARD_HEADER_SIZE} --slot-size ${BOARD_PRIMARY_SIZE}
            --name "mps2-an385 OTA demo ${ver}" ${name}.bin ${name}.img
    DEPENDS ${name} ${fw_key} ${FERRY_TOOL}
    COMMENT "Signing ${name}.img")
  add_custom_target(${name}-signed ALL DEPENDS ${name}.img)
endforeach()
file(APPEND ${PROJECT_BINARY_DIR}/net-smoke.env "OTA_BASE_URL=${OTA_BASE_URL}\n")

# ---- The same application over HTTPS: app-ota-tls-v1.img, app-ota-tls-v2.img ----
# ota_http_tls.c instead of ota_http_plain.c (ota_tls.cmake; docs/port-lwip.md section 11).
include(${CMAKE_CURRENT_LIST_DIR}/ota_tls.cmake)
