// The bypass stack carrying traffic through the real host side (rings,
// poller thread, libslirp) to host programs on 127.0.0.1, reached as
// 10.0.3.2: UDP datagrams of every size, 16 MiB of TCP each way at once
// with SHA-256 compared on both ends, and a ping of the gateway (ARP first).
// Every wait is bounded.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "guest/user/sha256.h"
#include "tests/unit/bypass/bypass_rig.h"
#include "tests/unit/bypass/host_peers.h"

namespace bypass::test {
namespace {

using std::chrono::milliseconds;
constexpr net::Ipv4Addr kHost = net::make_ipv4(10, 0, 3, 2);  // the host's loopback, through slirp

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(gen());
  return v;
}

std::string sha256_hex(const uint8_t* data, size_t n) {
  sha256::Hasher h;
  h.update(data, n);
  char hex[sha256::kHexLen];
  h.finish_hex(hex);
  return hex;
}

TEST(BypassTraffic, EveryUdpSizeFrom1To1472BytesComesBackFromAHostEchoIntact) {
  UdpEchoPeer peer;
  ASSERT_NE(peer.port(), 0);
  BypassRig rig;
  ASSERT_EQ(rig.started, 0);
  BypassNet& net = rig.net;
  int s = net.socket(net::kAfInet, net::kSockDgram, 0);
  ASSERT_GE(s, 0);
  net::SockAddrIn to = ipv4_socket_address(kHost, peer.port());
  constexpr uint32_t kMaxPayload = 1472;  // 1500 - IPv4 20 - UDP 8: no fragments
  int intact = 0;
  std::vector<uint8_t> reply(2048);
  for (uint32_t i = 0; i < kMaxPayload; ++i) {
    // Every size once, in a scrambled order (577 is prime to 1472).
    size_t size = 1 + (i * 577u) % kMaxPayload;
    std::vector<uint8_t> payload = random_bytes(size, i);
    ASSERT_EQ(net.sendto(s, payload.data(), size, 0, &to, sizeof to), static_cast<int64_t>(size));
    net::SockAddrIn from{};
    uint32_t from_len = sizeof from;
    int64_t n = net.recvfrom_until(s, reply.data(), reply.size(), &from, &from_len, rig.deadline_in(milliseconds(3000)));
    ASSERT_EQ(n, static_cast<int64_t>(size)) << "datagram " << i << " of " << size << " bytes: "
                                             << net.failure().where << " " << net.failure().reason();
    EXPECT_EQ(from.addr_be, net::host_to_be32(kHost));
    EXPECT_EQ(from.port_be, net::host_to_be16(peer.port()));
    if (std::memcmp(reply.data(), payload.data(), size) == 0) ++intact;
  }
  EXPECT_EQ(intact, static_cast<int>(kMaxPayload));
  EXPECT_EQ(peer.echoed(), kMaxPayload);
  net.close(s);
}

// A host TCP peer: accepts one connection, sends `to_send` and reads until
// end of stream at the same time, hashing both directions.
class TcpPeer {
 public:
  explicit TcpPeer(const std::vector<uint8_t>& to_send) : to_send_(to_send), listener_(SOCK_STREAM) {
    port_ = listener_.bind_loopback();
    ::listen(listener_.fd(), 1);
    thread_ = std::thread([this] { run(); });
  }
  ~TcpPeer() { thread_.join(); }
  uint16_t port() const { return port_; }
  // After done():
  bool done() const { return done_; }
  size_t received() const { return received_; }
  const std::string& received_sha256() const { return received_hash_; }
  bool sent_all() const { return sent_all_; }

