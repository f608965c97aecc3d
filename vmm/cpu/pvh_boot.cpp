#include "vmm/cpu/pvh_boot.h"

#include "vmm/cpu/step_error.h"

namespace vmm {
namespace {

// Segment descriptor types (SDM Vol. 3A 3.4.5.1, Table 3-1 and Table 3-2).
constexpr uint8_t kTypeCodeExecuteReadAccessed = 0xb;
constexpr uint8_t kTypeDataReadWriteAccessed = 0x3;
constexpr uint8_t kTypeTss32Busy = 0xb;  // system segment; VMX entry requires busy

kvm_segment flat_segment(uint16_t selector, uint8_t type) {
  kvm_segment s{};
  s.base = 0;
  s.limit = 0xffffffff;
  s.selector = selector;
  s.type = type;
  s.present = 1;
  s.dpl = 0;
  s.db = 1;  // 32-bit default operand size
  s.s = 1;   // code/data, not system
  s.l = 0;
  s.g = 1;   // limit in 4 KiB units: 4 GiB
  return s;
}

kvm_segment tss_segment() {
  kvm_segment s{};
  s.base = 0;
  s.limit = 0x67;  // the 104-byte 32-bit TSS
  s.selector = pvh::kTssSelector;
  s.type = kTypeTss32Busy;
  s.present = 1;
  s.s = 0;
  s.g = 0;
  return s;
}

void set_protected_mode(kvm_sregs& sregs) {
  sregs.cs = flat_segment(pvh::kCodeSelector, kTypeCodeExecuteReadAccessed);
  const kvm_segment data = flat_segment(pvh::kDataSelector, kTypeDataReadWriteAccessed);
  sregs.ds = sregs.es = sregs.ss = sregs.fs = sregs.gs = data;
  sregs.tr = tss_segment();
  // CD and NW (set at reset) are cleared: "all other writable bits clear".
  sregs.cr0 = pvh::kCr0ProtectionEnable | pvh::kCr0ExtensionType;
  sregs.cr4 = 0;
  sregs.efer = 0;
}

}  // namespace

Result<void> set_pvh_boot_registers(KvmVcpu& vcpu, uint64_t entry_gpa, uint64_t start_info_gpa) {
  auto sregs = vcpu.get_sregs();
  if (!sregs.ok()) return make_error("PVH boot registers: get_sregs: " + sregs.error().message);
  set_protected_mode(*sregs);
  VMM_TRY_VOID(in_step("PVH boot registers: set_sregs", vcpu.set_sregs(*sregs)));

  kvm_regs regs{};
  regs.rip = entry_gpa;
  regs.rbx = start_info_gpa;
  regs.rflags = pvh::kRflagsReservedOne;
  return in_step("PVH boot registers: set_regs", vcpu.set_regs(regs));
}

}  // namespace vmm
