#include <gtest/gtest.h>

#include <vector>

#include "guest/net/core.h"
#include "raw_frames.h"
#include "sim_network.h"

namespace net::test {
namespace {

struct UdpFixture : ::testing::Test {
  SimNetwork net;
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1));
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2));
  SocketId udp(SimHost& h) { return h.stack.socket(kAfInet, kSockDgram, 0); }
  int64_t receive(SimHost& h, SocketId s, void* buf, size_t len, SockAddrIn* from = nullptr,
                  int flags = 0) {
    int64_t n = -1;
    uint32_t from_len = sizeof(SockAddrIn);
    net.run_until([&] {
      n = h.stack.recvfrom(s, buf, len, flags, from, from != nullptr ? &from_len : nullptr);
      return n != -err::kAgain;
    }, 1 * kSec);
    return n;
  }
};

TEST_F(UdpFixture, SendtoAndRecvfromBothWays) {
  SocketId server = udp(b);
  ASSERT_EQ(bind_socket(b.stack, server, kIpv4Any, 5000), 0);
  SocketId client = udp(a);
  SockAddrIn to = sockaddr_of(b.address, 5000);
  ASSERT_EQ(a.stack.sendto(client, "request", 7, 0, &to, sizeof to), 7);
  char buf[64];
  SockAddrIn from{};
  ASSERT_EQ(receive(b, server, buf, sizeof buf, &from), 7);
  EXPECT_EQ(std::string(buf, 7), "request");
  EXPECT_EQ(be32_to_host(from.addr_be), a.address);
  uint16_t client_port = be16_to_host(from.port_be);
  EXPECT_GE(client_port, 32768);  // the implicit bind took an ephemeral port
  ASSERT_EQ(b.stack.sendto(server, "reply", 5, 0, &from, sizeof from), 5);
  SockAddrIn from2{};
  ASSERT_EQ(receive(a, client, buf, sizeof buf, &from2), 5);
  EXPECT_EQ(std::string(buf, 5), "reply");
  EXPECT_EQ(be16_to_host(from2.port_be), 5000);
  a.stack.close(client);
  b.stack.close(server);
}

TEST_F(UdpFixture, ConnectedSocketSendsToItsPeerAndFiltersOthers) {
  SocketId server = udp(b);
  ASSERT_EQ(bind_socket(b.stack, server, kIpv4Any, 5000), 0);
  SocketId connected = udp(b);
  ASSERT_EQ(bind_socket(b.stack, connected, kIpv4Any, 5001), 0);
  ASSERT_EQ(connect_socket(b.stack, connected, a.address, 6000), 0);
  SocketId from_6000 = udp(a);
  ASSERT_EQ(bind_socket(a.stack, from_6000, kIpv4Any, 6000), 0);
  SocketId from_6001 = udp(a);
  ASSERT_EQ(bind_socket(a.stack, from_6001, kIpv4Any, 6001), 0);
  SockAddrIn to = sockaddr_of(b.address, 5001);
  a.stack.sendto(from_6001, "stranger", 8, 0, &to, sizeof to);
  a.stack.sendto(from_6000, "peer", 4, 0, &to, sizeof to);
  char buf[16];
  ASSERT_EQ(receive(b, connected, buf, sizeof buf), 4);
  EXPECT_EQ(std::string(buf, 4), "peer");
  EXPECT_EQ(b.stack.recv(connected, buf, sizeof buf, 0), -err::kAgain);
  // send() without an address goes to the peer.
  ASSERT_EQ(b.stack.send(connected, "back", 4, 0), 4);
  ASSERT_EQ(receive(a, from_6000, buf, sizeof buf), 4);
  SockAddrIn peer{};
  uint32_t len = sizeof peer;
  ASSERT_EQ(b.stack.getpeername(connected, &peer, &len), 0);
  EXPECT_EQ(be16_to_host(peer.port_be), 6000);
  // AF_UNSPEC dissolves the association.
  SockAddrIn unspec{};
  ASSERT_EQ(b.stack.connect(connected, &unspec, sizeof unspec), 0);
  EXPECT_EQ(b.stack.getpeername(connected, &peer, &len), -err::kNotConn);
  EXPECT_EQ(b.stack.send(connected, "x", 1, 0), -err::kDestAddrReq);
  for (SocketId s : {from_6000, from_6001}) a.stack.close(s);
  for (SocketId s : {server, connected}) b.stack.close(s);
}

