// Closing: FIN in both orders and at once, TIME-WAIT, resets, shutdown.
#include <gtest/gtest.h>

#include "guest/net/checksum.h"
#include "guest/net/core.h"
#include "sim_network.h"

namespace net::test {
namespace {

struct CloseFixture : ::testing::Test {
  NetConfig config() {
    NetConfig c;
    c.tcp_time_wait_ns = 10 * kSec;
    return c;
  }
  void SetUp() override { p = open_tcp_pair(net, a, b, 80); }
  void TearDown() override {
    b.stack.close(p.listener);
    net.run_for(30 * kSec);  // let TIME-WAIT end
    EXPECT_EQ(a.stack.core().tcp.connection_count(), 0u);
    EXPECT_EQ(b.stack.core().tcp.connection_count(), 0u);
  }
  TcpState state_of(SimHost& h, uint16_t local_port_or_0 = 0) {
    for (TcpConnection* c = h.stack.core().tcp.first_connection(); c; c = Tcp::next_connection(c)) {
      if (c->state == TcpState::Listen) continue;
      if (local_port_or_0 == 0 || c->local_port == local_port_or_0) return c->state;
    }
    return TcpState::Closed;
  }
  SimNetwork net;
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1), config());
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2), config());
  TcpPair p;
};

TEST_F(CloseFixture, ActiveCloseByTheClient) {
  ASSERT_EQ(a.stack.send(p.client, "bye", 3, 0), 3);
  ASSERT_EQ(a.stack.shutdown(p.client, kShutWr), 0);
  EXPECT_EQ(a.stack.send(p.client, "x", 1, 0), -err::kPipe);
  char buf[8];
  ASSERT_TRUE(net.run_until([&] { return state_of(a) == TcpState::FinWait2; }, kSec));
  EXPECT_TRUE(b.stack.poll(p.server) & kPollRdHup);
  EXPECT_EQ(b.stack.recv(p.server, buf, sizeof buf, 0), 3);
  EXPECT_EQ(b.stack.recv(p.server, buf, sizeof buf, 0), 0);  // end of file
  EXPECT_EQ(state_of(b), TcpState::CloseWait);
  // The half-closed direction still works.
  ASSERT_EQ(b.stack.send(p.server, "late", 4, 0), 4);
  ASSERT_TRUE(net.run_until([&] { return a.stack.recv(p.client, buf, sizeof buf, 0) == 4; }, kSec));
  b.stack.close(p.server);
  ASSERT_TRUE(net.run_until([&] { return state_of(a) == TcpState::TimeWait; }, kSec));
  EXPECT_EQ(a.stack.recv(p.client, buf, sizeof buf, 0), 0);
  EXPECT_TRUE(a.stack.poll(p.client) & kPollHup);
  a.stack.close(p.client);
  // TIME-WAIT lasts 2*MSL (10 s here), then the connection is gone.
  net.run_for(9 * kSec);
  EXPECT_EQ(state_of(a), TcpState::TimeWait);
  net.run_for(2 * kSec);
  EXPECT_EQ(a.stack.core().tcp.connection_count(), 0u);
  EXPECT_EQ(a.stack.counters().tcp.time_wait_expired, 1u);
}

TcpConnection* time_wait_connection(SimHost& h) {
  for (TcpConnection* c = h.stack.core().tcp.first_connection(); c; c = Tcp::next_connection(c))
    if (c->state == TcpState::TimeWait) return c;
  return nullptr;
}

// An orphan in TIME-WAIT sends and reads nothing more: its buffers (here
// 2 x 128 KiB) go back when it gets there, not 2*MSL later, so that a
// process opening and closing many connections (netbench --bypass, in an
// arena of a few MiB) does not run out of memory.
TEST_F(CloseFixture, AConnectionClosedBeforeTimeWaitGivesItsBuffersBackOnEnteringIt) {
  size_t in_use = a.env.bytes_in_use();
  a.stack.close(p.client);
  ASSERT_TRUE(net.run_until([&] { return b.stack.recv(p.server, nullptr, 0, 0) == 0; }, kSec));
  b.stack.close(p.server);
  ASSERT_TRUE(net.run_until([&] { return time_wait_connection(a) != nullptr; }, kSec));
  TcpConnection* c = time_wait_connection(a);
  EXPECT_FALSE(c->send_buffer.allocated());
  EXPECT_FALSE(c->receive_buffer.allocated());
  EXPECT_LE(a.env.bytes_in_use() + c->send_capacity + c->receive_capacity, in_use);
}

