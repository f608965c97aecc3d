// Interop with the real Linux TCP/IP stack, without a VM: a NetStack behind
// libslirp (10.0.2.15, gateway 10.0.2.2 = the host's loopback) talks to
// ordinary host sockets on 127.0.0.1. Each test is bounded (< 10 s).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "sim_network.h"
#include "slirp_harness.h"
#include "hostnet/loopback_address.h"

namespace net::test {
namespace {

using std::chrono::milliseconds;
constexpr size_t kTransferBytes = 4 * 1024 * 1024;

// A host socket fd closed on scope exit.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

uint16_t bound_port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

// A port on 127.0.0.1 that nothing listens on (just released).
uint16_t free_port(int type) {
  Fd s(::socket(AF_INET, type, 0));
  sockaddr_in a = vmm::net::loopback_address(0);
  ::bind(s.fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  return bound_port(s.fd);
}

bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1;
}

// Reads until end of file (or 9 s of silence).
std::vector<uint8_t> read_all(int fd) {
  std::vector<uint8_t> data;
  uint8_t buf[65536];
  while (wait_readable(fd, 9000)) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    data.insert(data.end(), buf, buf + n);
  }
  return data;
}

double mib_per_s(size_t bytes, std::chrono::steady_clock::duration d) {
  return bytes / (1024.0 * 1024.0) / std::chrono::duration<double>(d).count();
}

TEST(SlirpInterop, StackSendsFourMiBToALinuxServer) {
  Fd server(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in a = vmm::net::loopback_address(0);
  ASSERT_EQ(::bind(server.fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(server.fd, 1), 0);
  uint16_t port = bound_port(server.fd);
  std::vector<uint8_t> received;
  std::atomic<bool> finished{false};
  std::thread linux_side([&] {
    if (wait_readable(server.fd, 9000)) {
      Fd conn(::accept(server.fd, nullptr, nullptr));
      received = read_all(conn.fd);
    }
    finished = true;
  });

  SlirpHarness h;
  NetStack& stack = h.stack();
  SocketId s = stack.socket(kAfInet, kSockStream, 0);
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(connect_socket(stack, s, SlirpHarness::kGateway, port), -err::kInProgress);
  int connected = -err::kInProgress;
  ASSERT_TRUE(h.run_until([&] {
    connected = connect_socket(stack, s, SlirpHarness::kGateway, port);
    return connected != -err::kAlready;
  }, milliseconds(5000)));
  ASSERT_EQ(connected, 0);
  std::vector<uint8_t> data = pattern_bytes(kTransferBytes, 21);
  size_t sent = 0;
  bool shut = false;
  bool ok = h.run_until([&] {
    while (sent < data.size()) {
      int64_t n = stack.send(s, data.data() + sent, data.size() - sent, 0);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    if (sent == data.size() && !shut) shut = stack.shutdown(s, kShutWr) == 0;
    return finished.load();
  }, milliseconds(9000));
  auto elapsed = std::chrono::steady_clock::now() - start;
  linux_side.join();
  ASSERT_TRUE(ok);
  EXPECT_EQ(received.size(), data.size());
  EXPECT_TRUE(received == data);
  std::printf("stack -> Linux: %zu bytes in %.3f s = %.1f MiB/s (%llu frames to slirp)\n", received.size(),
              std::chrono::duration<double>(elapsed).count(), mib_per_s(received.size(), elapsed),
              static_cast<unsigned long long>(h.frames_to_slirp()));
  stack.close(s);
}

TEST(SlirpInterop, LinuxClientSendsFourMiBThroughAHostForward) {
  SlirpHarness h;
  NetStack& stack = h.stack();
  SocketId listener = stack.socket(kAfInet, kSockStream, 0);
  ASSERT_EQ(bind_socket(stack, listener, kIpv4Any, 8080), 0);
  ASSERT_EQ(stack.listen(listener, 4), 0);
  uint16_t host_port = free_port(SOCK_STREAM);
  ASSERT_TRUE(h.forward(false, host_port, 8080));

  std::vector<uint8_t> data = pattern_bytes(kTransferBytes, 22);
  std::atomic<bool> client_done{false};
  std::thread linux_side([&] {
    Fd c(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in to = vmm::net::loopback_address(host_port);
    if (::connect(c.fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
      size_t off = 0;
      while (off < data.size()) {
        ssize_t n = ::write(c.fd, data.data() + off, data.size() - off);
        if (n <= 0) break;
        off += static_cast<size_t>(n);
      }
      ::shutdown(c.fd, SHUT_WR);
      read_all(c.fd);  // until the stack closes its side
    }
    client_done = true;
  });

  auto start = std::chrono::steady_clock::now();
  SocketId s = -1;
  std::vector<uint8_t> received;
  bool eof = false;
  bool ok = h.run_until([&] {
    if (s < 0) s = stack.accept(listener, nullptr, nullptr);
    if (s < 0) return false;
    uint8_t buf[65536];
    int64_t n;
    while ((n = stack.recv(s, buf, sizeof buf, 0)) > 0) received.insert(received.end(), buf, buf + n);
    if (n == 0) eof = true;
    return eof;
  }, milliseconds(9000));
  auto elapsed = std::chrono::steady_clock::now() - start;
  if (s >= 0) stack.close(s);
  h.run_until([&] { return client_done.load(); }, milliseconds(2000));
  linux_side.join();
  ASSERT_TRUE(ok) << "received " << received.size();
  EXPECT_TRUE(received == data);
  std::printf("Linux -> stack: %zu bytes in %.3f s = %.1f MiB/s\n", received.size(),
              std::chrono::duration<double>(elapsed).count(), mib_per_s(received.size(), elapsed));
  stack.close(listener);
}

TEST(SlirpInterop, UdpEchoBothWays) {
  // 1. The stack's datagrams to a Linux echo server on 127.0.0.1.
  Fd echo(::socket(AF_INET, SOCK_DGRAM, 0));
  sockaddr_in a = vmm::net::loopback_address(0);
  ASSERT_EQ(::bind(echo.fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  uint16_t echo_port = bound_port(echo.fd);
  std::vector<size_t> sizes_seen;
  std::atomic<bool> stop{false};
  std::thread echo_server([&] {
    uint8_t buf[65536];
    while (!stop) {
      if (!wait_readable(echo.fd, 50)) continue;
      sockaddr_in from{};
      socklen_t len = sizeof from;
      ssize_t n = ::recvfrom(echo.fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 0) continue;
      sizes_seen.push_back(static_cast<size_t>(n));
      ::sendto(echo.fd, buf, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), len);
    }
  });

  SlirpHarness h;
  NetStack& stack = h.stack();
  SocketId u = stack.socket(kAfInet, kSockDgram, 0);
  SockAddrIn to = sockaddr_of(SlirpHarness::kGateway, echo_port);
  for (size_t size : {size_t{1}, size_t{100}, size_t{1472}}) {
    std::vector<uint8_t> payload = pattern_bytes(size, static_cast<uint32_t>(size));
    ASSERT_EQ(stack.sendto(u, payload.data(), size, 0, &to, sizeof to), static_cast<int64_t>(size));
    std::vector<uint8_t> reply(2000);
    SockAddrIn from{};
    uint32_t from_len = sizeof from;
    int64_t n = -1;
    ASSERT_TRUE(h.run_until([&] {
      n = stack.recvfrom(u, reply.data(), reply.size(), 0, &from, &from_len);
      return n >= 0;
    }, milliseconds(3000))) << size;
    reply.resize(static_cast<size_t>(n));
    EXPECT_EQ(reply, payload);
    EXPECT_EQ(be32_to_host(from.addr_be), SlirpHarness::kGateway);
    EXPECT_EQ(be16_to_host(from.port_be), echo_port);
  }
  // A datagram above the MTU leaves in fragments that Linux reassembles.
  std::vector<uint8_t> big = pattern_bytes(4000, 4);
  ASSERT_EQ(stack.sendto(u, big.data(), big.size(), 0, &to, sizeof to), 4000);
  h.run_until([&] { return stack.counters().ipv4.rx_fragments_dropped > 0; }, milliseconds(2000));
  stop = true;
  echo_server.join();
  EXPECT_NE(std::find(sizes_seen.begin(), sizes_seen.end(), 4000u), sizes_seen.end());
  EXPECT_GT(stack.counters().ipv4.tx_fragments, 0u);
  stack.close(u);

  // 2. A Linux client's datagrams to the stack's echo socket, via a host forward.
  SocketId server = stack.socket(kAfInet, kSockDgram, 0);
  ASSERT_EQ(bind_socket(stack, server, kIpv4Any, 7), 0);
  uint16_t host_port = free_port(SOCK_DGRAM);
  ASSERT_TRUE(h.forward(true, host_port, 7));
  std::atomic<int> echoed{0};
  std::atomic<bool> client_done{false};
  std::thread client([&] {
    Fd c(::socket(AF_INET, SOCK_DGRAM, 0));
    sockaddr_in dst = vmm::net::loopback_address(host_port);
    for (int i = 0; i < 5; ++i) {
      std::vector<uint8_t> msg = pattern_bytes(200 + i, 100 + i);
      ::sendto(c.fd, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst);
      uint8_t buf[2048];
      if (!wait_readable(c.fd, 3000)) break;
      ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n == static_cast<ssize_t>(msg.size()) && std::equal(msg.begin(), msg.end(), buf)) echoed++;
    }
    client_done = true;
  });
  h.run_until([&] {
    uint8_t buf[2048];
    SockAddrIn from{};
    uint32_t len = sizeof from;
    int64_t n;
    while ((n = stack.recvfrom(server, buf, sizeof buf, 0, &from, &len)) >= 0) {
      stack.sendto(server, buf, static_cast<size_t>(n), 0, &from, len);
    }
    return client_done.load();
  }, milliseconds(8000));
  client.join();
  EXPECT_EQ(echoed.load(), 5);
  stack.close(server);
}

TEST(SlirpInterop, ConnectingToAClosedHostPortIsRefused) {
  SlirpHarness h;
  NetStack& stack = h.stack();
  uint16_t port = free_port(SOCK_STREAM);
  SocketId s = stack.socket(kAfInet, kSockStream, 0);
  ASSERT_EQ(connect_socket(stack, s, SlirpHarness::kGateway, port), -err::kInProgress);
  ASSERT_TRUE(h.run_until([&] { return (stack.poll(s) & kPollErr) != 0; }, milliseconds(5000)));
  EXPECT_EQ(connect_socket(stack, s, SlirpHarness::kGateway, port), -err::kConnRefused);
  stack.close(s);
}

TEST(SlirpInterop, PingTheGateway) {
  SlirpHarness h;
  NetStack& stack = h.stack();
  SocketId s = stack.socket(kAfInet, kSockDgram, kIpprotoIcmp);
  uint8_t request[16] = {8, 0, 0, 0, 0, 0, 0, 1, 'h', 'e', 'l', 'l', 'o', '!', '!', '!'};
  SockAddrIn to = sockaddr_of(SlirpHarness::kGateway, 0);
  ASSERT_EQ(stack.sendto(s, request, sizeof request, 0, &to, sizeof to), 16);
  uint8_t reply[64];
  int64_t n = -1;
  ASSERT_TRUE(h.run_until([&] { return (n = stack.recv(s, reply, sizeof reply, 0)) >= 0; },
                          milliseconds(3000)));
  ASSERT_EQ(n, 16);
  EXPECT_EQ(reply[0], 0);  // echo reply
  EXPECT_TRUE(std::equal(request + 8, request + 16, reply + 8));
  stack.close(s);
}

}  // namespace
}  // namespace net::test
