// Data through sockets: sendmsg, recvmsg, shutdown.
#include "core.h"
#include "iovec.h"
#include "net_errno.h"
#include "socket_address.h"

namespace net {

int64_t SocketLayer::sendmsg(SocketId id, const MsgHeader& msg, int flags) {
  Socket* s = table.get(id);
  if (s == nullptr) return -err::kBadF;
  if (flags & kMsgOob) return -err::kOpNotSupp;  // no urgent data
  if (msg.iovlen > 0 && msg.iov == nullptr) return -err::kFault;
  // MSG_DONTWAIT and MSG_NOSIGNAL are the glue's: this layer never blocks
  // or signals.
  if (s->datagram()) return send_datagram(*s, msg);
  return send_stream(*s, msg);
}

int64_t SocketLayer::send_stream(Socket& s, const MsgHeader& msg) {
  if (s.kind == SocketKind::Unix) return core_.unix_sockets.send(s, msg.iov, msg.iovlen);
  // tcp_sendmsg ignores msg_name; a pending error comes before EPIPE.
  if ((s.shutdown & kSendShutdown) && s.tcp->error == 0) return -err::kPipe;
  return core_.tcp.send(*s.tcp, msg.iov, msg.iovlen);
}

int64_t SocketLayer::send_datagram(Socket& s, const MsgHeader& msg) {
  size_t total = 0;
  if (!iov_total(msg.iov, msg.iovlen, &total)) return -err::kInval;
  Ipv4Addr destination;
  uint16_t port;
  if (msg.name != nullptr) {
    // udp_sendmsg: the address must be complete; AF_UNSPEC passes as AF_INET.
    if (msg.namelen < sizeof(SockAddrIn)) return -err::kInval;
    InetAddress a;
    int r = read_sockaddr(msg.name, msg.namelen, &a);
    if (r < 0) return r;
    if (a.family != kAfInet && a.family != kAfUnspec) return -err::kAfNoSupport;
    destination = a.address == kIpv4Any ? make_ipv4(127, 0, 0, 1) : a.address;
    port = a.port;
    if (s.kind == SocketKind::Udp && port == 0) return -err::kInval;
  } else if (s.connect_state == ConnectState::Connected) {
    destination = s.peer_addr;
    port = s.peer_port;
  } else {
    return -err::kDestAddrReq;
  }
  if (s.shutdown & kSendShutdown) return -err::kPipe;
  if (s.kind == SocketKind::Udp && total > kUdpMaxPayload) return -err::kMsgSize;
  int r = autobind_datagram(s);
  if (r < 0) return r;
  if (s.kind == SocketKind::Icmp) return core_.icmp.send_echo(s, destination, msg.iov, msg.iovlen, total);
  return core_.udp.send(s, destination, port, msg.iov, msg.iovlen, total);
}

int64_t SocketLayer::recvmsg(SocketId id, MsgHeader* msg, int flags) {
  Socket* s = table.get(id);
  if (s == nullptr) return -err::kBadF;
  if (msg == nullptr || (msg->iovlen > 0 && msg->iov == nullptr)) return -err::kFault;
  if (flags & kMsgOob) return -err::kInval;  // tcp_recvmsg without urgent data
  size_t total = 0;
  if (!iov_total(msg->iov, msg->iovlen, &total)) return -err::kInval;
  msg->flags = 0;
  msg->controllen = 0;  // no control messages
  if (s->datagram()) return recv_datagram(*s, msg, flags);
  return recv_stream(*s, msg, flags);
}

int64_t SocketLayer::recv_stream(Socket& s, MsgHeader* msg, int flags) {
  msg->namelen = 0;  // stream sockets report no source address
  bool peek = (flags & kMsgPeek) != 0;
  if (s.kind == SocketKind::Unix) return core_.unix_sockets.read(s, msg->iov, msg->iovlen, peek);
  return core_.tcp.read(*s.tcp, msg->iov, msg->iovlen, peek, s.shutdown);
}

// One datagram per call: a short buffer truncates it (MSG_TRUNC in
// msg->flags; with MSG_TRUNC in flags the full length is returned), the
// rest is discarded unless MSG_PEEK.
int64_t SocketLayer::recv_datagram(Socket& s, MsgHeader* msg, int flags) {
  if (s.error != 0) {
    int e = s.error;
    s.error = 0;
    return -e;
  }
  const Datagram* d = s.datagrams.front();
  if (d == nullptr) return (s.shutdown & kReceiveShutdown) ? 0 : -err::kAgain;
  size_t copied = iov_scatter(msg->iov, msg->iovlen, d->data(), d->len);
  if (copied < d->len) msg->flags |= kMsgTrunc;
  if (msg->name != nullptr) write_sockaddr_in(msg->name, &msg->namelen, d->source, d->source_port);
  else msg->namelen = 0;
  int64_t result = (flags & kMsgTrunc) ? d->len : static_cast<int64_t>(copied);
  if (!(flags & kMsgPeek)) s.datagrams.pop(core_.env);
  return result;
}

int SocketLayer::shutdown(SocketId id, int how) {
  Socket* s = table.get(id);
  if (s == nullptr) return -err::kBadF;
  if (how < kShutRd || how > kShutRdWr) return -err::kInval;
  uint8_t bits = static_cast<uint8_t>(how + 1);  // SHUT_RD -> RCV_SHUTDOWN, ...
  if (s->kind == SocketKind::Unix) return core_.unix_sockets.shutdown(*s, bits);
  if (s->datagram()) return shutdown_datagram(*s, bits);

  // inet_shutdown, by TCP state.
  TcpConnection& c = *s->tcp;
  if (s->connect_state == ConnectState::Connecting && c.state != TcpState::SynSent &&
      c.state != TcpState::SynReceived && c.state != TcpState::Closed) {
    s->connect_state = ConnectState::Connected;
  }
  int result = 0;
  switch (c.state) {
    case TcpState::Closed:
      s->shutdown |= bits;  // recorded even so: poll reports the hang-up
      result = -err::kNotConn;
      break;
    case TcpState::Listen:
      // SHUT_RD stops listening (tcp_disconnect); SHUT_WR does nothing.
      if (bits & kReceiveShutdown) result = renew_connection(*s);
      break;
    case TcpState::SynSent:
      result = renew_connection(*s);
      s->connect_state = ConnectState::Unconnected;
      break;
    default:
      s->shutdown |= bits;
      core_.tcp.shutdown(c, bits);
      break;
  }
  notify(*s);
  return result;
}

int SocketLayer::shutdown_datagram(Socket& s, uint8_t bits) {
  s.shutdown |= bits;
  notify(s);
  return s.connect_state == ConnectState::Connected ? 0 : -err::kNotConn;
}

}  // namespace net
