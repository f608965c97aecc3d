#include "tests/unit/virtio/test_frames.h"

namespace vmm::net::testing {

namespace {

void put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(uint8_t(v >> 8));
  out.push_back(uint8_t(v));
}
void put32(std::vector<uint8_t>& out, uint32_t v) {
  put16(out, uint16_t(v >> 16));
  put16(out, uint16_t(v));
}
void put_mac(std::vector<uint8_t>& out, const MacAddress& mac) { out.insert(out.end(), mac.begin(), mac.end()); }

// The Internet checksum (RFC 1071) over `bytes`.
uint16_t internet_checksum(std::span<const uint8_t> bytes) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) sum += uint32_t(bytes[i] << 8 | bytes[i + 1]);
  if (bytes.size() % 2) sum += uint32_t(bytes.back() << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(~sum);
}

void set16(std::vector<uint8_t>& out, size_t at, uint16_t v) {
  out[at] = uint8_t(v >> 8);
  out[at + 1] = uint8_t(v);
}

// An IPv4 frame around `l4` (20-byte header, don't fragment).
std::vector<uint8_t> ipv4_frame(const MacAddress& from, const MacAddress& to, uint32_t src_ip, uint32_t dst_ip,
                                uint8_t protocol, std::span<const uint8_t> l4) {
  std::vector<uint8_t> f;
  put_mac(f, to);
  put_mac(f, from);
  put16(f, kEtherTypeIpv4);
  size_t ip = f.size();
  f.push_back(0x45);
  f.push_back(0);
  put16(f, uint16_t(20 + l4.size()));
  put16(f, 0x1234);
  put16(f, 0x4000);
  f.push_back(64);
  f.push_back(protocol);
  put16(f, 0);
  put32(f, src_ip);
  put32(f, dst_ip);
  set16(f, ip + 10, internet_checksum(std::span(f).subspan(ip, 20)));
  f.insert(f.end(), l4.begin(), l4.end());
  return f;
}

}  // namespace

std::vector<uint8_t> udp_datagram(const MacAddress& from, const MacAddress& to, uint32_t src_ip, uint32_t dst_ip,
                                  uint16_t src_port, uint16_t dst_port, std::span<const uint8_t> payload) {
  std::vector<uint8_t> udp;
  put16(udp, src_port);
  put16(udp, dst_port);
  put16(udp, uint16_t(8 + payload.size()));
  put16(udp, 0);  // no checksum (RFC 768)
  udp.insert(udp.end(), payload.begin(), payload.end());
  return ipv4_frame(from, to, src_ip, dst_ip, kIpProtoUdp, udp);
}

std::vector<uint8_t> tcp_segment(const MacAddress& from, const MacAddress& to, uint32_t src_ip, uint32_t dst_ip,
                                 uint16_t src_port, uint16_t dst_port, uint8_t flags) {
  std::vector<uint8_t> tcp;
  put16(tcp, src_port);
  put16(tcp, dst_port);
  put32(tcp, 1000);  // sequence
  put32(tcp, 0);     // acknowledgement
  tcp.push_back(5 << 4);  // 20-byte header
  tcp.push_back(flags);
  put16(tcp, 65535);  // window
  put16(tcp, 0);      // checksum, below
  put16(tcp, 0);      // urgent
  // The checksum covers a pseudo-header (RFC 793 section 3.1).
  std::vector<uint8_t> pseudo;
  put32(pseudo, src_ip);
  put32(pseudo, dst_ip);
  put16(pseudo, kIpProtoTcp);
  put16(pseudo, uint16_t(tcp.size()));
  pseudo.insert(pseudo.end(), tcp.begin(), tcp.end());
  set16(tcp, 16, internet_checksum(pseudo));
  return ipv4_frame(from, to, src_ip, dst_ip, kIpProtoTcp, tcp);
}

std::vector<uint8_t> arp_request(const MacAddress& from, uint32_t sender_ip, uint32_t target_ip) {
  std::vector<uint8_t> f;
  put_mac(f, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  put_mac(f, from);
  put16(f, kEtherTypeArp);
  put16(f, 1);       // Ethernet
  put16(f, 0x0800);  // IPv4
  f.push_back(6);
  f.push_back(4);
  put16(f, 1);       // request
  put_mac(f, from);
  put32(f, sender_ip);
  put_mac(f, {0, 0, 0, 0, 0, 0});
  put32(f, target_ip);
  return f;
}

std::vector<uint8_t> icmp_echo_request(const MacAddress& from, const MacAddress& to,
                                       uint32_t src_ip, uint32_t dst_ip, uint16_t id,
                                       uint16_t sequence, std::span<const uint8_t> payload) {
  std::vector<uint8_t> icmp;
  icmp.push_back(8);  // echo request
  icmp.push_back(0);
  put16(icmp, 0);     // checksum, below
  put16(icmp, id);
  put16(icmp, sequence);
  icmp.insert(icmp.end(), payload.begin(), payload.end());
  set16(icmp, 2, internet_checksum(icmp));
  return ipv4_frame(from, to, src_ip, dst_ip, kIpProtoIcmp, icmp);
}

uint16_t be16(std::span<const uint8_t> frame, size_t at) {
  return uint16_t(frame[at] << 8 | frame[at + 1]);
}

uint32_t be32(std::span<const uint8_t> frame, size_t at) {
  return uint32_t(be16(frame, at)) << 16 | be16(frame, at + 2);
}

}  // namespace vmm::net::testing
