// Reading what a VM printed: the integration tests look for lines in the
// guest's console output.
#pragma once

#include <string>

namespace vmm::testing {

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The 64 hex digits after "sha256 " in the guest's output (tcpsend and
// tcprecv print their stream's digest so), or "".
inline std::string guest_sha256(const std::string& out) {
  auto at = out.find("sha256 ");
  if (at == std::string::npos || out.size() < at + 7 + 64) return "";
  return out.substr(at + 7, 64);
}

}  // namespace vmm::testing
