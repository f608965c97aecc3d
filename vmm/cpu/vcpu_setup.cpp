#include "vmm/cpu/vcpu_setup.h"

#include <string>

#include "vmm/cpu/cpuid.h"
#include "vmm/cpu/msr_index.h"
#include "vmm/cpu/step_error.h"

namespace vmm {

std::vector<MsrValue> reset_msrs() {
  return {
      {msr::kIa32MiscEnable, msr::kMiscEnableFastStrings | msr::kMiscEnableBtsUnavailable |
                                 msr::kMiscEnablePebsUnavailable},
      {msr::kIa32MtrrDefType, msr::kMtrrDefTypeEnable | msr::kMtrrTypeWriteBack},
  };
}

kvm_fpu reset_fpu() {
  kvm_fpu fpu{};
  fpu.fcw = 0x37f;     // all x87 exceptions masked, 64-bit precision, round to nearest
  fpu.mxcsr = 0x1f80;  // all SSE exceptions masked, round to nearest
  return fpu;
}

Result<void> configure_vcpu(KvmVcpu& vcpu, const std::vector<kvm_cpuid_entry2>& supported,
                            uint32_t index, uint32_t count) {
  const std::string name = "vCPU " + std::to_string(index);
  auto cpuid = build_vcpu_cpuid(supported, index, static_cast<uint32_t>(vcpu.id()), count);
  if (!cpuid.ok()) return make_error(name + ": " + cpuid.error().message);
  VMM_TRY_VOID(in_step(name + ": set_cpuid", vcpu.set_cpuid(*cpuid)));
  VMM_TRY_VOID(in_step(name + ": set_msrs", vcpu.set_msrs(reset_msrs())));
  VMM_TRY_VOID(in_step(name + ": set_fpu", vcpu.set_fpu(reset_fpu())));
  return ok();
}

}  // namespace vmm
