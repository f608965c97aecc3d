// Per-vCPU state every vCPU needs before its first KVM_RUN, BSP or AP.
#pragma once

#include <cstdint>
#include <vector>

#include "hv/core/result.h"
#include "hv/kvm/kvm.h"

namespace vmm {

// Sets, in this order (CPUID first: KVM checks some MSR writes against the
// guest's CPUID):
//  - CPUID: build_vcpu_cpuid(supported, index, vcpu.id(), count). The APIC
//    ID is the KVM vCPU id because that is the ID KVM gives the local APIC.
//  - MSRs: reset_msrs() below.
//  - FPU: FCW 0x37f, MXCSR 0x1f80 (the x87/SSE power-on values, SDM Vol. 1
//    8.1.5 and 10.2.3.1), every other field 0.
// An error names the vCPU and the step.
Result<void> configure_vcpu(KvmVcpu& vcpu, const std::vector<kvm_cpuid_entry2>& supported,
                            uint32_t index, uint32_t count);

// The MSRs configure_vcpu() writes, and why (KVM has reset every other MSR,
// e.g. IA32_TSC, the SYSENTER/SYSCALL MSRs, IA32_PAT, to its power-on value;
// IA32_APIC_BASE belongs to the in-kernel local APIC):
//  - IA32_MISC_ENABLE = fast-strings | BTS unavailable | PEBS unavailable.
//    Linux turns off ERMS/REP_GOOD when fast strings are disabled; BTS and
//    PEBS are not offered to the guest (KVM's own reset value has those two).
//  - IA32_MTRR_DEF_TYPE = E | WB (0x806): MTRRs on, everything write-back.
//    At reset E is 0, which makes all memory uncacheable in the guest's view.
//    FE (0xC06) is left off on purpose: it would switch on the fixed-range
//    MTRRs, which reset to 0 = UC, making the first MiB uncacheable.
std::vector<MsrValue> reset_msrs();

// The x87/SSE state at power-on.
kvm_fpu reset_fpu();

}  // namespace vmm
