// Pieces every test of the whole Vm against the mock KVM needs: what
// KVM_GET_SUPPORTED_CPUID says on a typical host, the guest's debug-exit
// write in a vCPU's run area, and a bounded wait for another thread's work.
#pragma once

#include <linux/kvm.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "abi/platform.h"
#include "tests/unit/mock/mock_kvm.h"

namespace vmm::testing {

inline kvm_cpuid_entry2 cpuid_leaf(uint32_t function, uint32_t eax = 0, uint32_t ebx = 0, uint32_t ecx = 0,
                                   uint32_t edx = 0) {
  kvm_cpuid_entry2 e{};
  e.function = function;
  e.eax = eax;
  e.ebx = ebx;
  e.ecx = ecx;
  e.edx = edx;
  return e;
}

inline std::vector<kvm_cpuid_entry2> typical_host_cpuid() {
  return {cpuid_leaf(0x0, 0x7), cpuid_leaf(0x1, 0x000a0678, 0x00000800, 0x01202000, 0x0f8bfbff),
          cpuid_leaf(0x40000000, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d),
          cpuid_leaf(0x40000001, 0x01007efb), cpuid_leaf(0x80000000, 0x80000008),
          cpuid_leaf(0x80000001, 0, 0, 0x101, 0x20100800), cpuid_leaf(0x80000008, 0x3030)};
}

// KVM_CREATE_VM hands out a new mock VM, and every VM-wide set-up call on it
// succeeds, any number of times: for the tests about what happens after
// set-up. The caller adds what its test is about (memory slots, vCPUs,
// ioeventfds).
inline MockKvmVm* expect_vm_set_up_without_fault(MockKvmSystem& system) {
  using ::testing::_;
  using ::testing::Return;
  auto owned = std::make_unique<MockKvmVm>();
  MockKvmVm* vm = owned.get();
  EXPECT_CALL(system, create_vm())
      .WillOnce(Return(::testing::ByMove(Result<std::unique_ptr<KvmVm>>(std::unique_ptr<KvmVm>(std::move(owned))))));
  EXPECT_CALL(system, supported_cpuid()).WillRepeatedly(Return(typical_host_cpuid()));
  EXPECT_CALL(*vm, set_tss_addr(_)).WillRepeatedly(Return(ok()));
  EXPECT_CALL(*vm, set_identity_map_addr(_)).WillRepeatedly(Return(ok()));
  EXPECT_CALL(*vm, create_irqchip()).WillRepeatedly(Return(ok()));
  EXPECT_CALL(*vm, create_pit2()).WillRepeatedly(Return(ok()));
  EXPECT_CALL(*vm, set_gsi_routing(_)).WillRepeatedly(Return(ok()));
  EXPECT_CALL(*vm, set_irq_line(_, _)).Times(::testing::AnyNumber()).WillRepeatedly(Return(ok()));
  EXPECT_CALL(*vm, register_irqfd(_, _, _)).WillRepeatedly(Return(ok()));
  return vm;
}

// Every per-vCPU set-up call on `vcpu` succeeds; its KVM statistics read as
// `stats`.
inline void expect_vcpu_set_up_without_fault(MockKvmVcpu& vcpu, KvmStats stats = {}) {
  using ::testing::_;
  using ::testing::Return;
  EXPECT_CALL(vcpu, set_cpuid(_)).WillRepeatedly(Return(ok()));
  EXPECT_CALL(vcpu, set_msrs(_)).WillRepeatedly(Return(ok()));
  EXPECT_CALL(vcpu, set_fpu(_)).WillRepeatedly(Return(ok()));
  EXPECT_CALL(vcpu, set_regs(_)).WillRepeatedly(Return(ok()));
  EXPECT_CALL(vcpu, set_sregs(_)).WillRepeatedly(Return(ok()));
  EXPECT_CALL(vcpu, get_regs()).WillRepeatedly(Return(Result<kvm_regs>(kvm_regs{})));
  EXPECT_CALL(vcpu, get_sregs()).WillRepeatedly(Return(Result<kvm_sregs>(kvm_sregs{})));
  EXPECT_CALL(vcpu, read_stats()).WillRepeatedly(Return(Result<KvmStats>(std::move(stats))));
}

// The vCPU writes `value` to the debug-exit port: the VM ends with
// (value << 1) | 1.
inline void write_debug_exit(MockKvmVcpu* vcpu, uint8_t value) {
  kvm_run* run = vcpu->run_area();
  run->exit_reason = KVM_EXIT_IO;
  run->io = {KVM_EXIT_IO_OUT, 1, platform::kDebugExitPort, 1, 4096};
  reinterpret_cast<uint8_t*>(run)[4096] = value;
}

// For waits on another thread's work: the bound only turns a hang into a
// failure.
template <typename Predicate>
bool eventually_within_10s(Predicate done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return true;
}

}  // namespace vmm::testing
