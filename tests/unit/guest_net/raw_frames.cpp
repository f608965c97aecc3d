#include "raw_frames.h"

#include <gtest/gtest.h>

#include "guest/net/checksum.h"

namespace net::test {

Bytes ethernet_frame(const MacAddress& destination, const MacAddress& source, uint16_t type,
                     const Bytes& payload) {
  Bytes f(14);
  destination.store(f.data());
  source.store(f.data() + 6);
  store_be16(f.data() + 12, type);
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

Bytes arp_packet(uint16_t operation, const MacAddress& sender_mac, Ipv4Addr sender_ip,
                 const MacAddress& target_mac, Ipv4Addr target_ip) {
  Bytes p(28);
  store_be16(&p[0], 1);
  store_be16(&p[2], 0x0800);
  p[4] = 6;
  p[5] = 4;
  store_be16(&p[6], operation);
  sender_mac.store(&p[8]);
  store_be32(&p[14], sender_ip);
  target_mac.store(&p[18]);
  store_be32(&p[24], target_ip);
  return p;
}

Bytes ipv4_packet(Ipv4Addr source, Ipv4Addr destination, uint8_t protocol, const Bytes& payload,
                  uint16_t fragment_field, uint8_t ttl) {
  Bytes p(20);
  p[0] = 0x45;
  store_be16(&p[2], static_cast<uint16_t>(20 + payload.size()));
  store_be16(&p[4], 0x1234);
  store_be16(&p[6], fragment_field);
  p[8] = ttl;
  p[9] = protocol;
  store_be32(&p[12], source);
  store_be32(&p[16], destination);
  store_be16(&p[10], internet_checksum(p.data(), 20));
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

Bytes icmp_echo(uint8_t type, uint16_t id, uint16_t sequence, const Bytes& data) {
  Bytes m(8);
  m[0] = type;
  store_be16(&m[4], id);
  store_be16(&m[6], sequence);
  m.insert(m.end(), data.begin(), data.end());
  store_be16(&m[2], internet_checksum(m.data(), m.size()));
  return m;
}

Bytes udp_datagram(Ipv4Addr source, Ipv4Addr destination, uint16_t source_port,
                   uint16_t destination_port, const Bytes& payload, bool checksum) {
  Bytes d(8);
  store_be16(&d[0], source_port);
  store_be16(&d[2], destination_port);
  store_be16(&d[4], static_cast<uint16_t>(8 + payload.size()));
  d.insert(d.end(), payload.begin(), payload.end());
  if (checksum) {
    uint16_t c = transport_checksum(source, destination, 17, d.data(), d.size());
    store_be16(&d[6], c == 0 ? 0xffff : c);
  }
  return d;
}

Bytes tcp_segment(Ipv4Addr source, Ipv4Addr destination, uint16_t source_port,
                  uint16_t destination_port, uint32_t seq, uint32_t ack, uint8_t flags,
                  uint16_t window, const Bytes& payload, const Bytes& options) {
  Bytes s(20);
  store_be16(&s[0], source_port);
  store_be16(&s[2], destination_port);
  store_be32(&s[4], seq);
  store_be32(&s[8], ack);
  s[12] = static_cast<uint8_t>(((20 + options.size()) / 4) << 4);
  s[13] = flags;
  store_be16(&s[14], window);
  s.insert(s.end(), options.begin(), options.end());
  s.insert(s.end(), payload.begin(), payload.end());
  store_be16(&s[16], transport_checksum(source, destination, 6, s.data(), s.size()));
  return s;
}

OneHost::OneHost(const NetConfig& config) : stack(env, config) {
  EXPECT_EQ(stack.init(), 0);
  InterfaceConfig ic;
  ic.name = "eth0";
  ic.mac = kMac;
  ic.address = kAddress;
  ic.prefix_len = 24;
  ic.device = &device;
  iface = stack.add_interface(ic);
  EXPECT_EQ(iface, 1);
}

void OneHost::learn_peer() {
  inject(ethernet_frame(MacAddress::broadcast(), kPeerMac, 0x0806,
                        arp_packet(1, kPeerMac, kPeer, MacAddress::zero(), kAddress)));
  take_frames();  // the ARP reply
}

std::vector<Bytes> OneHost::take_frames() {
  std::vector<Bytes> out;
  out.swap(device.frames);
  return out;
}

Ipv4View parse_ipv4_frame(const Bytes& f) {
  Ipv4View v;
  if (f.size() < 34 || load_be16(&f[12]) != 0x0800) return v;
  const uint8_t* ip = &f[14];
  size_t ihl = (ip[0] & 0xf) * 4u;
  size_t total = load_be16(ip + 2);
  if (14 + total > f.size() || total < ihl) return v;
  v.valid = internet_checksum(ip, ihl) == 0;
  v.source = load_be32(ip + 12);
  v.destination = load_be32(ip + 16);
  v.protocol = ip[9];
  v.fragment_field = load_be16(ip + 6);
  v.payload.assign(ip + ihl, ip + total);
  return v;
}

}  // namespace net::test
