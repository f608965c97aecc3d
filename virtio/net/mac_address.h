// An Ethernet MAC address and its "52:54:00:12:34:56" spelling.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>

namespace vmm::net {

using MacAddress = std::array<uint8_t, 6>;

// Locally administered, in the range QEMU gives its NICs (52:54:00:...), so
// guests and tools treat it like QEMU's default NIC; device i adds i.
inline MacAddress default_mac(uint8_t device_index) {
  return {0x52, 0x54, 0x00, 0x12, 0x34, static_cast<uint8_t>(0x56 + device_index)};
}

inline std::string to_string(const MacAddress& mac) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                mac[4], mac[5]);
  return buf;
}

}  // namespace vmm::net
