// socket, socketpair, accept, close: making and unmaking sockets.
#include "core.h"
#include "net_errno.h"
#include "socket_address.h"

namespace net {

Socket* SocketLayer::new_socket(SocketKind kind) {
  Socket* s = table.create(kind);
  if (s == nullptr) return nullptr;
  s->rcvbuf = core_.config.default_rcvbuf;
  s->sndbuf = core_.config.default_sndbuf;
  return s;
}

int SocketLayer::socket(int domain, int type, int protocol) {
  if ((type & ~(kSockTypeMask | kSockNonblock | kSockCloexec)) != 0) return -err::kInval;
  int base_type = type & kSockTypeMask;
  // Named AF_UNIX sockets (bind/connect to a path) do not exist here;
  // socketpair() makes connected pairs.
  if (domain != kAfInet) return -err::kAfNoSupport;
  SocketKind kind;
  if (base_type == kSockStream) {
    if (protocol != 0 && protocol != kIpprotoTcp) return -err::kProtoNoSupport;
    kind = SocketKind::Tcp;
  } else if (base_type == kSockDgram) {
    if (protocol == 0 || protocol == kIpprotoUdp) kind = SocketKind::Udp;
    else if (protocol == kIpprotoIcmp) kind = SocketKind::Icmp;
    else return -err::kProtoNoSupport;
  } else {
    return -err::kSocktNoSupport;
  }
  Socket* s = new_socket(kind);
  if (s == nullptr) return -table.last_error();
  switch (kind) {
    case SocketKind::Tcp:
      s->tcp = core_.tcp.create(s);
      if (s->tcp == nullptr) {
        table.destroy(s);
        return -err::kNoMem;
      }
      core_.tcp.set_buffer_capacities(*s->tcp, s->sndbuf / 2, s->rcvbuf / 2);
      break;
    case SocketKind::Udp:
      core_.udp.sockets.push_back(s);
      break;
    case SocketKind::Icmp:
      core_.icmp.sockets.push_back(s);
      break;
    case SocketKind::Unix:
      break;
  }
  return s->id;
}

int SocketLayer::socketpair(int domain, int type, int protocol, SocketId out[2]) {
  if ((type & ~(kSockTypeMask | kSockNonblock | kSockCloexec)) != 0) return -err::kInval;
  if (domain == kAfInet) return -err::kOpNotSupp;  // as Linux
  if (domain != kAfUnix) return -err::kAfNoSupport;
  if ((type & kSockTypeMask) != kSockStream) return -err::kOpNotSupp;  // stream pairs only
  if (protocol != 0) return -err::kProtoNoSupport;
  Socket* a = new_socket(SocketKind::Unix);
  if (a == nullptr) return -table.last_error();
  Socket* b = new_socket(SocketKind::Unix);
  if (b == nullptr) {
    int e = table.last_error();
    table.destroy(a);
    return -e;
  }
  int r = core_.unix_sockets.create_pair(a, b);
  if (r < 0) {
    table.destroy(a);
    table.destroy(b);
    return r;
  }
  out[0] = a->id;
  out[1] = b->id;
  return 0;
}

int SocketLayer::accept(SocketId id, void* addr, uint32_t* addrlen) {
  Socket* listener = table.get(id);
  if (listener == nullptr) return -err::kBadF;
  if (listener->kind != SocketKind::Tcp) return -err::kOpNotSupp;
  if (listener->tcp->state != TcpState::Listen) return -err::kInval;
  if ((core_.tcp.poll(*listener->tcp, 0) & kPollIn) == 0) return -err::kAgain;
  Socket* s = new_socket(SocketKind::Tcp);
  if (s == nullptr) return -table.last_error();
  TcpConnection* c = core_.tcp.accept(*listener->tcp);
  // The new socket inherits the listener's options (Linux sk_clone_lock).
  s->tcp = c;
  c->socket = s;
  s->connect_state = ConnectState::Connected;
  s->reuse_addr = listener->reuse_addr;
  s->keepalive = listener->keepalive;
  s->rcvbuf = listener->rcvbuf;
  s->sndbuf = listener->sndbuf;
  s->rcvtimeo_ns = listener->rcvtimeo_ns;
  s->sndtimeo_ns = listener->sndtimeo_ns;
  write_sockaddr_in(addr, addrlen, c->remote_addr, c->remote_port);
  return s->id;
}

int SocketLayer::close(SocketId id) {
  Socket* s = table.get(id);
  if (s == nullptr) return -err::kBadF;
  switch (s->kind) {
    case SocketKind::Tcp: {
      TcpConnection* c = s->tcp;
      s->tcp = nullptr;
      core_.tcp.close(*c);
      break;
    }
    case SocketKind::Udp:
      core_.udp.sockets.remove(s);
      break;
    case SocketKind::Icmp:
      core_.icmp.sockets.remove(s);
      break;
    case SocketKind::Unix:
      core_.unix_sockets.close(*s);
      break;
  }
  s->datagrams.clear(core_.env);
  table.destroy(s);
  return 0;
}

// Teardown of the whole stack: no segments, no wake-ups.
void SocketLayer::release_all() {
  for (uint32_t slot = 0; slot < table.capacity(); ++slot) {
    Socket* s = table.at_slot(slot);
    if (s == nullptr) continue;
    if (s->tcp != nullptr) s->tcp->socket = nullptr;
    if (s->kind == SocketKind::Udp) core_.udp.sockets.remove(s);
    if (s->kind == SocketKind::Icmp) core_.icmp.sockets.remove(s);
    if (s->kind == SocketKind::Unix) core_.unix_sockets.release(*s);
    s->datagrams.clear(core_.env);
    table.destroy(s);
  }
  table.release();
}

}  // namespace net
