// AF_UNIX stream pairs with Linux's semantics (af_unix.c): a write lands in
// the peer's ring; shutting down one direction is seen by both ends; closing
// one end is a hang-up for the other, and ECONNRESET if it left data unread.
#include "core.h"
#include "iovec.h"
#include "net_errno.h"

namespace net {

namespace {

// Shutdown as the endpoint experiences it: its own calls plus the mirror of
// the peer's (unix_shutdown sets both), all of it once the peer is gone.
uint8_t effective_shutdown(const Socket& s) {
  const UnixEndpoint& e = *s.unix_endpoint;
  if (e.peer_closed) return kShutdownBoth;
  uint8_t down = s.shutdown;
  uint8_t peer = e.peer->socket->shutdown;
  if (peer & kSendShutdown) down |= kReceiveShutdown;
  if (peer & kReceiveShutdown) down |= kSendShutdown;
  return down;
}

}  // namespace

int UnixSockets::create_pair(Socket* a, Socket* b) {
  UnixEndpoint* ea = create_object<UnixEndpoint>(core_.env);
  UnixEndpoint* eb = create_object<UnixEndpoint>(core_.env);
  uint32_t capacity = core_.config.default_rcvbuf / 2;
  if (ea == nullptr || eb == nullptr || !ea->incoming.allocate(core_.env, capacity) ||
      !eb->incoming.allocate(core_.env, capacity)) {
    if (ea != nullptr) ea->incoming.release(core_.env);
    if (eb != nullptr) eb->incoming.release(core_.env);
    destroy_object(core_.env, ea);
    destroy_object(core_.env, eb);
    return -err::kNoMem;
  }
  ea->socket = a;
  eb->socket = b;
  ea->peer = eb;
  eb->peer = ea;
  a->unix_endpoint = ea;
  b->unix_endpoint = eb;
  a->connect_state = b->connect_state = ConnectState::Connected;
  return 0;
}

int64_t UnixSockets::send(Socket& s, const IoVec* iov, size_t iovlen) {
  UnixEndpoint& e = *s.unix_endpoint;
  if (effective_shutdown(s) & kSendShutdown) return -err::kPipe;
  ByteRing& ring = e.peer->incoming;
  size_t total = 0;
  for (IoVecCursor cursor(iov, iovlen); !cursor.done();) {
    uint32_t chunk = static_cast<uint32_t>(min_of<size_t>(cursor.chunk_len(), 0x7fffffff));
    uint32_t n = ring.append(cursor.chunk(), chunk);
    if (n == 0) break;
    total += n;
    cursor.advance(n);
  }
  if (total == 0) {
    size_t requested = 0;
    return iov_total(iov, iovlen, &requested) && requested > 0 ? -err::kAgain : 0;
  }
  core_.sockets.notify(*e.peer->socket);
  return static_cast<int64_t>(total);
}

int64_t UnixSockets::read(Socket& s, const IoVec* iov, size_t iovlen, bool peek) {
  UnixEndpoint& e = *s.unix_endpoint;
  uint32_t readable = e.incoming.size();
  if (readable > 0) {
    uint32_t copied = 0;
    for (IoVecCursor cursor(iov, iovlen); !cursor.done() && copied < readable;) {
      uint32_t n = static_cast<uint32_t>(min_of<size_t>(cursor.chunk_len(), readable - copied));
      e.incoming.copy_out(copied, cursor.chunk(), n);
      copied += n;
      cursor.advance(n);
    }
    if (!peek && copied > 0) {
      e.incoming.consume(copied);
      if (e.peer != nullptr) core_.sockets.notify(*e.peer->socket);  // room to write
    }
    return copied;
  }
  if (e.unread_at_peer_close) {
    e.unread_at_peer_close = false;
    return -err::kConnReset;
  }
  if (effective_shutdown(s) & kReceiveShutdown) return 0;
  return -err::kAgain;
}

int UnixSockets::shutdown(Socket& s, uint8_t how) {
  s.shutdown |= how;
  UnixEndpoint& e = *s.unix_endpoint;
  core_.sockets.notify(s);
  if (e.peer != nullptr) core_.sockets.notify(*e.peer->socket);
  return 0;
}

void UnixSockets::close(Socket& s) {
  UnixEndpoint* e = s.unix_endpoint;
  if (e->peer != nullptr) {
    UnixEndpoint& peer = *e->peer;
    peer.peer = nullptr;
    peer.peer_closed = true;
    if (!e->incoming.empty()) peer.unread_at_peer_close = true;
    core_.sockets.notify(*peer.socket);
  }
  release(s);
}

void UnixSockets::release(Socket& s) {
  UnixEndpoint* e = s.unix_endpoint;
  if (e == nullptr) return;
  e->incoming.release(core_.env);
  destroy_object(core_.env, e);
  s.unix_endpoint = nullptr;
}

// unix_poll.
uint32_t UnixSockets::poll(const Socket& s) const {
  const UnixEndpoint& e = *s.unix_endpoint;
  uint8_t down = effective_shutdown(s);
  uint32_t mask = 0;
  if (e.unread_at_peer_close) mask |= kPollErr;
  if (down == kShutdownBoth) mask |= kPollHup;
  if (down & kReceiveShutdown) mask |= kPollIn | kPollRdNorm | kPollRdHup;
  if (!e.incoming.empty()) mask |= kPollIn | kPollRdNorm;
  bool writable = true;
  if (e.peer != nullptr && !(down & kSendShutdown)) {
    const ByteRing& ring = e.peer->incoming;
    writable = ring.free_space() > 0 && ring.free_space() >= ring.size() / 2;
  }
  if (writable) mask |= kPollOut | kPollWrNorm;
  return mask;
}

}  // namespace net
