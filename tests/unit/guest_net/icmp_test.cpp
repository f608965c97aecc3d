#include <gtest/gtest.h>

#include "guest/net/checksum.h"
#include "raw_frames.h"
#include "sim_network.h"

namespace net::test {
namespace {

TEST(Icmp, AnswersEchoRequestsWithTheSamePayload) {
  OneHost h;
  h.learn_peer();
  Bytes data = {1, 2, 3, 4, 5, 6, 7};
  h.inject_ip(ipv4_packet(OneHost::kPeer, OneHost::kAddress, 1, icmp_echo(8, 0x4242, 9, data)));
  auto frames = h.take_frames();
  ASSERT_EQ(frames.size(), 1u);
  Ipv4View v = parse_ipv4_frame(frames[0]);
  ASSERT_TRUE(v.valid);
  EXPECT_EQ(v.source, OneHost::kAddress);
  EXPECT_EQ(v.destination, OneHost::kPeer);
  EXPECT_EQ(v.protocol, 1);
  EXPECT_EQ(v.payload, icmp_echo(0, 0x4242, 9, data));
  EXPECT_EQ(internet_checksum(v.payload.data(), v.payload.size()), 0);
  EXPECT_EQ(h.stack.counters().icmp.tx_echo_replies, 1u);
}

TEST(Icmp, IgnoresBroadcastEchoAndCountsBadChecksums) {
  OneHost h;
  h.learn_peer();
  h.inject_ip(ipv4_packet(OneHost::kPeer, make_ipv4(10, 0, 0, 255), 1, icmp_echo(8, 1, 1, {})));
  Bytes bad = icmp_echo(8, 1, 1, {9, 9});
  bad[9] ^= 1;
  h.inject_ip(ipv4_packet(OneHost::kPeer, OneHost::kAddress, 1, bad));
  EXPECT_TRUE(h.take_frames().empty());
  EXPECT_EQ(h.stack.counters().icmp.rx_echo_requests, 1u);
  EXPECT_EQ(h.stack.counters().icmp.rx_bad_checksum, 1u);
}

TEST(Icmp, PingSocketSendsRequestsAndReceivesReplies) {
  SimNetwork net;
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1));
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2));
  SocketId s = a.stack.socket(kAfInet, kSockDgram, kIpprotoIcmp);
  ASSERT_GE(s, 0);
  Bytes request = icmp_echo(8, 0, 77, {'p', 'i', 'n', 'g'});
  request[2] = request[3] = 0;  // the stack fills in the checksum and identifier
  SockAddrIn to = sockaddr_of(b.address, 0);
  ASSERT_EQ(a.stack.sendto(s, request.data(), request.size(), 0, &to, sizeof to), 12);
  uint8_t reply[64];
  SockAddrIn from{};
  uint32_t from_len = sizeof from;
  int64_t n = -1;
  ASSERT_TRUE(net.run_until([&] {
    n = a.stack.recvfrom(s, reply, sizeof reply, 0, &from, &from_len);
    return n >= 0;
  }, 1 * kSec));
  ASSERT_EQ(n, 12);
  EXPECT_EQ(reply[0], 0);                  // echo reply
  EXPECT_EQ(load_be16(reply + 6), 77);     // sequence number kept
  SockAddrIn name{};
  uint32_t name_len = sizeof name;
  ASSERT_EQ(a.stack.getsockname(s, &name, &name_len), 0);
  EXPECT_EQ(load_be16(reply + 4), be16_to_host(name.port_be));  // our identifier
  EXPECT_EQ(be32_to_host(from.addr_be), b.address);
  EXPECT_EQ(b.stack.counters().icmp.tx_echo_replies, 1u);
  // Only echo requests may be sent.
  Bytes not_echo = icmp_echo(13, 0, 0, {});
  EXPECT_EQ(a.stack.sendto(s, not_echo.data(), not_echo.size(), 0, &to, sizeof to), -err::kInval);
  EXPECT_EQ(a.stack.sendto(s, "abc", 3, 0, &to, sizeof to), -err::kInval);
  a.stack.close(s);
}

TEST(Icmp, UdpToAClosedPortGetsPortUnreachableAndAConnectedSocketSeesIt) {
  SimNetwork net;
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1));
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2));
  SocketId s = a.stack.socket(kAfInet, kSockDgram, 0);
  ASSERT_EQ(connect_socket(a.stack, s, b.address, 4444), 0);
  ASSERT_EQ(a.stack.send(s, "hello", 5, 0), 5);
  ASSERT_TRUE(net.run_until([&] { return (a.stack.poll(s) & kPollErr) != 0; }, 1 * kSec));
  EXPECT_EQ(b.stack.counters().udp.rx_no_port, 1u);
  EXPECT_EQ(b.stack.counters().icmp.tx_dest_unreachable, 1u);
  EXPECT_EQ(a.stack.counters().icmp.rx_dest_unreachable, 1u);
  char buf[8];
  EXPECT_EQ(a.stack.recv(s, buf, sizeof buf, 0), -err::kConnRefused);
  EXPECT_EQ(a.stack.recv(s, buf, sizeof buf, 0), -err::kAgain);  // reported once
  a.stack.close(s);
}

}  // namespace
}  // namespace net::test
