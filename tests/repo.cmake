# SPDX-License-Identifier: Apache-2.0
# The release repository (`ferry publish`, docs/repository.md) and the servers
# that serve it: `ferry serve` (docs/server.md) and a real nginx. Shell tests
# get the ferry binary and a scratch directory, then any helpers; exit 77
# means skipped (a tool such as curl, openssl or nginx is missing).
if(TARGET ferry)
  set(FERRY_REPO_TESTS ${CMAKE_CURRENT_SOURCE_DIR}/repo)
  set(FERRY_REPO_WORK ${CMAKE_CURRENT_BINARY_DIR}/repo-work)
  file(MAKE_DIRECTORY ${FERRY_REPO_WORK})

  # Manifest writer/reader, image path rules, URL paths and Range parsing
  # (the server's parsers include libmicrohttpd's header: FERRY_SERVE).
  set(FERRY_TOOL_DIR ${PROJECT_SOURCE_DIR}/tools/ferry)
  if(FERRY_SERVE)
  add_executable(test_repo_units repo/test_repo_units.c
    ${FERRY_TOOL_DIR}/publish_manifest.c ${FERRY_TOOL_DIR}/cli.c ${FERRY_TOOL_DIR}/cli_report.c
    ${FERRY_TOOL_DIR}/serve_path.c ${FERRY_TOOL_DIR}/serve_range.c)
  target_include_directories(test_repo_units PRIVATE ${FERRY_TOOL_DIR})
  target_link_libraries(test_repo_units PRIVATE ferry_host ferry_core ferry_testutil
                        PkgConfig::MICROHTTPD)
  add_test(NAME repo.units COMMAND test_repo_units)
  endif()

  function(ferry_repo_test name script)
    add_test(NAME repo.${name}
             COMMAND sh ${FERRY_REPO_TESTS}/${script} $<TARGET_FILE:ferry>
                     ${FERRY_REPO_WORK}/${name} ${ARGN})
    set_tests_properties(repo.${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
  endfunction()

  ferry_repo_test(publish publish.sh $<TARGET_FILE:ferry_sigconv>)
  ferry_repo_test(republish republish.sh)
  ferry_repo_test(build_number build_number.sh)
  ferry_repo_test(classes classes.sh)
  ferry_repo_test(verify_repo verify_repo.sh)
  if(FERRY_SERVE)
    ferry_repo_test(serve serve.sh)
    ferry_repo_test(serve_tls serve_tls.sh)
  endif()
  ferry_repo_test(nginx nginx.sh $<TARGET_FILE:ferry_sigconv>)
endif()
