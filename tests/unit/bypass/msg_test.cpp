// BypassNet's sendmsg and recvmsg through the real host side: iovecs
// gathered into one datagram on the way out and one datagram scattered into
// them on the way back, the address in and out as sendto/recvfrom's, and
// Linux's errors for what Linux refuses.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "tests/unit/bypass/bypass_rig.h"
#include "tests/unit/bypass/host_peers.h"

namespace bypass::test {
namespace {

using std::chrono::milliseconds;
constexpr net::Ipv4Addr kSlirpHost = net::make_ipv4(10, 0, 3, 2);  // the host's loopback

net::MsgHeader message(net::IoVec* iov, size_t iovlen, net::SockAddrIn* name) {
  net::MsgHeader m{};
  m.name = name;
  m.namelen = name != nullptr ? sizeof *name : 0;
  m.iov = iov;
  m.iovlen = iovlen;
  return m;
}

TEST(BypassMsg, SendmsgGathersIovecsIntoOneDatagramAndRecvmsgScattersTheEchoWithItsSender) {
  UdpEchoPeer peer;
  ASSERT_NE(peer.port(), 0);
  BypassRig rig;
  ASSERT_EQ(rig.started, 0);
  int s = rig.net.socket(net::kAfInet, net::kSockDgram, 0);
  ASSERT_GE(s, 0);
  net::SockAddrIn to = ipv4_socket_address(kSlirpHost, peer.port());
  uint8_t a[5] = {'h', 'e', 'l', 'l', 'o'}, b[1] = {','}, c[6] = {' ', 'w', 'o', 'r', 'l', 'd'};
  net::IoVec out[4] = {{a, sizeof a}, {nullptr, 0}, {b, sizeof b}, {c, sizeof c}};  // an empty one too
  net::MsgHeader sent = message(out, 4, &to);
  ASSERT_EQ(rig.net.sendmsg(s, sent, 0), 12);

  uint8_t first[4] = {}, second[8] = {};
  net::IoVec in[2] = {{first, sizeof first}, {second, sizeof second}};
  net::SockAddrIn from{};
  net::MsgHeader received = message(in, 2, &from);
  received.namelen = 64;  // room for more: the real size comes back
  received.flags = 0x7;   // an output: cleared
  ASSERT_EQ(rig.net.recvmsg_until(s, &received, rig.deadline_in(milliseconds(3000))), 12)
      << rig.net.failure().where << ": " << rig.net.failure().reason();
  EXPECT_EQ(std::memcmp(first, "hell", 4), 0);
  EXPECT_EQ(std::memcmp(second, "o, world", 8), 0);
  EXPECT_EQ(received.namelen, sizeof(net::SockAddrIn));
  EXPECT_EQ(from.family, net::kAfInet);
  EXPECT_EQ(from.addr_be, net::host_to_be32(kSlirpHost));
  EXPECT_EQ(from.port_be, net::host_to_be16(peer.port()));
  EXPECT_EQ(received.flags, 0);
  EXPECT_EQ(peer.echoed(), 1u);
  rig.net.close(s);
}

TEST(BypassMsg, RecvmsgIntoTooLittleRoomTruncatesTheDatagramAndSaysSo) {
  UdpEchoPeer peer;
  ASSERT_NE(peer.port(), 0);
  BypassRig rig;
  ASSERT_EQ(rig.started, 0);
  int s = rig.net.socket(net::kAfInet, net::kSockDgram, 0);
  net::SockAddrIn to = ipv4_socket_address(kSlirpHost, peer.port());
  ASSERT_EQ(rig.net.connect(s, &to, sizeof to), 0);
  std::vector<uint8_t> datagram(100);
  for (size_t i = 0; i < datagram.size(); ++i) datagram[i] = static_cast<uint8_t>(i);
  ASSERT_EQ(rig.net.send(s, datagram.data(), datagram.size(), 0), 100);

  uint8_t x[10] = {}, y[20] = {};
  net::IoVec in[2] = {{x, sizeof x}, {y, sizeof y}};
  net::MsgHeader received = message(in, 2, nullptr);
  ASSERT_EQ(rig.net.recvmsg_until(s, &received, rig.deadline_in(milliseconds(3000))), 30);
  EXPECT_NE(received.flags & net::kMsgTrunc, 0);
  EXPECT_EQ(received.namelen, 0u);
  EXPECT_EQ(std::memcmp(x, datagram.data(), 10), 0);
  EXPECT_EQ(std::memcmp(y, datagram.data() + 10, 20), 0);
  // The rest of the datagram is gone, as on Linux.
  EXPECT_EQ(rig.net.recvmsg(s, &received, 0), -net::err::kAgain);
  rig.net.close(s);
}

TEST(BypassMsg, RefusesWhatLinuxRefuses) {
  BypassRig rig;
  ASSERT_EQ(rig.started, 0);
  int s = rig.net.socket(net::kAfInet, net::kSockDgram, 0);
  net::SockAddrIn to = ipv4_socket_address(kSlirpHost, 9);
  uint8_t byte = 1;
  std::vector<net::IoVec> many(1025, net::IoVec{&byte, 1});  // UIO_MAXIOV + 1
  net::MsgHeader too_many = message(many.data(), many.size(), &to);
  EXPECT_EQ(rig.net.sendmsg(s, too_many, 0), -net::err::kMsgSize);
  EXPECT_EQ(rig.net.recvmsg(s, &too_many, 0), -net::err::kMsgSize);

  std::vector<uint8_t> big(65508);  // one byte more than a UDP payload can be
  net::IoVec halves[2] = {{big.data(), 30000}, {big.data() + 30000, big.size() - 30000}};
  EXPECT_EQ(rig.net.sendmsg(s, message(halves, 2, &to), 0), -net::err::kMsgSize);
  EXPECT_EQ(rig.net.sendmsg(s, message(halves, 1, nullptr), 0), -net::err::kDestAddrReq);

  net::MsgHeader short_name = message(halves, 1, &to);
  short_name.namelen = 8;
  EXPECT_EQ(rig.net.sendmsg(s, short_name, 0), -net::err::kInval);
  net::MsgHeader no_array = message(nullptr, 2, &to);
  EXPECT_EQ(rig.net.sendmsg(s, no_array, 0), -net::err::kFault);
  EXPECT_EQ(rig.net.recvmsg(s, nullptr, 0), -net::err::kFault);
  EXPECT_EQ(rig.net.sendmsg(999, message(halves, 1, &to), 0), -net::err::kBadF);
  rig.net.close(s);
}

TEST(BypassMsg, ARecvmsgWithNothingComingEndsAtItsDeadline) {
  BypassRig rig;
  ASSERT_EQ(rig.started, 0);
  int s = rig.net.socket(net::kAfInet, net::kSockDgram, 0);
  net::SockAddrIn any = ipv4_socket_address(net::kIpv4Any, 4001);
  ASSERT_EQ(rig.net.bind(s, &any, sizeof any), 0);
  uint8_t buf[16];
  net::IoVec in{buf, sizeof buf};
  net::MsgHeader m = message(&in, 1, nullptr);
  EXPECT_EQ(rig.net.recvmsg_until(s, &m, rig.deadline_in(milliseconds(50))), -net::err::kTimedOut);
  rig.net.close(s);
}

TEST(BypassMsg, BeforeStartBothSayTheNetworkIsDown) {
  BypassNet never_started;
  uint8_t byte = 0;
  net::IoVec iov{&byte, 1};
  net::MsgHeader m = message(&iov, 1, nullptr);
  EXPECT_EQ(never_started.sendmsg(0, m, 0), -kNetDown);
  EXPECT_EQ(never_started.recvmsg(0, &m, 0), -kNetDown);
}

}  // namespace
}  // namespace bypass::test
