// Data transfer: bulk both ways with and without injected faults, sequence
// wrap-around, flow control, Nagle and delayed ACKs.
#include <gtest/gtest.h>

#include "guest/net/core.h"
#include "sim_network.h"

namespace net::test {
namespace {

constexpr size_t kMiB = 1024 * 1024;

TcpConnection* established_connection(NetStack& stack) {
  for (TcpConnection* c = stack.core().tcp.first_connection(); c != nullptr; c = Tcp::next_connection(c)) {
    if (c->state == TcpState::Established) return c;
  }
  return nullptr;
}

void transfer_both_ways(SimNetwork& net, SimHost& a, SimHost& b, size_t bytes, uint64_t limit) {
  TcpPair p = open_tcp_pair(net, a, b, 5001, 60 * kSec);
  ASSERT_GE(p.server, 0);
  std::vector<uint8_t> up = pattern_bytes(bytes, 1), down = pattern_bytes(bytes, 2);
  StreamPump a_to_b(a.stack, p.client, b.stack, p.server, up);
  StreamPump b_to_a(b.stack, p.server, a.stack, p.client, down);
  ASSERT_TRUE(net.run_until([&] {
    a_to_b.pump();
    b_to_a.pump();
    return a_to_b.done() && b_to_a.done();
  }, limit)) << "sent " << a_to_b.sent() << "/" << b_to_a.sent() << " received "
             << a_to_b.received().size() << "/" << b_to_a.received().size();
  EXPECT_TRUE(a_to_b.received() == up);
  EXPECT_TRUE(b_to_a.received() == down);
  EXPECT_EQ(a_to_b.last_error(), 0);
  EXPECT_EQ(b_to_a.last_error(), 0);
  a.stack.close(p.client);
  b.stack.close(p.server);
  b.stack.close(p.listener);
}

TEST(TcpTransfer, FourMiBBothWays) {
  SimNetwork net;
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1));
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2));
  transfer_both_ways(net, a, b, 4 * kMiB, 60 * kSec);
  EXPECT_EQ(a.stack.counters().tcp.timeout_retransmits, 0u);
  EXPECT_EQ(b.stack.counters().tcp.timeout_retransmits, 0u);
  EXPECT_EQ(a.stack.counters().tcp.rx_data_bytes, 4 * kMiB);
}

TEST(TcpTransfer, FourMiBBothWaysThroughLossDuplicationReorderingAndCorruption) {
  SimNetwork net(7);
  net.faults.drop = 0.02;
  net.faults.duplicate = 0.01;
  net.faults.reorder = 0.03;
  net.faults.corrupt = 0.005;
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1));
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2));
  transfer_both_ways(net, a, b, 4 * kMiB, 600 * kSec);
  const TcpCounters& ta = a.stack.counters().tcp;
  const TcpCounters& tb = b.stack.counters().tcp;

  EXPECT_GT(ta.retransmitted_segments + tb.retransmitted_segments, 0u);
  EXPECT_GT(ta.fast_retransmits + tb.fast_retransmits, 0u);
  EXPECT_GT(ta.rx_out_of_order + tb.rx_out_of_order, 0u);
  EXPECT_GT(ta.rx_duplicate_bytes + tb.rx_duplicate_bytes, 0u);
  uint64_t bad = ta.rx_bad_checksum + tb.rx_bad_checksum + a.stack.counters().ipv4.rx_bad_checksum +
                 b.stack.counters().ipv4.rx_bad_checksum;
  EXPECT_GT(bad, 0u);
}

