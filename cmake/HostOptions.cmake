# Options for host code (the VMM, its tests and benchmarks). The guest kernel
# is freestanding and never gets these.
option(VMM_SANITIZE "Build host code with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

function(vmm_host_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  if(VMM_FUZZ)
    # Coverage feedback for libFuzzer on everything the targets call; each
    # fuzz target links libFuzzer itself (tests/fuzz/CMakeLists.txt).
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined
                                             -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  elseif(VMM_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    # Line tables are all a report's stack trace needs. clang at -O1, the
    # level ASan's authors recommend, builds this tree 2.4x faster than gcc
    # at -O2 (the heaviest test file: 49 s against 117 s); gcc keeps -O2,
    # as at -O1 its -Wmaybe-uninitialized misfires on std::variant.
    target_compile_options(${target} PRIVATE -g1)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
      target_compile_options(${target} PRIVATE -O1)
    endif()
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  endif()
endfunction()

# For the host's device code (virtio/, devices/), which handles sizes, counts
# and indices the guest controls: no implicit narrowing or sign change may
# truncate one silently. Where a value must narrow, the code checks it or
# says why it fits.
function(vmm_no_silent_narrowing target)
  target_compile_options(${target} PRIVATE -Wconversion -Wsign-conversion)
endfunction()

# add_subdirectory for a folder that may not exist yet.
macro(vmm_add_subdirectory_if_exists dir)
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/CMakeLists.txt)
    add_subdirectory(${dir})
  endif()
endmacro()

# Test executables: the suite's build time is mostly theirs (gtest, gmock and
# the VMM's headers parsed and instantiated again in every file). Each test
# binary compiles as one unity translation unit (its files concatenated), and
# with line tables only (-g1): enough for backtraces and sanitizer reports,
# and a third less compile time than full debug info.
option(VMM_UNITY_TESTS "Compile each test executable as one unity translation unit" ON)
function(vmm_test_build_options target)
  target_compile_options(${target} PRIVATE -g1)
  if(VMM_UNITY_TESTS)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 0)
  endif()
endfunction()
