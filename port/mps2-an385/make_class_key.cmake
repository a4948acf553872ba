# SPDX-License-Identifier: Apache-2.0
# Makes the development class key pair (ferry keygen --class) once; an
# existing key is kept, because images may already be encrypted for it.
# Run with -DFERRY=<tool> -DKEY=<path>.
if(NOT EXISTS "${KEY}")
  get_filename_component(dir "${KEY}" DIRECTORY)
  file(MAKE_DIRECTORY "${dir}")
  execute_process(COMMAND "${FERRY}" keygen --class -k "${KEY}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ferry keygen --class failed")
  endif()
endif()
file(TOUCH_NOCREATE "${KEY}")