TEST_F(CloseFixture, ASocketClosedInTimeWaitGivesItsBuffersBackAtClose) {
  ASSERT_EQ(a.stack.shutdown(p.client, kShutWr), 0);
  ASSERT_TRUE(net.run_until([&] { return b.stack.recv(p.server, nullptr, 0, 0) == 0; }, kSec));
  b.stack.close(p.server);
  ASSERT_TRUE(net.run_until([&] { return time_wait_connection(a) != nullptr; }, kSec));
  TcpConnection* c = time_wait_connection(a);
  // Still the socket's: it may read what came before the FIN.
  EXPECT_TRUE(c->receive_buffer.allocated());
  a.stack.close(p.client);
  EXPECT_FALSE(c->send_buffer.allocated());
  EXPECT_FALSE(c->receive_buffer.allocated());
  EXPECT_EQ(state_of(a), TcpState::TimeWait);
}

TEST_F(CloseFixture, ActiveCloseByTheServer) {
  b.stack.close(p.server);
  ASSERT_TRUE(net.run_until([&] { return (a.stack.poll(p.client) & kPollRdHup) != 0; }, kSec));
  EXPECT_EQ(state_of(a), TcpState::CloseWait);
  char buf[4];
  EXPECT_EQ(a.stack.recv(p.client, buf, sizeof buf, 0), 0);
  a.stack.close(p.client);
  ASSERT_TRUE(net.run_until([&] { return a.stack.core().tcp.connection_count() == 0; }, kSec));
  EXPECT_EQ(state_of(b, 80), TcpState::TimeWait);
}

TEST_F(CloseFixture, SimultaneousClose) {
  a.stack.close(p.client);
  b.stack.close(p.server);
  bool saw_closing = false;
  net.run_until([&] {
    saw_closing = saw_closing || state_of(a) == TcpState::Closing || state_of(b, 80) == TcpState::Closing;
    return state_of(a) == TcpState::TimeWait && state_of(b, 80) == TcpState::TimeWait;
  }, kSec);
  EXPECT_TRUE(saw_closing);
  EXPECT_EQ(state_of(a), TcpState::TimeWait);
  EXPECT_EQ(state_of(b, 80), TcpState::TimeWait);
}

TEST_F(CloseFixture, CloseWithUnreadDataResetsThePeer) {
  ASSERT_EQ(a.stack.send(p.client, "unread", 6, 0), 6);
  ASSERT_TRUE(net.run_until([&] { return (b.stack.poll(p.server) & kPollIn) != 0; }, kSec));
  b.stack.close(p.server);
  EXPECT_EQ(b.stack.counters().tcp.resets_sent, 1u);
  ASSERT_TRUE(net.run_until([&] { return (a.stack.poll(p.client) & kPollErr) != 0; }, kSec));
  char buf[4];
  EXPECT_EQ(a.stack.send(p.client, "x", 1, 0), -err::kConnReset);
  EXPECT_EQ(a.stack.send(p.client, "x", 1, 0), -err::kPipe);
  EXPECT_EQ(a.stack.recv(p.client, buf, sizeof buf, 0), 0);
  a.stack.close(p.client);
}

