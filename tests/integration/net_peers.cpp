#include "tests/integration/net_peers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <random>
#include <vector>

#include "guest/user/pattern.h"
#include "guest/user/sha256.h"

namespace vmm::testing {
namespace {

sockaddr_in make_address(const std::string& addr, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, addr.c_str(), &a.sin_addr);
  return a;
}

uint16_t bound_port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

// Binds a socket of type on addr:0 inside ns (from a short-lived thread,
// since setns only moves the calling thread; the socket stays in ns).
int bound_socket(int type, const std::string& addr, const NetNamespace* ns) {
  int fd = -1;
  std::thread t([&] {
    if (ns && !ns->enter_on_this_thread()) return;
    fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in a = make_address(addr, 0);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      close(fd);
      fd = -1;
    }
  });
  t.join();
  return fd;
}

// Waits up to ms for fd to become readable.
bool readable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, ms) == 1;
}

std::string hex_digest(sha256::Hasher& h) {
  char hex[sha256::kHexLen];
  h.finish_hex(hex);
  return hex;
}

}  // namespace

// ---- NetNamespace ----

std::unique_ptr<NetNamespace> NetNamespace::create(std::string* why) {
  if (geteuid() != 0) {
    *why = "not root";
    return nullptr;
  }
  if (access("/dev/net/tun", R_OK | W_OK) != 0) {
    *why = "/dev/net/tun is not usable";
    return nullptr;
  }
  std::string name = "vmmtest" + std::to_string(getpid()) + "_" + std::to_string(std::random_device{}() % 100000);
  if (std::system(("ip netns add " + name + " 2>/dev/null").c_str()) != 0) {
    *why = "`ip netns add` failed";
    return nullptr;
  }
  auto ns = std::unique_ptr<NetNamespace>(new NetNamespace(name));
  if (!ns->exec("ip link set lo up")) {
    *why = "cannot bring up lo in the namespace";
    return nullptr;
  }
  return ns;
}

NetNamespace::~NetNamespace() {
  (void)std::system(("ip netns del " + name_ + " 2>/dev/null").c_str());
}

bool NetNamespace::exec(const std::string& command) const {
  std::string line = "ip netns exec " + name_ + " sh -c '" + command + "' >/dev/null 2>&1";
  return std::system(line.c_str()) == 0;
}

bool NetNamespace::enter_on_this_thread() const {
  int fd = open(("/var/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = setns(fd, CLONE_NEWNET) == 0;
  close(fd);
  return ok;
}

// ---- UdpEchoServer ----

std::unique_ptr<UdpEchoServer> UdpEchoServer::start(const std::string& addr, const NetNamespace* ns) {
  auto s = std::unique_ptr<UdpEchoServer>(new UdpEchoServer());
  s->fd_ = bound_socket(SOCK_DGRAM, addr, ns);
  if (s->fd_ < 0) return nullptr;
  s->port_ = bound_port(s->fd_);
  s->thread_ = std::thread([p = s.get()] { p->run(); });
  return s;
}

UdpEchoServer::~UdpEchoServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_);
}

void UdpEchoServer::run() {
  std::vector<uint8_t> buf(65536);
  while (!stop_) {
    if (!readable(fd_, 50)) continue;
    sockaddr_in from{};
    socklen_t len = sizeof(from);
    ssize_t n = recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) continue;
    if (sendto(fd_, buf.data(), static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), len) == n) {
      echoed_++;
    }
  }
}

// ---- TcpServer ----

std::unique_ptr<TcpServer> TcpServer::start(Mode mode, const std::string& addr, const NetNamespace* ns) {
  auto s = std::unique_ptr<TcpServer>(new TcpServer());
  s->mode_ = mode;
  s->fd_ = bound_socket(SOCK_STREAM, addr, ns);
  if (s->fd_ < 0 || listen(s->fd_, 64) != 0) return nullptr;
  s->port_ = bound_port(s->fd_);
  s->thread_ = std::thread([p = s.get()] { p->run(); });
  return s;
}

TcpServer::~TcpServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_);
}

StreamDigest TcpServer::last_digest() const {
  if (!digest_ready_.load()) return {};
  return digest_;
}

void TcpServer::run() {
  while (!stop_) {
    if (!readable(fd_, 50)) continue;
    int conn = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) continue;
    connections_++;
    serve(conn);  // one at a time: the guest's programs connect in turn
    close(conn);
  }
}

void TcpServer::serve(int conn) {
  std::vector<uint8_t> buf(256 * 1024);
  sha256::Hasher hash;
  uint64_t total = 0;
  while (!stop_) {
    if (!readable(conn, 50)) continue;
    ssize_t n = read(conn, buf.data(), buf.size());
    if (n <= 0) break;
    total += static_cast<uint64_t>(n);
    if (mode_ == Mode::kSink) {
      hash.update(buf.data(), static_cast<size_t>(n));
      continue;
    }
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(conn, buf.data() + off, static_cast<size_t>(n - off));
      if (w <= 0) return;
      off += w;
    }
  }
  if (mode_ == Mode::kSink && !digest_ready_.load()) {
    digest_ = {hex_digest(hash), total, true};
    digest_ready_ = true;
  }
}

