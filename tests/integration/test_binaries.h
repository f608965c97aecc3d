// What the integration tests run, at the paths CMake compiles in
// (tests/integration/CMakeLists.txt): one definition for every test file.
#pragma once

#include <string>

namespace vmm::testing {

inline const std::string kVmm = VMM_BINARY;
inline const std::string kVmmBench = VMM_BENCH_BINARY;
inline const std::string kGuestDir = TEST_GUEST_DIR;  // the foreign PVH test guests
inline const std::string kBundledGuest = BUNDLED_GUEST_ELF;

}  // namespace vmm::testing
