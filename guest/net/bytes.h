// Byte-level helpers shared by every layer: big-endian loads and stores
// (network byte order, RFC 1700), copies through the compiler's builtins
// (the kernel provides memcpy/memset; the host has libc), and the address
// types.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace net {

inline uint16_t load_be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t load_be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}
inline void store_be16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void store_be32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

inline uint16_t host_to_be16(uint16_t v) { return static_cast<uint16_t>(v << 8 | v >> 8); }
inline uint16_t be16_to_host(uint16_t v) { return host_to_be16(v); }
inline uint32_t host_to_be32(uint32_t v) { return __builtin_bswap32(v); }
inline uint32_t be32_to_host(uint32_t v) { return __builtin_bswap32(v); }

inline void copy_bytes(void* dst, const void* src, size_t n) { __builtin_memcpy(dst, src, n); }
inline void zero_bytes(void* dst, size_t n) { __builtin_memset(dst, 0, n); }
inline bool same_bytes(const void* a, const void* b, size_t n) { return __builtin_memcmp(a, b, n) == 0; }

template <typename T>
constexpr T min_of(T a, T b) { return a < b ? a : b; }
template <typename T>
constexpr T max_of(T a, T b) { return a < b ? b : a; }

// IPv4 addresses are kept in host byte order inside the stack.
using Ipv4Addr = uint32_t;
inline constexpr Ipv4Addr kIpv4Any = 0;
inline constexpr Ipv4Addr kIpv4Broadcast = 0xffffffff;

constexpr Ipv4Addr make_ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return static_cast<Ipv4Addr>(a) << 24 | static_cast<Ipv4Addr>(b) << 16 |
         static_cast<Ipv4Addr>(c) << 8 | d;
}
constexpr Ipv4Addr prefix_mask(uint8_t prefix_len) {
  return prefix_len == 0 ? 0 : prefix_len >= 32 ? 0xffffffff : ~(0xffffffffu >> prefix_len);
}
constexpr bool is_loopback_address(Ipv4Addr a) { return (a >> 24) == 127; }
constexpr bool is_multicast_address(Ipv4Addr a) { return (a >> 28) == 0xe; }

struct MacAddress {
  uint8_t bytes[6];

  static constexpr MacAddress broadcast() { return {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
  static constexpr MacAddress zero() { return {{0, 0, 0, 0, 0, 0}}; }
  bool operator==(const MacAddress& o) const { return same_bytes(bytes, o.bytes, 6); }
  bool is_broadcast() const { return *this == broadcast(); }
  bool is_multicast() const { return (bytes[0] & 1) != 0; }  // IEEE 802: I/G bit
  static MacAddress load(const uint8_t* p) {
    MacAddress m;
    copy_bytes(m.bytes, p, 6);
    return m;
  }
  void store(uint8_t* p) const { copy_bytes(p, bytes, 6); }
};

// A read-only window on received bytes; every sub-view is bounds-checked.
struct ByteView {
  const uint8_t* data = nullptr;
  size_t len = 0;

  // The bytes from `offset` on (empty if offset is past the end).
  ByteView from(size_t offset) const {
    return offset > len ? ByteView{data + len, 0} : ByteView{data + offset, len - offset};
  }
  // At most the first n bytes.
  ByteView first(size_t n) const { return ByteView{data, n < len ? n : len}; }
};

}  // namespace net