// ---- clients through hostfwd ----

uint16_t free_port(bool tcp) {
  int fd = bound_socket(tcp ? SOCK_STREAM : SOCK_DGRAM, "127.0.0.1", nullptr);
  uint16_t port = bound_port(fd);
  close(fd);
  return port;
}

namespace {

// Runs fn on a thread inside ns (or on this thread without one).
template <typename Fn>
auto in_namespace(const NetNamespace* ns, Fn fn) -> decltype(fn()) {
  if (ns == nullptr) return fn();
  decltype(fn()) result{};
  std::thread t([&] {
    if (ns->enter_on_this_thread()) result = fn();
  });
  t.join();
  return result;
}

uint64_t udp_echo_client_here(const std::string& addr, uint16_t port, uint64_t count, size_t max_size,
                              std::chrono::seconds deadline) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in to = make_address(addr, port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0) return 0;
  auto end = std::chrono::steady_clock::now() + deadline;
  std::vector<uint8_t> out(max_size), in(65536);
  uint64_t intact = 0;
  for (uint64_t seq = 0; seq < count && std::chrono::steady_clock::now() < end;) {
    size_t size = 1 + seq % max_size;
    pattern::fill_datagram(out.data(), size, seq);
    (void)send(fd, out.data(), size, 0);  // ECONNREFUSED until the guest listens
    // Wait for this datagram's echo; late echoes of earlier copies are
    // skipped, not answered with yet another copy (that would snowball).
    while (readable(fd, 1000)) {
      ssize_t n = recv(fd, in.data(), in.size(), 0);
      if (n == static_cast<ssize_t>(size) && pattern::datagram_matches(in.data(), size, seq)) {
        ++intact;
        ++seq;
        break;
      }
    }
  }
  close(fd);
  return intact;
}

// Reads and checks whatever echo is there (without waiting).
bool drain_echo(int fd, std::vector<uint8_t>& in, uint64_t* received, bool wait) {
  while (readable(fd, wait ? 5000 : 0)) {
    ssize_t n = read(fd, in.data(), in.size());
    if (n <= 0) return false;
    if (pattern::check_stream(in.data(), static_cast<size_t>(n), *received) != static_cast<size_t>(n)) return false;
    *received += static_cast<uint64_t>(n);
    if (wait) return true;
  }
  return true;
}

std::string tcp_send_pattern_here(const std::string& addr, uint16_t port, uint64_t bytes, bool echo,
                                  std::chrono::seconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  sockaddr_in to = make_address(addr, port);
  int fd = -1;
  // slirp accepts the host connection at once and only then tries the
  // guest: a connection the guest refuses is closed right away. Retry until
  // one stays open long enough to carry the first byte.
  while (std::chrono::steady_clock::now() < end) {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) == 0) {
      // A refused forward shows up as EOF/RST within a moment.
      if (!readable(fd, 300)) break;
    }
    close(fd);
    fd = -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (fd < 0) return "";
  std::vector<uint8_t> buf(16 * 1024), in(256 * 1024);
  sha256::Hasher hash;
  uint64_t received = 0;
  bool ok = true;
  for (uint64_t sent = 0; sent < bytes && ok;) {
    size_t n = std::min<uint64_t>(buf.size(), bytes - sent);
    pattern::fill_stream(buf.data(), n, sent);
    for (size_t off = 0; off < n && ok;) {
      ssize_t w = write(fd, buf.data() + off, n - off);
      if (w <= 0) ok = false;
      else off += static_cast<size_t>(w);
      // Keep the echo flowing, or both sides' windows fill and stall.
      if (ok && echo) ok = drain_echo(fd, in, &received, false);
    }
    hash.update(buf.data(), n);
    sent += n;
  }
  while (ok && echo && received < bytes) ok = drain_echo(fd, in, &received, true);
  close(fd);
  return ok ? hex_digest(hash) : "";
}

}  // namespace

uint64_t udp_echo_client(const std::string& addr, uint16_t port, uint64_t count, size_t max_size,
                         std::chrono::seconds deadline, const NetNamespace* ns) {
  return in_namespace(ns, [&] { return udp_echo_client_here(addr, port, count, max_size, deadline); });
}

std::string tcp_send_pattern(const std::string& addr, uint16_t port, uint64_t bytes, bool echo,
                             std::chrono::seconds deadline, const NetNamespace* ns) {
  return in_namespace(ns, [&] { return tcp_send_pattern_here(addr, port, bytes, echo, deadline); });
}

void udp_send_filler(const std::string& addr, uint16_t port, const NetNamespace* ns) {
  in_namespace(ns, [&] {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in to = make_address(addr, port);
    uint8_t byte = 0;
    (void)sendto(fd, &byte, 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
    close(fd);
    return 0;
  });
}

std::string pattern_sha256(uint64_t n) {
  sha256::Hasher hash;
  std::vector<uint8_t> buf(64 * 1024);
  for (uint64_t done = 0; done < n;) {
    size_t k = std::min<uint64_t>(buf.size(), n - done);
    pattern::fill_stream(buf.data(), k, done);
    hash.update(buf.data(), k);
    done += k;
  }
  return hex_digest(hash);
}

}  // namespace vmm::testing
