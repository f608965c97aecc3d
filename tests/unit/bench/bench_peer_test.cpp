// The host peer netbench talks to (abi/netbench.h), driven from loopback
// sockets as the guest would through the VMM's user network; and what a
// guest that misbehaves cannot do to it: stall it by not reading, make it
// serve more connections than its cap, or make it spin when it runs out of
// descriptors.
#include "bench/exits/bench_peer.h"
#include "hostnet/loopback_address.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "abi/netbench.h"

namespace vmm::bench {
namespace {

FileDescriptor connected(int type, uint16_t port) {
  FileDescriptor fd(socket(AF_INET, type, 0));
  sockaddr_in a = net::loopback_address(port);
  EXPECT_EQ(connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  timeval tv{2, 0};
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// A TCP socket listening on 127.0.0.1 at a port the kernel chose (*port;
// 0 if it could not).
FileDescriptor listening_on_loopback(uint16_t* port) {
  FileDescriptor fd(socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in a = net::loopback_address(0);
  socklen_t len = sizeof a;
  bool ok = bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && listen(fd.get(), 4) == 0 &&
            getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len) == 0;
  *port = ok ? ntohs(a.sin_port) : 0;
  return fd;
}

std::string receive(int fd, size_t n) {
  std::string out(n, '\0');
  ssize_t got = recv(fd, out.data(), n, MSG_WAITALL);
  out.resize(got > 0 ? static_cast<size_t>(got) : 0);
  return out;
}

template <typename Predicate>
bool eventually(Predicate done) {
  for (int i = 0; i < 200 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return done();
}

TEST(BenchPeer, EchoesEchoRequestsAndDropsTheRest) {
  auto peer = BenchPeer::start(0);
  ASSERT_TRUE(peer) << peer.error().message;
  FileDescriptor udp = connected(SOCK_DGRAM, (*peer)->udp_port());
  ASSERT_EQ(send(udp.get(), "Sdrop me", 8, 0), 8);
  ASSERT_EQ(send(udp.get(), "Eecho me", 8, 0), 8);
  EXPECT_EQ(receive(udp.get(), 8), "Eecho me");  // the dropped one never comes back
  EXPECT_TRUE(eventually([&] { return (*peer)->counters().dropped == 1; }));
  EXPECT_EQ((*peer)->counters().echoed, 1u);
}

TEST(BenchPeer, OpensAConnectionToTheForwardedPortOnRequest) {
  uint16_t port = 0;
  FileDescriptor listener = listening_on_loopback(&port);
  ASSERT_NE(port, 0);
  auto peer = BenchPeer::start(port);
  ASSERT_TRUE(peer) << peer.error().message;
  FileDescriptor udp = connected(SOCK_DGRAM, (*peer)->udp_port());
  ASSERT_EQ(send(udp.get(), "Aplease", 7, 0), 7);
  EXPECT_EQ(receive(udp.get(), 7), "Aplease");  // answered once the connection is open
  pollfd p{listener.get(), POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, 2000), 1);
  FileDescriptor accepted(accept(listener.get(), nullptr, nullptr));
  EXPECT_TRUE(accepted.valid());
  EXPECT_EQ((*peer)->counters().opened, 1u);
}

TEST(BenchPeer, TcpConnectionsEchoOrDiscardByTheirFirstByte) {
  auto peer = BenchPeer::start(0);
  ASSERT_TRUE(peer) << peer.error().message;
  FileDescriptor echo = connected(SOCK_STREAM, (*peer)->tcp_port());
  FileDescriptor sink = connected(SOCK_STREAM, (*peer)->tcp_port());
  ASSERT_EQ(send(sink.get(), "Sdiscarded", 10, 0), 10);
  ASSERT_EQ(send(echo.get(), "Ehello", 6, 0), 6);
  EXPECT_EQ(receive(echo.get(), 5), "hello");  // the mode byte is not echoed
  timeval short_wait{0, 200'000};
  setsockopt(sink.get(), SOL_SOCKET, SO_RCVTIMEO, &short_wait, sizeof short_wait);
  EXPECT_EQ(receive(sink.get(), 1), "");
  EXPECT_TRUE(eventually([&] { return (*peer)->counters().accepted == 2; }));
}

TEST(BenchPeer, ASourceConnectionKeepsTheReaderSupplied) {
  auto peer = BenchPeer::start(0);
  ASSERT_TRUE(peer) << peer.error().message;
  FileDescriptor source = connected(SOCK_STREAM, (*peer)->tcp_port());
  ASSERT_EQ(send(source.get(), "R", 1, 0), 1);
  for (int chunk = 0; chunk < 16; ++chunk)  // 1 MiB: more than any socket buffer holds
    ASSERT_EQ(receive(source.get(), 64 * 1024), std::string(64 * 1024, 'R')) << chunk;
}

// ---- a guest cannot stall or spin the peer ----

// Pushes echo data at the peer without ever reading the echo, until the
// peer stops taking it (nothing more fits for 200 ms). The bytes pushed.
size_t push_until_the_peer_stops_reading(int fd) {
  const std::string chunk(64 * 1024, 'x');
  size_t pushed = 0;
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < give_up) {
    ssize_t n = send(fd, chunk.data(), chunk.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      pushed += static_cast<size_t>(n);
      continue;
    }
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, 200) == 0) break;
  }
  return pushed;
}

TEST(BenchPeer, AClientThatStopsReadingDoesNotStallTheOthers) {
  PeerLimits limits;
  limits.max_echo_backlog = 128 * 1024;
  auto peer = BenchPeer::start(0, limits);
  ASSERT_TRUE(peer) << peer.error().message;
  FileDescriptor stuck = connected(SOCK_STREAM, (*peer)->tcp_port());
  ASSERT_EQ(send(stuck.get(), "E", 1, 0), 1);
  size_t pushed = push_until_the_peer_stops_reading(stuck.get());
  EXPECT_GT(pushed, limits.max_echo_backlog);  // the socket buffers took the rest

  FileDescriptor other = connected(SOCK_STREAM, (*peer)->tcp_port());
  ASSERT_EQ(send(other.get(), "Ehello", 6, 0), 6);
  EXPECT_EQ(receive(other.get(), 5), "hello");
  FileDescriptor udp = connected(SOCK_DGRAM, (*peer)->udp_port());
  ASSERT_EQ(send(udp.get(), "Eping", 5, 0), 5);
  EXPECT_EQ(receive(udp.get(), 5), "Eping");

  // Once the stuck client reads, its echo resumes, all of it, in order.
  std::string echoed = receive(stuck.get(), pushed);
  EXPECT_EQ(echoed.size(), pushed);
  EXPECT_EQ(echoed.find_first_not_of('x'), std::string::npos);
}

TEST(BenchPeer, TheConnectionCapHolds) {
  PeerLimits limits;
  limits.max_connections = 3;
  auto peer = BenchPeer::start(0, limits);
  ASSERT_TRUE(peer) << peer.error().message;
  std::vector<FileDescriptor> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(connected(SOCK_STREAM, (*peer)->tcp_port()));  // the kernel's backlog takes them all
    ASSERT_EQ(send(clients.back().get(), "Ex", 2, 0), 2);
  }
  for (int i = 0; i < 3; ++i) EXPECT_EQ(receive(clients[i].get(), 1), "x") << i;
  for (int i = 3; i < 5; ++i) {
    pollfd p{clients[i].get(), POLLIN, 0};
    EXPECT_EQ(poll(&p, 1, 300), 0) << i << " was served beyond the cap";
  }
  EXPECT_EQ((*peer)->counters().accepted, 3u);

