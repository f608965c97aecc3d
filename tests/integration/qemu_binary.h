// Where qemu-system-x86_64 is (PATH), for the tests that boot the bundled
// guest under QEMU microvm; "" when it is not installed.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <string>

namespace vmm::testing {

inline std::string qemu_system_x86_64() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::string candidate = dir + "/qemu-system-x86_64";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

}  // namespace vmm::testing
