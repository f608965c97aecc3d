// ICMP (RFC 792): answers echo requests, delivers echo replies to ping
// sockets (Linux's SOCK_DGRAM/IPPROTO_ICMP sockets: the user sends an echo
// request header plus data, the stack sets the identifier and checksum),
// sends port unreachable for UDP, and passes destination unreachable
// messages to UDP and TCP.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "list.h"
#include "socket.h"

namespace net {

struct NetCore;
struct Ipv4Packet;

inline constexpr size_t kIcmpHeaderLen = 8;
inline constexpr uint8_t kIcmpEchoReply = 0;
inline constexpr uint8_t kIcmpDestUnreachable = 3;
inline constexpr uint8_t kIcmpEchoRequest = 8;
inline constexpr uint8_t kIcmpCodePortUnreachable = 3;

class Icmp {
 public:
  explicit Icmp(NetCore& core) : core_(core) {}
  Icmp(const Icmp&) = delete;
  Icmp& operator=(const Icmp&) = delete;

  void receive(const Ipv4Packet& packet);
  // RFC 1122 3.2.2.1 / 4.1.3.1: a datagram for a port nobody listens on.
  void send_port_unreachable(const Ipv4Packet& offending);
  // A ping socket's sendmsg: `total` bytes of ICMP echo request in iov.
  int64_t send_echo(Socket& s, Ipv4Addr destination, const IoVec* iov, size_t iovlen, size_t total);
  // A free echo identifier for an implicit bind.
  uint16_t pick_identifier() const;
  bool identifier_in_use(uint16_t id, Ipv4Addr address, const Socket* self) const;

  List<Socket, &Socket::protocol_link> sockets;

 private:
  void answer_echo(const Ipv4Packet& packet);
  void deliver_echo_reply(const Ipv4Packet& packet);
  void handle_unreachable(const Ipv4Packet& packet);

  NetCore& core_;
};

}  // namespace net