  clients[0] = FileDescriptor();  // one closes: the next waiting one is served
  EXPECT_EQ(receive(clients[3].get(), 1), "x");
  EXPECT_EQ((*peer)->counters().accepted, 4u);
  pollfd p{clients[4].get(), POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, 100), 0);
}

TEST(BenchPeer, RequestsToOpenAConnectionBeyondTheCapFail) {
  uint16_t port = 0;
  FileDescriptor listener = listening_on_loopback(&port);
  ASSERT_NE(port, 0);
  PeerLimits limits;
  limits.max_connections = 1;
  auto peer = BenchPeer::start(port, limits);
  ASSERT_TRUE(peer) << peer.error().message;
  FileDescriptor udp = connected(SOCK_DGRAM, (*peer)->udp_port());
  ASSERT_EQ(send(udp.get(), "Aone", 4, 0), 4);
  EXPECT_EQ(receive(udp.get(), 4), "Aone");
  ASSERT_EQ(send(udp.get(), "Atwo", 4, 0), 4);
  EXPECT_EQ(receive(udp.get(), 4), "Atwo");  // answered all the same
  PeerCounters counters = (*peer)->counters();
  EXPECT_EQ(counters.opened, 1u);
  EXPECT_EQ(counters.open_failed, 1u);
}

std::chrono::microseconds process_cpu_time() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto us = [](const timeval& t) { return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec); };
  return us(usage.ru_utime) + us(usage.ru_stime);
}

// Every descriptor below a lowered RLIMIT_NOFILE taken: accept() fails with
// EMFILE while connections wait, so the listener stays readable. The peer
// must rest instead of polling it again at once; it accepts again once
// descriptors come free. Status: 0 as it should be, 10+ what went wrong.
int accept_at_the_descriptor_limit() {
  auto peer = BenchPeer::start(0);
  if (!peer) return 10;
  std::vector<int> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  rlimit limit{64, 64};
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return 11;
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null < 0) return 17;
  std::vector<int> fillers;
  for (int fd; (fd = dup(null)) >= 0;) fillers.push_back(fd);
  if (errno != EMFILE) return 12;
  sockaddr_in to = net::loopback_address((*peer)->tcp_port());
  for (int fd : clients)
    if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) return 13;

  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the peer has met EMFILE
  auto before = process_cpu_time();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto used = process_cpu_time() - before;
  std::fprintf(stderr, "peer used %lld us of CPU in 1 s at the descriptor limit\n",
               static_cast<long long>(used.count()));
  if ((*peer)->counters().accepted != 0) return 14;
  if (used > std::chrono::milliseconds(50)) return 15;  // spinning took 372 ms here

  for (int i = 0; i < 3; ++i) close(fillers[static_cast<size_t>(i)]);
  if (!eventually([&] { return (*peer)->counters().accepted == 3; })) return 16;
  return 0;
}

TEST(BenchPeer, AcceptAtTheDescriptorLimitDoesNotSpin) {
#ifdef VMM_SANITIZER_BUILD
  // Seen on 2026-12-07: under ASan+UBSan the child ends with status 1 (or
  // 86 with a report file it cannot open: EMFILE) in two runs of three,
  // before the test's own checks. The sanitizer runtime wants descriptors
  // of its own, which this test takes away on purpose; the default build
  // runs it.
  GTEST_SKIP() << "the sanitizer runtime needs descriptors this test takes away";
#endif
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // a process of its own, with its own limit
  EXPECT_EXIT(_exit(accept_at_the_descriptor_limit()), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace vmm::bench
