#include <gtest/gtest.h>

#include "guest/net/route.h"
#include "raw_frames.h"

namespace net::test {
namespace {

TEST(RouteTable, LongestPrefixWins) {
  RouteTable t;
  ASSERT_EQ(t.add(Route{0, 0, make_ipv4(10, 0, 0, 254), 1}), 0);
  ASSERT_EQ(t.add(Route{make_ipv4(10, 0, 0, 0), 24, 0, 1}), 0);
  ASSERT_EQ(t.add(Route{make_ipv4(10, 0, 0, 128), 25, 0, 2}), 0);
  EXPECT_EQ(t.lookup(make_ipv4(10, 0, 0, 5))->iface, 1);
  EXPECT_EQ(t.lookup(make_ipv4(10, 0, 0, 200))->iface, 2);
  const Route* r = t.lookup(make_ipv4(8, 8, 8, 8));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->gateway, make_ipv4(10, 0, 0, 254));
  EXPECT_TRUE(t.remove(0, 0));
  EXPECT_EQ(t.lookup(make_ipv4(8, 8, 8, 8)), nullptr);
  EXPECT_EQ(t.add(Route{0, 33, 0, 1}), -err::kInval);
}

// A host on two networks with a default gateway on the first.
struct TwoInterfaces {
  static constexpr MacAddress kMac0{{0x02, 0, 0, 0, 0, 0x10}};
  static constexpr MacAddress kMac1{{0x02, 0, 0, 0, 0, 0x11}};
  TwoInterfaces() {
    EXPECT_EQ(stack.init(), 0);
    InterfaceConfig a;
    a.name = "eth0";
    a.mac = kMac0;
    a.address = make_ipv4(10, 0, 0, 1);
    a.device = &dev0;
    InterfaceConfig b;
    b.name = "shm0";
    b.mac = kMac1;
    b.address = make_ipv4(192, 168, 7, 1);
    b.device = &dev1;
    eth0 = stack.add_interface(a);
    shm0 = stack.add_interface(b);
    EXPECT_EQ(stack.set_default_gateway(make_ipv4(10, 0, 0, 254)), 0);
  }
  int64_t send_to(Ipv4Addr to) {
    SocketId s = stack.socket(kAfInet, kSockDgram, 0);
    SockAddrIn sin{kAfInet, host_to_be16(7), host_to_be32(to), {}};
    int64_t r = stack.sendto(s, "x", 1, 0, &sin, sizeof sin);
    stack.close(s);
    return r;
  }
  static Ipv4Addr arp_target(const Bytes& f) { return load_be32(&f[38]); }

  TestEnv env;
  CaptureDevice dev0, dev1;
  NetStack stack{env};
  int eth0 = -1, shm0 = -1;
};

TEST(Routing, EachSubnetOnItsInterfaceAndTheRestThroughTheGateway) {
  TwoInterfaces h;
  EXPECT_EQ(h.eth0, 1);
  EXPECT_EQ(h.shm0, 2);
  EXPECT_STREQ(h.stack.interface(h.shm0)->name, "shm0");
  ASSERT_EQ(h.send_to(make_ipv4(192, 168, 7, 9)), 1);
  ASSERT_EQ(h.dev1.frames.size(), 1u);
  EXPECT_EQ(TwoInterfaces::arp_target(h.dev1.frames[0]), make_ipv4(192, 168, 7, 9));
  EXPECT_TRUE(h.dev0.frames.empty());

  ASSERT_EQ(h.send_to(make_ipv4(10, 0, 0, 7)), 1);
  ASSERT_EQ(h.dev0.frames.size(), 1u);
  EXPECT_EQ(TwoInterfaces::arp_target(h.dev0.frames[0]), make_ipv4(10, 0, 0, 7));

  // Off-link: ARP for the gateway, not for the destination.
  ASSERT_EQ(h.send_to(make_ipv4(8, 8, 8, 8)), 1);
  ASSERT_EQ(h.dev0.frames.size(), 2u);
  EXPECT_EQ(TwoInterfaces::arp_target(h.dev0.frames[1]), make_ipv4(10, 0, 0, 254));
  // The gateway answers; the datagram leaves with its MAC and the real destination.
  const MacAddress gw_mac{{0x02, 0, 0, 0, 0, 0xfe}};
  Bytes reply = ethernet_frame(TwoInterfaces::kMac0, gw_mac, 0x0806,
                               arp_packet(2, gw_mac, make_ipv4(10, 0, 0, 254), TwoInterfaces::kMac0,
                                          make_ipv4(10, 0, 0, 1)));
  h.stack.receive(h.eth0, reply.data(), reply.size());
  ASSERT_EQ(h.dev0.frames.size(), 3u);
  EXPECT_TRUE(MacAddress::load(h.dev0.frames[2].data()) == gw_mac);
  Ipv4View v = parse_ipv4_frame(h.dev0.frames[2]);
  EXPECT_EQ(v.destination, make_ipv4(8, 8, 8, 8));
  EXPECT_EQ(v.source, make_ipv4(10, 0, 0, 1));
}

TEST(Routing, NoRouteIsENetUnreach) {
  TestEnv env;
  CaptureDevice dev;
  NetStack stack(env);
  ASSERT_EQ(stack.init(), 0);
  InterfaceConfig ic;
  ic.mac = MacAddress{{2, 0, 0, 0, 0, 1}};
  ic.address = make_ipv4(10, 0, 0, 1);
  ic.device = &dev;
  ASSERT_EQ(stack.add_interface(ic), 1);
  SocketId s = stack.socket(kAfInet, kSockDgram, 0);
  SockAddrIn sin{kAfInet, host_to_be16(7), host_to_be32(make_ipv4(8, 8, 8, 8)), {}};
  EXPECT_EQ(stack.sendto(s, "x", 1, 0, &sin, sizeof sin), -err::kNetUnreach);
  EXPECT_EQ(stack.set_default_gateway(make_ipv4(172, 16, 0, 1)), -err::kNetUnreach);
  stack.close(s);
}

TEST(Routing, InterfaceConfigurationIsValidated) {
  TestEnv env;
  CaptureDevice dev;
  NetStack stack(env);
  ASSERT_EQ(stack.init(), 0);
  InterfaceConfig ic;
  ic.device = &dev;
  ic.mtu = 100;
  EXPECT_EQ(stack.add_interface(ic), -err::kInval);
  ic.mtu = 1500;
  ic.name = "a-name-that-is-far-too-long";
  EXPECT_EQ(stack.add_interface(ic), -err::kInval);
  ic.name = "eth0";
  ic.device = nullptr;
  EXPECT_EQ(stack.add_interface(ic), -err::kInval);
  EXPECT_EQ(stack.interface_count(), 1);  // just lo
  EXPECT_STREQ(stack.interface(0)->name, "lo");
}

}  // namespace
}  // namespace net::test
