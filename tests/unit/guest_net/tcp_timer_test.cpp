// Timers: retransmission back-off and give-up, fast retransmit, the
// deadline the stack reports.
#include <gtest/gtest.h>

#include "guest/net/core.h"
#include "sim_network.h"

namespace net::test {
namespace {

struct TimerFixture : ::testing::Test {
  NetConfig config() {
    NetConfig c;
    c.tcp_data_retries = 4;
    c.tcp_syn_retries = 3;
    return c;
  }
  SimNetwork net;
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1), config());
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2), config());
};

TEST_F(TimerFixture, SynRetransmissionsBackOffThenConnectTimesOut) {
  std::vector<uint64_t> syn_times;
  net.set_filter([&](const SimHost& from, const FrameInfo& info, std::vector<uint8_t>&) {
    if (&from == &a && info.protocol == 6 && (info.tcp_flags & kTcpSyn)) {
      syn_times.push_back(net.now());
      return SimNetwork::Verdict::Drop;  // the SYN never arrives
    }
    return SimNetwork::Verdict::Deliver;
  });
  SocketId c = a.stack.socket(kAfInet, kSockStream, 0);
  uint64_t start = net.now();
  ASSERT_EQ(connect_socket(a.stack, c, b.address, 80), -err::kInProgress);
  ASSERT_TRUE(net.run_until([&] { return (a.stack.poll(c) & kPollErr) != 0; }, 100 * kSec));
  ASSERT_EQ(syn_times.size(), 4u);  // the SYN (after ARP) and 3 retries
  // RFC 6298: initial RTO 1 s, doubled each time: 1, 2, 4 s apart.
  EXPECT_EQ(syn_times[1] - start, 1 * kSec);
  EXPECT_EQ(syn_times[2] - syn_times[1], 2 * kSec);
  EXPECT_EQ(syn_times[3] - syn_times[2], 4 * kSec);
  EXPECT_EQ(net.now() - syn_times[3], 8 * kSec);  // and then it gave up
  EXPECT_EQ(connect_socket(a.stack, c, b.address, 80), -err::kTimedOut);
  EXPECT_EQ(a.stack.counters().tcp.timeouts_aborted, 1u);
  EXPECT_EQ(a.stack.core().tcp.next_deadline(), kNoDeadline);  // no TCP timer left
  a.stack.close(c);
}

TEST_F(TimerFixture, DataRetransmissionsBackOffFromTheMeasuredRtoThenTheConnectionTimesOut) {
  net.faults.latency_ns = 10 * kMs;  // RTT 20 ms: RTO at its 200 ms minimum
  TcpPair p = open_tcp_pair(net, a, b, 80);
  // Some traffic to take RTT samples.
  std::vector<uint8_t> warmup = pattern_bytes(20000, 1);
  StreamPump pump(a.stack, p.client, b.stack, p.server, warmup);
  ASSERT_TRUE(net.run_until([&] { pump.pump(); return pump.done(); }, 5 * kSec));
  net.run_for(100 * kMs);  // the last ACKs arrive: nothing outstanding
  std::vector<uint64_t> times;
  net.set_filter([&](const SimHost& from, const FrameInfo& info, std::vector<uint8_t>&) {
    if (&from == &a && info.protocol == 6 && info.payload_len > 0) times.push_back(net.now());
    return &from == &b ? SimNetwork::Verdict::Drop : SimNetwork::Verdict::Deliver;  // b is cut off
  });
  ASSERT_EQ(a.stack.send(p.client, "lost", 4, 0), 4);
  ASSERT_TRUE(net.run_until([&] { return (a.stack.poll(p.client) & kPollErr) != 0; }, 200 * kSec));
  ASSERT_EQ(times.size(), 5u);  // the segment and 4 retransmissions
  for (size_t i = 2; i < times.size(); ++i) {
    EXPECT_EQ(times[i] - times[i - 1], 2 * (times[i - 1] - times[i - 2])) << i;
  }
  EXPECT_EQ(times[1] - times[0], 200 * kMs);  // RTO from the samples: the 200 ms minimum
  char buf[8];
  EXPECT_EQ(a.stack.recv(p.client, buf, sizeof buf, 0), -err::kTimedOut);
  EXPECT_EQ(a.stack.counters().tcp.timeout_retransmits, 4u);
  a.stack.close(p.client);
  b.stack.close(p.server);
  b.stack.close(p.listener);
}

TEST_F(TimerFixture, ThreeDuplicateAcksTriggerFastRetransmitBeforeTheTimer) {
  net.faults.latency_ns = 20 * kMs;
  TcpPair p = open_tcp_pair(net, a, b, 80);
  int data_segments = 0;
  uint64_t lost_at = 0, resent_at = 0;
  uint32_t lost_seq = 0;
  net.set_filter([&](const SimHost& from, const FrameInfo& info, std::vector<uint8_t>&) {
    if (&from != &a || info.protocol != 6 || info.payload_len == 0) return SimNetwork::Verdict::Deliver;
    ++data_segments;
    if (data_segments == 3) {
      lost_at = net.now();
      lost_seq = info.seq;
      return SimNetwork::Verdict::Drop;
    }
    if (lost_at != 0 && resent_at == 0 && info.seq == lost_seq) resent_at = net.now();
    return SimNetwork::Verdict::Deliver;
  });
  std::vector<uint8_t> data = pattern_bytes(40 * 1460, 2);
  StreamPump pump(a.stack, p.client, b.stack, p.server, data);
  ASSERT_TRUE(net.run_until([&] { pump.pump(); return pump.done(); }, 10 * kSec));
  EXPECT_TRUE(pump.received() == data);
  EXPECT_EQ(a.stack.counters().tcp.fast_retransmits, 1u);
  EXPECT_EQ(a.stack.counters().tcp.timeout_retransmits, 0u);
  ASSERT_NE(resent_at, 0u);
  EXPECT_LT(resent_at - lost_at, 100 * kMs);  // about one RTT, far below the 1 s RTO
  EXPECT_GT(b.stack.counters().tcp.rx_out_of_order, 0u);
  a.stack.close(p.client);
  b.stack.close(p.server);
  b.stack.close(p.listener);
}

TEST_F(TimerFixture, NextDeadlineTracksTheEarliestTimer) {
  EXPECT_EQ(a.stack.next_deadline(), kNoDeadline);
  SocketId c = a.stack.socket(kAfInet, kSockStream, 0);
  connect_socket(a.stack, c, b.address, 80);
  // The SYN waits for ARP: its retry timer (1 s) and the SYN's RTO (1 s).
  EXPECT_EQ(a.stack.next_deadline(), net.now() + 1 * kSec);
  a.stack.close(c);
}

}  // namespace
}  // namespace net::test