TEST(TcpTransfer, SequenceNumbersWrapAround) {
  SimNetwork net;
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1));
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2));
  // The ephemeral port, then the ISN: 100 KiB before 2^32 on both sides.
  a.env.script_random({12345, 0xfffe7000u});
  b.env.script_random({0xfffe7000u});
  TcpPair p = open_tcp_pair(net, a, b, 80);
  TcpConnection* c = established_connection(a.stack);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->iss, 0xfffe7000u);
  std::vector<uint8_t> up = pattern_bytes(1 * kMiB, 3), down = pattern_bytes(1 * kMiB, 4);
  net.faults.drop = 0.01;
  net.faults.reorder = 0.02;
  StreamPump x(a.stack, p.client, b.stack, p.server, up);
  StreamPump y(b.stack, p.server, a.stack, p.client, down);
  ASSERT_TRUE(net.run_until([&] { x.pump(); y.pump(); return x.done() && y.done(); }, 300 * kSec));
  EXPECT_TRUE(x.received() == up);
  EXPECT_TRUE(y.received() == down);
  EXPECT_LT(c->snd_una, 0x00100000u + 0x1000u);  // wrapped past zero
  a.stack.close(p.client);
  b.stack.close(p.server);
  b.stack.close(p.listener);
}

TEST(TcpTransfer, ReceiveBufferLimitsTheWindowAndZeroWindowIsProbed) {
  SimNetwork net;
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1));
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2));
  SocketId listener = b.stack.socket(kAfInet, kSockStream, 0);
  int rcvbuf = 4096;  // a 4096-byte window for accepted connections
  ASSERT_EQ(b.stack.setsockopt(listener, kSolSocket, kSoRcvBuf, &rcvbuf, sizeof rcvbuf), 0);
  ASSERT_EQ(bind_socket(b.stack, listener, kIpv4Any, 80), 0);
  ASSERT_EQ(b.stack.listen(listener, 1), 0);
  SocketId c = a.stack.socket(kAfInet, kSockStream, 0);
  connect_socket(a.stack, c, b.address, 80);
  SocketId s = -1;
  ASSERT_TRUE(net.run_until([&] { return (s = b.stack.accept(listener, nullptr, nullptr)) >= 0; }, kSec));
  std::vector<uint8_t> data = pattern_bytes(20000, 9);
  int64_t written = a.stack.send(c, data.data(), data.size(), 0);
  ASSERT_EQ(written, 20000);
  net.run_for(30 * kSec);  // the receiver does not read
  EXPECT_EQ(b.stack.core().tcp.readable_bytes_pending(*established_connection(b.stack)), true);
  TcpConnection* receiver = established_connection(b.stack);
  EXPECT_EQ(receiver->receive_buffer.size(), 4096u);  // exactly the window
  EXPECT_GT(a.stack.counters().tcp.zero_window_probes, 2u);
  EXPECT_EQ(a.stack.counters().tcp.timeouts_aborted, 0u);
  TcpConnection* sender = established_connection(a.stack);
  EXPECT_EQ(sender->snd_wnd, 0u);
  EXPECT_GT(sender->persist_backoff, 1u);  // probes back off
  // Reading opens the window: the rest arrives.
  std::vector<uint8_t> got;
  ASSERT_TRUE(net.run_until([&] {
    uint8_t buf[1000];
    int64_t n;
    while ((n = b.stack.recv(s, buf, sizeof buf, 0)) > 0) got.insert(got.end(), buf, buf + n);
    return got.size() == data.size();
  }, 120 * kSec));
  EXPECT_TRUE(got == data);
  EXPECT_GT(b.stack.counters().tcp.window_updates, 0u);
  a.stack.close(c);
  b.stack.close(s);
  b.stack.close(listener);
}

