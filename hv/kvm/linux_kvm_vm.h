// KvmVm over a real VM fd (KVM API doc, KVM_CREATE_VM).
#pragma once

#include <memory>

#include "hv/kvm/file_descriptor.h"
#include "hv/kvm/kvm.h"

namespace vmm {

// Takes ownership of `vm_fd`; `run_mmap_size` is KVM_GET_VCPU_MMAP_SIZE, the
// size of each vCPU's kvm_run mapping.
std::unique_ptr<KvmVm> make_linux_kvm_vm(FileDescriptor vm_fd, size_t run_mmap_size);

}  // namespace vmm
