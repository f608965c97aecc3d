// VM-wide setup, in the order KVM requires, before any vCPU exists.
#pragma once

#include <cstdint>

#include <vector>

#include "abi/platform.h"

#include "hv/core/result.h"
#include "hv/kvm/kvm.h"

namespace vmm {

// Guest-physical pages KVM uses itself on Intel VMX to run real-mode and
// unpaged code (KVM API doc, KVM_SET_TSS_ADDR: three pages;
// KVM_SET_IDENTITY_MAP_ADDR: one page). The guest must never see them as RAM,
// so they sit in the free gap between the local APIC page and 4 GiB, as in
// QEMU's and KVM's own defaults (identity map just below the TSS).
inline constexpr uint64_t kKvmIdentityMapGpa = 0xfffbc000;
inline constexpr uint64_t kKvmIdentityMapSize = 0x1000;
inline constexpr uint64_t kKvmTssGpa = 0xfffbd000;
inline constexpr uint64_t kKvmTssSize = 3 * 0x1000;

static_assert(kKvmIdentityMapGpa + kKvmIdentityMapSize <= kKvmTssGpa);
static_assert(kKvmIdentityMapGpa >= platform::kLapicGpa + platform::kLapicSize,
              "KVM's private pages must lie above every device window");
static_assert(platform::kIoapicGpa + platform::kIoapicSize <= platform::kLapicGpa);
static_assert(kKvmTssGpa + kKvmTssSize <= platform::kHighRamStart,
              "KVM's private pages must lie below the RAM above 4 GiB");
static_assert(kKvmIdentityMapGpa >= platform::kLowRamLimit, "KVM's private pages must not be RAM");

// KVM_SET_TSS_ADDR, KVM_SET_IDENTITY_MAP_ADDR, KVM_CREATE_IRQCHIP (IOAPIC,
// PIC and a local APIC per vCPU created afterwards, hence before any vCPU),
// KVM_CREATE_PIT2 (needs the irqchip). An error names the step.
Result<void> configure_vm(KvmVm& vm);

inline constexpr uint32_t kIsaIrqs = 16;
inline constexpr uint32_t kPitIrq = 0;
inline constexpr uint32_t kCascadeIrq = 2;  // 8259 slave on master pin 2; PIT's IOAPIC pin

// The GSI routing table configure_vm() installs (see vm_setup.cpp).
std::vector<GsiRoute> pc_gsi_routes();

}  // namespace vmm
