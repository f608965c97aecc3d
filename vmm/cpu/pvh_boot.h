// The register state the PVH boot ABI hands to the guest's 32-bit entry
// point (Xen docs/misc/pvh.pandoc, "x86/HVM direct boot ABI"):
//
//   ebx   physical address of struct hvm_start_info
//   cr0   PE set, every other writable bit clear (ET is read-only 1)
//   cr4   0; paging off, so no EFER bit is needed either
//   cs    32-bit read/execute code, base 0, limit 0xffffffff
//   ds es ss (fs gs here too)  32-bit read/write data, base 0, limit 0xffffffff
//   tr    32-bit TSS (active, i.e. busy), base 0, limit 0x67
//   eflags  VM, IF, TF clear (here: only the always-one bit 1 set)
//
// The guest builds its own GDT/IDT/stack, so the selectors only label the
// hidden descriptor state: 0x10 code and 0x18 data, as Linux's boot GDT
// has them. Only vCPU 0 (the BSP) gets this; the APs keep KVM's reset state
// and, with the in-kernel irqchip, wait in KVM_MP_STATE_UNINITIALIZED for the
// guest's INIT/SIPI.
#pragma once

#include <cstdint>

#include "hv/core/result.h"
#include "hv/kvm/kvm.h"

namespace vmm {

namespace pvh {
inline constexpr uint16_t kCodeSelector = 0x10;
inline constexpr uint16_t kDataSelector = 0x18;
inline constexpr uint16_t kTssSelector = 0x20;
inline constexpr uint64_t kCr0ProtectionEnable = 1ull << 0;  // PE (SDM Vol. 3A 2.5)
inline constexpr uint64_t kCr0ExtensionType = 1ull << 4;     // ET, hardwired 1
inline constexpr uint64_t kRflagsReservedOne = 1ull << 1;    // bit 1 always 1
}  // namespace pvh

// Reads the vCPU's sregs (to keep what KVM reset: APIC base, LDT, GDT/IDT),
// writes segments, CR0, CR4 and EFER, then writes the GPRs: all 0 but
// RIP = entry_gpa, RBX = start_info_gpa, RFLAGS = 0x2.
Result<void> set_pvh_boot_registers(KvmVcpu& vcpu, uint64_t entry_gpa, uint64_t start_info_gpa);

}  // namespace vmm
