// Readiness: the poll(2) mask of a socket, as Linux computes it per
// protocol, and the wake-up that tells the glue it may have changed.
#include "core.h"
#include "net_errno.h"

namespace net {

uint32_t SocketLayer::poll(SocketId id) const {
  const Socket* s = table.get(id);
  return s == nullptr ? kPollNval : poll(*s);
}

uint32_t SocketLayer::poll(const Socket& s) const {
  switch (s.kind) {
    case SocketKind::Tcp:
      return core_.tcp.poll(*s.tcp, s.shutdown);
    case SocketKind::Unix:
      return core_.unix_sockets.poll(s);
    case SocketKind::Udp:
    case SocketKind::Icmp:
      return poll_datagram(s);
  }
  return 0;
}

// Linux datagram_poll. Sending never waits (datagrams go straight to the
// driver), so a datagram socket is always writable.
uint32_t SocketLayer::poll_datagram(const Socket& s) const {
  uint32_t mask = kPollOut | kPollWrNorm;
  if (s.error != 0) mask |= kPollErr;
  if (s.shutdown & kReceiveShutdown) mask |= kPollIn | kPollRdNorm | kPollRdHup;
  if (s.shutdown == kShutdownBoth) mask |= kPollHup;
  if (!s.datagrams.empty()) mask |= kPollIn | kPollRdNorm;
  return mask;
}

// Every event that may change readiness is reported, even when the mask
// looks the same as before: the socket may have been drained in between, and
// a waiter must never miss the data that arrives next.
void SocketLayer::notify(Socket& s) { core_.env.wake(s.id, s.cookie, poll(s)); }

int SocketLayer::set_cookie(SocketId id, void* cookie) {
  Socket* s = table.get(id);
  if (s == nullptr) return -err::kBadF;
  s->cookie = cookie;
  return 0;
}

int SocketLayer::timeouts(SocketId id, uint64_t* receive_ns, uint64_t* send_ns) const {
  const Socket* s = table.get(id);
  if (s == nullptr) return -err::kBadF;
  if (receive_ns != nullptr) *receive_ns = s->rcvtimeo_ns;
  if (send_ns != nullptr) *send_ns = s->sndtimeo_ns;
  return 0;
}

}  // namespace net
