#include "ipv4.h"

#include "checksum.h"
#include "core.h"
#include "net_errno.h"

namespace net {

namespace {

constexpr uint16_t kFlagDontFragment = 0x4000;
constexpr uint16_t kFlagMoreFragments = 0x2000;
constexpr uint16_t kFragmentOffsetMask = 0x1fff;
constexpr uint8_t kProtocolIcmp = 1;
constexpr uint8_t kProtocolTcp = 6;
constexpr uint8_t kProtocolUdp = 17;

}  // namespace

bool Ipv4::is_interface_address(Ipv4Addr address) const {
  if (address == kIpv4Any) return false;
  for (int i = 0; i < core_.interface_count; ++i) {
    const Interface& iface = core_.interfaces[i];
    if (!iface.loopback && iface.address == address) return true;
  }
  return false;
}

bool Ipv4::is_local_address(Ipv4Addr address) const {
  return is_loopback_address(address) || is_interface_address(address);
}

// Which destinations this host accepts on an interface: its address (and,
// weak host model, RFC 1122 3.3.4.2, its other addresses), the limited
// broadcast and the subnet's directed broadcast (RFC 1122 3.3.6).
bool Ipv4::accepts_destination(int iface_index, Ipv4Addr destination, bool* broadcast) const {
  const Interface& iface = core_.interfaces[iface_index];
  *broadcast = false;
  if (iface.loopback) return is_local_address(destination);
  if (destination == kIpv4Broadcast ||
      (iface.address != kIpv4Any && iface.prefix_len < 31 && destination == iface.subnet_broadcast())) {
    *broadcast = true;
    return true;
  }
  return is_interface_address(destination);
}

void Ipv4::receive(int iface, ByteView bytes) {
  Ipv4Counters& counters = core_.counters.ipv4;
  counters.rx_packets++;
  counters.rx_bytes += bytes.len;
  // RFC 791 3.1 / RFC 1122 3.2.1: version, header length, total length.
  if (bytes.len < kIpv4HeaderLen) {
    counters.rx_malformed++;
    return;
  }
  const uint8_t* p = bytes.data;
  size_t header_len = static_cast<size_t>(p[0] & 0x0f) * 4;
  size_t total_len = load_be16(p + 2);
  if ((p[0] >> 4) != 4 || header_len < kIpv4HeaderLen || header_len > bytes.len ||
      total_len < header_len || total_len > bytes.len) {
    counters.rx_malformed++;
    return;
  }
  if (internet_checksum(p, header_len) != 0) {
    counters.rx_bad_checksum++;
    return;
  }
  if ((load_be16(p + 6) & (kFlagMoreFragments | kFragmentOffsetMask)) != 0) {
    counters.rx_fragments_dropped++;
    return;
  }
  Ipv4Packet packet;
  packet.iface = iface;
  packet.source = load_be32(p + 12);
  packet.destination = load_be32(p + 16);
  packet.protocol = p[9];
  packet.header = ByteView{p, header_len};
  packet.payload = ByteView{p + header_len, total_len - header_len};
  if (!accepts_destination(iface, packet.destination, &packet.to_broadcast)) {
    counters.rx_other_host++;  // no forwarding
    return;
  }
  // RFC 1122 3.2.1.3: discard a datagram whose source is not a unicast address.
  if (packet.source == kIpv4Broadcast || is_multicast_address(packet.source)) {
    counters.rx_bad_source++;
    return;
  }
  deliver(packet);
}

void Ipv4::deliver(const Ipv4Packet& packet) {
  switch (packet.protocol) {
    case kProtocolIcmp:
      core_.icmp.receive(packet);
      break;
    case kProtocolTcp:
      core_.tcp.receive(packet);
      break;
    case kProtocolUdp:
      core_.udp.receive(packet);
      break;
    default:
      core_.counters.ipv4.rx_unknown_protocol++;
      break;
  }
}

bool Ipv4::route(Ipv4Addr destination, OutRoute* out) const {
  *out = OutRoute{};
  if (is_local_address(destination)) {
    // To ourselves: through "lo", from the destination itself (or 127.0.0.1).
    out->iface = kLoopbackInterface;
    out->next_hop = destination;
    out->source = is_loopback_address(destination) ? core_.interfaces[kLoopbackInterface].address
                                                   : destination;
    out->mtu = kLoopbackMtu;
    return true;
  }
  if (destination == kIpv4Broadcast) {
    // The limited broadcast leaves through the first configured interface.
    for (int i = 0; i < core_.interface_count; ++i) {
      const Interface& iface = core_.interfaces[i];
      if (iface.loopback || iface.address == kIpv4Any) continue;
      *out = OutRoute{i, destination, iface.address, iface.mtu, true};
      return true;
    }
    return false;
  }
  const Route* r = core_.routes.lookup(destination);
  if (r == nullptr || r->iface < 0 || r->iface >= core_.interface_count) return false;
  const Interface& iface = core_.interfaces[r->iface];
  if (iface.address == kIpv4Any) return false;
  out->iface = r->iface;
  out->next_hop = r->gateway != kIpv4Any ? r->gateway : destination;
  out->source = iface.address;
  out->mtu = iface.mtu;
  out->broadcast = r->gateway == kIpv4Any && iface.prefix_len < 31 &&
                   destination == iface.subnet_broadcast();
  return true;
}

void Ipv4::write_header(uint8_t* h, size_t total_len, uint16_t id, uint16_t fragment_field,
                        uint8_t protocol, Ipv4Addr source, Ipv4Addr destination) {
  h[0] = 0x45;  // version 4, 5 words
  h[1] = 0;     // type of service
  store_be16(h + 2, static_cast<uint16_t>(total_len));
  store_be16(h + 4, id);
  store_be16(h + 6, fragment_field);
  h[8] = kIpv4DefaultTtl;
  h[9] = protocol;
  store_be16(h + 10, 0);
  store_be32(h + 12, source);
  store_be32(h + 16, destination);
  store_be16(h + 10, internet_checksum(h, kIpv4HeaderLen));
}

int Ipv4::send(const OutRoute& route, Ipv4Addr source, Ipv4Addr destination, uint8_t protocol,
               size_t payload_len, bool dont_fragment) {
  size_t total_len = kIpv4HeaderLen + payload_len;
  if (total_len > kIpv4MaxPacket) return -err::kMsgSize;
  if (total_len > route.mtu) {
    if (dont_fragment) {
      core_.counters.ipv4.tx_dropped_too_big++;
      return -err::kMsgSize;
    }
    return send_fragments(route, source, destination, protocol, payload_len);
  }
  write_header(core_.tx_ip(), total_len, next_id_++, dont_fragment ? kFlagDontFragment : 0,
               protocol, source, destination);
  send_packet(route, core_.tx_frame, total_len);
  return 0;
}

// RFC 791 3.2 "Fragmentation": every fragment but the last carries a
// multiple of 8 data bytes; offsets count 8-byte units.
int Ipv4::send_fragments(const OutRoute& route, Ipv4Addr source, Ipv4Addr destination,
                         uint8_t protocol, size_t payload_len) {
  size_t chunk_max = (route.mtu - kIpv4HeaderLen) & ~size_t{7};
  if (route.mtu + kEthernetHeaderLen + kEthernetMinFrame > kTxFragmentCapacity) return -err::kMsgSize;
  uint16_t id = next_id_++;
  const uint8_t* payload = core_.tx_transport();
  uint8_t* frame = core_.tx_fragment;
  for (size_t offset = 0; offset < payload_len;) {
    size_t chunk = min_of(chunk_max, payload_len - offset);
    bool more = offset + chunk < payload_len;
    copy_bytes(frame + kEthernetHeaderLen + kIpv4HeaderLen, payload + offset, chunk);
    uint16_t field = static_cast<uint16_t>((more ? kFlagMoreFragments : 0) | (offset / 8));
    write_header(frame + kEthernetHeaderLen, kIpv4HeaderLen + chunk, id, field, protocol, source,
                 destination);
    send_packet(route, frame, kIpv4HeaderLen + chunk);
    core_.counters.ipv4.tx_fragments++;
    offset += chunk;
  }
  return 0;
}

void Ipv4::send_packet(const OutRoute& route, uint8_t* frame, size_t ip_len) {
  core_.counters.ipv4.tx_packets++;
  core_.counters.ipv4.tx_bytes += ip_len;
  Interface& iface = core_.interfaces[route.iface];
  if (iface.loopback) {
    if (core_.loopback.enqueue(frame + kEthernetHeaderLen, ip_len)) {
      iface.counters.tx_frames++;
      iface.counters.tx_bytes += ip_len;
    }
    return;
  }
  core_.arp.send_ipv4(route.iface, route.broadcast ? kIpv4Broadcast : route.next_hop, frame, ip_len);
}

}  // namespace net
