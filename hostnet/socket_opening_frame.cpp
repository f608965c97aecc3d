#include "hostnet/socket_opening_frame.h"

namespace vmm::net {

namespace {

constexpr size_t kEthernetHeader = 14;
constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint8_t kProtoIcmp = 1, kProtoTcp = 6, kProtoUdp = 17;
constexpr uint8_t kTcpSyn = 0x02, kTcpAck = 0x10;
constexpr uint8_t kIcmpEchoRequest = 8;
constexpr uint16_t kDhcpServerPort = 67;

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}

bool opens_by_protocol(uint8_t protocol, std::span<const uint8_t> l4, uint32_t destination, uint32_t host,
                       uint32_t dns) {
  switch (protocol) {
    case kProtoTcp:
      // A frame too short for the flags is dropped by slirp: opens nothing.
      return l4.size() >= 14 && (l4[13] & kTcpSyn) && !(l4[13] & kTcpAck);
    case kProtoUdp:
      return l4.size() >= 4 && be16(l4.data() + 2) != kDhcpServerPort;
    case kProtoIcmp:
      return !l4.empty() && l4[0] == kIcmpEchoRequest && destination != host && destination != dns;
    default:
      return false;
  }
}

}  // namespace

bool may_open_host_socket(std::span<const uint8_t> frame, uint32_t host, uint32_t dns) {
  if (frame.size() < kEthernetHeader + 20 || be16(frame.data() + 12) != kEtherTypeIpv4) return false;
  std::span<const uint8_t> ip = frame.subspan(kEthernetHeader);
  size_t header_length = static_cast<size_t>(ip[0] & 0x0f) * 4;
  if (header_length < 20 || header_length > ip.size()) return false;  // slirp drops it
  // More fragments, or not the first: reassembled, it may be anything.
  uint16_t fragment = be16(ip.data() + 6);
  if ((fragment & 0x2000) || (fragment & 0x1fff)) return true;
  return opens_by_protocol(ip[9], ip.subspan(header_length), be32(ip.data() + 16), host, dns);
}

}  // namespace vmm::net
