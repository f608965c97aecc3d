# cmake "-DOBJECTS=a.o;b.o" -DLINKER=ld -DOUTPUT=all.o -DNM=nm
#       -DALLOWED=memcpy,memset -DWHAT="the freestanding stack"
#       [-DOBJDUMP=objdump] -P CheckFreestandingObjects.cmake
# Links OBJECTS into one (ld -r) and fails when the result needs a symbol
# outside ALLOWED (e.g. __atomic_load_4 from libatomic, or anything of
# libstdc++), which the guest could not link; with OBJDUMP, also when it
# needs global constructors, which the guest's programs never run
# (guest/user/user.ld has no .init_array). ALLOWED takes commas: a ";" does
# not survive add_test's quoting intact.
cmake_minimum_required(VERSION 3.25)
string(REPLACE "," ";" ALLOWED "${ALLOWED}")
execute_process(COMMAND ${LINKER} -r -o ${OUTPUT} ${OBJECTS} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ld -r failed")
endif()
execute_process(COMMAND ${NM} -u ${OUTPUT} OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${OUTPUT}")
endif()
string(REGEX MATCHALL "U [^\n]+" undefined "${listing}")
foreach(entry IN LISTS undefined)
  string(SUBSTRING "${entry}" 2 -1 symbol)
  if(NOT symbol IN_LIST ALLOWED)
    message(FATAL_ERROR "${WHAT} needs '${symbol}', which the guest does not provide")
  endif()
endforeach()
if(OBJDUMP)
  execute_process(COMMAND ${OBJDUMP} -h ${OUTPUT} OUTPUT_VARIABLE sections RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "objdump failed on ${OUTPUT}")
  endif()
  if(sections MATCHES "\\.init_array|\\.ctors")
    message(FATAL_ERROR "${WHAT} needs global constructors, which user programs do not run")
  endif()
endif()
message(STATUS "${WHAT} references only: ${undefined}")