TEST(TcpTransfer, SendBufferFullIsEagainAndPollOutComesBack) {
  SimNetwork net;
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1));
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2));
  SocketId c = a.stack.socket(kAfInet, kSockStream, 0);
  int sndbuf = 8192;
  ASSERT_EQ(a.stack.setsockopt(c, kSolSocket, kSoSndBuf, &sndbuf, sizeof sndbuf), 0);
  SocketId listener = b.stack.socket(kAfInet, kSockStream, 0);
  bind_socket(b.stack, listener, kIpv4Any, 80);
  b.stack.listen(listener, 1);
  connect_socket(a.stack, c, b.address, 80);
  SocketId s = -1;
  ASSERT_TRUE(net.run_until([&] { return (s = b.stack.accept(listener, nullptr, nullptr)) >= 0; }, kSec));
  std::vector<uint8_t> data(100000, 1);
  EXPECT_EQ(a.stack.send(c, data.data(), data.size(), 0), 8192);
  EXPECT_EQ(a.stack.send(c, data.data(), data.size(), 0), -err::kAgain);
  EXPECT_EQ(a.stack.poll(c) & kPollOut, 0u);
  uint64_t wakes_before = a.env.wakes(c);
  uint8_t buf[65536];
  ASSERT_TRUE(net.run_until([&] {
    while (b.stack.recv(s, buf, sizeof buf, 0) > 0) {
    }
    return (a.stack.poll(c) & kPollOut) != 0;
  }, kSec));
  EXPECT_GT(a.env.wakes(c), wakes_before);
  a.stack.close(c);
  b.stack.close(s);
  b.stack.close(listener);
}

// Counts data segments a sends.
struct SegmentCounter {
  int data_segments = 0;
  std::vector<uint64_t> ack_times;
  std::vector<uint64_t> data_times;
};

TEST(TcpTransfer, NagleCoalescesSmallWritesUnlessNoDelay) {
  for (bool nodelay : {false, true}) {
    SimNetwork net;
    net.faults.latency_ns = 5 * kMs;
    SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1));
    SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2));
    TcpPair p = open_tcp_pair(net, a, b, 80);
    int on = nodelay ? 1 : 0;
    ASSERT_EQ(a.stack.setsockopt(p.client, kSolTcp, kTcpNoDelay, &on, sizeof on), 0);
    int got = -1;
    uint32_t len = sizeof got;
    ASSERT_EQ(a.stack.getsockopt(p.client, kSolTcp, kTcpNoDelay, &got, &len), 0);
    EXPECT_EQ(got, on);
    SegmentCounter count;
    net.set_filter([&](const SimHost& from, const FrameInfo& info, std::vector<uint8_t>&) {
      if (&from == &a && info.protocol == 6 && info.payload_len > 0) count.data_segments++;
      return SimNetwork::Verdict::Deliver;
    });
    for (int i = 0; i < 10; ++i) ASSERT_EQ(a.stack.send(p.client, "0123456789", 10, 0), 10);
    net.run_for(200 * kMs);
    // Nagle: the first write goes, the other nine wait for its ACK and go
    // together. TCP_NODELAY: ten segments.
    EXPECT_EQ(count.data_segments, nodelay ? 10 : 2) << "nodelay " << nodelay;
    a.stack.close(p.client);
    b.stack.close(p.server);
    b.stack.close(p.listener);
  }
}

TEST(TcpTransfer, DelayedAckWaitsForASecondSegmentOrTheTimer) {
  SimNetwork net;
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1));
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2));
  TcpPair p = open_tcp_pair(net, a, b, 80);
  SegmentCounter count;
  net.set_filter([&](const SimHost& from, const FrameInfo& info, std::vector<uint8_t>&) {
    if (info.protocol != 6) return SimNetwork::Verdict::Deliver;
    if (&from == &a && info.payload_len > 0) count.data_times.push_back(net.now());
    if (&from == &b && info.payload_len == 0) count.ack_times.push_back(net.now());
    return SimNetwork::Verdict::Deliver;
  });
  ASSERT_EQ(a.stack.send(p.client, "x", 1, 0), 1);
  net.run_for(100 * kMs);
  ASSERT_EQ(count.ack_times.size(), 1u);
  uint64_t delay = count.ack_times[0] - count.data_times[0];
  // Sent when b's 40 ms delayed-ACK timer fired (plus one link latency).
  EXPECT_GE(delay, 40 * kMs);
  EXPECT_LT(delay, 41 * kMs);
  EXPECT_EQ(b.stack.counters().tcp.delayed_acks, 1u);
  // Two full segments: acknowledged at once.
  std::vector<uint8_t> two(2920, 1);
  count = SegmentCounter{};
  ASSERT_EQ(a.stack.send(p.client, two.data(), two.size(), 0), 2920);
  net.run_for(100 * kMs);
  ASSERT_EQ(count.ack_times.size(), 1u);
  EXPECT_LT(count.ack_times[0] - count.data_times[1], 1 * kMs);
  a.stack.close(p.client);
  b.stack.close(p.server);
  b.stack.close(p.listener);
}

