// Where qemu-system-x86_64 is (PATH), for the tests that boot the bundled
// guest under QEMU microvm, and the options every such run shares.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

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

// No default devices, the console on stdio, the port the guest powers off
// through (its status in QEMU's), no reboot, and the bundled guest; the
// machine, CPUs, memory, devices and -append are the caller's.
inline void add_qemu_guest_args(std::vector<std::string>& argv) {
  argv.insert(argv.end(), {"-nodefaults", "-nographic", "-no-reboot", "-serial", "stdio", "-device",
                           "isa-debug-exit,iobase=0x501", "-kernel", BUNDLED_GUEST_ELF});
}

}  // namespace vmm::testing
