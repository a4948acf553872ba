# SPDX-License-Identifier: Apache-2.0
# Networking on the mps2-an385: lwIP (Debian's source package, built for the
# target with port/lwip's options), the LAN9118 driver, and net-smoke, a
# program that downloads over HTTP through Ferry's client on that stack
# (net_smoke_main.c; run by tests/qemu/net_smoke.py, docs/port-lwip.md).
# Included by CMakeLists.txt after the application-side benchmark, whose
# http_parser_fw it links. Without lwIP's source (or http-parser's) the
# targets are left out with a warning and net-smoke.SKIP says why.
#
#   LWIP_SRC         an lwIP source tree (src/core/tcp.c, src/include/lwip); empty:
#                    scripts/fetch-lwip-source.sh fetches it into the build tree
#   NET_SMOKE_PATH   the path net-smoke GETs from http://10.0.2.100
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
