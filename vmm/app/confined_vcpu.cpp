#include "vmm/app/confined_vcpu.h"

namespace vmm {

Result<void> ConfinedVcpu::run() {
  if (!confined_) {
    VMM_TRY_VOID(filters_.install(seccomp::ThreadKind::kVcpu));
    confined_ = true;
  }
  return vcpu_.run();
}

}  // namespace vmm
