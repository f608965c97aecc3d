#include "devices/debug_exit.h"

#include <cstring>
#include <string>

#include "hv/core/exit_status.h"

namespace vmm {

void DebugExit::read(const BusAccess&, std::span<uint8_t> data) {
  std::memset(data.data(), 0xff, data.size());
}

void DebugExit::write(const BusAccess& access, std::span<const uint8_t> data) {
  uint64_t value = 0;
  std::memcpy(&value, data.data(), std::min(data.size(), sizeof value));  // little-endian
  lifecycle_.request_stop(debug_exit_status(value),
                          "vcpu " + std::to_string(access.vcpu) + ": guest wrote " +
                              std::to_string(value) + " to the debug-exit port");
}

}  // namespace vmm
