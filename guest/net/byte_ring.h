// A fixed-capacity ring of bytes: TCP's send and receive buffers and the
// AF_UNIX stream buffers. The readable bytes start at the head; bytes may
// also be written past the readable end (TCP places out-of-order data there)
// and made readable later with commit().
#pragma once

#include <stdint.h>

#include "net_env.h"

namespace net {

class ByteRing {
 public:
  ByteRing() = default;
  ByteRing(const ByteRing&) = delete;
  ByteRing& operator=(const ByteRing&) = delete;

  // Allocates the storage; false when out of memory.
  [[nodiscard]] bool allocate(NetEnv& env, uint32_t capacity);
  void release(NetEnv& env);
  bool allocated() const { return data_ != nullptr; }

  uint32_t capacity() const { return capacity_; }
  uint32_t size() const { return size_; }
  uint32_t free_space() const { return capacity_ - size_; }
  bool empty() const { return size_ == 0; }

  // Appends up to n bytes; returns how many fitted.
  uint32_t append(const uint8_t* src, uint32_t n);
  // Copies n readable bytes starting `offset` bytes after the head.
  void copy_out(uint32_t offset, uint8_t* dst, uint32_t n) const;
  // Writes n bytes `offset` bytes after the head; offset + n <= capacity.
  void write_at(uint32_t offset, const uint8_t* src, uint32_t n);
  // Makes n more bytes (already written past the end) readable.
  void commit(uint32_t n) { size_ += n; }
  // Drops n bytes from the head.
  void consume(uint32_t n);

 private:
  uint32_t wrap(uint32_t position) const {
    return position >= capacity_ ? position - capacity_ : position;
  }

  uint8_t* data_ = nullptr;
  uint32_t capacity_ = 0;
  uint32_t head_ = 0;
  uint32_t size_ = 0;
};

}  // namespace net
