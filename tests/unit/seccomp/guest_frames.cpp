#include "tests/unit/seccomp/guest_frames.h"

namespace vmm::seccomp::testing {

namespace {

constexpr uint8_t kUdp = 17, kTcp = 6;

void put16(Frame& f, uint16_t v) {
  f.push_back(uint8_t(v >> 8));
  f.push_back(uint8_t(v));
}
void put32(Frame& f, uint32_t v) {
  put16(f, uint16_t(v >> 16));
  put16(f, uint16_t(v));
}
void set16(Frame& f, size_t at, uint16_t v) {
  f[at] = uint8_t(v >> 8);
  f[at + 1] = uint8_t(v);
}
uint16_t get16(std::span<const uint8_t> f, size_t at) { return uint16_t(f[at] << 8 | f[at + 1]); }
uint32_t get32(std::span<const uint8_t> f, size_t at) { return uint32_t(get16(f, at)) << 16 | get16(f, at + 2); }

// RFC 1071, continuing from `sum`.
uint32_t add_words(uint32_t sum, std::span<const uint8_t> bytes) {
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) sum += uint32_t(bytes[i] << 8 | bytes[i + 1]);
  if (bytes.size() % 2) sum += uint32_t(bytes.back() << 8);
  return sum;
}
uint16_t fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(~sum);
}

// Ethernet + IPv4 header; returns the offset of the transport header.
size_t ip_header(Frame& f, const Endpoints& e, uint8_t protocol, size_t transport_length) {
  f.insert(f.end(), e.to_mac.begin(), e.to_mac.end());
  f.insert(f.end(), e.from_mac.begin(), e.from_mac.end());
  put16(f, 0x0800);
  size_t ip = f.size();
  f.push_back(0x45);
  f.push_back(0);
  put16(f, uint16_t(20 + transport_length));
  put16(f, 0x4242);  // identification
  put16(f, 0x4000);  // don't fragment
  f.push_back(64);
  f.push_back(protocol);
  put16(f, 0);
  put32(f, e.src_ip);
  put32(f, e.dst_ip);
  set16(f, ip + 10, fold(add_words(0, std::span(f).subspan(ip, 20))));
  return f.size();
}

// The transport checksum over the IPv4 pseudo-header and the segment.
void transport_checksum(Frame& f, const Endpoints& e, uint8_t protocol, size_t at, size_t checksum_at) {
  Frame pseudo;
  put32(pseudo, e.src_ip);
  put32(pseudo, e.dst_ip);
  put16(pseudo, protocol);
  put16(pseudo, uint16_t(f.size() - at));
  set16(f, checksum_at, fold(add_words(add_words(0, pseudo), std::span(f).subspan(at))));
}

}  // namespace

Frame udp_frame(const Endpoints& e, std::span<const uint8_t> payload) {
  Frame f;
  size_t udp = ip_header(f, e, kUdp, 8 + payload.size());
  put16(f, e.src_port);
  put16(f, e.dst_port);
  put16(f, uint16_t(8 + payload.size()));
  put16(f, 0);
  f.insert(f.end(), payload.begin(), payload.end());
  transport_checksum(f, e, kUdp, udp, udp + 6);
  return f;
}

Frame tcp_frame(const Endpoints& e, uint32_t seq, uint32_t ack, uint8_t flags, std::span<const uint8_t> payload) {
  Frame f;
  size_t tcp = ip_header(f, e, kTcp, 20 + payload.size());
  put16(f, e.src_port);
  put16(f, e.dst_port);
  put32(f, seq);
  put32(f, ack);
  f.push_back(5 << 4);  // 20-byte header
  f.push_back(flags);
  put16(f, 65535);      // window
  put16(f, 0);          // checksum, below
  put16(f, 0);          // urgent pointer
  f.insert(f.end(), payload.begin(), payload.end());
  transport_checksum(f, e, kTcp, tcp, tcp + 16);
  return f;
}

std::optional<Ipv4Frame> read_ipv4(std::span<const uint8_t> f) {
  if (f.size() < 34 || get16(f, 12) != 0x0800) return std::nullopt;
  size_t ip = 14, header = size_t(f[ip] & 0x0f) * 4;
  size_t total = get16(f, ip + 2);
  if (total > f.size() - ip || total < header) return std::nullopt;
  Ipv4Frame r{};
  r.protocol = f[ip + 9];
  r.src_ip = get32(f, ip + 12);
  r.dst_ip = get32(f, ip + 16);
  size_t t = ip + header, end = ip + total;
  if (r.protocol == kUdp && end >= t + 8) {
    r.src_port = get16(f, t);
    r.dst_port = get16(f, t + 2);
    r.payload.assign(f.begin() + t + 8, f.begin() + end);
    return r;
  }
  if (r.protocol == kTcp && end >= t + 20) {
    r.src_port = get16(f, t);
    r.dst_port = get16(f, t + 2);
    r.seq = get32(f, t + 4);
    r.ack = get32(f, t + 8);
    r.flags = f[t + 13];
    size_t data = t + size_t(f[t + 12] >> 4) * 4;
    if (data <= end) r.payload.assign(f.begin() + data, f.begin() + end);
    return r;
  }
  return std::nullopt;
}

}  // namespace vmm::seccomp::testing
