#include "byte_ring.h"

#include "bytes.h"

namespace net {

bool ByteRing::allocate(NetEnv& env, uint32_t capacity) {
  data_ = static_cast<uint8_t*>(env.allocate(capacity));
  if (data_ == nullptr) return false;
  capacity_ = capacity;
  head_ = 0;
  size_ = 0;
  return true;
}

void ByteRing::release(NetEnv& env) {
  if (data_ != nullptr) env.release(data_, capacity_);
  data_ = nullptr;
  capacity_ = head_ = size_ = 0;
}

uint32_t ByteRing::append(const uint8_t* src, uint32_t n) {
  n = min_of(n, free_space());
  write_at(size_, src, n);
  size_ += n;
  return n;
}

void ByteRing::copy_out(uint32_t offset, uint8_t* dst, uint32_t n) const {
  if (n == 0) return;
  uint32_t start = wrap(head_ + offset);
  uint32_t first = min_of(n, capacity_ - start);
  copy_bytes(dst, data_ + start, first);
  copy_bytes(dst + first, data_, n - first);
}

void ByteRing::write_at(uint32_t offset, const uint8_t* src, uint32_t n) {
  if (n == 0) return;
  uint32_t start = wrap(head_ + offset);
  uint32_t first = min_of(n, capacity_ - start);
  copy_bytes(data_ + start, src, first);
  copy_bytes(data_, src + first, n - first);
}

void ByteRing::consume(uint32_t n) {
  n = min_of(n, size_);
  head_ = wrap(head_ + n);
  size_ -= n;
}

}  // namespace net
