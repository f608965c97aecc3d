#include <gtest/gtest.h>

#include "guest/net/core.h"
#include "raw_frames.h"

namespace net::test {
namespace {

constexpr uint64_t kSec = 1000ull * 1000 * 1000;

bool is_arp_request_for(const Bytes& f, Ipv4Addr target) {
  return f.size() >= 42 && load_be16(&f[12]) == 0x0806 && load_be16(&f[20]) == 1 &&
         load_be32(&f[38]) == target && MacAddress::load(f.data()).is_broadcast();
}

int send_udp(OneHost& h, Ipv4Addr to, const char* text) {
  SocketId s = h.stack.socket(kAfInet, kSockDgram, 0);
  SockAddrIn sin{};
  sin.family = kAfInet;
  sin.port_be = host_to_be16(9);
  sin.addr_be = host_to_be32(to);
  int64_t r = h.stack.sendto(s, text, strlen(text), 0, &sin, sizeof sin);
  h.stack.close(s);
  return static_cast<int>(r);
}

TEST(Arp, RepliesToRequestsForItsAddressAndLearnsTheSender) {
  OneHost h;
  h.inject(ethernet_frame(MacAddress::broadcast(), OneHost::kPeerMac, 0x0806,
                          arp_packet(1, OneHost::kPeerMac, OneHost::kPeer, MacAddress::zero(),
                                     OneHost::kAddress)));
  auto frames = h.take_frames();
  ASSERT_EQ(frames.size(), 1u);
  const Bytes& reply = frames[0];
  EXPECT_EQ(reply.size(), 60u);  // padded to the Ethernet minimum
  EXPECT_TRUE(MacAddress::load(reply.data()) == OneHost::kPeerMac);
  EXPECT_EQ(load_be16(&reply[20]), 2);  // reply
  EXPECT_TRUE(MacAddress::load(&reply[22]) == OneHost::kMac);
  EXPECT_EQ(load_be32(&reply[28]), OneHost::kAddress);
  MacAddress learned;
  EXPECT_TRUE(h.stack.core().arp.lookup(h.iface, OneHost::kPeer, &learned));
  EXPECT_TRUE(learned == OneHost::kPeerMac);
  EXPECT_EQ(h.stack.counters().arp.tx_replies, 1u);
}

TEST(Arp, IgnoresRequestsForOtherAddresses) {
  OneHost h;
  h.inject(ethernet_frame(MacAddress::broadcast(), OneHost::kPeerMac, 0x0806,
                          arp_packet(1, OneHost::kPeerMac, OneHost::kPeer, MacAddress::zero(),
                                     make_ipv4(10, 0, 0, 99))));
  EXPECT_TRUE(h.take_frames().empty());
  MacAddress m;
  EXPECT_FALSE(h.stack.core().arp.lookup(h.iface, OneHost::kPeer, &m));
  EXPECT_EQ(h.stack.counters().arp.rx_other_target, 1u);
}

TEST(Arp, QueuesPacketsUntilTheReplyThenSendsThemInOrder) {
  OneHost h;
  EXPECT_EQ(send_udp(h, OneHost::kPeer, "one"), 3);
  EXPECT_EQ(send_udp(h, OneHost::kPeer, "two"), 3);
  auto frames = h.take_frames();
  ASSERT_EQ(frames.size(), 1u);  // just the request; both datagrams wait
  EXPECT_TRUE(is_arp_request_for(frames[0], OneHost::kPeer));
  EXPECT_TRUE(h.stack.core().arp.has_pending(h.iface, OneHost::kPeer));
  h.inject(ethernet_frame(OneHost::kMac, OneHost::kPeerMac, 0x0806,
                          arp_packet(2, OneHost::kPeerMac, OneHost::kPeer, OneHost::kMac,
                                     OneHost::kAddress)));
  frames = h.take_frames();
  ASSERT_EQ(frames.size(), 2u);
  for (const Bytes& f : frames) EXPECT_TRUE(MacAddress::load(f.data()) == OneHost::kPeerMac);
  Ipv4View a = parse_ipv4_frame(frames[0]), b = parse_ipv4_frame(frames[1]);
  EXPECT_EQ(Bytes(a.payload.begin() + 8, a.payload.end()), (Bytes{'o', 'n', 'e'}));
  EXPECT_EQ(Bytes(b.payload.begin() + 8, b.payload.end()), (Bytes{'t', 'w', 'o'}));
}

TEST(Arp, RetriesThenGivesUpAndDropsTheQueue) {
  OneHost h;
  send_udp(h, OneHost::kPeer, "x");
  EXPECT_EQ(h.take_frames().size(), 1u);
  NetConfig defaults;
  for (uint32_t i = 1; i < defaults.arp_max_requests; ++i) {
    h.clock += defaults.arp_retry_ns;
    EXPECT_EQ(h.stack.next_deadline(), h.clock);
    h.stack.tick(h.clock);
    auto frames = h.take_frames();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_TRUE(is_arp_request_for(frames[0], OneHost::kPeer));
  }
  h.clock += defaults.arp_retry_ns;
  h.stack.tick(h.clock);
  EXPECT_TRUE(h.take_frames().empty());
  EXPECT_FALSE(h.stack.core().arp.has_pending(h.iface, OneHost::kPeer));
  EXPECT_EQ(h.stack.counters().arp.resolution_failures, 1u);
  EXPECT_EQ(h.stack.counters().arp.unresolved_drops, 1u);
  EXPECT_EQ(h.stack.counters().arp.tx_requests, defaults.arp_max_requests);
  EXPECT_EQ(h.stack.next_deadline(), kNoDeadline);
}

TEST(Arp, PendingQueueIsBounded) {
  NetConfig config;
  config.arp_queue_per_entry = 3;
  OneHost h(config);
  for (int i = 0; i < 5; ++i) send_udp(h, OneHost::kPeer, "p");
  EXPECT_EQ(h.stack.counters().arp.queue_overflow_drops, 2u);
  h.take_frames();
  h.inject(ethernet_frame(OneHost::kMac, OneHost::kPeerMac, 0x0806,
                          arp_packet(2, OneHost::kPeerMac, OneHost::kPeer, OneHost::kMac,
                                     OneHost::kAddress)));
  EXPECT_EQ(h.take_frames().size(), 3u);
}

TEST(Arp, EntriesExpireAndAreResolvedAgain) {
  OneHost h;
  h.learn_peer();
  send_udp(h, OneHost::kPeer, "a");
  auto frames = h.take_frames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(parse_ipv4_frame(frames[0]).valid);  // sent at once
  NetConfig defaults;
  h.clock += defaults.arp_reachable_ns;
  h.stack.tick(h.clock);
  MacAddress m;
  EXPECT_FALSE(h.stack.core().arp.lookup(h.iface, OneHost::kPeer, &m));
  send_udp(h, OneHost::kPeer, "b");
  frames = h.take_frames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(is_arp_request_for(frames[0], OneHost::kPeer));
  (void)kSec;
}

TEST(Arp, MalformedPacketsAreCounted) {
  OneHost h;
  Bytes bad = arp_packet(1, OneHost::kPeerMac, OneHost::kPeer, MacAddress::zero(), OneHost::kAddress);
  bad[4] = 8;  // hardware length
  h.inject(ethernet_frame(MacAddress::broadcast(), OneHost::kPeerMac, 0x0806, bad));
  Bytes short_packet(20, 0);
  h.inject(ethernet_frame(MacAddress::broadcast(), OneHost::kPeerMac, 0x0806, short_packet));
  EXPECT_EQ(h.stack.counters().arp.rx_malformed, 2u);
  EXPECT_TRUE(h.take_frames().empty());
}

}  // namespace
}  // namespace net::test
