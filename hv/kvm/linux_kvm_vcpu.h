// KvmVcpu over a real vCPU fd (KVM API doc, KVM_CREATE_VCPU).
#pragma once

#include <memory>

#include "hv/kvm/file_descriptor.h"
#include "hv/kvm/kvm.h"

namespace vmm {

// Maps the vCPU's kvm_run area (`run_mmap_size` from KVM_GET_VCPU_MMAP_SIZE)
// and opens its stats fd; takes ownership of `vcpu_fd`.
Result<std::unique_ptr<KvmVcpu>> make_linux_kvm_vcpu(int id, FileDescriptor vcpu_fd,
                                                     size_t run_mmap_size);

}  // namespace vmm
