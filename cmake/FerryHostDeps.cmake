# SPDX-License-Identifier: Apache-2.0
# Ferry's third-party libraries as the system has them (Debian:
# libbearssl-dev, libhttp-parser-dev, libjsmn-dev), as imported targets
# ferry::bearssl, ferry::http_parser and ferry::jsmn (jsmn is a header only).
# Used by a host build of Ferry and, installed next to FerryConfig.cmake, by
# find_package(Ferry) on such an installation. FerryFirmwareDeps.cmake makes
# targets of the same names from source instead.
#
# In:  _ferry_dep_scope  GLOBAL (Ferry's own tree) or empty (FerryConfig.cmake)
# Out: FERRY_HOST_DEPS_MISSING  the Debian packages of what was not found
set(FERRY_HOST_DEPS_MISSING "")

macro(_ferry_host_dep name header library package)
  string(TOUPPER ${name} _ferry_up)
  if(NOT TARGET ferry::${name})
    find_path(FERRY_${_ferry_up}_INCLUDE_DIR ${header} DOC "directory holding ${header} (${package})")
    set(_ferry_lib "")
    if(NOT "${library}" STREQUAL "")
      find_library(FERRY_${_ferry_up}_LIBRARY ${library} DOC "the ${library} library (${package})")
      set(_ferry_lib ${FERRY_${_ferry_up}_LIBRARY})
    endif()
    if(NOT FERRY_${_ferry_up}_INCLUDE_DIR OR (NOT "${library}" STREQUAL "" AND NOT _ferry_lib))
      list(APPEND FERRY_HOST_DEPS_MISSING ${package})
    elseif("${library}" STREQUAL "")
      add_library(ferry::${name} INTERFACE IMPORTED ${_ferry_dep_scope})
      set_target_properties(ferry::${name} PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES "${FERRY_${_ferry_up}_INCLUDE_DIR}")
    else()
      add_library(ferry::${name} UNKNOWN IMPORTED ${_ferry_dep_scope})
      set_target_properties(ferry::${name} PROPERTIES IMPORTED_LOCATION "${_ferry_lib}"
        INTERFACE_INCLUDE_DIRECTORIES "${FERRY_${_ferry_up}_INCLUDE_DIR}")
    endif()
  endif()
endmacro()

_ferry_host_dep(bearssl bearssl.h bearssl libbearssl-dev)
_ferry_host_dep(http_parser http_parser.h http_parser libhttp-parser-dev)
_ferry_host_dep(jsmn jsmn.h "" libjsmn-dev)
