#include "udp.h"

#include "checksum.h"
#include "core.h"
#include "iovec.h"
#include "net_errno.h"

namespace net {

static constexpr uint8_t kProtocolUdp = 17;

void Udp::receive(const Ipv4Packet& packet) {
  UdpCounters& counters = core_.counters.udp;
  const ByteView& bytes = packet.payload;
  if (bytes.len < kUdpHeaderLen) {
    counters.rx_malformed++;
    return;
  }
  size_t udp_len = load_be16(bytes.data + 4);
  if (udp_len < kUdpHeaderLen || udp_len > bytes.len) {
    counters.rx_malformed++;
    return;
  }
  // RFC 768: a zero checksum field means the sender computed none.
  if (load_be16(bytes.data + 6) != 0 &&
      transport_checksum(packet.source, packet.destination, kProtocolUdp, bytes.data, udp_len) != 0) {
    counters.rx_bad_checksum++;
    return;
  }
  uint16_t source_port = load_be16(bytes.data);
  uint16_t destination_port = load_be16(bytes.data + 2);
  Socket* s = find_receiver(packet, destination_port, source_port);
  if (s == nullptr) {
    counters.rx_no_port++;
    core_.icmp.send_port_unreachable(packet);
    return;
  }
  ByteView payload{bytes.data + kUdpHeaderLen, udp_len - kUdpHeaderLen};
  if (!s->datagrams.push(core_.env, packet.source, source_port, payload, s->rcvbuf)) {
    counters.rx_queue_full_drops++;
    return;
  }
  counters.rx_datagrams++;
  core_.sockets.notify(*s);
}

// The most specific match wins: a connected socket over an unconnected one,
// a socket bound to the address over a wildcard one (as Linux scores them).
Socket* Udp::find_receiver(const Ipv4Packet& packet, uint16_t destination_port,
                           uint16_t source_port) const {
  Socket* best = nullptr;
  int best_score = -1;
  for (Socket* s = sockets.front(); s != nullptr; s = sockets.next(s)) {
    if (s->local_port != destination_port) continue;
    int score = 0;
    if (s->local_addr != kIpv4Any) {
      if (packet.to_broadcast || s->local_addr != packet.destination) continue;
      score += 1;
    }
    if (s->connect_state == ConnectState::Connected) {
      if (s->peer_addr != packet.source || s->peer_port != source_port) continue;
      score += 2;
    }
    if (score > best_score) {
      best = s;
      best_score = score;
    }
  }
  return best;
}

int64_t Udp::send(Socket& s, Ipv4Addr destination, uint16_t port, const IoVec* iov, size_t iovlen,
                  size_t total) {
  OutRoute route;
  if (!core_.ipv4.route(destination, &route)) {
    core_.counters.ipv4.tx_no_route++;
    return -err::kNetUnreach;
  }
  if (route.broadcast && !s.broadcast) return -err::kAcces;  // SO_BROADCAST, socket(7)
  Ipv4Addr source = s.local_addr != kIpv4Any ? s.local_addr : route.source;
  uint8_t* datagram = core_.tx_transport();
  size_t udp_len = kUdpHeaderLen + total;
  store_be16(datagram, s.local_port);
  store_be16(datagram + 2, port);
  store_be16(datagram + 4, static_cast<uint16_t>(udp_len));
  store_be16(datagram + 6, 0);
  iov_gather(iov, iovlen, datagram + kUdpHeaderLen, total);
  uint16_t checksum = transport_checksum(source, destination, kProtocolUdp, datagram, udp_len);
  store_be16(datagram + 6, checksum == 0 ? 0xffff : checksum);  // RFC 768: 0 means "none"
  int r = core_.ipv4.send(route, source, destination, kProtocolUdp, udp_len, false);
  if (r < 0) return r;
  core_.counters.udp.tx_datagrams++;
  return static_cast<int64_t>(total);
}

void Udp::unreachable(Ipv4Addr local, uint16_t local_port, Ipv4Addr remote, uint16_t remote_port,
                      int error) {
  for (Socket* s = sockets.front(); s != nullptr; s = sockets.next(s)) {
    if (s->local_port != local_port || s->connect_state != ConnectState::Connected) continue;
    if (s->peer_addr != remote || s->peer_port != remote_port) continue;
    if (s->local_addr != kIpv4Any && s->local_addr != local) continue;
    s->error = error;
    core_.sockets.notify(*s);
  }
}

bool Udp::port_in_use(uint16_t port) const {
  for (Socket* s = sockets.front(); s != nullptr; s = sockets.next(s)) {
    if (s->local_port == port) return true;
  }
  return false;
}

// socket(7) SO_REUSEADDR: two sockets may share a port when both set it;
// otherwise their addresses must not overlap (a wildcard overlaps all).
bool Udp::bind_conflict(Ipv4Addr address, uint16_t port, bool reuse, const Socket* self) const {
  for (Socket* s = sockets.front(); s != nullptr; s = sockets.next(s)) {
    if (s == self || s->local_port != port) continue;
    bool overlap = address == kIpv4Any || s->local_addr == kIpv4Any || s->local_addr == address;
    if (overlap && !(reuse && s->reuse_addr)) return true;
  }
  return false;
}

}  // namespace net
