#include "hv/memory/mmap_region.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace vmm {

Result<MmapRegion> MmapRegion::create_anonymous(size_t size) {
  if (size == 0) return make_error("cannot map an empty region");
  // MAP_NORESERVE: guest RAM is sparse in practice; only touched pages cost.
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return make_error("mmap of " + std::to_string(size) + " bytes failed: " + std::strerror(errno));
  return MmapRegion(static_cast<uint8_t*>(p), size);
}

MmapRegion::MmapRegion(MmapRegion&& other) noexcept : data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

MmapRegion& MmapRegion::operator=(MmapRegion&& other) noexcept {
  if (this != &other) {
    release();
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

MmapRegion::~MmapRegion() { release(); }

void MmapRegion::release() {
  if (data_) munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace vmm
