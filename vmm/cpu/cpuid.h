// The CPUID table each vCPU sees: what KVM supports on this host, with the
// topology, hypervisor and KVM-signature leaves a guest expects filled in.
//
// Topology (the same for every leaf that describes it): one package, one
// thread per core, `vcpu_count` cores. Nothing is gained by inventing SMT
// siblings: a vCPU is a host thread, and claiming siblings would make a
// guest scheduler treat two vCPUs as sharing one core's resources. The APIC ID
// of each vCPU is its KVM vCPU id (KVM gives the local APIC that ID), and the
// core field of the APIC ID is ceil(log2(vcpu_count)) bits wide. L1/L2 caches
// are private to a core, L3 is shared by the package.
#pragma once

#include <cstdint>
#include <vector>

#include "hv/core/result.h"
#include "hv/kvm/kvm.h"

namespace vmm {

// Pure: the CPUID table for vCPU `vcpu_index` of `vcpu_count`, whose initial
// APIC ID is `apic_id`, from `supported` (KVM_GET_SUPPORTED_CPUID). Fails if
// the topology cannot be expressed (APIC ID above 254, index out of range,
// APIC ID outside the package) or `supported` lacks leaf 0 or 1.
Result<std::vector<kvm_cpuid_entry2>> build_vcpu_cpuid(std::vector<kvm_cpuid_entry2> supported,
                                                       uint32_t vcpu_index, uint32_t apic_id,
                                                       uint32_t vcpu_count);

// CPUID leaves this module writes (Intel SDM Vol. 2A "CPUID"; AMD APM Vol. 3
// Appendix E).
namespace cpuid_leaf {
inline constexpr uint32_t kVendor = 0x0;              // EAX: max basic leaf
inline constexpr uint32_t kFeatures = 0x1;            // APIC ID, HTT, hypervisor bit
inline constexpr uint32_t kCacheParameters = 0x4;     // Intel deterministic cache
inline constexpr uint32_t kExtendedTopology = 0xB;    // x2APIC topology
inline constexpr uint32_t kExtendedTopologyV2 = 0x1F; // V2 x2APIC topology
inline constexpr uint32_t kHypervisorSignature = 0x40000000;
inline constexpr uint32_t kKvmFeatures = 0x40000001;
inline constexpr uint32_t kExtendedFeatures = 0x80000001;  // AMD CmpLegacy
inline constexpr uint32_t kAmdSizeIdentifiers = 0x80000008;  // NC, ApicIdSize
inline constexpr uint32_t kAmdCacheTopology = 0x8000001D;
inline constexpr uint32_t kAmdExtendedApicId = 0x8000001E;
}  // namespace cpuid_leaf

}  // namespace vmm
