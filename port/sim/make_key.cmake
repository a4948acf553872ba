# SPDX-License-Identifier: Apache-2.0
# Makes the development signing key once; an existing key is kept, because
# images may already be signed with it. Run with -DFERRY=<tool> -DKEY=<path>.
if(NOT EXISTS "${KEY}")
  get_filename_component(dir "${KEY}" DIRECTORY)
  file(MAKE_DIRECTORY "${dir}")
  execute_process(COMMAND "${FERRY}" keygen -k "${KEY}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ferry keygen failed")
  endif()
endif()
file(TOUCH_NOCREATE "${KEY}")
