// RAII owner of one eventfd(2), the counter KVM's irqfd and ioeventfd use to
// signal without a VM exit reaching user space.
#pragma once

#include <cstdint>

#include "hv/core/result.h"
#include "hv/kvm/file_descriptor.h"

namespace vmm::virtio {

class EventFd {
 public:
  // Non-blocking, close-on-exec, counter 0.
  static Result<EventFd> create();

  int fd() const { return fd_.get(); }
  // Adds 1 to the counter (wakes whoever waits on it).
  void signal() const;
  // Returns and clears the counter; 0 when nothing was signalled.
  uint64_t drain() const;

 private:
  explicit EventFd(FileDescriptor fd) : fd_(std::move(fd)) {}
  FileDescriptor fd_;
};

}  // namespace vmm::virtio
