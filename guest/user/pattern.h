// The deterministic payloads of the network programs, so that either end
// (or a host test) can regenerate and check them.
//
// Stream byte i (tcpsend, tcpecho; i counts from 0 at the start of the
// connection):
//
//     byte(i) = (i * 131 + (i >> 8) + (i >> 16) + (i >> 24)) & 0xff
//
// 131 is odd, so consecutive bytes differ; the shifted terms make a block
// displaced by any multiple of 256 bytes differ too. In Python:
//     bytes((i*131 + (i>>8) + (i>>16) + (i>>24)) & 0xff for i in range(n))
//
// Datagram seq (udpecho, seq from 0), byte j: the stream byte of index
// seq * 65536 + j (a datagram carries at most 65507 bytes), so its first
// byte is (seq + (seq >> 8) + (seq >> 16)) & 0xff and every datagram
// differs from its neighbours.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace pattern {

constexpr uint8_t stream_byte(uint64_t i) {
  return static_cast<uint8_t>(i * 131 + (i >> 8) + (i >> 16) + (i >> 24));
}

constexpr uint64_t datagram_index(uint64_t seq, size_t j) { return (seq << 16) + j; }

// buf[k] = stream_byte(offset + k).
inline void fill_stream(uint8_t* buf, size_t n, uint64_t offset) {
  for (size_t k = 0; k < n; ++k) buf[k] = stream_byte(offset + k);
}

// The index of the first byte that is not stream_byte(offset + k), or n.
inline size_t check_stream(const uint8_t* buf, size_t n, uint64_t offset) {
  size_t k = 0;
  while (k < n && buf[k] == stream_byte(offset + k)) ++k;
  return k;
}

inline void fill_datagram(uint8_t* buf, size_t n, uint64_t seq) {
  fill_stream(buf, n, datagram_index(seq, 0));
}

inline bool datagram_matches(const uint8_t* buf, size_t n, uint64_t seq) {
  return check_stream(buf, n, datagram_index(seq, 0)) == n;
}

}  // namespace pattern
