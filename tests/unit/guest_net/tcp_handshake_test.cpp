// Connection set-up: both opens, simultaneous open, refusal, MSS and window
// scale options, the backlog.
#include <gtest/gtest.h>

#include "guest/net/core.h"
#include "sim_network.h"

namespace net::test {
namespace {

struct TcpFixture : ::testing::Test {
  SimNetwork net;
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1));
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2));
};

TEST_F(TcpFixture, ActiveAndPassiveOpenReportLikeLinux) {
  SocketId listener = b.stack.socket(kAfInet, kSockStream, 0);
  ASSERT_EQ(bind_socket(b.stack, listener, kIpv4Any, 80), 0);
  ASSERT_EQ(b.stack.listen(listener, 4), 0);
  EXPECT_EQ(b.stack.accept(listener, nullptr, nullptr), -err::kAgain);
  EXPECT_EQ(b.stack.poll(listener), 0u);

  SocketId c = a.stack.socket(kAfInet, kSockStream, 0);
  EXPECT_EQ(connect_socket(a.stack, c, b.address, 80), -err::kInProgress);
  EXPECT_EQ(connect_socket(a.stack, c, b.address, 80), -err::kAlready);
  EXPECT_EQ(a.stack.poll(c) & kPollOut, 0u);
  ASSERT_TRUE(net.run_until([&] { return (b.stack.poll(listener) & kPollIn) != 0; }, kSec));
  EXPECT_GT(b.env.wakes(listener), 0u);
  EXPECT_TRUE(a.stack.poll(c) & kPollOut);
  EXPECT_EQ(connect_socket(a.stack, c, b.address, 80), 0);  // reports success once
  EXPECT_EQ(connect_socket(a.stack, c, b.address, 80), -err::kIsConn);

  SockAddrIn peer{};
  uint32_t len = sizeof peer;
  SocketId s = b.stack.accept(listener, &peer, &len);
  ASSERT_GE(s, 0);
  EXPECT_EQ(len, sizeof(SockAddrIn));
  EXPECT_EQ(be32_to_host(peer.addr_be), a.address);
  SockAddrIn name{};
  len = sizeof name;
  ASSERT_EQ(a.stack.getsockname(c, &name, &len), 0);
  EXPECT_EQ(be16_to_host(peer.port_be), be16_to_host(name.port_be));
  EXPECT_EQ(be32_to_host(name.addr_be), a.address);
  len = sizeof name;
  ASSERT_EQ(b.stack.getpeername(s, &name, &len), 0);
  EXPECT_EQ(be32_to_host(name.addr_be), a.address);
  EXPECT_EQ(b.stack.counters().tcp.passive_opens, 1u);
  EXPECT_EQ(a.stack.counters().tcp.active_opens, 1u);
  EXPECT_EQ(a.stack.poll(c), kPollOut | kPollWrNorm);
  a.stack.close(c);
  b.stack.close(s);
  b.stack.close(listener);
}

TEST_F(TcpFixture, ConnectionRefused) {
  SocketId c = a.stack.socket(kAfInet, kSockStream, 0);
  ASSERT_EQ(connect_socket(a.stack, c, b.address, 81), -err::kInProgress);
  ASSERT_TRUE(net.run_until([&] { return (a.stack.poll(c) & kPollErr) != 0; }, kSec));
  uint32_t mask = a.stack.poll(c);
  EXPECT_EQ(mask & (kPollErr | kPollHup | kPollIn | kPollOut | kPollRdHup),
            kPollErr | kPollHup | kPollIn | kPollOut | kPollRdHup);  // as Linux
  int error = 0;
  uint32_t len = sizeof error;
  // connect() reports it (a blocking glue calls connect again after the wait).
  EXPECT_EQ(connect_socket(a.stack, c, b.address, 81), -err::kConnRefused);
  ASSERT_EQ(a.stack.getsockopt(c, kSolSocket, kSoError, &error, &len), 0);
  EXPECT_EQ(error, 0);  // already reported
  EXPECT_EQ(b.stack.counters().tcp.resets_sent, 1u);
  EXPECT_EQ(a.stack.counters().tcp.refused, 1u);

  // A second attempt starts afresh; SO_ERROR reports the refusal this time.
  EXPECT_EQ(connect_socket(a.stack, c, b.address, 81), -err::kInProgress);
  ASSERT_TRUE(net.run_until([&] { return (a.stack.poll(c) & kPollErr) != 0; }, kSec));
  len = sizeof error;
  ASSERT_EQ(a.stack.getsockopt(c, kSolSocket, kSoError, &error, &len), 0);
  EXPECT_EQ(error, err::kConnRefused);
  char buf[4];
  EXPECT_EQ(a.stack.recv(c, buf, sizeof buf, 0), 0);  // Linux: end of file after the error
  EXPECT_EQ(a.stack.send(c, "x", 1, 0), -err::kPipe);
  a.stack.close(c);
}

