// A host port forwarded into the user-mode network (`hostfwd=`): host
// programs connect to HOSTADDR:HOSTPORT and reach GUESTADDR:GUESTPORT in the
// guest. Accepts QEMU's spelling
//   [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT
// and the short form tcp:HOSTPORT-:GUESTPORT. Unlike QEMU, the host address
// defaults to 127.0.0.1, so a forward never opens the guest to the network
// by accident; the guest address defaults to 10.0.2.15.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hv/core/result.h"

namespace vmm::net {

enum class Protocol { kTcp, kUdp };

struct HostForward {
  Protocol protocol = Protocol::kTcp;
  uint32_t host_addr = 0;  // IPv4, host byte order
  uint16_t host_port = 0;
  uint32_t guest_addr = 0;
  uint16_t guest_port = 0;
  bool operator==(const HostForward&) const = default;
};

// The user network's fixed addresses (QEMU's -netdev user defaults).
inline constexpr uint32_t kUserNetwork = 0x0a000200;   // 10.0.2.0/24
inline constexpr uint32_t kUserNetmask = 0xffffff00;
inline constexpr uint32_t kUserHostAddr = 0x0a000202;  // 10.0.2.2: the host's loopback
inline constexpr uint32_t kUserDnsAddr = 0x0a000203;   // 10.0.2.3
inline constexpr uint32_t kUserGuestAddr = 0x0a00020f; // 10.0.2.15: the first DHCP lease
inline constexpr uint32_t kDefaultForwardHostAddr = 0x7f000001;  // 127.0.0.1

// The shared-memory device's own user network (--shmem hostfwd=...).
inline constexpr uint32_t kShmemNetwork = 0x0a000300;    // 10.0.3.0/24
inline constexpr uint32_t kShmemGuestAddr = 0x0a00030f;  // 10.0.3.15

// Where a forward leads: the guest network it must stay in, the guest
// address it defaults to, and how its errors begin.
struct ForwardTarget {
  uint32_t network, netmask, default_guest;
  const char* error_prefix;
};
inline constexpr ForwardTarget kNetForwardTarget = {kUserNetwork, kUserNetmask, kUserGuestAddr, "--net: "};
// --shmem's parser puts "--shmem: " before its own errors.
inline constexpr ForwardTarget kShmemForwardTarget = {kShmemNetwork, kUserNetmask, kShmemGuestAddr, ""};

// `text` is what follows "hostfwd=". Errors start with the target's prefix,
// then "hostfwd".
Result<HostForward> parse_host_forward(std::string_view text,
                                       const ForwardTarget& target = kNetForwardTarget);

std::string ipv4_to_string(uint32_t addr);
// "tcp 127.0.0.1:8080 -> 10.0.2.15:80"
std::string describe(const HostForward& forward);

}  // namespace vmm::net