 private:
  void run() {
    if (host_wait(listener_.fd(), POLLIN, 30000)) {
      HostSocket conn = HostSocket::adopt(::accept(listener_.fd(), nullptr, nullptr));
      std::thread writer([&] { write_all(conn.fd()); });
      read_to_end(conn.fd());
      writer.join();
    }
    done_ = true;
  }
  void write_all(int fd) {
    size_t off = 0;
    while (off < to_send_.size()) {
      if (!host_wait(fd, POLLOUT, 60000)) return;
      ssize_t n = ::send(fd, to_send_.data() + off, to_send_.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    sent_all_ = true;
  }
  void read_to_end(int fd) {
    sha256::Hasher h;
    std::vector<uint8_t> buf(1 << 16);
    while (host_wait(fd, POLLIN, 60000)) {
      ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
      if (n <= 0) break;
      h.update(buf.data(), static_cast<size_t>(n));
      received_ += static_cast<size_t>(n);
    }
    char hex[sha256::kHexLen];
    h.finish_hex(hex);
    received_hash_ = hex;
  }

  const std::vector<uint8_t>& to_send_;
  HostSocket listener_;
  uint16_t port_ = 0;
  std::atomic<bool> done_{false};
  std::atomic<bool> sent_all_{false};
  size_t received_ = 0;
  std::string received_hash_;
  std::thread thread_;
};

TEST(BypassTraffic, SixteenMiBEachWayAtOnceOverTcpWithEqualSha256OnBothEnds) {
  constexpr size_t kBytes = 16u << 20;
  std::vector<uint8_t> from_guest = random_bytes(kBytes, 1);
  std::vector<uint8_t> from_host = random_bytes(kBytes, 2);
  TcpPeer peer(from_host);
  ASSERT_NE(peer.port(), 0);
  BypassRig rig;
  ASSERT_EQ(rig.started, 0);
  BypassNet& net = rig.net;
  int s = net.socket(net::kAfInet, net::kSockStream, 0);
  ASSERT_GE(s, 0);
  net::SockAddrIn to = ipv4_socket_address(kHost, peer.port());
  ASSERT_EQ(net.connect_until(s, &to, sizeof to, rig.deadline_in(milliseconds(5000))), 0);

  auto start = std::chrono::steady_clock::now();
  uint64_t deadline = rig.deadline_in(milliseconds(120000));
  sha256::Hasher received_hash;
  size_t sent = 0, received = 0;
  bool eof = false, shut = false;
  std::vector<uint8_t> buf(1 << 16);
  while (!eof && net.now_ns() < deadline) {
    ASSERT_GE(net.poll(), 0) << net.failure().where << ": " << net.failure().reason();
    while (sent < kBytes) {
      int64_t n = net.send(s, from_guest.data() + sent, kBytes - sent, 0);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    if (sent == kBytes && !shut) shut = net.shutdown(s, net::kShutWr) == 0;
    int64_t n;
    while ((n = net.recv(s, buf.data(), buf.size(), 0)) > 0) {
      received_hash.update(buf.data(), static_cast<size_t>(n));
      received += static_cast<size_t>(n);
    }
    if (n == 0) eof = true;
    ASSERT_TRUE(n >= 0 || n == -net::err::kAgain) << n;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(eof) << "guest received " << received << ", sent " << sent;
  net.close(s);
  // The peer sees the guest's FIN (sent with the last byte) and finishes.
  while (!peer.done() && net.now_ns() < deadline) net.poll();
  ASSERT_TRUE(peer.done());
  char hex[sha256::kHexLen];
  received_hash.finish_hex(hex);
  EXPECT_EQ(received, kBytes);
  EXPECT_EQ(std::string(hex), sha256_hex(from_host.data(), kBytes));
  EXPECT_TRUE(peer.sent_all());
  EXPECT_EQ(peer.received(), kBytes);
  EXPECT_EQ(peer.received_sha256(), sha256_hex(from_guest.data(), kBytes));
  const auto& c = net.device().counters();
  std::printf("bypass TCP: %zu bytes each way in %.2f s (%.1f MiB/s each way); ring full %llu times, dropped %llu; "
              "arena peak %zu bytes\n",
              kBytes, seconds, kBytes / 1048576.0 / seconds, static_cast<unsigned long long>(c.tx_waited_full),
              static_cast<unsigned long long>(c.tx_dropped_full), net.env().arena().peak_bytes_in_use());
}

// 8 slots a ring: the guest fills the guest-to-host ring far faster than
// the host's poller empties it, and transmit waits for room (the host's
// back-pressure) rather than drop what TCP would have to resend.
TEST(BypassTraffic, AFullGuestToHostRingHoldsTheSenderBackAndLosesNothing) {
  constexpr size_t kBytes = 4u << 20;
  std::vector<uint8_t> from_guest = random_bytes(kBytes, 3);
  std::vector<uint8_t> nothing;
  TcpPeer peer(nothing);
  ASSERT_NE(peer.port(), 0);
  BypassRig rig(vmm::testing::kSmallRegionSize);
  ASSERT_EQ(rig.started, 0);
  ASSERT_EQ(rig.host.region.header()->config.slots_per_ring, vmm::testing::kSmallRegionSlots);
  BypassNet& net = rig.net;
  int s = net.socket(net::kAfInet, net::kSockStream, 0);
  ASSERT_GE(s, 0);
  net::SockAddrIn to = ipv4_socket_address(kHost, peer.port());
  ASSERT_EQ(net.connect_until(s, &to, sizeof to, rig.deadline_in(milliseconds(5000))), 0);
  uint64_t deadline = rig.deadline_in(milliseconds(60000));
  ASSERT_EQ(net.send_all_until(s, from_guest.data(), kBytes, deadline), static_cast<int64_t>(kBytes));
  ASSERT_EQ(net.shutdown(s, net::kShutWr), 0);
  uint8_t buf[64];
  EXPECT_EQ(net.recv_until(s, buf, sizeof buf, deadline), 0);  // the peer's FIN: it has read everything
  net.close(s);
  while (!peer.done() && net.now_ns() < deadline) net.poll();
  ASSERT_TRUE(peer.done());
  EXPECT_EQ(peer.received(), kBytes);
  EXPECT_EQ(peer.received_sha256(), sha256_hex(from_guest.data(), kBytes));
  const auto& c = net.device().counters();
  EXPECT_GT(c.tx_waited_full, 0u);
  // Without the wait every full ring is a drop. With it, a drop is a wait
  // that outlasted the host's longest sleep plus 4 ms: how many do depends
  // on how often this machine leaves the poller thread without a CPU (on 2
  // shared cores, from a few to most of them), but never all.
  EXPECT_LT(c.tx_dropped_full, c.tx_waited_full);
  std::printf("8-slot ring: waited for room %llu times, dropped %llu frames of %llu\n",
              static_cast<unsigned long long>(c.tx_waited_full), static_cast<unsigned long long>(c.tx_dropped_full),
              static_cast<unsigned long long>(c.tx_frames));
}

TEST(BypassTraffic, PingsTheGatewayAfterResolvingItsAddress) {
  BypassRig rig;
  ASSERT_EQ(rig.started, 0);
  BypassNet& net = rig.net;
  int s = net.socket(net::kAfInet, net::kSockDgram, net::kIpprotoIcmp);
  ASSERT_GE(s, 0);
  net::SockAddrIn to = ipv4_socket_address(kHost, 0);
  for (uint8_t seq = 1; seq <= 3; ++seq) {
    uint8_t request[24] = {8, 0, 0, 0, 0, 0, 0, seq, 'b', 'y', 'p', 'a', 's', 's', '!', seq};
    ASSERT_EQ(net.sendto(s, request, sizeof request, 0, &to, sizeof to), 24);
    uint8_t reply[64];
    net::SockAddrIn from{};
    uint32_t from_len = sizeof from;
    int64_t n = net.recvfrom_until(s, reply, sizeof reply, &from, &from_len, rig.deadline_in(milliseconds(3000)));
    ASSERT_EQ(n, 24) << net.failure().where << ": " << net.failure().reason();
    EXPECT_EQ(reply[0], 0);  // echo reply (RFC 792)
    EXPECT_EQ(reply[7], seq);
    EXPECT_EQ(std::memcmp(request + 8, reply + 8, 16), 0);
    EXPECT_EQ(from.addr_be, net::host_to_be32(kHost));
  }
  // ARP went first: one request out, the answer in, before any echo.
  EXPECT_GE(net.stack().counters().arp.tx_requests, 1u);
  EXPECT_GE(net.stack().counters().arp.rx_replies, 1u);
  EXPECT_GE(net.device().counters().rx_frames, 4u);
  net.close(s);
}

}  // namespace
}  // namespace bypass::test

namespace bypass::test {
namespace {

// Nobody answers for 10.0.3.99: the stack asks again on its retry timer and
// gives up after the last request, which happens only if poll() runs the
// timers that are due.
TEST(BypassTimers, AnUnansweredArpRequestIsRetriedAndGivenUpOnByTheTimers) {
  net::NetConfig fast;
  fast.arp_retry_ns = 20 * net::kMillisecond;
  fast.arp_max_requests = 3;
  BypassRig rig(HostSide::kRegionSize, fast);
  ASSERT_EQ(rig.started, 0);
  BypassNet& net = rig.net;
  int s = net.socket(net::kAfInet, net::kSockDgram, 0);
  ASSERT_GE(s, 0);
  net::SockAddrIn nobody = ipv4_socket_address(net::make_ipv4(10, 0, 3, 99), 9);
  uint8_t byte = 1;
  ASSERT_EQ(net.sendto(s, &byte, 1, 0, &nobody, sizeof nobody), 1);
  const net::ArpCounters& arp = net.stack().counters().arp;
  uint64_t deadline = rig.deadline_in(milliseconds(3000));
  while (arp.resolution_failures == 0 && net.now_ns() < deadline) ASSERT_GE(net.poll(), 0);
  EXPECT_EQ(arp.tx_requests, 3u);
  EXPECT_EQ(arp.resolution_failures, 1u);
  EXPECT_EQ(arp.unresolved_drops, 1u);
  net.close(s);
}

}  // namespace
}  // namespace bypass::test

namespace bypass::test {
namespace {

TEST(BypassHelpers, AConnectionToAClosedHostPortIsRefused) {
  uint16_t closed_port;
  {
    HostSocket probe(SOCK_STREAM);
    closed_port = probe.bind_loopback();  // released at once: nothing listens there
  }
  ASSERT_NE(closed_port, 0);
  BypassRig rig;
  ASSERT_EQ(rig.started, 0);
  int s = rig.net.socket(net::kAfInet, net::kSockStream, 0);
  net::SockAddrIn to = ipv4_socket_address(kHost, closed_port);
  EXPECT_EQ(rig.net.connect_until(s, &to, sizeof to, rig.deadline_in(milliseconds(5000))), -net::err::kConnRefused);
  rig.net.close(s);
}

TEST(BypassHelpers, AReceiveWithNothingComingEndsAtItsDeadline) {
  BypassRig rig;
  ASSERT_EQ(rig.started, 0);
  int s = rig.net.socket(net::kAfInet, net::kSockDgram, 0);
  net::SockAddrIn any = ipv4_socket_address(net::kIpv4Any, 4000);
  ASSERT_EQ(rig.net.bind(s, &any, sizeof any), 0);
  uint8_t buf[16];
  uint64_t start = rig.net.now_ns();
  EXPECT_EQ(rig.net.recv_until(s, buf, sizeof buf, rig.deadline_in(milliseconds(50))), -net::err::kTimedOut);
  uint64_t waited = rig.net.now_ns() - start;
  EXPECT_GE(waited, 50'000'000u);
  EXPECT_LT(waited, 5'000'000'000u);  // bounded, with room for a loaded machine
  rig.net.close(s);
}

}  // namespace
}  // namespace bypass::test
