// Scatter/gather over the caller's iovec array (kernel buffers).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "socket_abi.h"

namespace net {

// The total length; false if it exceeds Linux's MAX_RW_COUNT or a non-empty
// entry has no buffer (the caller returns -EINVAL).
bool iov_total(const IoVec* iov, size_t iovlen, size_t* total);
// Copies up to len bytes out of the iovecs, from their start.
size_t iov_gather(const IoVec* iov, size_t iovlen, uint8_t* dst, size_t len);
// Copies len bytes into the iovecs (as many as fit); returns the count.
size_t iov_scatter(const IoVec* iov, size_t iovlen, const uint8_t* src, size_t len);

// Walks an iovec array chunk by chunk.
class IoVecCursor {
 public:
  IoVecCursor(const IoVec* iov, size_t iovlen) : iov_(iov), iovlen_(iovlen) { skip_empty(); }
  bool done() const { return index_ >= iovlen_; }
  uint8_t* chunk() const { return static_cast<uint8_t*>(iov_[index_].base) + offset_; }
  size_t chunk_len() const { return iov_[index_].len - offset_; }
  void advance(size_t n);

 private:
  void skip_empty();

  const IoVec* iov_;
  size_t iovlen_;
  size_t index_ = 0;
  size_t offset_ = 0;
};

}  // namespace net
