#include "hv/kvm/kvm_stats_reader.h"

#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <vector>

#include "hv/kvm/kvm_ioctl.h"

namespace vmm {
namespace {

// Exactly `size` bytes at `offset`; a short read is an error (the stats file
// has a fixed size, so it means the header lied).
Result<std::vector<uint8_t>> pread_exact(int fd, size_t size, size_t offset) {
  std::vector<uint8_t> buffer(size);
  ssize_t n;
  do {
    n = pread(fd, buffer.data(), size, static_cast<off_t>(offset));
  } while (n < 0 && errno == EINTR);
  if (n < 0) return make_error("read of KVM stats fd failed: " + std::generic_category().message(errno));
  if (static_cast<size_t>(n) != size)
    return make_error("short read of KVM stats fd: " + std::to_string(n) + " of " +
                      std::to_string(size) + " bytes at offset " + std::to_string(offset));
  return buffer;
}

}  // namespace

Result<KvmStatsReader> KvmStatsReader::open(int vcpu_fd) {
  FileDescriptor fd(VMM_TRY(kvm_ioctl(vcpu_fd, KVM_GET_STATS_FD, "KVM_GET_STATS_FD")));
  auto header_bytes = VMM_TRY(pread_exact(fd.get(), sizeof(kvm_stats_header), 0));
  kvm_stats_header header = VMM_TRY(parse_stats_header(header_bytes));
  const size_t prefix_size = stats_descriptors_end(header);
  auto prefix = VMM_TRY(pread_exact(fd.get(), prefix_size, 0));
  KvmStatsLayout layout = VMM_TRY(parse_stats_layout(prefix));
  return KvmStatsReader(std::move(fd), std::move(layout));
}

Result<KvmStats> KvmStatsReader::read() const {
  auto data = VMM_TRY(pread_exact(fd_.get(), layout_.data_size, layout_.data_offset));
  return decode_stats(layout_, data);
}

}  // namespace vmm
