# SPDX-License-Identifier: Apache-2.0
# cmake --install: the public headers, the component libraries (with the
# third-party ones when built from source), the ferry CLI when built, and the
# CMake package that find_package(Ferry CONFIG) reads:
#   <libdir>/cmake/Ferry/FerryConfig.cmake, FerryConfigVersion.cmake,
#   FerryTargets.cmake (ferry::boot, ::app, ::storage, ::card, ::core),
#   FerryToolTargets.cmake (ferry::ferry), FerryHostDeps.cmake (host builds).
include(CMakePackageConfigHelpers)
set(FERRY_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Ferry)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ferry DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(TARGETS ferry_boot ferry_app ferry_storage ferry_card ferry_enc ferry_core ${FERRY_DEP_TARGETS}
        EXPORT FerryTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT FerryTargets NAMESPACE ferry:: DESTINATION ${FERRY_CMAKE_DIR})
if(TARGET ferry)
  install(TARGETS ferry EXPORT FerryToolTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(EXPORT FerryToolTargets NAMESPACE ferry:: DESTINATION ${FERRY_CMAKE_DIR})
endif()
if(NOT FERRY_DEPS_FROM_SOURCE)
  install(FILES ${PROJECT_SOURCE_DIR}/cmake/FerryHostDeps.cmake DESTINATION ${FERRY_CMAKE_DIR})
endif()

# What FerryConfig.cmake checks the user's build against.
set(FERRY_CONFIG_SYSTEM_NAME ${CMAKE_SYSTEM_NAME})
set(FERRY_CONFIG_CPU_FLAGS "${FERRY_CPU_FLAGS}") # from cmake/arm-none-eabi.cmake; empty on a host
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/FerryConfig.cmake.in
  ${PROJECT_BINARY_DIR}/FerryConfig.cmake INSTALL_DESTINATION ${FERRY_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/FerryConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/FerryConfig.cmake ${PROJECT_BINARY_DIR}/FerryConfigVersion.cmake
        DESTINATION ${FERRY_CMAKE_DIR})

if(FERRY_SANITIZE AND PROJECT_IS_TOP_LEVEL)
  install(CODE [[message(WARNING "FERRY_SANITIZE=ON: these libraries need the sanitizer runtimes; "
                                  "install from a tree configured with -DFERRY_SANITIZE=OFF")]])
endif()
