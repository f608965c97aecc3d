// ARP over Ethernet (RFC 826): the smallest round trip that proves a
// network device works end to end. libslirp answers a request for its
// gateway address at once, from the device's backend: 10.0.2.2 behind
// virtio-net (--net user, and QEMU's -netdev user), 10.0.3.2 behind shm0.
#pragma once

#include <stdint.h>

namespace hg {

struct ArpPeer {
  uint8_t mac[6];      // ours
  uint8_t own_ip[4];
  uint8_t target_ip[4];
};

inline constexpr ArpPeer kVirtioArp = {{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}, {10, 0, 2, 15}, {10, 0, 2, 2}};
// Another address answered by the same slirp (its DNS server): the flood
// asks for it, so that a reply for the gateway afterwards is a fresh one.
inline constexpr ArpPeer kVirtioFloodArp = {{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}, {10, 0, 2, 15}, {10, 0, 2, 3}};
inline constexpr ArpPeer kShmArp = {{0x52, 0x54, 0x00, 0x12, 0x34, 0x57}, {10, 0, 3, 15}, {10, 0, 3, 2}};

inline constexpr uint32_t kArpFrameBytes = 60;  // padded to Ethernet's minimum

// A broadcast who-has request for peer.target_ip into frame[kArpFrameBytes].
void build_arp_request(const ArpPeer& peer, uint8_t* frame);
// True when frame[0, length) is an ARP reply from peer.target_ip.
bool is_arp_reply(const ArpPeer& peer, const uint8_t* frame, uint32_t length);

}  // namespace hg
