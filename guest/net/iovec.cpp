#include "iovec.h"

#include "bytes.h"

namespace net {

// Linux caps a single read/write at MAX_RW_COUNT (INT_MAX rounded down to a
// page); anything larger is an error here.
static constexpr size_t kMaxTotal = 0x7ffff000;

bool iov_total(const IoVec* iov, size_t iovlen, size_t* total) {
  size_t sum = 0;
  for (size_t i = 0; i < iovlen; ++i) {
    if (iov[i].len > kMaxTotal || sum + iov[i].len > kMaxTotal) return false;
    if (iov[i].len != 0 && iov[i].base == nullptr) return false;
    sum += iov[i].len;
  }
  *total = sum;
  return true;
}

void IoVecCursor::skip_empty() {
  while (index_ < iovlen_ && offset_ >= iov_[index_].len) {
    ++index_;
    offset_ = 0;
  }
}

void IoVecCursor::advance(size_t n) {
  offset_ += n;
  skip_empty();
}

size_t iov_gather(const IoVec* iov, size_t iovlen, uint8_t* dst, size_t len) {
  size_t copied = 0;
  for (IoVecCursor c(iov, iovlen); !c.done() && copied < len;) {
    size_t n = min_of(c.chunk_len(), len - copied);
    copy_bytes(dst + copied, c.chunk(), n);
    copied += n;
    c.advance(n);
  }
  return copied;
}

size_t iov_scatter(const IoVec* iov, size_t iovlen, const uint8_t* src, size_t len) {
  size_t copied = 0;
  for (IoVecCursor c(iov, iovlen); !c.done() && copied < len;) {
    size_t n = min_of(c.chunk_len(), len - copied);
    copy_bytes(c.chunk(), src + copied, n);
    copied += n;
    c.advance(n);
  }
  return copied;
}

}  // namespace net
