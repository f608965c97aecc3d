// Connection lifetime: creation, lookup by address, port ownership,
// buffers, aborts, and freeing connections nobody needs any more.
#include "core.h"
#include "net_errno.h"
#include "tcp_seq.h"

namespace net {

TcpConnection* Tcp::new_connection() {
  TcpConnection* c = create_object<TcpConnection>(core_.env);
  if (c == nullptr) return nullptr;
  c->rto.reset(core_.config.tcp_initial_rto_ns, core_.config.tcp_min_rto_ns,
               core_.config.tcp_max_rto_ns);
  c->send_capacity = core_.config.default_sndbuf / 2;
  c->receive_capacity = core_.config.default_rcvbuf / 2;
  connections_.push_back(c);
  return c;
}

TcpConnection* Tcp::create(Socket* socket) {
  TcpConnection* c = new_connection();
  if (c != nullptr) c->socket = socket;
  return c;
}

void Tcp::detach_from_parent(TcpConnection& c) {
  if (c.parent != nullptr && c.parent->listen_queue != nullptr) {
    TcpListenQueue& q = *c.parent->listen_queue;
    if (c.in_ready_queue) q.ready.remove(&c); else q.embryonic.remove(&c);
  }
  c.parent = nullptr;
  c.in_ready_queue = false;
}

void Tcp::destroy(TcpConnection* c) {
  detach_from_parent(*c);
  if (c->listen_queue != nullptr) destroy_object(core_.env, c->listen_queue);
  c->send_buffer.release(core_.env);
  c->receive_buffer.release(core_.env);
  connections_.remove(c);
  destroy_object(core_.env, c);
}

// Frees CLOSED connections that no socket refers to: orphans and children
// that died before accept(). Deferred to the end of an input or timer pass
// so that no code path frees a connection it is still using.
void Tcp::reap() {
  if (!reap_needed_) return;
  reap_needed_ = false;
  for (TcpConnection* c = connections_.front(); c != nullptr;) {
    TcpConnection* next = connections_.next(c);
    if (c->state == TcpState::Closed && c->socket == nullptr) destroy(c);
    c = next;
  }
}

void Tcp::release_all() {
  // Children first leave their parents' queues, then everything goes.
  for (TcpConnection* c = connections_.front(); c != nullptr; c = connections_.next(c)) {
    detach_from_parent(*c);
  }
  while (TcpConnection* c = connections_.front()) destroy(c);
}

TcpConnection* Tcp::find_connection(Ipv4Addr local, uint16_t local_port, Ipv4Addr remote,
                                    uint16_t remote_port) const {
  for (TcpConnection* c = connections_.front(); c != nullptr; c = connections_.next(c)) {
    if (c->state == TcpState::Closed || c->state == TcpState::Listen) continue;
    if (c->local_port == local_port && c->remote_port == remote_port &&
        c->local_addr == local && c->remote_addr == remote) {
      return c;
    }
  }
  return nullptr;
}

// A listener bound to the address wins over a wildcard one.
TcpConnection* Tcp::find_listener(Ipv4Addr local, uint16_t local_port) const {
  TcpConnection* wildcard = nullptr;
  for (TcpConnection* c = connections_.front(); c != nullptr; c = connections_.next(c)) {
    if (c->state != TcpState::Listen || c->local_port != local_port) continue;
    if (c->local_addr == local) return c;
    if (c->local_addr == kIpv4Any) wildcard = c;
  }
  return wildcard;
}

bool Tcp::port_in_use(uint16_t port) const {
  for (TcpConnection* c = connections_.front(); c != nullptr; c = connections_.next(c)) {
    if (c->local_port == port) return true;
  }
  return false;
}

// Linux's bind rule for TCP (inet_csk_bind_conflict): a port may be shared
// when the addresses do not overlap, or when both sockets set SO_REUSEADDR
// and the other one is not listening. Connections in TIME-WAIT keep their
// socket's SO_REUSEADDR.
bool Tcp::bind_conflict(Ipv4Addr address, uint16_t port, bool reuse,
                        const TcpConnection* self) const {
  for (TcpConnection* c = connections_.front(); c != nullptr; c = connections_.next(c)) {
    if (c == self || c->local_port != port) continue;
    if (c->state == TcpState::Closed && c->socket == nullptr) continue;  // about to be freed
    bool overlap = address == kIpv4Any || c->local_addr == kIpv4Any || c->local_addr == address;
    if (!overlap) continue;
    if (reuse && c->reuse_addr && c->state != TcpState::Listen) continue;
    return true;
  }
  return false;
}

uint16_t Tcp::pick_ephemeral_port() const {
  uint32_t first = core_.config.ephemeral_port_first;
  uint32_t count = core_.config.ephemeral_port_last - first + 1;
  uint32_t start = core_.env.random32() % count;
  for (uint32_t i = 0; i < count; ++i) {
    uint16_t port = static_cast<uint16_t>(first + (start + i) % count);
    if (!port_in_use(port)) return port;
  }
  return 0;
}

bool Tcp::allocate_buffers(TcpConnection& c) {
  if (!c.send_buffer.allocated() && !c.send_buffer.allocate(core_.env, c.send_capacity)) {
    core_.counters.tcp.buffer_allocation_failures++;
    return false;
  }
  if (!c.receive_buffer.allocated() && !c.receive_buffer.allocate(core_.env, c.receive_capacity)) {
    core_.counters.tcp.buffer_allocation_failures++;
    return false;
  }
  return true;
}

// Only an orphan: a socket still open may read what arrived before the
// FIN. What TIME-WAIT still does needs neither buffer: a re-ACK of the
// peer's FIN advertises receive_capacity (receive_window), and nothing is
// retransmitted.
void Tcp::release_buffers_if_done(TcpConnection& c) {
  if (c.state != TcpState::TimeWait || !c.orphan()) return;
  c.send_buffer.release(core_.env);
  c.receive_buffer.release(core_.env);
}

// The send side before the SYN goes out: a fresh ISS (RFC 9293 3.4.1,
// random as RFC 6528 asks), the window scale we will offer (RFC 7323 2.2:
// the smallest shift that lets the receive buffer be advertised).
void Tcp::init_send_state(TcpConnection& c) {
  c.iss = core_.env.random32();
  c.snd_una = c.snd_nxt = c.snd_max = c.iss;
  c.snd_buf_seq = c.iss + 1;
  c.recover = c.iss;
  c.ssthresh = 0x7fffffff;  // RFC 5681 3.1: arbitrarily high at first
  c.rcv_wscale = 0;
  while (c.rcv_wscale < kTcpMaxWindowScale && (c.receive_capacity >> c.rcv_wscale) > 0xffff) {
    c.rcv_wscale++;
  }
  c.rto.reset(core_.config.tcp_initial_rto_ns, core_.config.tcp_min_rto_ns,
              core_.config.tcp_max_rto_ns);
}

void Tcp::wake(TcpConnection& c) {
  if (c.socket != nullptr) core_.sockets.notify(*c.socket);
}

// Ends a connection from our side: RST to the peer if it is synchronized
// (RFC 9293 3.10.5 ABORT), the error for the socket, CLOSED.
void Tcp::abort(TcpConnection& c, int error, bool reset) {
  if (reset && tcp_synchronized(c.state) && c.state != TcpState::TimeWait) send_reset_for(c);
  if (error != 0) c.error = error;
  transition(c, TcpEvent::Abort);
}

// Closing a listener resets the connections nobody accepted (Linux
// inet_csk_listen_stop).
void Tcp::close_listener(TcpConnection& c) {
  TcpListenQueue* q = c.listen_queue;
  if (q != nullptr) {
    while (TcpConnection* child = q->embryonic.front()) {
      detach_from_parent(*child);
      abort(*child, 0, true);
    }
    while (TcpConnection* child = q->ready.front()) {
      detach_from_parent(*child);
      abort(*child, 0, true);
    }
    destroy_object(core_.env, q);
    c.listen_queue = nullptr;
  }
  transition(c, TcpEvent::Close);
}

}  // namespace net
