// Host-side peers on 127.0.0.1 for the bypass tests: sockets owned by an
// RAII type, the bounded waits the peers' threads use, and a UDP echo.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <thread>

#include "hostnet/loopback_address.h"

namespace bypass::test {

class HostSocket {
 public:
  explicit HostSocket(int type) : fd_(::socket(AF_INET, type, 0)) {}
  ~HostSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  HostSocket(const HostSocket&) = delete;
  HostSocket& operator=(const HostSocket&) = delete;
  // Takes an fd that accept() returned.
  static HostSocket adopt(int fd) { return HostSocket(fd, 0); }
  HostSocket(HostSocket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

  int fd() const { return fd_; }
  // Binds to 127.0.0.1 on a port the kernel picks; that port, or 0.
  uint16_t bind_loopback() {
    sockaddr_in a = vmm::net::loopback_address(0);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return 0;
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    return ntohs(a.sin_port);
  }

 private:
  HostSocket(int fd, int) : fd_(fd) {}
  int fd_;
};

inline bool host_wait(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, timeout_ms) == 1;
}

// Echoes every datagram back to its sender until told to stop.
class UdpEchoPeer {
 public:
  UdpEchoPeer() : socket_(SOCK_DGRAM), port_(socket_.bind_loopback()), thread_([this] { run(); }) {}
  ~UdpEchoPeer() {
    stop_ = true;
    thread_.join();
  }
  uint16_t port() const { return port_; }
  uint64_t echoed() const { return echoed_; }

 private:
  void run() {
    uint8_t buf[2048];
    while (!stop_) {
      if (!host_wait(socket_.fd(), POLLIN, 20)) continue;
      sockaddr_in from{};
      socklen_t len = sizeof from;
      ssize_t n = ::recvfrom(socket_.fd(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 0) continue;
      ::sendto(socket_.fd(), buf, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), len);
      ++echoed_;
    }
  }
  HostSocket socket_;
  uint16_t port_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> echoed_{0};
  std::thread thread_;  // last: started after what it uses
};

}  // namespace bypass::test
