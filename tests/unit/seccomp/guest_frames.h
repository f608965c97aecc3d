// Ethernet frames a guest on a user network sends (UDP, TCP), built byte by
// byte with their checksums, and a reader for the IPv4 frames slirp sends
// back. ARP and ICMP come from tests/unit/virtio/test_frames.h.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "virtio/net/mac_address.h"

namespace vmm::seccomp::testing {

using Frame = std::vector<uint8_t>;

struct Endpoints {
  net::MacAddress from_mac, to_mac;
  uint32_t src_ip, dst_ip;  // host byte order
  uint16_t src_port, dst_port;
};

inline constexpr uint8_t kTcpFin = 0x01, kTcpSyn = 0x02, kTcpRst = 0x04, kTcpPsh = 0x08, kTcpAck = 0x10;

Frame udp_frame(const Endpoints& e, std::span<const uint8_t> payload);
Frame tcp_frame(const Endpoints& e, uint32_t seq, uint32_t ack, uint8_t flags,
                std::span<const uint8_t> payload = {});

struct Ipv4Frame {
  uint8_t protocol;
  uint32_t src_ip, dst_ip;
  uint16_t src_port, dst_port;  // UDP and TCP
  uint32_t seq, ack;            // TCP
  uint8_t flags;                // TCP
  std::vector<uint8_t> payload;
};

// An IPv4 UDP or TCP frame's fields; nullopt for anything else.
std::optional<Ipv4Frame> read_ipv4(std::span<const uint8_t> frame);

}  // namespace vmm::seccomp::testing
