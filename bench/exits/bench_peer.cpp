#include "bench/exits/bench_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

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

Result<FileDescriptor> bound_socket(int type, uint16_t* port) {
  FileDescriptor fd(socket(AF_INET, type | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return make_error(std::string("peer: socket: ") + std::strerror(errno));
  sockaddr_in a = loopback(0);
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    return make_error(std::string("peer: bind 127.0.0.1:0: ") + std::strerror(errno));
  socklen_t len = sizeof a;
  getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  return fd;
}

// A TCP connection the peer serves: its mode comes with its first byte.
struct Connection {
  FileDescriptor fd;
  bool mode_known = false;
  bool echo = false;
  bool source = false;  // the peer keeps it full
};

// Fills a source connection's send buffer as far as it goes without
// blocking. False when the guest has gone.
bool refill(Connection& c) {
  static const std::vector<char> stream(64 * 1024, 'R');
  ssize_t sent = send(c.fd.get(), stream.data(), stream.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  return sent >= 0 || errno == EAGAIN || errno == EWOULDBLOCK;
}

// Reads what arrived; echoes it in echo mode. False at EOF or error.
bool serve(Connection& c) {
  char buf[64 * 1024];
  ssize_t n = recv(c.fd.get(), buf, sizeof buf, 0);
  if (n <= 0) return false;
  const char* data = buf;
  if (!c.mode_known) {
    c.mode_known = true;
    c.echo = static_cast<uint8_t>(buf[0]) == platform::kPeerEcho;
    c.source = static_cast<uint8_t>(buf[0]) == platform::kPeerSource;
    ++data;
    --n;
  }
  if (!c.echo) return true;
  while (n > 0) {
    ssize_t sent = send(c.fd.get(), data, static_cast<size_t>(n), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data += sent;
    n -= sent;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<BenchPeer>> BenchPeer::start(uint16_t forward_port) {
  std::unique_ptr<BenchPeer> peer(new BenchPeer());
  peer->forward_port_ = forward_port;
  auto udp = bound_socket(SOCK_DGRAM, &peer->udp_port_);
  if (!udp) return udp.take_error();
  auto listener = bound_socket(SOCK_STREAM, &peer->tcp_port_);
  if (!listener) return listener.take_error();
  if (listen(listener->get(), 256) != 0)
    return make_error(std::string("peer: listen: ") + std::strerror(errno));
  peer->udp_ = std::move(*udp);
  peer->listener_ = std::move(*listener);
  peer->wake_ = FileDescriptor(eventfd(0, EFD_CLOEXEC));
  if (!peer->wake_.valid()) return make_error(std::string("peer: eventfd: ") + std::strerror(errno));
  peer->thread_ = std::thread([p = peer.get()] { p->run(); });
  return peer;
}

BenchPeer::~BenchPeer() {
  stop_ = true;
  uint64_t one = 1;
  if (write(wake_.get(), &one, sizeof one) < 0) {
    // The thread then notices stop_ at its next event; nothing else to do.
  }
  if (thread_.joinable()) thread_.join();
}

PeerCounters BenchPeer::counters() const {
  return {echoed_.load(), dropped_.load(), opened_.load(), open_failed_.load(), accepted_.load()};
}

void BenchPeer::run() {
  std::vector<Connection> connections;
  char datagram[65536];
  while (!stop_) {
    std::vector<pollfd> fds = {{wake_.get(), POLLIN, 0}, {udp_.get(), POLLIN, 0}, {listener_.get(), POLLIN, 0}};
    for (const auto& c : connections)
      fds.push_back({c.fd.get(), static_cast<short>(c.source ? POLLIN | POLLOUT : POLLIN), 0});
    if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
    if (fds[1].revents & POLLIN) {
      sockaddr_in from{};
      socklen_t len = sizeof from;
      ssize_t n = recvfrom(udp_.get(), datagram, sizeof datagram, 0, reinterpret_cast<sockaddr*>(&from), &len);
      uint8_t kind = n > 0 ? static_cast<uint8_t>(datagram[0]) : 0;
      if (kind == platform::kPeerOpenConnection && forward_port_) {
        FileDescriptor out(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_in to = loopback(forward_port_);
        if (out.valid() && connect(out.get(), reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
          // The guest sends nothing on it: in sink mode the peer only waits for EOF.
          connections.push_back({std::move(out), true, false});
          ++opened_;
        } else {
          ++open_failed_;
        }
      }
      if (kind == platform::kPeerEcho || kind == platform::kPeerOpenConnection) {
        ++echoed_;  // before the answer: whoever has it sees the count
        sendto(udp_.get(), datagram, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), len);
      } else if (n > 0) {
        ++dropped_;
      }
    }
    if (fds[2].revents & POLLIN) {
      FileDescriptor conn(accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (conn.valid()) {
        connections.push_back({std::move(conn), false, false});
        ++accepted_;
      }
    }
    // Connections added above have no entry in fds yet: only the first
    // fds.size() - 3 are looked at.
    size_t polled = fds.size() - 3;
    std::vector<Connection> alive;
    for (size_t i = 0; i < connections.size(); ++i) {
      short events = i < polled ? fds[3 + i].revents : 0;
      bool ok = true;
      if (events & (POLLIN | POLLHUP | POLLERR)) ok = serve(connections[i]);
      if (ok && (events & POLLOUT)) ok = refill(connections[i]);
      if (ok) alive.push_back(std::move(connections[i]));
    }
    connections = std::move(alive);
  }
}

}  // namespace vmm::bench
