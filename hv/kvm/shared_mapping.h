// RAII owner of a MAP_SHARED mapping of a file descriptor (the kvm_run area
// of a vCPU fd; KVM API doc, KVM_GET_VCPU_MMAP_SIZE and KVM_RUN).
#pragma once

#include <cstddef>

#include "hv/core/result.h"

namespace vmm {

class SharedMapping {
 public:
  // Maps [0, size) of fd read/write; `what` names the mapping in errors.
  static Result<SharedMapping> map(int fd, size_t size, const char* what);

  SharedMapping(SharedMapping&& other) noexcept;
  SharedMapping& operator=(SharedMapping&& other) noexcept;
  SharedMapping(const SharedMapping&) = delete;
  SharedMapping& operator=(const SharedMapping&) = delete;
  ~SharedMapping() { reset(); }

  void* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  SharedMapping(void* data, size_t size) : data_(data), size_(size) {}
  void reset();

  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace vmm
