// Sequence number arithmetic modulo 2^32 (RFC 9293 3.4; RFC 1982 serial
// numbers): a < b when b is ahead of a by less than 2^31.
#pragma once

#include <stdint.h>

namespace net {

inline bool seq_lt(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) < 0; }
inline bool seq_le(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) <= 0; }
inline bool seq_gt(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) > 0; }
inline bool seq_ge(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) >= 0; }
inline uint32_t seq_max(uint32_t a, uint32_t b) { return seq_lt(a, b) ? b : a; }
inline uint32_t seq_min(uint32_t a, uint32_t b) { return seq_lt(a, b) ? a : b; }
// low <= x < high
inline bool seq_in_window(uint32_t x, uint32_t low, uint32_t high) {
  return seq_le(low, x) && seq_lt(x, high);
}

}  // namespace net