TEST_F(UdpFixture, ErrnoCases) {
  SocketId s = udp(a);
  char buf[4];
  EXPECT_EQ(a.stack.send(s, "x", 1, 0), -err::kDestAddrReq);
  EXPECT_EQ(a.stack.recv(s, buf, sizeof buf, 0), -err::kAgain);
  SockAddrIn peer{};
  uint32_t len = sizeof peer;
  EXPECT_EQ(a.stack.getpeername(s, &peer, &len), -err::kNotConn);
  std::vector<uint8_t> big(65508);
  SockAddrIn to = sockaddr_of(b.address, 9);
  EXPECT_EQ(a.stack.sendto(s, big.data(), big.size(), 0, &to, sizeof to), -err::kMsgSize);
  SockAddrIn short_to = to;
  EXPECT_EQ(a.stack.sendto(s, "x", 1, 0, &short_to, 8), -err::kInval);
  SockAddrIn port0 = sockaddr_of(b.address, 0);
  EXPECT_EQ(a.stack.sendto(s, "x", 1, 0, &port0, sizeof port0), -err::kInval);
  SockAddrIn unix_family = to;
  unix_family.family = kAfUnix;
  EXPECT_EQ(a.stack.connect(s, &unix_family, sizeof unix_family), -err::kAfNoSupport);
  EXPECT_EQ(bind_socket(a.stack, s, make_ipv4(10, 9, 9, 9), 7), -err::kAddrNotAvail);
  EXPECT_EQ(bind_socket(a.stack, s, kIpv4Any, 7000), 0);
  EXPECT_EQ(bind_socket(a.stack, s, kIpv4Any, 7001), -err::kInval);  // already bound
  SockAddrIn any = sockaddr_of(kIpv4Any, 7002);
  EXPECT_EQ(a.stack.bind(s, &any, 8), -err::kInval);  // short address
  SocketId t = udp(a);
  EXPECT_EQ(bind_socket(a.stack, t, kIpv4Any, 7000), -err::kAddrInUse);
  EXPECT_EQ(bind_socket(a.stack, t, a.address, 7000), -err::kAddrInUse);  // overlaps the wildcard
  EXPECT_EQ(a.stack.listen(s, 1), -err::kOpNotSupp);
  EXPECT_EQ(a.stack.accept(s, nullptr, nullptr), -err::kOpNotSupp);
  // The largest datagram is accepted (and leaves in fragments).
  EXPECT_EQ(a.stack.sendto(s, big.data(), 65507, 0, &to, sizeof to), 65507);
  a.stack.close(s);
  a.stack.close(t);
}

TEST_F(UdpFixture, ReuseAddrLetsSocketsShareAPort) {
  SocketId s = udp(a), t = udp(a);
  int one = 1;
  ASSERT_EQ(a.stack.setsockopt(s, kSolSocket, kSoReuseAddr, &one, sizeof one), 0);
  ASSERT_EQ(bind_socket(a.stack, s, kIpv4Any, 7000), 0);
  EXPECT_EQ(bind_socket(a.stack, t, kIpv4Any, 7000), -err::kAddrInUse);  // t has no SO_REUSEADDR
  ASSERT_EQ(a.stack.setsockopt(t, kSolSocket, kSoReuseAddr, &one, sizeof one), 0);
  EXPECT_EQ(bind_socket(a.stack, t, kIpv4Any, 7000), 0);
  a.stack.close(s);
  a.stack.close(t);
}

TEST_F(UdpFixture, PeekTruncationAndMessageBoundaries) {
  SocketId server = udp(b);
  ASSERT_EQ(bind_socket(b.stack, server, kIpv4Any, 5000), 0);
  SocketId client = udp(a);
  SockAddrIn to = sockaddr_of(b.address, 5000);
  a.stack.sendto(client, "first datagram", 14, 0, &to, sizeof to);
  a.stack.sendto(client, "second", 6, 0, &to, sizeof to);
  char buf[64];
  ASSERT_EQ(receive(b, server, buf, sizeof buf, nullptr, kMsgPeek), 14);
  net.run_for(10 * kMs);
  EXPECT_EQ(b.stack.recv(server, buf, sizeof buf, kMsgPeek), 14);  // still there
  // A short buffer truncates; the rest of the datagram is gone.
  IoVec iov{buf, 5};
  MsgHeader msg{};
  msg.iov = &iov;
  msg.iovlen = 1;
  EXPECT_EQ(b.stack.recvmsg(server, &msg, 0), 5);
  EXPECT_TRUE(msg.flags & kMsgTrunc);
  EXPECT_EQ(std::string(buf, 5), "first");
  // MSG_TRUNC returns the real length.
  EXPECT_EQ(b.stack.recv(server, buf, 2, kMsgTrunc), 6);
  EXPECT_EQ(b.stack.recv(server, buf, sizeof buf, 0), -err::kAgain);
  a.stack.close(client);
  b.stack.close(server);
}

TEST_F(UdpFixture, ScatterGatherThroughIovecs) {
  SocketId server = udp(b);
  ASSERT_EQ(bind_socket(b.stack, server, kIpv4Any, 5000), 0);
  SocketId client = udp(a);
  char p1[] = "abc", p2[] = "", p3[] = "defgh";
  IoVec out[3] = {{p1, 3}, {p2, 0}, {p3, 5}};
  SockAddrIn to = sockaddr_of(b.address, 5000);
  MsgHeader msg{};
  msg.name = &to;
  msg.namelen = sizeof to;
  msg.iov = out;
  msg.iovlen = 3;
  ASSERT_EQ(a.stack.sendmsg(client, msg, 0), 8);
  char r1[2], r2[10];
  IoVec in[2] = {{r1, 2}, {r2, 10}};
  MsgHeader rmsg{};
  rmsg.iov = in;
  rmsg.iovlen = 2;
  int64_t n = -1;
  ASSERT_TRUE(net.run_until([&] { return (n = b.stack.recvmsg(server, &rmsg, 0)) >= 0; }, kSec));
  EXPECT_EQ(n, 8);
  EXPECT_EQ(std::string(r1, 2) + std::string(r2, 6), "abcdefgh");
  a.stack.close(client);
  b.stack.close(server);
}

