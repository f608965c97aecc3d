// Reads one vCPU's KVM statistics through its stats fd (KVM API doc,
// KVM_GET_STATS_FD). The descriptors are parsed once, when the reader is
// opened; read() is one pread of the data block. read() is const and keeps no
// state between calls, so any thread may call it.
#pragma once

#include "hv/core/result.h"
#include "hv/kvm/file_descriptor.h"
#include "hv/kvm/kvm.h"
#include "hv/kvm/kvm_stats_format.h"

namespace vmm {

class KvmStatsReader {
 public:
  // Issues KVM_GET_STATS_FD on `vcpu_fd` and parses the descriptors.
  static Result<KvmStatsReader> open(int vcpu_fd);

  Result<KvmStats> read() const;
  const KvmStatsLayout& layout() const { return layout_; }

 private:
  KvmStatsReader(FileDescriptor fd, KvmStatsLayout layout)
      : fd_(std::move(fd)), layout_(std::move(layout)) {}

  FileDescriptor fd_;
  KvmStatsLayout layout_;
};

}  // namespace vmm
