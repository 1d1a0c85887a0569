# hs_soname(VAR LIBRARY): the soname of a shared library found by
# find_library or pkg-config (a path, possibly a symlink), for loading it at
# first use (core/dl.h); falls back to the file's name.
function(hs_soname var lib)
  get_filename_component(real "${lib}" REALPATH)
  set(name "")
  if(CMAKE_OBJDUMP)
    execute_process(COMMAND ${CMAKE_OBJDUMP} -p "${real}" OUTPUT_VARIABLE dump ERROR_QUIET RESULT_VARIABLE rc)
    if(rc EQUAL 0)
      string(REGEX MATCH "SONAME +([^ \n]+)" m "${dump}")
      set(name "${CMAKE_MATCH_1}")
    endif()
  endif()
  if(name STREQUAL "")
    get_filename_component(name "${lib}" NAME)
  endif()
  set(${var} "${name}" PARENT_SCOPE)
endfunction()
