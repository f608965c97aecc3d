// Addresses of sockets: bind, listen, connect, getsockname, getpeername.
#include "core.h"
#include "net_errno.h"
#include "socket_address.h"

namespace net {

namespace {

// Linux treats a connect/sendto to INADDR_ANY as one to this host.
Ipv4Addr destination_or_local(Ipv4Addr address) {
  return address == kIpv4Any ? make_ipv4(127, 0, 0, 1) : address;
}

}  // namespace

int SocketLayer::bind(SocketId id, const void* addr, uint32_t addrlen) {
  Socket* s = table.get(id);
  if (s == nullptr) return -err::kBadF;
  if (s->kind == SocketKind::Unix) return -err::kInval;
  if (addrlen < sizeof(SockAddrIn)) return -err::kInval;
  InetAddress a;
  int r = read_sockaddr(addr, addrlen, &a);
  if (r < 0) return r;
  // inet_bind: AF_UNSPEC is tolerated for INADDR_ANY only.
  if (a.family != kAfInet && !(a.family == kAfUnspec && a.address == kIpv4Any)) {
    return -err::kAfNoSupport;
  }
  if (a.address != kIpv4Any && !core_.ipv4.is_local_address(a.address)) return -err::kAddrNotAvail;
  if (s->kind == SocketKind::Tcp) return core_.tcp.bind(*s->tcp, a.address, a.port);
  return bind_datagram(*s, a.address, a.port);
}

int SocketLayer::bind_datagram(Socket& s, Ipv4Addr address, uint16_t port) {
  if (s.bound()) return -err::kInval;
  bool icmp = s.kind == SocketKind::Icmp;
  if (port == 0) {
    if (icmp) {
      port = core_.icmp.pick_identifier();
    } else {
      uint32_t first = core_.config.ephemeral_port_first;
      uint32_t count = core_.config.ephemeral_port_last - first + 1;
      uint32_t start = core_.env.random32() % count;
      for (uint32_t i = 0; i < count && port == 0; ++i) {
        auto candidate = static_cast<uint16_t>(first + (start + i) % count);
        if (!core_.udp.port_in_use(candidate)) port = candidate;
      }
    }
    if (port == 0) return -err::kAddrInUse;
  } else if (icmp ? core_.icmp.identifier_in_use(port, address, &s)
                  : core_.udp.bind_conflict(address, port, s.reuse_addr, &s)) {
    return -err::kAddrInUse;
  }
  s.local_addr = address;
  s.local_port = port;
  return 0;
}

int SocketLayer::autobind_datagram(Socket& s) {
  return s.bound() ? 0 : bind_datagram(s, kIpv4Any, 0);
}

int SocketLayer::listen(SocketId id, int backlog) {
  Socket* s = table.get(id);
  if (s == nullptr) return -err::kBadF;
  if (s->kind != SocketKind::Tcp) return -err::kOpNotSupp;
  if (s->connect_state != ConnectState::Unconnected) return -err::kInval;
  return core_.tcp.listen(*s->tcp, backlog);
}

int SocketLayer::connect(SocketId id, const void* addr, uint32_t addrlen) {
  Socket* s = table.get(id);
  if (s == nullptr) return -err::kBadF;
  switch (s->kind) {
    case SocketKind::Tcp:
      return connect_tcp(*s, addr, addrlen);
    case SocketKind::Udp:
    case SocketKind::Icmp:
      return connect_datagram(*s, addr, addrlen);
    case SocketKind::Unix:
      return -err::kIsConn;
  }
  return -err::kInval;
}

// Linux __inet_stream_connect: the first call starts the handshake
// (-EINPROGRESS), later ones report it: -EALREADY while it runs, then once
// 0 or the error, then -EISCONN.
int SocketLayer::connect_tcp(Socket& s, const void* addr, uint32_t addrlen) {
  InetAddress a;
  int r = read_sockaddr(addr, addrlen, &a);
  if (r < 0) return r;
  TcpConnection* c = s.tcp;
  if (s.connect_state == ConnectState::Connected) return -err::kIsConn;
  if (s.connect_state == ConnectState::Connecting) {
    if (c->state == TcpState::SynSent || c->state == TcpState::SynReceived) return -err::kAlready;
    if (c->state == TcpState::Closed) {
      s.connect_state = ConnectState::Unconnected;
      int e = core_.tcp.take_error(*c);
      return e != 0 ? -e : -err::kConnAborted;
    }
    s.connect_state = ConnectState::Connected;
    return 0;
  }
  if (c->state != TcpState::Closed) return -err::kIsConn;  // listening
  if (a.family != kAfInet) return -err::kAfNoSupport;
  if (c->done) {
    // A failed attempt leaves a used connection behind: start afresh.
    r = renew_connection(s);
    if (r < 0) return r;
    c = s.tcp;
  }
  r = core_.tcp.connect(*c, destination_or_local(a.address), a.port);
  if (r == -err::kInProgress) s.connect_state = ConnectState::Connecting;
  return r;
}

// UDP and ping sockets: connect sets the default peer and filters what is
// received (ip4_datagram_connect); AF_UNSPEC dissolves the association.
int SocketLayer::connect_datagram(Socket& s, const void* addr, uint32_t addrlen) {
  InetAddress a;
  int r = read_sockaddr(addr, addrlen, &a);
  if (r < 0) return r;
  if (a.family == kAfUnspec) {
    s.connect_state = ConnectState::Unconnected;
    s.peer_addr = kIpv4Any;
    s.peer_port = 0;
    return 0;
  }
  if (a.family != kAfInet) return -err::kAfNoSupport;
  Ipv4Addr destination = destination_or_local(a.address);
  OutRoute route;
  if (!core_.ipv4.route(destination, &route)) return -err::kNetUnreach;
  if (route.broadcast && !s.broadcast) return -err::kAcces;
  r = autobind_datagram(s);
  if (r < 0) return r;
  if (s.local_addr == kIpv4Any) s.local_addr = route.source;
  s.peer_addr = destination;
  s.peer_port = a.port;
  s.connect_state = ConnectState::Connected;
  s.error = 0;
  return 0;
}

// Replaces the socket's connection by a fresh one with the same options and
// explicit binding (tcp_disconnect keeps a port bound by bind()); the old
// one is closed (a listener resets what it had not accepted).
int SocketLayer::renew_connection(Socket& s) {
  TcpConnection* old = s.tcp;
  TcpConnection* fresh = core_.tcp.create(&s);
  if (fresh == nullptr) return -err::kNoMem;
  fresh->reuse_addr = old->reuse_addr;
  fresh->nodelay = old->nodelay;
  core_.tcp.set_buffer_capacities(*fresh, s.sndbuf / 2, s.rcvbuf / 2);
  if (!old->auto_bound) {
    fresh->local_addr = old->local_addr;
    fresh->local_port = old->local_port;
  }
  s.tcp = fresh;
  core_.tcp.close(*old);
  return 0;
}

int SocketLayer::getsockname(SocketId id, void* addr, uint32_t* addrlen) {
  Socket* s = table.get(id);
  if (s == nullptr) return -err::kBadF;
  if (addr == nullptr || addrlen == nullptr) return -err::kFault;
  if (s->kind == SocketKind::Unix) {
    // An unnamed AF_UNIX socket: just the family (unix(7)).
    uint16_t family = kAfUnix;
    copy_bytes(addr, &family, min_of<uint32_t>(*addrlen, sizeof family));
    *addrlen = sizeof family;
    return 0;
  }
  if (s->kind == SocketKind::Tcp) {
    write_sockaddr_in(addr, addrlen, s->tcp->local_addr, s->tcp->local_port);
  } else {
    write_sockaddr_in(addr, addrlen, s->local_addr, s->local_port);
  }
  return 0;
}

int SocketLayer::getpeername(SocketId id, void* addr, uint32_t* addrlen) {
  Socket* s = table.get(id);
  if (s == nullptr) return -err::kBadF;
  if (addr == nullptr || addrlen == nullptr) return -err::kFault;
  switch (s->kind) {
    case SocketKind::Tcp: {
      const TcpConnection& c = *s->tcp;
      // inet_getname: no peer before the handshake answered, or after CLOSED.
      if (c.remote_port == 0 || c.state == TcpState::Closed || c.state == TcpState::SynSent ||
          c.state == TcpState::Listen) {
        return -err::kNotConn;
      }
      write_sockaddr_in(addr, addrlen, c.remote_addr, c.remote_port);
      return 0;
    }
    case SocketKind::Udp:
    case SocketKind::Icmp:
      if (s->connect_state != ConnectState::Connected) return -err::kNotConn;
      write_sockaddr_in(addr, addrlen, s->peer_addr, s->peer_port);
      return 0;
    case SocketKind::Unix: {
      uint16_t family = kAfUnix;
      copy_bytes(addr, &family, min_of<uint32_t>(*addrlen, sizeof family));
      *addrlen = sizeof family;
      return 0;
    }
  }
  return -err::kInval;
}

}  // namespace net
