// Ethernet frames a guest on the user network would send (ARP, ICMP echo),
// built byte by byte, and readers for the replies.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "virtio/net/mac_address.h"

namespace vmm::net::testing {

inline constexpr uint32_t kGuestIp = 0x0a00020f;  // 10.0.2.15
inline constexpr uint32_t kHostIp = 0x0a000202;   // 10.0.2.2
inline constexpr uint16_t kEtherTypeArp = 0x0806;
inline constexpr uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr uint8_t kIpProtoIcmp = 1;
inline constexpr uint8_t kIpProtoUdp = 17;
inline constexpr uint8_t kIpProtoTcp = 6;
inline constexpr uint8_t kTcpSyn = 0x02, kTcpAck = 0x10, kTcpFin = 0x01;

std::vector<uint8_t> arp_request(const MacAddress& from, uint32_t sender_ip, uint32_t target_ip);
std::vector<uint8_t> icmp_echo_request(const MacAddress& from, const MacAddress& to,
                                       uint32_t src_ip, uint32_t dst_ip, uint16_t id,
                                       uint16_t sequence, std::span<const uint8_t> payload);

std::vector<uint8_t> udp_datagram(const MacAddress& from, const MacAddress& to, uint32_t src_ip, uint32_t dst_ip,
                                  uint16_t src_port, uint16_t dst_port, std::span<const uint8_t> payload);
// A bare TCP segment (no options, no data) with `flags`.
std::vector<uint8_t> tcp_segment(const MacAddress& from, const MacAddress& to, uint32_t src_ip, uint32_t dst_ip,
                                 uint16_t src_port, uint16_t dst_port, uint8_t flags);

// Big-endian field readers at byte offsets of a frame.
uint16_t be16(std::span<const uint8_t> frame, size_t at);
uint32_t be32(std::span<const uint8_t> frame, size_t at);

// Offsets in an untagged Ethernet frame.
inline constexpr size_t kEtherTypeAt = 12;
inline constexpr size_t kArpOperationAt = 20;
inline constexpr size_t kArpSenderMacAt = 22, kArpSenderIpAt = 28, kArpTargetIpAt = 38;
inline constexpr size_t kIpProtocolAt = 23, kIpSrcAt = 26, kIpDstAt = 30, kIpPayloadAt = 34;

}  // namespace vmm::net::testing