TEST_F(TcpFixture, SimultaneousOpen) {
  SocketId x = a.stack.socket(kAfInet, kSockStream, 0);
  SocketId y = b.stack.socket(kAfInet, kSockStream, 0);
  ASSERT_EQ(bind_socket(a.stack, x, kIpv4Any, 1111), 0);
  ASSERT_EQ(bind_socket(b.stack, y, kIpv4Any, 2222), 0);
  ASSERT_EQ(connect_socket(a.stack, x, b.address, 2222), -err::kInProgress);
  ASSERT_EQ(connect_socket(b.stack, y, a.address, 1111), -err::kInProgress);
  int rx = 1, ry = 1;
  ASSERT_TRUE(net.run_until([&] {
    if (rx != 0) rx = connect_socket(a.stack, x, b.address, 2222);
    if (ry != 0) ry = connect_socket(b.stack, y, a.address, 1111);
    return rx == 0 && ry == 0;
  }, 5 * kSec)) << rx << " " << ry;
  // Both SYNs crossed: each side went SYN-SENT -> SYN-RECEIVED -> ESTABLISHED.
  EXPECT_EQ(a.stack.counters().tcp.passive_opens + b.stack.counters().tcp.passive_opens, 0u);
  std::vector<uint8_t> data = pattern_bytes(10000, 1);
  StreamPump pump(a.stack, x, b.stack, y, data);
  ASSERT_TRUE(net.run_until([&] { pump.pump(); return pump.done(); }, 5 * kSec));
  EXPECT_EQ(pump.received(), data);
  a.stack.close(x);
  b.stack.close(y);
}

// Decodes the options of a SYN.
struct SynOptions {
  int mss = -1;
  int window_scale = -1;
};
SynOptions syn_options(const std::vector<uint8_t>& frame) {
  SynOptions o;
  const uint8_t* tcp = frame.data() + 14 + 20;
  size_t header = (tcp[12] >> 4) * 4u;
  for (size_t i = 20; i < header;) {
    if (tcp[i] == 1) { ++i; continue; }
    if (tcp[i] == 0) break;
    if (tcp[i] == 2) o.mss = load_be16(tcp + i + 2);
    if (tcp[i] == 3) o.window_scale = tcp[i + 2];
    i += tcp[i + 1];
  }
  return o;
}

TEST(TcpOptions, MssFollowsTheMtuAndWindowScaleTheBuffer) {
  SimNetwork net;
  NetConfig small_mtu;
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1));
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2), small_mtu);
  // b's interface gets MTU 1000: it announces MSS 960, and a sends no more.
  b.stack.core().interfaces[b.iface].mtu = 1000;
  std::vector<std::vector<uint8_t>> syns;
  size_t largest_from_a = 0;
  net.set_filter([&](const SimHost& from, const FrameInfo& info, std::vector<uint8_t>& frame) {
    if (info.protocol == 6 && (info.tcp_flags & kTcpSyn)) syns.push_back(frame);
    if (info.protocol == 6 && &from == &a) largest_from_a = std::max(largest_from_a, info.payload_len);
    return SimNetwork::Verdict::Deliver;
  });
  TcpPair p = open_tcp_pair(net, a, b, 80);
  ASSERT_EQ(syns.size(), 2u);
  SynOptions syn = syn_options(syns[0]), synack = syn_options(syns[1]);
  EXPECT_EQ(syn.mss, 1460);
  EXPECT_EQ(synack.mss, 960);
  // 128 KiB buffers need a shift of 2 (RFC 7323): offered and answered.
  EXPECT_EQ(syn.window_scale, 2);
  EXPECT_EQ(synack.window_scale, 2);
  std::vector<uint8_t> data = pattern_bytes(300000, 5);
  StreamPump pump(a.stack, p.client, b.stack, p.server, data);
  ASSERT_TRUE(net.run_until([&] { pump.pump(); return pump.done(); }, 10 * kSec));
  EXPECT_EQ(pump.received(), data);
  EXPECT_EQ(largest_from_a, 960u);
  TcpConnection* c = a.stack.core().tcp.first_connection();
  while (c != nullptr && c->state != TcpState::Established) c = Tcp::next_connection(c);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->snd_mss, 960);
  EXPECT_GT(c->max_snd_wnd, 65535u);  // the scaled window went beyond 64 KiB
}

