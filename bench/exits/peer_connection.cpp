#include "bench/exits/peer_connection.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "abi/netbench.h"

namespace vmm::bench {

namespace {

constexpr size_t kChunk = 64 * 1024;

bool would_block() { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR; }

}  // namespace

PeerConnection PeerConnection::accepted(FileDescriptor fd, size_t max_unsent) {
  return PeerConnection(std::move(fd), max_unsent, false);
}

PeerConnection PeerConnection::opened(FileDescriptor fd) { return PeerConnection(std::move(fd), 0, true); }

short PeerConnection::events() const {
  short events = 0;
  if (!echo_ || unsent_.size() < max_unsent_) events |= POLLIN;
  if (!unsent_.empty() || source_) events |= POLLOUT;
  return events;
}

bool PeerConnection::handle(short revents) {
  if ((revents & POLLOUT) && !flush()) return false;
  if ((revents & POLLOUT) && source_ && !refill()) return false;
  if (revents & (POLLIN | POLLHUP | POLLERR)) {
    // A full echo buffer is not read; an error or hang-up on it ends the
    // connection all the same (its echo can no longer be delivered).
    if (echo_ && unsent_.size() >= max_unsent_) return !(revents & (POLLHUP | POLLERR));
    return receive();
  }
  return true;
}

// Reads what arrived, as much as the echo buffer has room for. False at
// EOF or error.
bool PeerConnection::receive() {
  static thread_local std::vector<char> buffer(kChunk);
  size_t room = echo_ ? std::min(kChunk, max_unsent_ - unsent_.size()) : kChunk;
  ssize_t n = recv(fd_.get(), buffer.data(), room, MSG_DONTWAIT);
  if (n < 0) return would_block();
  if (n == 0) return false;
  const char* data = buffer.data();
  if (!mode_known_) {
    mode_known_ = true;
    echo_ = static_cast<uint8_t>(data[0]) == platform::kPeerEcho;
    source_ = static_cast<uint8_t>(data[0]) == platform::kPeerSource;
    ++data;
    --n;
  }
  if (!echo_) return true;
  unsent_.append(data, static_cast<size_t>(n));
  return flush();
}

// Sends back what the echo buffer holds, as far as it goes without blocking.
bool PeerConnection::flush() {
  if (unsent_.empty()) return true;
  ssize_t sent = send(fd_.get(), unsent_.data(), unsent_.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  if (sent < 0) return would_block();
  unsent_.erase(0, static_cast<size_t>(sent));
  return true;
}

// Fills a source connection's send buffer as far as it goes without
// blocking. False when the guest has gone.
bool PeerConnection::refill() {
  static const std::vector<char> stream(kChunk, 'R');
  ssize_t sent = send(fd_.get(), stream.data(), stream.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  return sent >= 0 || would_block();
}

}  // namespace vmm::bench