TEST(TcpTransfer, PeekLeavesTheDataForTheNextRead) {
  SimNetwork net;
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1));
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2));
  TcpPair p = open_tcp_pair(net, a, b, 80);
  ASSERT_EQ(a.stack.send(p.client, "hello world", 11, 0), 11);
  ASSERT_TRUE(net.run_until([&] { return (b.stack.poll(p.server) & kPollIn) != 0; }, kSec));
  char buf[32];
  EXPECT_EQ(b.stack.recv(p.server, buf, 5, kMsgPeek), 5);
  EXPECT_EQ(std::string(buf, 5), "hello");
  EXPECT_EQ(b.stack.recv(p.server, buf, sizeof buf, kMsgPeek | kMsgDontWait), 11);
  EXPECT_EQ(b.stack.recv(p.server, buf, sizeof buf, 0), 11);
  EXPECT_EQ(std::string(buf, 11), "hello world");
  EXPECT_EQ(b.stack.recv(p.server, buf, sizeof buf, 0), -err::kAgain);
  a.stack.close(p.client);
  b.stack.close(p.server);
  b.stack.close(p.listener);
}

TEST(TcpTransfer, OverLoopbackInOneStack) {
  TestEnv env;
  NetStack stack(env);
  ASSERT_EQ(stack.init(), 0);
  SocketId listener = stack.socket(kAfInet, kSockStream, 0);
  ASSERT_EQ(bind_socket(stack, listener, make_ipv4(127, 0, 0, 1), 7000), 0);
  ASSERT_EQ(stack.listen(listener, 1), 0);
  SocketId c = stack.socket(kAfInet, kSockStream, 0);
  // The handshake runs while the call returns (loopback is drained at the
  // end of each entry point).
  ASSERT_EQ(connect_socket(stack, c, make_ipv4(127, 0, 0, 1), 7000), -err::kInProgress);
  ASSERT_EQ(connect_socket(stack, c, make_ipv4(127, 0, 0, 1), 7000), 0);
  SocketId s = stack.accept(listener, nullptr, nullptr);
  ASSERT_GE(s, 0);
  std::vector<uint8_t> data = pattern_bytes(1 * kMiB, 11);
  std::vector<uint8_t> got;
  size_t sent = 0;
  for (int rounds = 0; rounds < 100000 && got.size() < data.size(); ++rounds) {
    if (sent < data.size()) {
      int64_t n = stack.send(c, data.data() + sent, data.size() - sent, 0);
      if (n > 0) sent += static_cast<size_t>(n);
    }
    uint8_t buf[65536];
    int64_t n;
    while ((n = stack.recv(s, buf, sizeof buf, 0)) > 0) got.insert(got.end(), buf, buf + n);
    if (stack.next_deadline() <= env.now_ns()) stack.tick(env.now_ns());
    env.advance(1 * kMs);
    if (stack.next_deadline() <= env.now_ns()) stack.tick(env.now_ns());
  }
  EXPECT_TRUE(got == data);
  EXPECT_GT(stack.counters().ipv4.loopback_packets, 0u);
  stack.close(c);
  stack.close(s);
  stack.close(listener);
}

}  // namespace
}  // namespace net::test

