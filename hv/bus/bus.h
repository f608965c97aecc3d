// An address-range -> device map, used for both the port-I/O and the MMIO
// bus. Ranges are registered while the VM is built (overlap refused) and only
// looked up afterwards, so lookups from vCPU threads need no lock.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hv/bus/bus_device.h"
#include "hv/core/result.h"

namespace vmm {

struct BusRange {
  uint64_t base;
  uint64_t size;
  std::string name;  // the device region's name in statistics
  std::shared_ptr<BusDevice> device;

  uint64_t end() const { return base + size; }
};

class Bus {
 public:
  explicit Bus(std::string name) : name_(std::move(name)) {}

  Result<void> insert(uint64_t base, uint64_t size, std::string name,
                      std::shared_ptr<BusDevice> device);
  // The range holding [addr, addr+len), or nullptr; an access straddling the
  // end of a range belongs to no device.
  const BusRange* find(uint64_t addr, uint64_t len = 1) const;
  const std::vector<BusRange>& ranges() const { return ranges_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::vector<BusRange> ranges_;  // sorted by base, disjoint
};

}  // namespace vmm
