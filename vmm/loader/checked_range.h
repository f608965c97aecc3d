// Overflow-safe arithmetic for offsets, sizes and addresses that come from an
// untrusted file. Every check is written so that no intermediate value can
// wrap around.
#pragma once

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>

namespace vmm::loader {

// True when [offset, offset + size) lies inside [0, total).
inline bool range_within(uint64_t offset, uint64_t size, uint64_t total) {
  return offset <= total && size <= total - offset;
}

// a + b, or false when the sum does not fit in 64 bits.
inline bool checked_add(uint64_t a, uint64_t b, uint64_t* sum) {
  return !__builtin_add_overflow(a, b, sum);
}

// a * b, or false when the product does not fit in 64 bits.
inline bool checked_mul(uint64_t a, uint64_t b, uint64_t* product) {
  return !__builtin_mul_overflow(a, b, product);
}

}  // namespace vmm::loader
