#include "virtio/notify/event_fd.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vmm::virtio {

Result<EventFd> EventFd::create() {
  int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) return make_error(std::string("eventfd: ") + std::strerror(errno));
  return EventFd(FileDescriptor(fd));
}

void EventFd::signal() const {
  uint64_t one = 1;
  // Fails only when the counter would overflow 2^64-2: the reader is far
  // behind and one more wake-up changes nothing.
  [[maybe_unused]] ssize_t n = ::write(fd_.get(), &one, sizeof one);
}

uint64_t EventFd::drain() const {
  uint64_t count = 0;
  if (::read(fd_.get(), &count, sizeof count) != sizeof count) return 0;  // EAGAIN: nothing
  return count;
}

}  // namespace vmm::virtio
