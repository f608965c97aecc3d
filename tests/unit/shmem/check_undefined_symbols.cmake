# cmake -DNM=... -DOBJECT=... -DALLOWED=memcpy,memset -P check_undefined_symbols.cmake
# (commas: a ";" does not survive add_test's quoting intact)
cmake_policy(SET CMP0057 NEW)  # if(... IN_LIST ...) under cmake -P
# Fails when OBJECT needs a symbol outside ALLOWED (e.g. __atomic_load_4 from
# libatomic, or anything of libstdc++), which the guest could not link.
string(REPLACE "," ";" ALLOWED "${ALLOWED}")
execute_process(COMMAND ${NM} -u ${OBJECT} OUTPUT_VARIABLE listing RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "nm failed on ${OBJECT}")
endif()
string(REGEX MATCHALL "U [^\n]+" undefined "${listing}")
foreach(entry ${undefined})
  string(SUBSTRING "${entry}" 2 -1 symbol)
  if(NOT symbol IN_LIST ALLOWED)
    message(FATAL_ERROR "abi/shmem_ring.h needs '${symbol}', which the freestanding guest lacks")
  endif()
endforeach()
message(STATUS "undefined symbols: ${undefined}")
