// Hand-built frames and a capturing device, for tests that talk to one
// stack frame by frame.
#pragma once

#include <cstdint>
#include <vector>

#include "guest/net/net_stack.h"
#include "test_env.h"

namespace net::test {

using Bytes = std::vector<uint8_t>;

class CaptureDevice : public NetDevice {
 public:
  bool transmit(const uint8_t* frame, size_t len) override {
    frames.emplace_back(frame, frame + len);
    return accept;
  }
  std::vector<Bytes> frames;
  bool accept = true;
};

Bytes ethernet_frame(const MacAddress& destination, const MacAddress& source, uint16_t type,
                     const Bytes& payload);
Bytes arp_packet(uint16_t operation, const MacAddress& sender_mac, Ipv4Addr sender_ip,
                 const MacAddress& target_mac, Ipv4Addr target_ip);
// An IPv4 packet (header checksum filled in) with the given payload.
Bytes ipv4_packet(Ipv4Addr source, Ipv4Addr destination, uint8_t protocol, const Bytes& payload,
                  uint16_t fragment_field = 0, uint8_t ttl = 64);
Bytes icmp_echo(uint8_t type, uint16_t id, uint16_t sequence, const Bytes& data);
Bytes udp_datagram(Ipv4Addr source, Ipv4Addr destination, uint16_t source_port,
                   uint16_t destination_port, const Bytes& payload, bool checksum = true);
Bytes tcp_segment(Ipv4Addr source, Ipv4Addr destination, uint16_t source_port,
                  uint16_t destination_port, uint32_t seq, uint32_t ack, uint8_t flags,
                  uint16_t window, const Bytes& payload = {}, const Bytes& options = {});

// One stack with eth0 = 10.0.0.1/24 on a capturing device, and a peer
// 10.0.0.2 whose frames the test injects.
struct OneHost {
  static constexpr Ipv4Addr kAddress = make_ipv4(10, 0, 0, 1);
  static constexpr Ipv4Addr kPeer = make_ipv4(10, 0, 0, 2);
  static constexpr MacAddress kMac{{0x02, 0, 0, 0, 0, 0x01}};
  static constexpr MacAddress kPeerMac{{0x02, 0, 0, 0, 0, 0x02}};

  explicit OneHost(const NetConfig& config = NetConfig{});
  void inject(const Bytes& frame) { stack.receive(iface, frame.data(), frame.size()); }
  // An IPv4 packet from the peer to us, in an Ethernet frame.
  void inject_ip(const Bytes& packet) {
    inject(ethernet_frame(kMac, kPeerMac, 0x0800, packet));
  }
  // Teaches the stack the peer's MAC (an ARP request from it).
  void learn_peer();
  // Frames sent since the last call, and the count of those that are IPv4.
  std::vector<Bytes> take_frames();

  uint64_t clock = 0;
  TestEnv env{&clock};
  CaptureDevice device;
  NetStack stack{env};
  int iface = -1;
};

// Parsed views of captured frames.
struct Ipv4View {
  bool valid = false;
  Ipv4Addr source = 0, destination = 0;
  uint8_t protocol = 0;
  uint16_t fragment_field = 0;
  Bytes payload;
};
Ipv4View parse_ipv4_frame(const Bytes& frame);

}  // namespace net::test
