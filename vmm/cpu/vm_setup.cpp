#include "vmm/cpu/vm_setup.h"

#include "vmm/cpu/step_error.h"

namespace vmm {

Result<void> configure_vm(KvmVm& vm) {
  VMM_TRY_VOID(in_step("configure_vm: set_tss_addr", vm.set_tss_addr(kKvmTssGpa)));
  VMM_TRY_VOID(
      in_step("configure_vm: set_identity_map_addr", vm.set_identity_map_addr(kKvmIdentityMapGpa)));
  VMM_TRY_VOID(in_step("configure_vm: create_irqchip", vm.create_irqchip()));
  VMM_TRY_VOID(in_step("configure_vm: create_pit2", vm.create_pit2()));
  return ok();
}

}  // namespace vmm
