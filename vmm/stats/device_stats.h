// Statistics of one device (the `devices` section beside `vcpus`): what it is
// and its counters, in display order. Generic, so that every device kind
// (virtio-net, the shared-memory device) reports through the same shape.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vmm {

struct DeviceStats {
  std::string name;  // its MMIO region name in the exit tables, e.g. "virtio-net0"
  std::string type;  // "virtio-net"
  std::vector<std::pair<std::string, std::string>> properties;  // "backend" -> "user", ...
  std::vector<std::pair<std::string, uint64_t>> counters;       // "tx_frames" -> 12, ...
};

}  // namespace vmm
