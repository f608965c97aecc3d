// "0x1f" formatting for log and error messages about guest addresses,
// ports and values: the one copy every layer uses.
#pragma once

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>

namespace vmm {

inline std::string hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, value);
  return buf;
}

}  // namespace vmm
