// IPv4 (RFC 791): header validation and local delivery, routing of outgoing
// packets, and fragmentation of outgoing datagrams larger than the MTU.
// Received fragments are dropped and counted: there is no reassembly.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

namespace net {

struct NetCore;

inline constexpr size_t kIpv4HeaderLen = 20;  // we never send options
inline constexpr size_t kIpv4MaxPacket = 65535;
inline constexpr uint8_t kIpv4DefaultTtl = 64;

// A received packet that passed validation, addressed to this host.
struct Ipv4Packet {
  int iface = -1;
  Ipv4Addr source = 0;
  Ipv4Addr destination = 0;
  uint8_t protocol = 0;
  bool to_broadcast = false;  // limited or directed broadcast destination
  ByteView header;            // the IP header, options included
  ByteView payload;           // total length minus the header
};

// Where an outgoing packet goes.
struct OutRoute {
  int iface = -1;
  Ipv4Addr next_hop = 0;   // the destination itself, or a gateway
  Ipv4Addr source = 0;     // the outgoing interface's address
  uint16_t mtu = 0;
  bool broadcast = false;  // send to the Ethernet broadcast address
};

class Ipv4 {
 public:
  explicit Ipv4(NetCore& core) : core_(core) {}
  Ipv4(const Ipv4&) = delete;
  Ipv4& operator=(const Ipv4&) = delete;

  void receive(int iface, ByteView packet);
  // False when there is no route (the caller reports -ENETUNREACH).
  bool route(Ipv4Addr destination, OutRoute* out) const;
  // Sends payload_len bytes already placed at the transmit buffer's
  // transport offset (NetCore::tx_transport()). 0, -EMSGSIZE (too big with
  // dont_fragment, or beyond 65535), -ENOBUFS (queue full).
  int send(const OutRoute& route, Ipv4Addr source, Ipv4Addr destination, uint8_t protocol,
           size_t payload_len, bool dont_fragment);

  // One of our interface addresses, or in 127.0.0.0/8.
  bool is_local_address(Ipv4Addr address) const;
  // An address assigned to one of the (non-loopback) interfaces.
  bool is_interface_address(Ipv4Addr address) const;

 private:
  bool accepts_destination(int iface, Ipv4Addr destination, bool* broadcast) const;
  void deliver(const Ipv4Packet& packet);
  void write_header(uint8_t* header, size_t total_len, uint16_t id, uint16_t fragment_field,
                    uint8_t protocol, Ipv4Addr source, Ipv4Addr destination);
  int send_fragments(const OutRoute& route, Ipv4Addr source, Ipv4Addr destination,
                     uint8_t protocol, size_t payload_len);
  void send_packet(const OutRoute& route, uint8_t* frame, size_t ip_len);

  NetCore& core_;
  uint16_t next_id_ = 1;
};

}  // namespace net
