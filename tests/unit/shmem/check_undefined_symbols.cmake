# cmake -DNM=... -DOBJECT=... -DALLOWED="memcpy;memset" -P check_undefined_symbols.cmake
# Fails when OBJECT needs a symbol outside ALLOWED (e.g. __atomic_load_4 from
# libatomic, or anything of libstdc++), which the guest could not link.
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
