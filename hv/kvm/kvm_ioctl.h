// The one place that calls ioctl(): every KVM request of the layer goes
// through kvm_ioctl(), which names the request and strerror in its error.
#pragma once

#include <sys/ioctl.h>

#include <cerrno>
#include <string>
#include <string_view>
#include <system_error>

#include "hv/core/result.h"

namespace vmm {

// "KVM_CREATE_VM failed: Too many open files"
inline Error ioctl_error(std::string_view request_name, int err) {
  return make_error(std::string(request_name) + " failed: " + std::generic_category().message(err));
}

// Issues the ioctl, retrying on EINTR (a signal arriving during a setup
// ioctl is not a failure). KVM_RUN does not use this: its EINTR is a kick.
template <typename Arg>
Result<int> kvm_ioctl(int fd, unsigned long request, std::string_view request_name, Arg arg) {
  int ret;
  do {
    ret = ::ioctl(fd, request, arg);
  } while (ret < 0 && errno == EINTR);
  if (ret < 0) return ioctl_error(request_name, errno);
  return ret;
}

inline Result<int> kvm_ioctl(int fd, unsigned long request, std::string_view request_name) {
  return kvm_ioctl(fd, request, request_name, 0UL);
}

}  // namespace vmm
