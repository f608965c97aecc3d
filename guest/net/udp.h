// UDP (RFC 768): per-socket receive queues, demultiplexing with connected
// sockets preferred over wildcard ones, checksum verification, and sending
// with fragmentation when a datagram exceeds the MTU.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "list.h"
#include "socket.h"

namespace net {

struct NetCore;
struct Ipv4Packet;

inline constexpr size_t kUdpHeaderLen = 8;
inline constexpr size_t kUdpMaxPayload = 65507;  // 65535 - 20 (IP) - 8 (UDP)

class Udp {
 public:
  explicit Udp(NetCore& core) : core_(core) {}
  Udp(const Udp&) = delete;
  Udp& operator=(const Udp&) = delete;

  void receive(const Ipv4Packet& packet);
  // Sends `total` bytes from iov to destination:port from socket s (bound).
  int64_t send(Socket& s, Ipv4Addr destination, uint16_t port, const IoVec* iov, size_t iovlen,
               size_t total);
  // ICMP port unreachable about a datagram we sent (RFC 1122 4.1.3.3):
  // reported on a connected socket as ECONNREFUSED, as Linux does.
  void unreachable(Ipv4Addr local, uint16_t local_port, Ipv4Addr remote, uint16_t remote_port,
                   int error);

  bool port_in_use(uint16_t port) const;
  bool bind_conflict(Ipv4Addr address, uint16_t port, bool reuse, const Socket* self) const;

  List<Socket, &Socket::protocol_link> sockets;

 private:
  Socket* find_receiver(const Ipv4Packet& packet, uint16_t destination_port,
                        uint16_t source_port) const;

  NetCore& core_;
};

}  // namespace net
