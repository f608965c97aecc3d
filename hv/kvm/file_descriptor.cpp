#include "hv/kvm/file_descriptor.h"

#include <unistd.h>

namespace vmm {

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = other.release();
  }
  return *this;
}

int FileDescriptor::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void FileDescriptor::reset() {
  // close() is not retried on EINTR: on Linux the fd is released either way.
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

}  // namespace vmm
