// Everything a user can ask of one `vmm` run. Built from the defaults here,
// then a TOML config file (--config), then the command line, each overriding
// the one before.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "devices/shmem/shmem_option.h"
#include "hostnet/net_config.h"

namespace vmm {

struct VmConfig {
  std::optional<std::string> guest_path;  // unset: the bundled guest
  uint32_t vcpus = 1;
  uint64_t memory_bytes = 256ull << 20;
  std::string cmdline;  // appended to what the VMM puts on the guest command line
  std::string log_level = "warn";
  bool print_stats = false;
  std::optional<std::string> stats_json_path;
  net::NetConfig net;          // --net; kind kNone: no network device
  bool use_ioeventfd = true;   // false with --no-ioeventfd
  std::optional<ShmemDeviceConfig> shmem;  // --shmem; unset: no shared-memory device
  bool seccomp = true;         // false with --no-seccomp: no thread is confined
};

// Upper bound checked while parsing: vCPU i gets APIC ID i, and xAPIC IDs
// (CPUID leaf 1 EBX[31:24], the MADT's type-0 entries) are 8 bits with 0xff
// meaning broadcast. The host's KVM limit is checked once /dev/kvm is open.
inline constexpr uint32_t kMaxVcpusAccepted = 255;
inline constexpr uint64_t kMinMemoryBytes = 16ull << 20;

}  // namespace vmm
