#include "devices/output_sink.h"

#include <unistd.h>

#include <cerrno>

namespace vmm {

void FdOutputSink::put(uint8_t byte) {
  buffer_[used_++] = byte;
  if (byte == '\n' || used_ == sizeof buffer_) flush();
}

void FdOutputSink::flush() {
  size_t done = 0;
  while (done < used_) {
    ssize_t n = ::write(fd_, buffer_ + done, used_ - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // stdout closed: console output is dropped, the VM runs on
    done += static_cast<size_t>(n);
  }
  used_ = 0;
}

}  // namespace vmm
