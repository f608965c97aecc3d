#include "icmp.h"

#include "checksum.h"
#include "core.h"
#include "iovec.h"
#include "net_errno.h"

namespace net {

namespace {

constexpr uint8_t kProtocolIcmp = 1;
constexpr uint8_t kProtocolTcp = 6;
constexpr uint8_t kProtocolUdp = 17;

// RFC 792 destination unreachable codes as errno values (Linux's
// icmp_err_convert).
int unreachable_errno(uint8_t code) {
  switch (code) {
    case 0: case 6: case 9: case 11: return err::kNetUnreach;
    case 2: return err::kNoProtoOpt;
    case 3: return err::kConnRefused;
    case 4: return err::kMsgSize;
    case 5: return err::kOpNotSupp;
    default: return err::kHostUnreach;
  }
}

}  // namespace

void Icmp::receive(const Ipv4Packet& packet) {
  IcmpCounters& counters = core_.counters.icmp;
  counters.rx_messages++;
  if (packet.payload.len < kIcmpHeaderLen) {
    counters.rx_malformed++;
    return;
  }
  if (internet_checksum(packet.payload.data, packet.payload.len) != 0) {
    counters.rx_bad_checksum++;
    return;
  }
  switch (packet.payload.data[0]) {
    case kIcmpEchoRequest:
      counters.rx_echo_requests++;
      // RFC 1122 3.2.2.6: echo requests to a broadcast address may be
      // ignored (Linux's icmp_echo_ignore_broadcasts default).
      if (!packet.to_broadcast) answer_echo(packet);
      break;
    case kIcmpEchoReply:
      deliver_echo_reply(packet);
      break;
    case kIcmpDestUnreachable:
      handle_unreachable(packet);
      break;
    default:
      break;
  }
}

// RFC 792 "Echo or Echo Reply Message": the reply carries the request's
// identifier, sequence number and data back.
void Icmp::answer_echo(const Ipv4Packet& packet) {
  OutRoute route;
  if (!core_.ipv4.route(packet.source, &route)) {
    core_.counters.ipv4.tx_no_route++;
    return;
  }
  uint8_t* reply = core_.tx_transport();
  size_t len = packet.payload.len;
  copy_bytes(reply, packet.payload.data, len);
  reply[0] = kIcmpEchoReply;
  reply[1] = 0;
  store_be16(reply + 2, 0);
  store_be16(reply + 2, internet_checksum(reply, len));
  if (core_.ipv4.send(route, packet.destination, packet.source, kProtocolIcmp, len, false) == 0) {
    core_.counters.icmp.tx_echo_replies++;
  }
}

void Icmp::deliver_echo_reply(const Ipv4Packet& packet) {
  uint16_t id = load_be16(packet.payload.data + 4);
  for (Socket* s = sockets.front(); s != nullptr; s = sockets.next(s)) {
    if (s->local_port != id) continue;
    if (s->local_addr != kIpv4Any && s->local_addr != packet.destination) continue;
    if (s->connect_state == ConnectState::Connected && s->peer_addr != packet.source) continue;
    if (!s->datagrams.push(core_.env, packet.source, 0, packet.payload, s->rcvbuf)) {
      core_.counters.icmp.rx_queue_full_drops++;
      return;
    }
    core_.counters.icmp.rx_echo_replies++;
    core_.sockets.notify(*s);
    return;
  }
  core_.counters.icmp.rx_echo_replies_unclaimed++;
}

// The message quotes the IP header and first 8 bytes of the datagram that
// failed (RFC 792): enough for the ports.
void Icmp::handle_unreachable(const Ipv4Packet& packet) {
  core_.counters.icmp.rx_dest_unreachable++;
  ByteView quoted = packet.payload.from(kIcmpHeaderLen);
  if (quoted.len < kIpv4HeaderLen || (quoted.data[0] >> 4) != 4) {
    core_.counters.icmp.rx_malformed++;
    return;
  }
  size_t header_len = static_cast<size_t>(quoted.data[0] & 0x0f) * 4;
  if (header_len < kIpv4HeaderLen || header_len + 8 > quoted.len) {
    core_.counters.icmp.rx_malformed++;
    return;
  }
  uint8_t protocol = quoted.data[9];
  Ipv4Addr local = load_be32(quoted.data + 12);
  Ipv4Addr remote = load_be32(quoted.data + 16);
  uint16_t local_port = load_be16(quoted.data + header_len);
  uint16_t remote_port = load_be16(quoted.data + header_len + 2);
  int error = unreachable_errno(packet.payload.data[1]);
  if (protocol == kProtocolUdp) core_.udp.unreachable(local, local_port, remote, remote_port, error);
  if (protocol == kProtocolTcp) core_.tcp.unreachable(local, local_port, remote, remote_port, error);
}

void Icmp::send_port_unreachable(const Ipv4Packet& offending) {
  if (offending.to_broadcast) return;  // RFC 1122 3.2.2: never about broadcasts
  OutRoute route;
  if (!core_.ipv4.route(offending.source, &route)) return;
  // The offending datagram's header and first 8 data bytes, contiguous in
  // the received buffer.
  size_t quoted = offending.header.len + min_of<size_t>(8, offending.payload.len);
  uint8_t* message = core_.tx_transport();
  message[0] = kIcmpDestUnreachable;
  message[1] = kIcmpCodePortUnreachable;
  zero_bytes(message + 2, 6);
  copy_bytes(message + kIcmpHeaderLen, offending.header.data, quoted);
  store_be16(message + 2, internet_checksum(message, kIcmpHeaderLen + quoted));
  if (core_.ipv4.send(route, offending.destination, offending.source, kProtocolIcmp,
                      kIcmpHeaderLen + quoted, false) == 0) {
    core_.counters.icmp.tx_dest_unreachable++;
  }
}

int64_t Icmp::send_echo(Socket& s, Ipv4Addr destination, const IoVec* iov, size_t iovlen,
                        size_t total) {
  if (total < kIcmpHeaderLen) return -err::kInval;
  if (total > kIpv4MaxPacket - kIpv4HeaderLen) return -err::kMsgSize;
  OutRoute route;
  if (!core_.ipv4.route(destination, &route)) return -err::kNetUnreach;
  if (route.broadcast && !s.broadcast) return -err::kAcces;
  uint8_t* message = core_.tx_transport();
  iov_gather(iov, iovlen, message, total);
  // Linux ping sockets: only echo requests, code 0; the identifier is the
  // socket's.
  if (message[0] != kIcmpEchoRequest || message[1] != 0) return -err::kInval;
  store_be16(message + 4, s.local_port);
  store_be16(message + 2, 0);
  store_be16(message + 2, internet_checksum(message, total));
  Ipv4Addr source = s.local_addr != kIpv4Any ? s.local_addr : route.source;
  int r = core_.ipv4.send(route, source, destination, kProtocolIcmp, total, false);
  if (r < 0) return r;
  core_.counters.icmp.tx_echo_requests++;
  return static_cast<int64_t>(total);
}

bool Icmp::identifier_in_use(uint16_t id, Ipv4Addr address, const Socket* self) const {
  for (Socket* s = sockets.front(); s != nullptr; s = sockets.next(s)) {
    if (s == self || s->local_port != id) continue;
    if (address == kIpv4Any || s->local_addr == kIpv4Any || s->local_addr == address) return true;
  }
  return false;
}

uint16_t Icmp::pick_identifier() const {
  uint32_t start = core_.env.random32();
  for (uint32_t i = 0; i < 65535; ++i) {
    uint16_t id = static_cast<uint16_t>((start + i) % 65535 + 1);
    if (!identifier_in_use(id, kIpv4Any, nullptr)) return id;
  }
  return 0;
}

}  // namespace net
