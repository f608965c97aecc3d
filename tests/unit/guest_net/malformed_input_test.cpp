// Hostile input: truncated, corrupted and inconsistent frames are dropped
// and counted, never read out of bounds (run under ASan:
// -DVMM_SANITIZE=ON), and the stack keeps working afterwards.
#include <gtest/gtest.h>

#include <random>

#include "guest/net/checksum.h"
#include "guest/net/core.h"
#include "raw_frames.h"

namespace net::test {
namespace {

// Feeds the frame in an exactly sized heap buffer, so that ASan sees any
// read past its end.
void inject_exact(OneHost& h, const Bytes& frame) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[frame.size() + 1]);
  std::copy(frame.begin(), frame.end(), copy.get());
  h.stack.receive(h.iface, copy.get(), frame.size());
}

std::vector<Bytes> sample_frames() {
  Ipv4Addr us = OneHost::kAddress, peer = OneHost::kPeer;
  std::vector<Bytes> packets = {
      ipv4_packet(peer, us, 1, icmp_echo(8, 1, 2, {1, 2, 3, 4})),
      ipv4_packet(peer, us, 17, udp_datagram(peer, us, 1000, 53, {1, 2, 3})),
      ipv4_packet(peer, us, 6, tcp_segment(peer, us, 1000, 80, 1, 0, kTcpSyn, 1000, {},
                                           {2, 4, 5, 0xb4, 1, 3, 3, 7})),
      ipv4_packet(peer, us, 6, tcp_segment(peer, us, 1000, 81, 1, 5, kTcpAck, 1000, {9, 9})),
      // An ICMP port unreachable quoting a UDP header.
      ipv4_packet(peer, us, 1, [&] {
        Bytes quoted = ipv4_packet(us, peer, 17, udp_datagram(us, peer, 5000, 9, {}));
        Bytes m(8 + quoted.size(), 0);
        m[0] = 3;  // destination unreachable
        m[1] = 3;  // port
        std::copy(quoted.begin(), quoted.end(), m.begin() + 8);
        store_be16(&m[2], internet_checksum(m.data(), m.size()));
        return m;
      }()),
  };
  std::vector<Bytes> frames;
  for (const Bytes& p : packets) frames.push_back(ethernet_frame(OneHost::kMac, OneHost::kPeerMac, 0x0800, p));
  frames.push_back(ethernet_frame(MacAddress::broadcast(), OneHost::kPeerMac, 0x0806,
                                  arp_packet(1, OneHost::kPeerMac, OneHost::kPeer, MacAddress::zero(), us)));
  return frames;
}

struct Malformed : ::testing::Test {
  OneHost h;
  SocketId udp = -1, listener = -1;
  void SetUp() override {
    h.learn_peer();
    udp = h.stack.socket(kAfInet, kSockDgram, 0);
    ASSERT_EQ(bind_socket(h, udp, 53), 0);
    listener = h.stack.socket(kAfInet, kSockStream, 0);
    ASSERT_EQ(bind_socket(h, listener, 80), 0);
    ASSERT_EQ(h.stack.listen(listener, 8), 0);
  }
  static int bind_socket(OneHost& host, SocketId s, uint16_t port) {
    SockAddrIn a{};
    a.family = kAfInet;
    a.port_be = host_to_be16(port);
    return host.stack.bind(s, &a, sizeof a);
  }
  // The stack still answers a ping.
  void expect_alive() {
    h.take_frames();
    h.inject_ip(ipv4_packet(OneHost::kPeer, OneHost::kAddress, 1, icmp_echo(8, 7, 7, {})));
    auto frames = h.take_frames();
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(parse_ipv4_frame(frames.back()).protocol, 1);
  }
};

TEST_F(Malformed, EveryTruncationIsHarmless) {
  for (const Bytes& frame : sample_frames()) {
    for (size_t len = 0; len < frame.size(); ++len) {
      inject_exact(h, Bytes(frame.begin(), frame.begin() + len));
    }
  }
  const NetCounters& c = h.stack.counters();
  EXPECT_GT(c.ipv4.rx_malformed, 0u);
  EXPECT_GT(c.arp.rx_malformed, 0u);
  EXPECT_GT(h.stack.interface(h.iface)->counters.rx_dropped_short, 0u);
  expect_alive();
}

