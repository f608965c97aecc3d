// RAII owner of one anonymous private mapping (guest RAM, shared-memory
// device). Pages are not pre-touched: the kernel supplies them on first use.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hv/core/result.h"

namespace vmm {

class MmapRegion {
 public:
  static Result<MmapRegion> create_anonymous(size_t size);

  MmapRegion(MmapRegion&& other) noexcept;
  MmapRegion& operator=(MmapRegion&& other) noexcept;
  MmapRegion(const MmapRegion&) = delete;
  MmapRegion& operator=(const MmapRegion&) = delete;
  ~MmapRegion();

  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  MmapRegion(uint8_t* data, size_t size) : data_(data), size_(size) {}
  void release();

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace vmm
