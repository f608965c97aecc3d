// The host peer netbench talks to (abi/netbench.h), driven from loopback
// sockets as the guest would through the VMM's user network.
#include "bench/exits/bench_peer.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "abi/netbench.h"

namespace vmm::bench {
namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

FileDescriptor connected(int type, uint16_t port) {
  FileDescriptor fd(socket(AF_INET, type, 0));
  sockaddr_in a = loopback(port);
  EXPECT_EQ(connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  timeval tv{2, 0};
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
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
  FileDescriptor listener(socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in a = loopback(0);
  ASSERT_EQ(bind(listener.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(listener.get(), 4), 0);
  socklen_t len = sizeof a;
  getsockname(listener.get(), reinterpret_cast<sockaddr*>(&a), &len);
  auto peer = BenchPeer::start(ntohs(a.sin_port));
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

}  // namespace
}  // namespace vmm::bench