TEST_F(UdpFixture, ReceiveBufferLimitDropsDatagrams) {
  SocketId server = udp(b);
  int size = 2048;  // stored doubled: 4096 bytes of datagrams + overhead
  ASSERT_EQ(b.stack.setsockopt(server, kSolSocket, kSoRcvBuf, &size, sizeof size), 0);
  int stored = 0;
  uint32_t len = sizeof stored;
  ASSERT_EQ(b.stack.getsockopt(server, kSolSocket, kSoRcvBuf, &stored, &len), 0);
  EXPECT_EQ(stored, 4096);
  ASSERT_EQ(bind_socket(b.stack, server, kIpv4Any, 5000), 0);
  SocketId client = udp(a);
  SockAddrIn to = sockaddr_of(b.address, 5000);
  std::vector<uint8_t> payload(1000, 7);
  for (int i = 0; i < 10; ++i) a.stack.sendto(client, payload.data(), payload.size(), 0, &to, sizeof to);
  net.run_for(50 * kMs);
  // Queued while the charge (1000 + 256 per datagram) was at most 4096:
  // after 4 datagrams (5024) the rest are dropped.
  EXPECT_EQ(b.stack.counters().udp.rx_datagrams, 4u);
  EXPECT_EQ(b.stack.counters().udp.rx_queue_full_drops, 6u);
  char buf[1500];
  int got = 0;
  while (b.stack.recv(server, buf, sizeof buf, 0) == 1000) ++got;
  EXPECT_EQ(got, 4);
  a.stack.close(client);
  b.stack.close(server);
}

TEST_F(UdpFixture, LargeDatagramsLeaveInFragmentsThatAReceiverDrops) {
  SocketId server = udp(b);
  ASSERT_EQ(bind_socket(b.stack, server, kIpv4Any, 5000), 0);
  SocketId client = udp(a);
  std::vector<Bytes> fragments;
  net.set_filter([&](const SimHost&, const FrameInfo& info, std::vector<uint8_t>& frame) {
    if (info.ipv4 && info.protocol == 17) fragments.push_back(frame);
    return SimNetwork::Verdict::Deliver;
  });
  std::vector<uint8_t> payload = pattern_bytes(4000, 3);
  SockAddrIn to = sockaddr_of(b.address, 5000);
  ASSERT_EQ(a.stack.sendto(client, payload.data(), payload.size(), 0, &to, sizeof to), 4000);
  net.run_for(50 * kMs);
  ASSERT_EQ(fragments.size(), 3u);  // 1480 + 1480 + 1048 data bytes
  Bytes reassembled;
  for (size_t i = 0; i < fragments.size(); ++i) {
    Ipv4View v = parse_ipv4_frame(fragments[i]);
    ASSERT_TRUE(v.valid);
    bool more = v.fragment_field & 0x2000;
    EXPECT_EQ(more, i + 1 < fragments.size());
    EXPECT_EQ((v.fragment_field & 0x1fff) * 8u, reassembled.size());
    reassembled.insert(reassembled.end(), v.payload.begin(), v.payload.end());
  }
  ASSERT_EQ(reassembled.size(), 4008u);
  EXPECT_EQ(Bytes(reassembled.begin() + 8, reassembled.end()), payload);
  EXPECT_EQ(b.stack.counters().ipv4.rx_fragments_dropped, 3u);
  a.stack.close(client);
  b.stack.close(server);
}

TEST(Udp, ChecksumErrorsAreDroppedAndCounted) {
  OneHost h;
  h.learn_peer();
  SocketId s = h.stack.socket(kAfInet, kSockDgram, 0);
  ASSERT_EQ(bind_socket(h.stack, s, kIpv4Any, 53), 0);
  Bytes good = udp_datagram(OneHost::kPeer, OneHost::kAddress, 1000, 53, {1, 2, 3});
  Bytes bad = good;
  bad[9] ^= 0x40;
  Bytes none = udp_datagram(OneHost::kPeer, OneHost::kAddress, 1000, 53, {4}, false);
  h.inject_ip(ipv4_packet(OneHost::kPeer, OneHost::kAddress, 17, bad));
  h.inject_ip(ipv4_packet(OneHost::kPeer, OneHost::kAddress, 17, good));
  h.inject_ip(ipv4_packet(OneHost::kPeer, OneHost::kAddress, 17, none));  // checksum 0: none sent
  EXPECT_EQ(h.stack.counters().udp.rx_bad_checksum, 1u);
  EXPECT_EQ(h.stack.counters().udp.rx_datagrams, 2u);
  h.stack.close(s);
}

}  // namespace
}  // namespace net::test