TEST_F(CloseFixture, ResetOutsideTheExactSequenceGetsAChallengeAck) {
  TcpConnection* c = nullptr;
  for (c = a.stack.core().tcp.first_connection(); c && c->state != TcpState::Established;
       c = Tcp::next_connection(c)) {
  }
  ASSERT_NE(c, nullptr);
  // A forged RST from b's address, in the window but not at RCV.NXT.
  std::vector<uint8_t> frame(14 + 20 + 20);
  MacAddress::broadcast().store(frame.data());
  b.mac.store(frame.data() + 6);
  store_be16(&frame[12], 0x0800);
  uint8_t* ip = &frame[14];
  ip[0] = 0x45;
  store_be16(ip + 2, 40);
  ip[8] = 64;
  ip[9] = 6;
  store_be32(ip + 12, b.address);
  store_be32(ip + 16, a.address);
  store_be16(ip + 10, internet_checksum(ip, 20));
  uint8_t* t = ip + 20;
  store_be16(t, c->remote_port);
  store_be16(t + 2, c->local_port);
  store_be32(t + 4, c->rcv_nxt + 100);
  t[12] = 5 << 4;
  t[13] = kTcpRst;
  store_be16(t + 16, transport_checksum(b.address, a.address, 6, t, 20));
  a.stack.receive(a.iface, frame.data(), frame.size());
  EXPECT_EQ(c->state, TcpState::Established);
  EXPECT_EQ(a.stack.counters().tcp.challenge_acks, 1u);
  // The same RST at exactly RCV.NXT resets.
  store_be32(t + 4, c->rcv_nxt);
  store_be16(t + 16, 0);
  store_be16(t + 16, transport_checksum(b.address, a.address, 6, t, 20));
  a.stack.receive(a.iface, frame.data(), frame.size());
  char buf[4];
  EXPECT_EQ(a.stack.recv(p.client, buf, sizeof buf, 0), -err::kConnReset);
  a.stack.close(p.client);
  b.stack.close(p.server);
}

TEST_F(CloseFixture, TimeWaitHoldsThePortUnlessBothUseReuseAddr) {
  // Server-side active close: b's port 80 goes to TIME-WAIT.
  b.stack.close(p.listener);
  p.listener = -1;
  b.stack.close(p.server);
  ASSERT_TRUE(net.run_until([&] { return (a.stack.poll(p.client) & kPollRdHup) != 0; }, kSec));
  a.stack.close(p.client);
  ASSERT_TRUE(net.run_until([&] { return state_of(b, 80) == TcpState::TimeWait; }, kSec));
  SocketId s = b.stack.socket(kAfInet, kSockStream, 0);
  EXPECT_EQ(bind_socket(b.stack, s, kIpv4Any, 80), -err::kAddrInUse);
  int one = 1;
  b.stack.setsockopt(s, kSolSocket, kSoReuseAddr, &one, sizeof one);
  // The TIME-WAIT connection's socket did not set SO_REUSEADDR either.
  EXPECT_EQ(bind_socket(b.stack, s, kIpv4Any, 80), -err::kAddrInUse);
  net.run_for(11 * kSec);
  EXPECT_EQ(bind_socket(b.stack, s, kIpv4Any, 80), 0);
  b.stack.close(s);
}

