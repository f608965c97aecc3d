// Randomized runs under heavy faults (5% loss, 3% duplication, 5%
// reordering, 1% corruption), many seeds: small buffers and a slow reader
// (zero windows, probes, silly-window avoidance), initial sequence numbers
// near 2^32, TCP_NODELAY on odd seeds, and both directions closing in
// either order. Each must deliver every byte and free every connection.
// GUEST_NET_STRESS_SEEDS raises the seed count for a soak run (3000 and 600
// seeds passed while this was written).
#include <gtest/gtest.h>

#include "guest/net/core.h"
#include "sim_network.h"

#ifndef GUEST_NET_STRESS_SEEDS
#define GUEST_NET_STRESS_SEEDS 12
#endif

namespace net::test {
namespace {

void heavy_faults(SimNetwork& net) {
  net.faults.drop = 0.05;
  net.faults.duplicate = 0.03;
  net.faults.reorder = 0.05;
  net.faults.corrupt = 0.01;
}

class TcpStress : public ::testing::TestWithParam<int> {};

TEST_P(TcpStress, SmallBuffersSlowReaderSequenceWrap) {
  const int seed = GetParam();
  SimNetwork net(static_cast<uint64_t>(seed));
  heavy_faults(net);
  net.faults.latency_ns = static_cast<uint64_t>(seed % 7 + 1) * 300 * 1000;
  net.idle_step_ns = 1 * kMs;  // the reader acts on its own schedule
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1));
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2));
  a.env.script_random({1234u, 0xffffffffu - static_cast<uint32_t>(seed) * 1000});  // port, ISN
  SocketId listener = b.stack.socket(kAfInet, kSockStream, 0);
  int rcvbuf = 3000 + (seed % 5) * 1000, sndbuf = 5000 + (seed % 3) * 3000, one = 1;
  b.stack.setsockopt(listener, kSolSocket, kSoRcvBuf, &rcvbuf, sizeof rcvbuf);
  ASSERT_EQ(bind_socket(b.stack, listener, kIpv4Any, 80), 0);
  ASSERT_EQ(b.stack.listen(listener, 1), 0);
  SocketId c = a.stack.socket(kAfInet, kSockStream, 0);
  a.stack.setsockopt(c, kSolSocket, kSoSndBuf, &sndbuf, sizeof sndbuf);
  if (seed % 2) a.stack.setsockopt(c, kSolTcp, kTcpNoDelay, &one, sizeof one);
  connect_socket(a.stack, c, b.address, 80);
  SocketId s = -1;
  std::vector<uint8_t> data = pattern_bytes(200000, static_cast<uint32_t>(seed)), got;
  size_t sent = 0;
  bool closed = false, eof = false;
  uint64_t next_read = 0;
  ASSERT_TRUE(net.run_until([&] {
    if (s < 0) s = b.stack.accept(listener, nullptr, nullptr);
    size_t chunk = 1 + (sent * 7 + seed) % 3000;  // writes of varying sizes
    while (sent < data.size()) {
      int64_t n = a.stack.send(c, data.data() + sent, std::min(chunk, data.size() - sent), 0);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    if (sent == data.size() && !closed) closed = a.stack.close(c) == 0;
    if (s >= 0 && net.now() >= next_read) {
      uint8_t buf[2000];
      int64_t n = b.stack.recv(s, buf, 1 + got.size() % 1999, 0);
      if (n > 0) got.insert(got.end(), buf, buf + n);
      eof = n == 0;
      next_read = net.now() + static_cast<uint64_t>(seed % 3) * 2 * kMs;
    }
    return eof;
  }, 3000 * kSec)) << "received " << got.size();
  EXPECT_TRUE(got == data);
  b.stack.close(s);
  b.stack.close(listener);
  net.idle_step_ns = 0;
  net.run_for(200 * kSec);
  EXPECT_EQ(a.stack.core().tcp.connection_count(), 0u);
  EXPECT_EQ(b.stack.core().tcp.connection_count(), 0u);
}

TEST_P(TcpStress, BothWaysThenBothCloseInEitherOrder) {
  const int seed = GetParam();
  SimNetwork net(static_cast<uint64_t>(seed) + 1000);
  heavy_faults(net);
  net.idle_step_ns = 2 * kMs;
  NetConfig config;
  config.tcp_time_wait_ns = 5 * kSec;
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1), config);
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2), config);
  TcpPair p = open_tcp_pair(net, a, b, 80, 100 * kSec);
  ASSERT_GE(p.server, 0);
  struct End {
    NetStack* stack;
    SocketId s;
    std::vector<uint8_t> out, in;
    size_t sent = 0;
    bool shut = false, eof = false, closed = false;
  };
  End ea{&a.stack, p.client, pattern_bytes(30000 + seed * 1000, seed), {}};
  End eb{&b.stack, p.server, pattern_bytes(20000 + seed * 377, seed + 1), {}};
  auto pump = [](End& e) {
    if (e.closed) return;
    while (e.sent < e.out.size()) {
      int64_t n = e.stack->send(e.s, e.out.data() + e.sent, e.out.size() - e.sent, 0);
      if (n <= 0) break;
      e.sent += static_cast<size_t>(n);
    }
    if (e.sent == e.out.size() && !e.shut) e.shut = e.stack->shutdown(e.s, kShutWr) == 0;
    uint8_t buf[4096];
    int64_t n;
    while ((n = e.stack->recv(e.s, buf, sizeof buf, 0)) > 0) e.in.insert(e.in.end(), buf, buf + n);
    if (n == 0) e.eof = true;
    if (e.eof && e.shut) e.closed = e.stack->close(e.s) == 0;
  };
  ASSERT_TRUE(net.run_until([&] {
    pump(ea);
    pump(eb);
    return ea.closed && eb.closed;
  }, 2000 * kSec));
  EXPECT_TRUE(ea.in == eb.out);
  EXPECT_TRUE(eb.in == ea.out);
  b.stack.close(p.listener);
  net.idle_step_ns = 0;
  net.run_for(300 * kSec);
  EXPECT_EQ(a.stack.core().tcp.connection_count(), 0u);
  EXPECT_EQ(b.stack.core().tcp.connection_count(), 0u);
}

TEST_P(TcpStress, HalfMiBBothWays) {
  SimNetwork net(static_cast<uint64_t>(GetParam()) + 2000);
  heavy_faults(net);
  SimHost& a = net.add_host("a", make_ipv4(10, 0, 0, 1));
  SimHost& b = net.add_host("b", make_ipv4(10, 0, 0, 2));
  TcpPair p = open_tcp_pair(net, a, b, 5001, 100 * kSec);
  ASSERT_GE(p.server, 0);
  std::vector<uint8_t> up = pattern_bytes(512 * 1024, 1), down = pattern_bytes(512 * 1024, 2);
  StreamPump x(a.stack, p.client, b.stack, p.server, up);
  StreamPump y(b.stack, p.server, a.stack, p.client, down);
  ASSERT_TRUE(net.run_until([&] { x.pump(); y.pump(); return x.done() && y.done(); }, 900 * kSec));
  EXPECT_TRUE(x.received() == up);
  EXPECT_TRUE(y.received() == down);
  a.stack.close(p.client);
  b.stack.close(p.server);
  b.stack.close(p.listener);
}

INSTANTIATE_TEST_SUITE_P(Seeds, TcpStress, ::testing::Range(1, GUEST_NET_STRESS_SEEDS + 1));

}  // namespace
}  // namespace net::test