TEST_F(Malformed, LengthFieldsThatLieAreRejected) {
  Bytes base = ipv4_packet(OneHost::kPeer, OneHost::kAddress, 17,
                           udp_datagram(OneHost::kPeer, OneHost::kAddress, 1, 53, {1, 2, 3, 4}));
  auto with = [&](auto edit) {
    Bytes p = base;
    edit(p);
    store_be16(&p[10], 0);
    store_be16(&p[10], internet_checksum(p.data(), (p[0] & 0xf) * 4u > p.size() ? 20 : (p[0] & 0xf) * 4u));
    inject_exact(h, ethernet_frame(OneHost::kMac, OneHost::kPeerMac, 0x0800, p));
  };
  uint64_t before = h.stack.counters().ipv4.rx_malformed;
  with([](Bytes& p) { store_be16(&p[2], 0xffff); });       // total length past the frame
  with([](Bytes& p) { store_be16(&p[2], 10); });           // total length below the header
  with([](Bytes& p) { p[0] = 0x44; });                     // IHL 4
  with([](Bytes& p) { p[0] = 0x4f; });                     // IHL past the packet
  with([](Bytes& p) { p[0] = 0x65; });                     // version 6
  EXPECT_EQ(h.stack.counters().ipv4.rx_malformed, before + 5);
  // UDP length larger than the IP payload, and smaller than its header.
  for (uint16_t bad_len : {uint16_t{200}, uint16_t{4}}) {
    Bytes d = udp_datagram(OneHost::kPeer, OneHost::kAddress, 1, 53, {1, 2, 3, 4});
    store_be16(&d[4], bad_len);
    h.inject_ip(ipv4_packet(OneHost::kPeer, OneHost::kAddress, 17, d));
  }
  EXPECT_EQ(h.stack.counters().udp.rx_malformed, 2u);
  // TCP data offset past the segment; options that overrun the header.
  Bytes t = tcp_segment(OneHost::kPeer, OneHost::kAddress, 1, 80, 1, 0, kTcpSyn, 100);
  t[12] = 0xf0;
  h.inject_ip(ipv4_packet(OneHost::kPeer, OneHost::kAddress, 6, t));
  for (Bytes options : {Bytes{2, 0, 0, 0}, Bytes{3, 9, 1, 1}, Bytes{1, 1, 1, 2}}) {
    h.inject_ip(ipv4_packet(OneHost::kPeer, OneHost::kAddress, 6,
                            tcp_segment(OneHost::kPeer, OneHost::kAddress, 1, 80, 1, 0, kTcpSyn, 100,
                                        {}, options)));
  }
  EXPECT_EQ(h.stack.counters().tcp.rx_malformed, 4u);
  EXPECT_EQ(h.stack.core().tcp.connection_count(), 1u);  // only the listener
  // Fragments are dropped, not reassembled.
  Bytes frag = base;
  store_be16(&frag[6], 0x2000);
  store_be16(&frag[10], 0);
  store_be16(&frag[10], internet_checksum(frag.data(), 20));
  h.inject_ip(frag);
  EXPECT_EQ(h.stack.counters().ipv4.rx_fragments_dropped, 1u);
  expect_alive();
}

TEST_F(Malformed, RandomCorruptionNeverCrashes) {
  std::mt19937 rng(1234);
  auto frames = sample_frames();
  for (int round = 0; round < 20000; ++round) {
    Bytes f = frames[rng() % frames.size()];
    int flips = 1 + rng() % 4;
    for (int i = 0; i < flips; ++i) f[rng() % f.size()] = static_cast<uint8_t>(rng());
    if (rng() % 4 == 0) f.resize(rng() % (f.size() + 1));
    if (rng() % 8 == 0) f.resize(f.size() + rng() % 64, static_cast<uint8_t>(rng()));
    inject_exact(h, f);
    if (round % 1000 == 0) {
      h.clock += 100 * 1000 * 1000;
      h.stack.tick(h.clock);
    }
    h.take_frames();
  }
  expect_alive();
}

TEST_F(Malformed, MartianSourcesAndOtherHostsAreDropped) {
  h.inject_ip(ipv4_packet(kIpv4Broadcast, OneHost::kAddress, 1, icmp_echo(8, 1, 1, {})));
  h.inject_ip(ipv4_packet(make_ipv4(224, 0, 0, 1), OneHost::kAddress, 1, icmp_echo(8, 1, 1, {})));
  h.inject_ip(ipv4_packet(OneHost::kPeer, make_ipv4(10, 0, 0, 77), 1, icmp_echo(8, 1, 1, {})));
  Bytes other_mac = ethernet_frame(MacAddress{{2, 9, 9, 9, 9, 9}}, OneHost::kPeerMac, 0x0800,
                                   ipv4_packet(OneHost::kPeer, OneHost::kAddress, 1, icmp_echo(8, 1, 1, {})));
  h.inject(other_mac);
  h.inject(ethernet_frame(OneHost::kMac, OneHost::kPeerMac, 0x86dd, Bytes(40, 0)));  // IPv6
  EXPECT_EQ(h.stack.counters().ipv4.rx_bad_source, 2u);
  EXPECT_EQ(h.stack.counters().ipv4.rx_other_host, 1u);
  EXPECT_EQ(h.stack.interface(h.iface)->counters.rx_dropped_other_host, 1u);
  EXPECT_EQ(h.stack.interface(h.iface)->counters.rx_dropped_ethertype, 1u);
  EXPECT_TRUE(h.take_frames().empty());
}

TEST_F(Malformed, TcpToAClosedPortIsReset) {
  h.inject_ip(ipv4_packet(OneHost::kPeer, OneHost::kAddress, 6,
                          tcp_segment(OneHost::kPeer, OneHost::kAddress, 999, 4321, 1000, 0, kTcpSyn, 100)));
  auto frames = h.take_frames();
  ASSERT_EQ(frames.size(), 1u);
  Ipv4View v = parse_ipv4_frame(frames[0]);
  ASSERT_EQ(v.protocol, 6);
  EXPECT_EQ(v.payload[13], kTcpRst | kTcpAck);
  EXPECT_EQ(load_be32(&v.payload[8]), 1001u);  // SEG.SEQ + SEG.LEN
  EXPECT_EQ(transport_checksum(v.source, v.destination, 6, v.payload.data(), v.payload.size()), 0);
}

}  // namespace
}  // namespace net::test
