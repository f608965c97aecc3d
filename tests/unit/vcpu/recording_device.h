#pragma once

#include <cstring>
#include <vector>

#include "hv/bus/bus_device.h"

namespace vmm::testing {

// Records every access; reads return `read_value` bytes.
class RecordingDevice : public BusDevice {
 public:
  struct Access {
    bool is_write;
    uint64_t offset;
    uint32_t vcpu;
    std::vector<uint8_t> bytes;
  };
  void read(const BusAccess& a, std::span<uint8_t> data) override {
    std::memset(data.data(), read_value, data.size());
    accesses.push_back({false, a.offset, a.vcpu, {data.begin(), data.end()}});
  }
  void write(const BusAccess& a, std::span<const uint8_t> data) override {
    accesses.push_back({true, a.offset, a.vcpu, {data.begin(), data.end()}});
  }
  uint8_t read_value = 0x5a;
  std::vector<Access> accesses;
};

}  // namespace vmm::testing
