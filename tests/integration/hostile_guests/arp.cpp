#include "arp.h"

namespace hg {

namespace {

// Offsets in an Ethernet II frame carrying ARP for IPv4 (RFC 826).
constexpr uint32_t kEtherType = 12;
constexpr uint32_t kArp = 14;
constexpr uint32_t kOperation = kArp + 6;
constexpr uint32_t kSenderMac = kArp + 8;
constexpr uint32_t kSenderIp = kArp + 14;
constexpr uint32_t kTargetIp = kArp + 24;

void put(uint8_t* to, const uint8_t* from, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) to[i] = from[i];
}

bool same(const uint8_t* a, const uint8_t* b, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

}  // namespace

void build_arp_request(const ArpPeer& peer, uint8_t* frame) {
  static constexpr uint8_t kHeader[] = {0x08, 0x06,              // EtherType ARP
                                        0x00, 0x01, 0x08, 0x00,  // Ethernet, IPv4
                                        6, 4, 0x00, 0x01};       // lengths, request
  for (uint32_t i = 0; i < kArpFrameBytes; ++i) frame[i] = 0;
  for (uint32_t i = 0; i < 6; ++i) frame[i] = 0xff;  // broadcast
  put(frame + 6, peer.mac, 6);
  put(frame + kEtherType, kHeader, sizeof kHeader);
  put(frame + kSenderMac, peer.mac, 6);
  put(frame + kSenderIp, peer.own_ip, 4);
  put(frame + kTargetIp, peer.target_ip, 4);
}

bool is_arp_reply(const ArpPeer& peer, const uint8_t* frame, uint32_t length) {
  return length >= kTargetIp + 4 && frame[kEtherType] == 0x08 && frame[kEtherType + 1] == 0x06 &&
         frame[kOperation] == 0 && frame[kOperation + 1] == 2 && same(frame + kSenderIp, peer.target_ip, 4);
}

}  // namespace hg
