#include "bench/exits/bench_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "abi/netbench.h"
#include "bench/exits/peer_connection.h"
#include "hostnet/loopback_address.h"

namespace vmm::bench {

namespace {

Result<FileDescriptor> bound_socket(int type, uint16_t* port) {
  FileDescriptor fd(socket(AF_INET, type | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return make_error(std::string("peer: socket: ") + std::strerror(errno));
  sockaddr_in a = net::loopback_address(0);
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    return make_error(std::string("peer: bind 127.0.0.1:0: ") + std::strerror(errno));
  socklen_t len = sizeof a;
  getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  return fd;
}

using Clock = std::chrono::steady_clock;

// A connection into the guest on its way: the request datagram is answered
// once it opened or failed.
struct Opening {
  FileDescriptor fd;
  Clock::time_point deadline;
  sockaddr_in reply_to;
  socklen_t reply_to_length;
  std::vector<char> request;
};

bool out_of_descriptors(int error) {
  return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}

}  // namespace

Result<std::unique_ptr<BenchPeer>> BenchPeer::start(uint16_t forward_port, PeerLimits limits) {
  std::unique_ptr<BenchPeer> peer(new BenchPeer());
  peer->forward_port_ = forward_port;
  peer->limits_ = limits;
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

// The poll loop's state and its steps, on the peer's thread.
struct BenchPeer::Loop {
  explicit Loop(BenchPeer& owner) : peer(owner) {}

  BenchPeer& peer;
  std::vector<PeerConnection> connections;
  std::vector<Opening> openings;
  Clock::time_point listener_rests_until{};
  std::vector<char> datagram = std::vector<char>(65536);

  size_t busy() const { return connections.size() + openings.size(); }
  bool accepting(Clock::time_point now) const {
    return busy() < peer.limits_.max_connections && now >= listener_rests_until;
  }

  // poll()'s timeout: the next deadline of an opening or of the listener's rest.
  int timeout_ms(Clock::time_point now) const {
    std::optional<Clock::time_point> next;
    for (const Opening& o : openings) next = next ? std::min(*next, o.deadline) : o.deadline;
    if (now < listener_rests_until) next = next ? std::min(*next, listener_rests_until) : listener_rests_until;
    if (!next) return -1;
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(*next - now).count();
    return static_cast<int>(std::clamp<int64_t>(ms, 0, 60'000));
  }

  void answer(const std::vector<char>& request, const sockaddr_in& to, socklen_t length) {
    ++peer.echoed_;  // before the answer: whoever has it sees the count
    sendto(peer.udp_.get(), request.data(), request.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to),
           length);
  }

  void on_datagram() {
    sockaddr_in from{};
    socklen_t length = sizeof from;
    ssize_t n = recvfrom(peer.udp_.get(), datagram.data(), datagram.size(), MSG_DONTWAIT,
                         reinterpret_cast<sockaddr*>(&from), &length);
    if (n <= 0) return;
    std::vector<char> request(datagram.begin(), datagram.begin() + n);
    uint8_t kind = static_cast<uint8_t>(request[0]);
    if (kind == platform::kPeerOpenConnection && peer.forward_port_) return open_connection(std::move(request), from, length);
    if (kind == platform::kPeerEcho || kind == platform::kPeerOpenConnection) return answer(request, from, length);
    ++peer.dropped_;
  }

  void open_connection(std::vector<char> request, const sockaddr_in& from, socklen_t length) {
    FileDescriptor out;
    if (busy() < peer.limits_.max_connections)
      out = FileDescriptor(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    sockaddr_in to = net::loopback_address(peer.forward_port_);
    int rc = out.valid() ? connect(out.get(), reinterpret_cast<sockaddr*>(&to), sizeof to) : -1;
    if (rc == 0) {
      connections.push_back(PeerConnection::opened(std::move(out)));
      ++peer.opened_;
      return answer(request, from, length);
    }
    if (out.valid() && errno == EINPROGRESS) {
      openings.push_back({std::move(out), Clock::now() + peer.limits_.connect_timeout, from, length, std::move(request)});
      return;
    }
    ++peer.open_failed_;
    answer(request, from, length);
  }

  // An opening poll reported on, or whose time is up. False when it is done.
  bool continue_opening(Opening& o, short revents, Clock::time_point now) {
    if (!revents && now < o.deadline) return true;
    int error = ETIMEDOUT;
    socklen_t size = sizeof error;
    if (revents) getsockopt(o.fd.get(), SOL_SOCKET, SO_ERROR, &error, &size);
    if (error == 0) {
      connections.push_back(PeerConnection::opened(std::move(o.fd)));
      ++peer.opened_;
    } else {
      ++peer.open_failed_;
    }
    answer(o.request, o.reply_to, o.reply_to_length);
    return false;
  }

  void on_listener(Clock::time_point now) {
    FileDescriptor conn(accept4(peer.listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (conn.valid()) {
      connections.push_back(PeerConnection::accepted(std::move(conn), peer.limits_.max_echo_backlog));
      ++peer.accepted_;
    } else if (out_of_descriptors(errno)) {
      // The connection stays queued and the listener readable: polling it
      // again now would spin.
      listener_rests_until = now + peer.limits_.accept_backoff;
    }
  }

  void one_pass() {
    Clock::time_point now = Clock::now();
    bool listening = accepting(now);
    std::vector<pollfd> fds = {{peer.wake_.get(), POLLIN, 0}, {peer.udp_.get(), POLLIN, 0},
                               {listening ? peer.listener_.get() : -1, POLLIN, 0}};
    for (const Opening& o : openings) fds.push_back({o.fd.get(), POLLOUT, 0});
    for (const PeerConnection& c : connections) fds.push_back({c.fd(), c.events(), 0});
    if (poll(fds.data(), fds.size(), timeout_ms(now)) < 0 && errno != EINTR) {
      peer.stop_ = true;
      return;
    }
    now = Clock::now();
    // Connections and openings are added only after these loops, by the
    // datagram and listener steps: every one looked at here was polled.
    const size_t polled_openings = openings.size();
    std::vector<PeerConnection> alive;
    for (size_t i = 0; i < connections.size(); ++i)
      if (connections[i].handle(fds[3 + polled_openings + i].revents)) alive.push_back(std::move(connections[i]));
    if (alive.size() < connections.size()) listener_rests_until = {};  // a descriptor came free
    connections = std::move(alive);
    std::vector<Opening> still_opening;
    for (size_t i = 0; i < polled_openings; ++i)
      if (continue_opening(openings[i], fds[3 + i].revents, now)) still_opening.push_back(std::move(openings[i]));
    openings = std::move(still_opening);
    if (fds[1].revents & POLLIN) on_datagram();
    if (listening && (fds[2].revents & POLLIN)) on_listener(now);
  }
};

void BenchPeer::run() {
  Loop loop(*this);
  while (!stop_) loop.one_pass();
}

}  // namespace vmm::bench
