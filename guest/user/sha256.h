// SHA-256 (FIPS 180-4): the digest the network programs print so that a
// host test can compare what was sent with what arrived. Plain C++ with
// only the freestanding headers, so host tests compile this same file.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace sha256 {

inline constexpr size_t kDigestLen = 32;
inline constexpr size_t kHexLen = 2 * kDigestLen + 1;  // with the NUL

class Hasher {
 public:
  Hasher();
  void update(const void* data, size_t len);
  // The digest of everything updated so far; the hasher is spent after.
  void finish(uint8_t digest[kDigestLen]);
  // finish() as lowercase hex, NUL-terminated.
  void finish_hex(char hex[kHexLen]);

 private:
  void compress(const uint8_t block[64]);

  uint32_t state_[8];
  uint8_t block_[64];
  size_t block_len_ = 0;
  uint64_t total_len_ = 0;  // bytes
};

}  // namespace sha256
