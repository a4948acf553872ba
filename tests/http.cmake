# SPDX-License-Identifier: Apache-2.0
# The HTTP client (src/http_*.c), the host transports and the test server.

# Host network transports: TCP with timeouts, the TLS transport over it
# (port/tls-bearssl: ferry_tls) with the host's entropy and clock, and trust
# anchors from PEM. Used by these tests; the simulator's device compiles the
# same files (port/sim/CMakeLists.txt).
add_library(ferry_sim_net STATIC
  ${PROJECT_SOURCE_DIR}/port/sim/transport_tcp.c
  ${PROJECT_SOURCE_DIR}/port/sim/tls_hooks.c
  ${PROJECT_SOURCE_DIR}/port/sim/trust_anchors.c)
target_include_directories(ferry_sim_net PUBLIC ${PROJECT_SOURCE_DIR}/port/sim)
target_link_libraries(ferry_sim_net PUBLIC ferry_tls ferry_core ferry::bearssl)

find_package(Threads REQUIRED)
add_library(http_testserver STATIC http_testserver.c)
target_link_libraries(http_testserver PUBLIC Threads::Threads)

add_executable(test_http_url test_http_url.c)
target_link_libraries(test_http_url PRIVATE ferry_core ferry_testutil)
add_test(NAME http.url COMMAND test_http_url)

# The client against canned responses, every recv split.
add_executable(test_http test_http.c)
target_link_libraries(test_http PRIVATE ferry_core ferry_testutil)
add_test(NAME http.client COMMAND test_http)

# The client over TCP against the misbehaving test server.
add_executable(test_http_net test_http_net.c)
target_link_libraries(test_http_net PRIVATE ferry_sim_net http_testserver ferry_testutil)
add_test(NAME http.server COMMAND test_http_net)
set_tests_properties(http.server PROPERTIES TIMEOUT 120)

# HTTPS against openssl s_server with certificates made at test time.
add_executable(test_http_tls test_http_tls.c)
target_link_libraries(test_http_tls PRIVATE ferry_sim_net http_testserver ferry_testutil)
add_test(NAME http.tls COMMAND test_http_tls ${CMAKE_CURRENT_SOURCE_DIR}/http_tls_certs.sh)
set_tests_properties(http.tls PROPERTIES TIMEOUT 120)
