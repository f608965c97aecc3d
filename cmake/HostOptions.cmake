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
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  endif()
endfunction()

# add_subdirectory for a folder that may not exist yet.
macro(vmm_add_subdirectory_if_exists dir)
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/CMakeLists.txt)
    add_subdirectory(${dir})
  endif()
endmacro()