TEST_F(TcpFixture, BacklogLimitsPendingConnections) {
  SocketId listener = b.stack.socket(kAfInet, kSockStream, 0);
  ASSERT_EQ(bind_socket(b.stack, listener, kIpv4Any, 80), 0);
  ASSERT_EQ(b.stack.listen(listener, 1), 0);  // Linux admits backlog + 1
  std::vector<SocketId> clients;
  for (int i = 0; i < 3; ++i) {
    SocketId c = a.stack.socket(kAfInet, kSockStream, 0);
    ASSERT_EQ(connect_socket(a.stack, c, b.address, 80), -err::kInProgress);
    clients.push_back(c);
  }
  net.run_for(500 * kMs);
  EXPECT_GT(b.stack.counters().tcp.backlog_drops, 0u);
  int established = 0;
  for (SocketId c : clients) established += (a.stack.poll(c) & kPollOut) ? 1 : 0;
  EXPECT_EQ(established, 2);
  // Accepting makes room: the third one's SYN retransmission gets in.
  ASSERT_GE(b.stack.accept(listener, nullptr, nullptr), 0);
  ASSERT_GE(b.stack.accept(listener, nullptr, nullptr), 0);
  ASSERT_TRUE(net.run_until([&] { return b.stack.accept(listener, nullptr, nullptr) >= 0; }, 5 * kSec));
  for (SocketId c : clients) a.stack.close(c);
  b.stack.close(listener);
}

TEST_F(TcpFixture, ClosingAListenerResetsUnacceptedConnections) {
  SocketId listener = b.stack.socket(kAfInet, kSockStream, 0);
  ASSERT_EQ(bind_socket(b.stack, listener, kIpv4Any, 80), 0);
  ASSERT_EQ(b.stack.listen(listener, 8), 0);
  SocketId c = a.stack.socket(kAfInet, kSockStream, 0);
  ASSERT_EQ(connect_socket(a.stack, c, b.address, 80), -err::kInProgress);
  ASSERT_TRUE(net.run_until([&] { return (b.stack.poll(listener) & kPollIn) != 0; }, kSec));
  b.stack.close(listener);
  ASSERT_TRUE(net.run_until([&] { return (a.stack.poll(c) & kPollErr) != 0; }, kSec));
  char buf[4];
  EXPECT_EQ(a.stack.recv(c, buf, sizeof buf, 0), -err::kConnReset);
  a.stack.close(c);
  net.run_for(kSec);
  EXPECT_EQ(b.stack.core().tcp.connection_count(), 0u);
}

TEST_F(TcpFixture, ConnectErrors) {
  SocketId c = a.stack.socket(kAfInet, kSockStream, 0);
  EXPECT_EQ(connect_socket(a.stack, c, make_ipv4(192, 168, 99, 1), 80), -err::kNetUnreach);
  SockAddrIn bad = sockaddr_of(b.address, 80);
  EXPECT_EQ(a.stack.connect(c, &bad, 4), -err::kInval);
  bad.family = kAfUnix;
  EXPECT_EQ(a.stack.connect(c, &bad, sizeof bad), -err::kAfNoSupport);
  SocketId l = a.stack.socket(kAfInet, kSockStream, 0);
  ASSERT_EQ(a.stack.listen(l, 1), 0);  // implicit bind to an ephemeral port
  SockAddrIn name{};
  uint32_t len = sizeof name;
  ASSERT_EQ(a.stack.getsockname(l, &name, &len), 0);
  EXPECT_GE(be16_to_host(name.port_be), 32768);
  EXPECT_EQ(connect_socket(a.stack, l, b.address, 80), -err::kIsConn);
  a.stack.close(c);
  a.stack.close(l);
}

}  // namespace
}  // namespace net::test
