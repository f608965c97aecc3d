#include "hv/kvm/shared_mapping.h"

#include <sys/mman.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace vmm {

Result<SharedMapping> SharedMapping::map(int fd, size_t size, const char* what) {
  if (size == 0) return make_error(std::string("mmap of ") + what + ": size is 0");
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED)
    return make_error(std::string("mmap of ") + what + " failed: " +
                      std::generic_category().message(errno));
  return SharedMapping(p, size);
}

SharedMapping::SharedMapping(SharedMapping&& other) noexcept
    : data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

SharedMapping& SharedMapping::operator=(SharedMapping&& other) noexcept {
  if (this != &other) {
    reset();
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

void SharedMapping::reset() {
  if (data_) munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace vmm
