// The user calls of RFC 9293 3.10 (OPEN, SEND, RECEIVE, CLOSE, ABORT) as
// the socket layer needs them, with Linux's error conventions.
#include "core.h"
#include "iovec.h"
#include "net_errno.h"
#include "tcp_seq.h"

namespace net {

int Tcp::bind(TcpConnection& c, Ipv4Addr address, uint16_t port) {
  if (c.local_port != 0 || c.state != TcpState::Closed) return -err::kInval;
  if (port == 0) {
    port = pick_ephemeral_port();
    if (port == 0) return -err::kAddrInUse;
  } else if (bind_conflict(address, port, c.reuse_addr, &c)) {
    return -err::kAddrInUse;
  }
  c.local_addr = address;
  c.local_port = port;
  c.auto_bound = false;
  return 0;
}

int Tcp::listen(TcpConnection& c, int backlog) {
  // listen(2): a backlog above SOMAXCONN (or negative, as unsigned) is capped.
  int capped = (backlog < 0 || backlog > kSoMaxConn) ? kSoMaxConn : backlog;
  if (c.state == TcpState::Listen) {
    c.listen_queue->backlog = capped;
    return 0;
  }
  if (c.state != TcpState::Closed) return -err::kInval;
  if (c.local_port == 0) {
    uint16_t port = pick_ephemeral_port();
    if (port == 0) return -err::kAddrInUse;
    c.local_addr = kIpv4Any;
    c.local_port = port;
    c.auto_bound = true;
  }
  // Two sockets may share a port through SO_REUSEADDR, but only one listens.
  for (TcpConnection* o = connections_.front(); o != nullptr; o = connections_.next(o)) {
    if (o == &c || o->state != TcpState::Listen || o->local_port != c.local_port) continue;
    if (o->local_addr == kIpv4Any || c.local_addr == kIpv4Any || o->local_addr == c.local_addr) {
      return -err::kAddrInUse;
    }
  }
  c.listen_queue = create_object<TcpListenQueue>(core_.env);
  if (c.listen_queue == nullptr) return -err::kNoMem;
  c.listen_queue->backlog = capped;
  transition(c, TcpEvent::PassiveOpen);
  return 0;
}

TcpConnection* Tcp::accept(TcpConnection& listener) {
  if (listener.listen_queue == nullptr) return nullptr;
  TcpConnection* child = listener.listen_queue->ready.front();
  if (child != nullptr) detach_from_parent(*child);
  return child;
}

int Tcp::connect(TcpConnection& c, Ipv4Addr address, uint16_t port) {
  if (c.state != TcpState::Closed) return -err::kIsConn;
  OutRoute route;
  if (port == 0 || !core_.ipv4.route(address, &route) || route.broadcast ||
      is_multicast_address(address)) {
    return -err::kNetUnreach;
  }
  Ipv4Addr local = c.local_addr != kIpv4Any ? c.local_addr : route.source;
  if (c.local_port == 0) {
    uint16_t ephemeral = pick_ephemeral_port();
    if (ephemeral == 0) return -err::kAddrNotAvail;
    c.local_port = ephemeral;
    c.auto_bound = true;
  }
  if (find_connection(local, c.local_port, address, port) != nullptr) return -err::kAddrNotAvail;
  if (!allocate_buffers(c)) return -err::kNoBufs;
  c.local_addr = local;
  c.remote_addr = address;
  c.remote_port = port;
  init_send_state(c);
  transition(c, TcpEvent::ActiveOpen);
  core_.counters.tcp.active_opens++;
  output(c);  // SYN
  return -err::kInProgress;
}

int64_t Tcp::send(TcpConnection& c, const IoVec* iov, size_t iovlen) {
  if (c.error != 0) return -take_error(c);
  if (c.fin_queued) return -err::kPipe;
  if (c.state == TcpState::SynSent || c.state == TcpState::SynReceived) return -err::kAgain;
  if (!tcp_can_send(c.state)) return -err::kPipe;
  size_t total = 0;
  for (IoVecCursor cursor(iov, iovlen); !cursor.done();) {
    uint32_t chunk = static_cast<uint32_t>(min_of<size_t>(cursor.chunk_len(), 0x7fffffff));
    uint32_t n = c.send_buffer.append(cursor.chunk(), chunk);
    if (n == 0) break;
    total += n;
    cursor.advance(n);
  }
  size_t requested = 0;
  if (total == 0 && iov_total(iov, iovlen, &requested) && requested > 0) return -err::kAgain;
  output(c);
  return static_cast<int64_t>(total);
}

int64_t Tcp::read(TcpConnection& c, const IoVec* iov, size_t iovlen, bool peek, uint8_t shutdown) {
  if (c.state == TcpState::Listen) return -err::kNotConn;
  uint32_t readable = c.receive_buffer.size();
  if (readable > 0) {
    uint32_t copied = 0;
    for (IoVecCursor cursor(iov, iovlen); !cursor.done() && copied < readable;) {
      uint32_t n = static_cast<uint32_t>(min_of<size_t>(cursor.chunk_len(), readable - copied));
      c.receive_buffer.copy_out(copied, cursor.chunk(), n);
      copied += n;
      cursor.advance(n);
    }
    if (!peek && copied > 0) {
      c.receive_buffer.consume(copied);
      after_read(c);
    }
    return copied;
  }
  // Linux tcp_recvmsg: a pending error before end-of-file.
  if (c.error != 0) return -take_error(c);
  if (c.fin_received || c.done || (shutdown & kReceiveShutdown)) return 0;
  if (c.state == TcpState::Closed) return -err::kNotConn;
  return -err::kAgain;
}

int Tcp::take_error(TcpConnection& c) {
  int e = c.error;
  c.error = 0;
  return e;
}

// shutdown(2) for a connected or connecting socket; the socket layer has
// dealt with the states Linux treats specially.
int Tcp::shutdown(TcpConnection& c, uint8_t how) {
  if (how & kReceiveShutdown) c.read_closed = true;
  if ((how & kSendShutdown) && !c.fin_queued &&
      (c.state == TcpState::SynReceived || c.state == TcpState::Established ||
       c.state == TcpState::CloseWait)) {
    c.fin_queued = true;  // RFC 9293 3.10.4 CLOSE: the FIN follows the queued data
    transition(c, TcpEvent::Close);
    output(c);
  }
  return 0;
}

void Tcp::close(TcpConnection& c) {
  c.socket = nullptr;
  switch (c.state) {
    case TcpState::Closed:
      reap_needed_ = true;
      break;
    case TcpState::Listen:
      close_listener(c);
      break;
    case TcpState::SynSent:
      transition(c, TcpEvent::Close);  // RFC 9293 3.10.4: delete the TCB
      break;
    default:
      if (!c.receive_buffer.empty()) {
        // RFC 2525 2.17, as Linux: closing with unread data resets.
        abort(c, 0, true);
        break;
      }
      c.read_closed = true;
      shutdown(c, kSendShutdown);
      if (c.state == TcpState::FinWait2) arm(&c.wait_deadline, core_.config.tcp_fin_wait2_ns);
      release_buffers_if_done(c);  // closed in TIME-WAIT
      break;
  }
  reap();
}

void Tcp::set_buffer_capacities(TcpConnection& c, uint32_t send, uint32_t receive) {
  // Sizes apply until the buffers exist (connect, or the handshake of an
  // accepted connection); like Linux, later changes do not resize them.
  if (!c.send_buffer.allocated()) c.send_capacity = send;
  if (!c.receive_buffer.allocated()) c.receive_capacity = receive;
}

// Linux tcp_poll.
uint32_t Tcp::poll(const TcpConnection& c, uint8_t shutdown) const {
  if (c.state == TcpState::Listen) {
    bool ready = c.listen_queue != nullptr && !c.listen_queue->ready.empty();
    return ready ? kPollIn | kPollRdNorm : 0;
  }
  uint8_t down = shutdown;
  if (c.fin_received) down |= kReceiveShutdown;
  if (c.done) down |= kShutdownBoth;
  uint32_t mask = 0;
  if (down == kShutdownBoth || c.state == TcpState::Closed) mask |= kPollHup;
  if (down & kReceiveShutdown) mask |= kPollIn | kPollRdNorm | kPollRdHup;
  if (c.state != TcpState::SynSent && c.state != TcpState::SynReceived) {
    if (!c.receive_buffer.empty()) mask |= kPollIn | kPollRdNorm;
    // sk_stream_is_writeable: free space of at least half what is queued.
    bool writable = !c.send_buffer.allocated() ||
                    (c.send_buffer.free_space() > 0 &&
                     c.send_buffer.free_space() >= c.send_buffer.size() / 2);
    if ((down & kSendShutdown) || writable) mask |= kPollOut | kPollWrNorm;
  }
  if (c.error != 0) mask |= kPollErr;
  return mask;
}

}  // namespace net
