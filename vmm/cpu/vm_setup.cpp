#include "vmm/cpu/vm_setup.h"

#include "abi/platform.h"
#include "vmm/cpu/step_error.h"

namespace vmm {

Result<void> configure_vm(KvmVm& vm) {
  VMM_TRY_VOID(in_step("configure_vm: set_tss_addr", vm.set_tss_addr(kKvmTssGpa)));
  VMM_TRY_VOID(
      in_step("configure_vm: set_identity_map_addr", vm.set_identity_map_addr(kKvmIdentityMapGpa)));
  VMM_TRY_VOID(in_step("configure_vm: create_irqchip", vm.create_irqchip()));
  VMM_TRY_VOID(in_step("configure_vm: create_pit2", vm.create_pit2()));
  VMM_TRY_VOID(in_step("configure_vm: set_gsi_routing", vm.set_gsi_routing(pc_gsi_routes())));
  return ok();
}

// The PC wiring the MADT describes (vmm/acpi/madt.cpp): ISA IRQs 0-15 on the
// two 8259s (IRQ 2 is the cascade), every GSI on the IOAPIC pin of the same
// number, except that the PIT's output (KVM GSI 0) reaches IOAPIC pin 2, the
// "IRQ0 -> GSI 2" interrupt source override. KVM's default table routes GSI 0
// to pin 0, so this table replaces it.
std::vector<GsiRoute> pc_gsi_routes() {
  std::vector<GsiRoute> routes;
  for (uint32_t irq = 0; irq < kIsaIrqs; ++irq) {
    if (irq == kCascadeIrq) continue;
    routes.push_back({irq, irq < 8 ? uint32_t{KVM_IRQCHIP_PIC_MASTER} : uint32_t{KVM_IRQCHIP_PIC_SLAVE},
                      irq % 8});
  }
  for (uint32_t gsi = 0; gsi < platform::kIoapicPins; ++gsi) {
    if (gsi == kCascadeIrq) continue;
    routes.push_back({gsi, KVM_IRQCHIP_IOAPIC, gsi == kPitIrq ? kCascadeIrq : gsi});
  }
  return routes;
}

}  // namespace vmm