TEST(TimeWait, ReuseAddrOnBothSocketsAllowsBindingOverIt) {
  SimNetwork net;
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1));
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2));
  SocketId listener = b.stack.socket(kAfInet, kSockStream, 0);
  int one = 1;
  ASSERT_EQ(b.stack.setsockopt(listener, kSolSocket, kSoReuseAddr, &one, sizeof one), 0);
  ASSERT_EQ(bind_socket(b.stack, listener, kIpv4Any, 80), 0);
  ASSERT_EQ(b.stack.listen(listener, 1), 0);
  SocketId c = a.stack.socket(kAfInet, kSockStream, 0);
  connect_socket(a.stack, c, b.address, 80);
  SocketId s = -1;
  ASSERT_TRUE(net.run_until([&] { return (s = b.stack.accept(listener, nullptr, nullptr)) >= 0; }, kSec));
  b.stack.close(listener);
  b.stack.close(s);  // active close: TIME-WAIT on b, which inherited SO_REUSEADDR
  ASSERT_TRUE(net.run_until([&] { return (a.stack.poll(c) & kPollRdHup) != 0; }, kSec));
  a.stack.close(c);
  net.run_for(kSec);
  ASSERT_EQ(b.stack.core().tcp.connection_count(), 1u);
  ASSERT_EQ(b.stack.core().tcp.first_connection()->state, TcpState::TimeWait);
  SocketId again = b.stack.socket(kAfInet, kSockStream, 0);
  EXPECT_EQ(bind_socket(b.stack, again, kIpv4Any, 80), -err::kAddrInUse);
  ASSERT_EQ(b.stack.setsockopt(again, kSolSocket, kSoReuseAddr, &one, sizeof one), 0);
  EXPECT_EQ(bind_socket(b.stack, again, kIpv4Any, 80), 0);
  ASSERT_EQ(b.stack.listen(again, 1), 0);
  // A new SYN from the same client port reopens over the TIME-WAIT
  // connection (its ISN is beyond the old sequence space).
  uint16_t client_port = b.stack.core().tcp.first_connection()->remote_port;
  SocketId c2 = a.stack.socket(kAfInet, kSockStream, 0);
  ASSERT_EQ(a.stack.setsockopt(c2, kSolSocket, kSoReuseAddr, &one, sizeof one), 0);
  ASSERT_EQ(bind_socket(a.stack, c2, kIpv4Any, client_port), 0);
  TcpConnection* old = b.stack.core().tcp.first_connection();
  a.env.script_random({old->rcv_nxt + 100000});
  ASSERT_EQ(connect_socket(a.stack, c2, b.address, 80), -err::kInProgress);
  SocketId s2 = -1;
  ASSERT_TRUE(net.run_until([&] { return (s2 = b.stack.accept(again, nullptr, nullptr)) >= 0; }, kSec));
  EXPECT_EQ(connect_socket(a.stack, c2, b.address, 80), 0);
  for (SocketId x : {s2, again}) b.stack.close(x);
  a.stack.close(c2);
}

TEST_F(CloseFixture, ShutdownReadGivesEndOfFileAndLaterDataResets) {
  ASSERT_EQ(b.stack.shutdown(p.server, kShutRd), 0);
  uint32_t mask = b.stack.poll(p.server);
  EXPECT_TRUE(mask & kPollIn);
  EXPECT_TRUE(mask & kPollRdHup);
  char buf[8];
  EXPECT_EQ(b.stack.recv(p.server, buf, sizeof buf, 0), 0);
  ASSERT_EQ(a.stack.send(p.client, "hello", 5, 0), 5);
  ASSERT_TRUE(net.run_until([&] { return (a.stack.poll(p.client) & kPollErr) != 0; }, kSec));
  EXPECT_EQ(b.stack.recv(p.server, buf, sizeof buf, 0), -err::kConnReset);  // as Linux
  EXPECT_EQ(b.stack.shutdown(p.server, kShutWr), -err::kNotConn);
  EXPECT_EQ(b.stack.shutdown(p.server, 7), -err::kInval);
  a.stack.close(p.client);
  b.stack.close(p.server);
}

TEST_F(CloseFixture, ShutdownBothWaysHangsUp) {
  ASSERT_EQ(a.stack.shutdown(p.client, kShutRdWr), 0);
  ASSERT_TRUE(net.run_until([&] { return state_of(a) == TcpState::FinWait2; }, kSec));
  EXPECT_TRUE(a.stack.poll(p.client) & kPollHup);
  EXPECT_EQ(a.stack.send(p.client, "x", 1, 0), -err::kPipe);
  a.stack.close(p.client);
  b.stack.close(p.server);
}

TEST_F(CloseFixture, OrphanedFinWait2TimesOut) {
  a.stack.close(p.client);  // b never closes its side
  ASSERT_TRUE(net.run_until([&] { return state_of(a) == TcpState::FinWait2; }, kSec));
  net.run_for(61 * kSec);  // tcp_fin_timeout
  EXPECT_EQ(a.stack.core().tcp.connection_count(), 0u);
  ASSERT_TRUE(net.run_until([&] { return (b.stack.poll(p.server) & kPollErr) != 0; }, kSec));
  b.stack.close(p.server);
}

}  // namespace
}  // namespace net::test
